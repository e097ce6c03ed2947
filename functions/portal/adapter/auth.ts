/**
 * The credential the national portal presents when it calls the province's intake door, and the session the
 * province holds on the portal's services (the outbound side adds its login in outbound.ts).
 *
 * Inbound (ASSUMPTION, to confirm): the portal sends `Authorization: Bearer <key>`, a key issued per province.
 * On AWS the key is the Secrets Manager secret DVCQG_INTAKE_SECRET_NAME (default `motcua/<province>/dvcqg-intake`),
 * holding `{"token": "…"}` or the token itself; locally DVCQG_INTAKE_TOKEN or DEV_INTAKE_TOKEN.
 */
import { timingSafeEqual } from 'node:crypto';

export const DEV_INTAKE_TOKEN = 'dev-dvcqg-intake-token';

/** The portal's login answer: `{session, error_code: 0}` (error_code 0 means success). */
export interface PortalSession {
  session: string;
  error_code: number;
}

/** The bearer key in an Authorization header, or undefined. */
export function presentedKey(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1];
}

/** Constant-time comparison of the presented key with the expected one. */
export function keyMatches(presented: string | undefined, expected: string): boolean {
  if (!presented || expected.length === 0) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A secret's value: JSON `{"token": "…"}` or the token itself. */
export function tokenFromSecret(secretString: string): string {
  try {
    const parsed = JSON.parse(secretString) as { token?: unknown };
    if (typeof parsed.token === 'string') return parsed.token;
  } catch {
    // a plain-text secret is the token itself
  }
  return secretString.trim();
}
