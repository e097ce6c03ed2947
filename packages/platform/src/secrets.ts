/**
 * Reading secrets from Secrets Manager, in one place for every context: cached per secret for a few minutes in
 * a warm container (a secret is read on the request path, and GetSecretValue costs time and money), a missing
 * secret read as "not configured" (undefined) rather than an error, and `fresh` to bypass the cache once — a
 * refused credential re-reads its secret, so a rotated secret is picked up at once without waiting for the cache.
 *
 * Locally there is no Secrets Manager: callers take their local value from the environment before asking here.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type * as z from 'zod';
import { awsRetryStrategy, MAX_ATTEMPTS } from './aws-retry.ts';

/** How long a read secret is reused. Rotation is picked up by `fresh` reads, so this bounds only staleness. */
export const SECRET_CACHE_MS = 5 * 60_000;

export type SecretFetcher = (secretId: string) => Promise<string | undefined>;

/**
 * A cache over a fetcher (the AWS one below in production; a plain function in unit tests). `now` is a monotonic
 * clock in milliseconds: cache lifetimes are real time, not the business clock (which tests move).
 */
export function secretCache(
  fetch: SecretFetcher,
  ttlMs = SECRET_CACHE_MS,
  now: () => number = () => performance.now(),
) {
  const entries = new Map<string, { value: string | undefined; loadedAt: number }>();
  return async (secretId: string, options: { fresh?: boolean } = {}): Promise<string | undefined> => {
    const hit = entries.get(secretId);
    if (!options.fresh && hit && now() - hit.loadedAt < ttlMs) return hit.value;
    const value = await fetch(secretId);
    entries.set(secretId, { value, loadedAt: now() });
    return value;
  };
}

let client: SecretsManagerClient | undefined;

/** GetSecretValue; a secret that does not exist is undefined (the feature it configures is off). */
export const fetchFromSecretsManager: SecretFetcher = async (secretId) => {
  client ??= new SecretsManagerClient({ maxAttempts: MAX_ATTEMPTS, retryStrategy: awsRetryStrategy });
  try {
    const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    return out.SecretString;
  } catch (error) {
    if ((error as { name?: string }).name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
};

const shared = secretCache(fetchFromSecretsManager);

/** A secret's string value (cached), or undefined when it does not exist. */
export function readSecret(secretId: string, options: { fresh?: boolean } = {}): Promise<string | undefined> {
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
