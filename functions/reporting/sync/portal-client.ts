/**
 * The HTTP client of the National Public Service Portal's dossier sync service. Where: NATIONAL_PORTAL_URL (the
 * province's `nationalPortal.endpoint`); locally, when unset, the stand-in `${API_URL}/dev/national-portal/records`.
 * Credentials: on AWS the Secrets Manager secret named by NATIONAL_PORTAL_SECRET_NAME (the province's
 * `nationalPortal.secretName`), holding `{"token": "..."}` or the token itself, sent as a bearer token; locally
 * NATIONAL_PORTAL_TOKEN or the development token the stand-in expects.
 *
 * A push never throws: it answers accepted or the reason it failed (kept visible on the dossier's sync state).
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { isLocal } from '#platform/env.ts';
import type { NationalPortalRecord } from '../domain/sync.ts';

/** The token the local stand-in accepts when NATIONAL_PORTAL_TOKEN is not set. */
export const DEV_PORTAL_TOKEN = 'dev-national-portal-token';
const PUSH_TIMEOUT_MS = 10_000;
const SECRET_CACHE_MS = 5 * 60_000;

export type PushResult = { ok: true } | { ok: false; error: string };

export interface PortalClient {
  push(record: NationalPortalRecord): Promise<PushResult>;
}

/** The endpoint records are POSTed to, or undefined when none is configured. */
export function portalEndpoint(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.NATIONAL_PORTAL_URL) return env.NATIONAL_PORTAL_URL;
  if (isLocal() && env.API_URL) return `${env.API_URL}/dev/national-portal/records`;
  return undefined;
}

/** The token the stand-in expects (locally). */
export function expectedDevToken(env: NodeJS.ProcessEnv = process.env): string {
  return env.NATIONAL_PORTAL_TOKEN || DEV_PORTAL_TOKEN;
}

let secrets: SecretsManagerClient | undefined;
let cachedToken: { value: string; loadedAt: number } | undefined;

async function portalToken(): Promise<string> {
  const secretName = process.env.NATIONAL_PORTAL_SECRET_NAME;
  if (isLocal() || !secretName) return expectedDevToken();
  const at = performance.now();
  if (cachedToken && at - cachedToken.loadedAt < SECRET_CACHE_MS) return cachedToken.value;
  secrets ??= new SecretsManagerClient({ maxAttempts: 3 });
  const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: secretName }));
  let value = SecretString ?? '';
  try {
    const parsed = JSON.parse(value) as { token?: unknown };
    if (typeof parsed.token === 'string') value = parsed.token;
  } catch {
    // a plain-text secret is the token itself
  }
  cachedToken = { value, loadedAt: at };
  return value;
}

/** The client that pushes over HTTP to the configured endpoint. */
export const httpPortalClient: PortalClient = {
  async push(record) {
    const endpoint = portalEndpoint();
    if (!endpoint) return { ok: false, error: 'NATIONAL_PORTAL_URL is not configured' };
    try {
      const token = await portalToken();
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(record),
        signal: AbortSignal.timeout(PUSH_TIMEOUT_MS),
      });
      // The body may echo the record (personal data): only the status is kept.
      await response.body?.cancel();
      if (response.ok) return { ok: true };
      if (response.status === 401 || response.status === 403) cachedToken = undefined;
      return { ok: false, error: `HTTP ${response.status} from the national portal` };
    } catch (error) {
      const name = (error as Error).name;
      return {
        ok: false,
        error: name === 'TimeoutError' ? 'timeout' : `${name}: ${(error as Error).message}`.slice(0, 300),
      };
    }
  },
};
