/**
 * Keeping the Zalo OA access token alive: the Zalo secret holds the access token ZNS sends with, the refresh token,
 * the application's secret key and when the access token expires. A schedule looks every hour; within
 * REFRESH_MARGIN of the expiry (or when the expiry is unknown: tokens just stored by an operator) it trades the
 * refresh token for new tokens and writes them back as the secret's new version. The refresh token is single use,
 * so what Zalo answers is written before anything else; a failure is logged (a metric and an alarm read it) and
 * thrown (the Lambda Errors alarm and the schedule's retries see it), while the access token still works.
 */
import * as z from 'zod';
import { logger } from '#platform/observability.ts';
import { ZaloOAuthError, type ZaloOaTokens } from '../channels/zalo-oauth.ts';

/** Three hours: two more hourly runs, and their retries, can still refresh before the token expires. */
export const REFRESH_MARGIN_MS = 3 * 60 * 60 * 1000;

/** The Zalo secret (docs/operations.md, "Secrets"); the older `access_token` spelling is read as well. */
export const zaloSecretSchema = z
  .object({
    accessToken: z.string().optional(),
    access_token: z.string().optional(),
    refreshToken: z.string().min(1).optional(),
    secretKey: z.string().min(1).optional(),
    expiresAt: z.iso.datetime({ offset: true }).optional(),
  })
  .loose();
export type ZaloSecret = z.infer<typeof zaloSecretSchema>;

/** Where the secret lives (Secrets Manager on AWS); this code never sees more of it. */
export interface ZaloSecretStore {
  read(): Promise<string | undefined>;
  write(value: string): Promise<void>;
}

export type ZaloTokenRefresh = (credentials: {
  appId: string;
  secretKey: string;
  refreshToken: string;
}) => Promise<ZaloOaTokens>;

export type ZaloRefreshOutcome = { status: 'valid'; expiresAt: string } | { status: 'refreshed'; expiresAt: string };

export class ZaloTokenRefreshError extends Error {
  readonly reason: string;
  constructor(reason: string, message: string) {
    super(message);
    this.name = 'ZaloTokenRefreshError';
    this.reason = reason;
  }
}

function parseSecret(raw: string | undefined): ZaloSecret {
  if (raw === undefined) throw new ZaloTokenRefreshError('secret-missing', 'The Zalo secret does not exist');
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    // A bare token: nothing to refresh it with.
    throw new ZaloTokenRefreshError('no-refresh-token', 'The Zalo secret holds a bare access token, no refresh token');
  }
  const parsed = zaloSecretSchema.safeParse(json);
  if (!parsed.success)
    throw new ZaloTokenRefreshError('secret-malformed', 'The Zalo secret is not in the documented format');
  return parsed.data;
}

/** Refreshes the token when it is due; logs and returns what happened, throws on a failure after logging it. */
export async function refreshZaloTokenIfDue(deps: {
  appId: string;
  secret: ZaloSecretStore;
  refresh: ZaloTokenRefresh;
  now: Date;
}): Promise<ZaloRefreshOutcome> {
  try {
    const secret = parseSecret(await deps.secret.read());
    const expiresAt = secret.expiresAt === undefined ? undefined : Date.parse(secret.expiresAt);
    if (expiresAt !== undefined && expiresAt - deps.now.getTime() > REFRESH_MARGIN_MS) {
      const outcome = { status: 'valid', expiresAt: new Date(expiresAt).toISOString() } as const;
      logger.info('zalo token refresh', outcome);
      return outcome;
    }
    if (!secret.refreshToken || !secret.secretKey) {
      throw new ZaloTokenRefreshError(
        'no-refresh-token',
        'The Zalo secret holds no refreshToken or no secretKey to refresh the access token with',
      );
    }
    let tokens: ZaloOaTokens;
    try {
      tokens = await deps.refresh({
        appId: deps.appId,
        secretKey: secret.secretKey,
        refreshToken: secret.refreshToken,
      });
    } catch (error) {
      const reason = error instanceof ZaloOAuthError ? `zalo-${error.code}` : 'zalo-unreachable';
      throw new ZaloTokenRefreshError(reason, (error as Error).message);
    }
    const newExpiry = new Date(deps.now.getTime() + tokens.expiresInSeconds * 1000).toISOString();
    const { access_token: _legacy, ...kept } = secret;
    const next: ZaloSecret = {
      ...kept,
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      expiresAt: newExpiry,
    };
    try {
      await deps.secret.write(JSON.stringify(next));
    } catch (error) {
      // The old refresh token is spent: the OA must be authorized again (docs/operations.md).
      throw new ZaloTokenRefreshError('secret-write', (error as Error).message);
    }
    const outcome = { status: 'refreshed', expiresAt: newExpiry } as const;
    logger.info('zalo token refresh', outcome);
    return outcome;
  } catch (error) {
    const reason = error instanceof ZaloTokenRefreshError ? error.reason : 'unexpected';
    logger.error('zalo token refresh', { status: 'failed', reason, error: (error as Error).message });
    throw error;
  }
}
