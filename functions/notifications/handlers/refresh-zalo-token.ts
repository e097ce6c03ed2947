/**
 * Scheduled every hour where the province enables Zalo: renews the OA access token before it expires
 * (use-cases/zalo-token.ts). Locally ZNS goes to the dev outbox and there is no token to renew.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { now } from '#platform/clock.ts';
import { isLocal, requiredEnv } from '#platform/env.ts';
import { logger } from '#platform/observability.ts';
import { refreshZaloOaTokens } from '../channels/zalo-oauth.ts';
import { refreshZaloTokenIfDue, type ZaloRefreshOutcome } from '../use-cases/zalo-token.ts';
import { zaloSecretStore } from '../zalo-secret.ts';

const base = async (): Promise<ZaloRefreshOutcome | { status: 'local' }> => {
  if (isLocal()) return { status: 'local' };
  return refreshZaloTokenIfDue({
    appId: requiredEnv('ZALO_APP_ID'),
    secret: zaloSecretStore(requiredEnv('ZALO_SECRET_NAME')),
    refresh: (credentials) => refreshZaloOaTokens(credentials),
    now: now(),
  });
};

export const handler = middy(base).use(injectLambdaContext(logger, { resetKeys: true }));
