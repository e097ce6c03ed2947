/**
 * Token verification as the API gateway's JWT authorizer does it: signature against the issuer's JWKS,
 * `iss`, `aud`, `exp`/`nbf`. Used by the multi-issuer authorizer (routes open to both citizens and
 * officials) and by the local gateway, so that locally a token is accepted or refused exactly as on AWS.
 */
import { createRemoteJWKSet, decodeJwt, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import type { IssuerKind } from './identity.ts';

export interface IssuerConfig {
  kind: IssuerKind;
  issuer: string;
  audience: string;
  jwksUri: string;
}

export class TokenRejected extends Error {}

export type TokenVerifier = (
  token: string,
  accept: readonly IssuerKind[],
) => Promise<JWTPayload & { issuerKind: IssuerKind }>;

export function createTokenVerifier(
  issuers: IssuerConfig[],
  keySetFor: (issuer: IssuerConfig) => JWTVerifyGetKey = (i) => createRemoteJWKSet(new URL(i.jwksUri)),
): TokenVerifier {
  const keySets = new Map(issuers.map((i) => [i.issuer, keySetFor(i)] as const));
  return async (token, accept) => {
    let unverifiedIssuer: unknown;
    try {
      unverifiedIssuer = decodeJwt(token).iss;
    } catch {
      throw new TokenRejected('malformed token');
    }
    const config = issuers.find((i) => i.issuer === unverifiedIssuer && accept.includes(i.kind));
    const keySet = config ? keySets.get(config.issuer) : undefined;
    if (!config || !keySet) throw new TokenRejected('issuer not accepted on this route');
    try {
      const { payload } = await jwtVerify(token, keySet, {
        issuer: config.issuer,
        audience: config.audience,
        algorithms: ['RS256', 'ES256'],
        clockTolerance: 5,
      });
      return { ...payload, issuerKind: config.kind };
    } catch (error) {
      throw new TokenRejected((error as Error).message);
    }
  };
}

export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1];
}

export function issuersFromEnv(env: NodeJS.ProcessEnv = process.env): IssuerConfig[] {
  const out: IssuerConfig[] = [];
  for (const [kind, prefix] of [
    ['citizen', 'CITIZEN'],
    ['official', 'OFFICIAL'],
  ] as const) {
    const issuer = env[`${prefix}_ISSUER`];
    const audience = env[`${prefix}_AUDIENCE`];
    const jwksUri = env[`${prefix}_JWKS_URI`];
    if (issuer && audience && jwksUri) out.push({ kind, issuer, audience, jwksUri });
  }
  return out;
}
