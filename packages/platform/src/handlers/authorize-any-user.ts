/**
 * Lambda authorizer for routes open to citizens AND officials (an HTTP API JWT authorizer trusts one
 * issuer only). Same verification as the JWT authorizers; the verified claims go to the handler as the
 * authorizer context, where `identity.ts` reads them.
 */
import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import { bearerToken, createTokenVerifier, issuersFromEnv } from '../jwt.ts';
import { logger } from '../observability.ts';

const verify = createTokenVerifier(issuersFromEnv());

type AuthorizerContext = Record<string, string>;

export const handler = async (
  event: APIGatewayRequestAuthorizerEventV2,
): Promise<APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext>> => {
  const token = bearerToken(event.headers?.authorization ?? event.identitySource?.[0]);
  if (!token) return { isAuthorized: false, context: {} };
  try {
    const claims = await verify(token, ['citizen', 'official']);
    // `exp` goes along so that handlers refuse the token once it expires, even while API Gateway still
    // serves this answer from its authorizer cache (identity.ts `tokenExpired`).
    const context: AuthorizerContext = {
      sub: String(claims.sub ?? ''),
      issuerKind: claims.issuerKind,
      ...(claims.exp !== undefined ? { exp: String(claims.exp) } : {}),
    };
    for (const key of ['roles', 'agencyCode', 'name', 'title'] as const) {
      const value = claims[key];
      if (value !== undefined) context[key] = typeof value === 'string' ? value : JSON.stringify(value);
    }
    return { isAuthorized: true, context };
  } catch (error) {
    logger.info('token refused', { reason: (error as Error).message });
    return { isAuthorized: false, context: {} };
  }
};
