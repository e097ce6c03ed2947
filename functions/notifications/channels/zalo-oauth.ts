/**
 * Zalo's OAuth v4 for Official Accounts: a new access token (it lives 25 hours) from the refresh token (valid three
 * months, single use: each refresh returns the next one). `POST https://oauth.zaloapp.com/v4/oa/access_token`,
 * form-encoded `refresh_token`, `app_id`, `grant_type=refresh_token`, with the application's secret key in the
 * `secret_key` header. Zalo answers HTTP 200 with `access_token`, `refresh_token` and `expires_in` (seconds, a
 * string), or with `error` (a negative code) and `error_name`/`error_description`.
 */
import type { FetchLike } from './zalo.ts';

export const ZALO_OAUTH_ENDPOINT = 'https://oauth.zaloapp.com/v4/oa/access_token';

export interface ZaloOaTokens {
  accessToken: string;
  /** The next refresh token: the one just used no longer works. */
  refreshToken: string;
  expiresInSeconds: number;
}

export class ZaloOAuthError extends Error {
  /** Zalo's error code, or `http-<status>` / `malformed`. */
  readonly code: string;
  constructor(message: string, code: string) {
    super(message);
    this.name = 'ZaloOAuthError';
    this.code = code;
  }
}

export interface ZaloOAuthOptions {
  fetch?: FetchLike;
  endpoint?: string;
  timeoutMs?: number;
}

export async function refreshZaloOaTokens(
  credentials: { appId: string; secretKey: string; refreshToken: string },
  options: ZaloOAuthOptions = {},
): Promise<ZaloOaTokens> {
  const doFetch = options.fetch ?? (globalThis.fetch as unknown as FetchLike);
  const response = await doFetch(options.endpoint ?? ZALO_OAUTH_ENDPOINT, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', secret_key: credentials.secretKey },
    body: new URLSearchParams({
      refresh_token: credentials.refreshToken,
      app_id: credentials.appId,
      grant_type: 'refresh_token',
    }).toString(),
    signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
  });
  const text = await response.text();
  if (!response.ok) throw new ZaloOAuthError(`Zalo OAuth answered HTTP ${response.status}`, `http-${response.status}`);
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new ZaloOAuthError('Zalo OAuth answered with a body that is not JSON', 'malformed');
  }
  const { access_token: accessToken, refresh_token: refreshToken, expires_in: expiresIn } = body;
  const expiresInSeconds = Number(expiresIn);
  if (
    typeof accessToken !== 'string' ||
    accessToken === '' ||
    typeof refreshToken !== 'string' ||
    refreshToken === '' ||
    !Number.isFinite(expiresInSeconds) ||
    expiresInSeconds <= 0
  ) {
    // Never the body itself in the message: on success it carries tokens.
    const code = body.error === undefined ? 'malformed' : String(body.error);
    const name = typeof body.error_name === 'string' ? `: ${body.error_name}` : '';
    throw new ZaloOAuthError(`Zalo OAuth refused the refresh (${code}${name})`, code);
  }
  return { accessToken, refreshToken, expiresInSeconds };
}
