/**
 * The intake door's credential: the key the national portal presents, per province. On AWS the Secrets Manager
 * secret DVCQG_INTAKE_SECRET_NAME (set from the topology's `dvcqg-intake` secret); locally DVCQG_INTAKE_TOKEN
 * or the development key. Cached by the secrets module in a warm container; a refused key re-reads it once, so a
 * rotated secret is picked up at once.
 */
import { isLocal } from '#platform/env.ts';
import { UnauthorizedError } from '#platform/errors.ts';
import { readSecret } from '#platform/secrets.ts';
import { DEV_INTAKE_TOKEN, keyMatches, presentedKey, tokenFromSecret } from './adapter/auth.ts';

/** The key to expect; '' (nothing matches) when no secret is named or it does not exist. */
async function expectedKey(fresh: boolean): Promise<string> {
  if (isLocal()) return process.env.DVCQG_INTAKE_TOKEN || DEV_INTAKE_TOKEN;
  const secretName = process.env.DVCQG_INTAKE_SECRET_NAME;
  if (!secretName) return '';
  const secret = await readSecret(secretName, { fresh });
  return secret === undefined ? '' : tokenFromSecret(secret);
}

const REFUSED = {
  vi: 'Thiếu hoặc sai khóa xác thực của Cổng DVCQG.',
  en: 'Missing or wrong national-portal credential.',
};

/** Throws 401 unless the request carries the province's intake key. */
export async function requirePortalCredential(authorization: string | undefined): Promise<void> {
  const presented = presentedKey(authorization);
  if (!presented) throw new UnauthorizedError(REFUSED);
  if (keyMatches(presented, await expectedKey(false))) return;
  if (!isLocal() && keyMatches(presented, await expectedKey(true))) return;
  throw new UnauthorizedError(REFUSED);
}
