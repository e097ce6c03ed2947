/**
 * The Zalo secret in Secrets Manager, read and written whole (GetSecretValue, PutSecretValue: the new value becomes
 * AWSCURRENT, the one before stays as AWSPREVIOUS). Read directly, not through the cached reader of
 * #platform/secrets.ts: the refresher must see the refresh token it wrote last, not one up to five minutes old.
 */
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { awsRetryStrategy, MAX_ATTEMPTS } from '#platform/aws-retry.ts';
import { traced } from '#platform/observability.ts';
import type { ZaloSecretStore } from './use-cases/zalo-token.ts';

let shared: SecretsManagerClient | undefined;

export function zaloSecretStore(secretId: string, client?: SecretsManagerClient): ZaloSecretStore {
  const sm = (): SecretsManagerClient => {
    if (client) return client;
    shared ??= traced(new SecretsManagerClient({ maxAttempts: MAX_ATTEMPTS, retryStrategy: awsRetryStrategy }));
    return shared;
  };
  return {
    async read() {
      try {
        const out = await sm().send(new GetSecretValueCommand({ SecretId: secretId }));
        return out.SecretString;
      } catch (error) {
        if (error instanceof ResourceNotFoundException) return undefined;
        throw error;
      }
    },
    async write(value) {
      await sm().send(new PutSecretValueCommand({ SecretId: secretId, SecretString: value }));
    },
  };
}
