/**
 * Reading secrets from Secrets Manager, in one place for every context, on Powertools Parameters' SecretsProvider
 * (decision 0018): cached per secret for a few minutes in a warm container (a secret is read on the request path,
 * and GetSecretValue costs time and money), a secret that does not exist read as "not configured" (undefined)
 * rather than an error, and `fresh` to bypass the cache once — a refused credential re-reads its secret, so a
 * rotated secret is picked up at once without waiting for the cache to expire.
 *
 * Locally there is no Secrets Manager: callers take their local value from the environment before asking here.
 */
import { GetParameterError, ParameterNotFoundError } from '@aws-lambda-powertools/parameters/errors';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type * as z from 'zod';
import { awsRetryStrategy, MAX_ATTEMPTS } from './aws-retry.ts';

/** How long a read secret is reused. Rotation is picked up by `fresh` reads, so this bounds only staleness. */
export const SECRET_CACHE_SECONDS = 300;

export type SecretReader = (secretId: string, options?: { fresh?: boolean }) => Promise<string | undefined>;

/** A reader over one Secrets Manager client (the process's own below; tests pass a client of their own). */
export function secretReader(client: SecretsManagerClient): SecretReader {
  const provider = new SecretsProvider({ awsSdkV3Client: client });
  return async (secretId, options = {}) => {
    try {
      const value = await provider.get(secretId, {
        maxAge: SECRET_CACHE_SECONDS,
        forceFetch: options.fresh === true,
        throwOnMissing: true,
      });
      if (value === undefined || typeof value === 'string') return value;
      return Buffer.from(value).toString('utf8');
    } catch (error) {
      if (error instanceof ParameterNotFoundError) return undefined;
      // Powertools wraps the SDK's error; callers classify by it (throttling is temporary, access denied is not).
      if (error instanceof GetParameterError && error.cause !== undefined) throw error.cause;
      throw error;
    }
  };
}

let shared: SecretReader | undefined;

/** A secret's string value (cached), or undefined when it does not exist. */
export function readSecret(secretId: string, options: { fresh?: boolean } = {}): Promise<string | undefined> {
  shared ??= secretReader(new SecretsManagerClient({ maxAttempts: MAX_ATTEMPTS, retryStrategy: awsRetryStrategy }));
  return shared(secretId, options);
}

/** A JSON secret parsed with its schema, or undefined when it does not exist. A malformed one throws. */
export async function readJsonSecret<T>(
  secretId: string,
  schema: z.ZodType<T>,
  options: { fresh?: boolean } = {},
): Promise<T | undefined> {
  const raw = await readSecret(secretId, options);
  if (raw === undefined) return undefined;
  return schema.parse(JSON.parse(raw));
}
