/**
 * The HTTP client of the National Public Service Portal's services, as provincial systems call them: a session
 * login with the province's account, then every call `POST <endpoint> {service, ...fields}` with the session,
 * answered `{error_code: 0}` on success (docs/national-portal.md, "Outbound").
 *
 * Where: NATIONAL_PORTAL_URL (the province's `nationalPortal.endpoint`); the login at NATIONAL_PORTAL_AUTH_URL,
 * by default `<endpoint>/auth`. Locally, when unset, the stand-in `${API_URL}/dev/national-portal/sync`.
 * The account: on AWS the Secrets Manager secret NATIONAL_PORTAL_SECRET_NAME (the province's
 * `nationalPortal.secretName`) holding exactly `{"username": "...", "password": "..."}`; locally
 * NATIONAL_PORTAL_USERNAME / NATIONAL_PORTAL_PASSWORD, or the stand-in's development account.
 *
 * The session is kept per warm container and renewed when the portal says it expired (HTTP 401, or error_code
 * 401 in a 200 answer): the call is then retried once with a new session. A call never throws: it answers
 * accepted, or why not (kept visible on the dossier's sync state).
 */
import { isLocal } from '#platform/env.ts';
import { readSecret } from '#platform/secrets.ts';
import type { DossierRecord, ProgressRecord } from '#portal/contract.ts';

/** The development account the local stand-in accepts (packages/local-cloud/src/national-portal/sync-receiver.ts). */
export const DEV_PORTAL_ACCOUNT = { username: 'motcua-local', password: 'motcua-local-password' } as const;
/** error_code the portal answers for a missing or expired session (assumption, see the docs). */
export const SESSION_EXPIRED_CODE = 401;
const CALL_TIMEOUT_MS = 10_000;

export type PortalAnswer = { ok: true } | { ok: false; error: string };

export interface PortalClient {
  send(record: DossierRecord | ProgressRecord): Promise<PortalAnswer>;
}

export interface PortalAccount {
  username: string;
  password: string;
}

/** The services endpoint, or undefined when none is configured. */
export function portalEndpoint(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.NATIONAL_PORTAL_URL) return env.NATIONAL_PORTAL_URL;
  if (isLocal() && env.API_URL) return `${env.API_URL}/dev/national-portal/sync`;
  return undefined;
}

/** The login endpoint: NATIONAL_PORTAL_AUTH_URL, or `<endpoint>/auth`. */
export function portalAuthEndpoint(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.NATIONAL_PORTAL_AUTH_URL) return env.NATIONAL_PORTAL_AUTH_URL;
  if (isLocal() && !env.NATIONAL_PORTAL_URL && env.API_URL) return `${env.API_URL}/dev/national-portal/auth`;
  const endpoint = portalEndpoint(env);
  return endpoint ? `${endpoint.replace(/\/$/, '')}/auth` : undefined;
}

/**
 * Reads the account secret: exactly `{"username": "...", "password": "..."}` (docs/operations.md). Anything else
 * is a configuration error named plainly, never sent to the portal.
 */
export function parsePortalAccount(secret: string | undefined): PortalAccount {
  let parsed: unknown;
  try {
    parsed = JSON.parse(secret ?? '');
  } catch {
    throw new Error('the national-portal secret is not JSON {"username": "...", "password": "..."}');
  }
  const { username, password } = (parsed ?? {}) as { username?: unknown; password?: unknown };
  if (typeof username !== 'string' || username === '' || typeof password !== 'string' || password === '') {
    throw new Error('the national-portal secret lacks "username" or "password"');
  }
  return { username, password };
}

let session: string | undefined;

async function portalAccount(): Promise<PortalAccount> {
  const secretName = process.env.NATIONAL_PORTAL_SECRET_NAME;
  if (isLocal() || !secretName) {
    return {
      username: process.env.NATIONAL_PORTAL_USERNAME || DEV_PORTAL_ACCOUNT.username,
      password: process.env.NATIONAL_PORTAL_PASSWORD || DEV_PORTAL_ACCOUNT.password,
    };
  }
  return parsePortalAccount(await readSecret(secretName));
}

class PortalRefusal extends Error {}

/** The portal's answer body: `{error_code, message?}`; anything else is an unreadable answer. */
async function readAnswer(response: Response): Promise<{ error_code: number; message?: string; session?: string }> {
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new PortalRefusal(`HTTP ${response.status} from the national portal, not JSON`);
  }
  const errorCode = (body as { error_code?: unknown } | null)?.error_code;
  const code = typeof errorCode === 'string' && errorCode.trim() !== '' ? Number(errorCode) : errorCode;
  if (typeof code !== 'number' || !Number.isFinite(code)) {
    throw new PortalRefusal(`HTTP ${response.status} from the national portal without an error_code`);
  }
  const { message, session: issued } = body as { message?: unknown; session?: unknown };
  return {
    error_code: code,
    ...(typeof message === 'string' ? { message: message.slice(0, 200) } : {}),
    ...(typeof issued === 'string' ? { session: issued } : {}),
  };
}

async function login(): Promise<string> {
  const url = portalAuthEndpoint();
  if (!url) throw new PortalRefusal('NATIONAL_PORTAL_URL is not configured');
  const account = await portalAccount();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(account),
    signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
  });
  if (response.status >= 500) {
    await response.body?.cancel();
    throw new PortalRefusal(`HTTP ${response.status} from the national portal (login)`);
  }
  const answer = await readAnswer(response);
  if (answer.error_code !== 0 || !answer.session) {
    throw new PortalRefusal(
      `login refused: error_code ${answer.error_code}${answer.message ? ` (${answer.message})` : ''}`,
    );
  }
  return answer.session;
}

type CallOutcome = PortalAnswer | { ok: false; sessionExpired: true };

async function call(endpoint: string, sessionId: string, record: DossierRecord | ProgressRecord): Promise<CallOutcome> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${sessionId}` },
    body: JSON.stringify(record),
    signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
  });
  if (response.status >= 500) {
    await response.body?.cancel();
    return { ok: false, error: `HTTP ${response.status} from the national portal` };
  }
  if (response.status === 401) {
    await response.body?.cancel();
    return { ok: false, sessionExpired: true };
  }
  const answer = await readAnswer(response);
  if (answer.error_code === SESSION_EXPIRED_CODE) return { ok: false, sessionExpired: true };
  if (answer.error_code !== 0) {
    return {
      ok: false,
      error: `${record.service}: error_code ${answer.error_code}${answer.message ? ` (${answer.message})` : ''}`,
    };
  }
  return { ok: true };
}

/** The client that calls the configured portal over HTTP. */
export const httpPortalClient: PortalClient = {
  async send(record) {
    const endpoint = portalEndpoint();
    if (!endpoint) return { ok: false, error: 'NATIONAL_PORTAL_URL is not configured' };
    try {
      for (let attempt = 0; attempt < 2; attempt++) {
        session ??= await login();
        const outcome = await call(endpoint, session, record);
        if (!('sessionExpired' in outcome)) return outcome;
        session = undefined;
      }
      return { ok: false, error: `${record.service}: session refused right after login` };
    } catch (error) {
      const name = (error as Error).name;
      if (error instanceof PortalRefusal) return { ok: false, error: error.message };
      return {
        ok: false,
        error: name === 'TimeoutError' ? 'timeout' : `${name}: ${(error as Error).message}`.slice(0, 300),
      };
    }
  },
};

/** Forgets the session (tests that change the environment). */
export function resetPortalSession(): void {
  session = undefined;
}
