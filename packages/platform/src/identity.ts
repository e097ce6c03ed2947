/**
 * The caller's identity, taken from the claims the API gateway verified (JWT authorizer) or that the
 * multi-issuer authorizer returned. Handlers never see raw tokens.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Role } from '#topology/types.ts';
import { ForbiddenError, UnauthorizedError } from './errors.ts';
import { provinceFromEnv } from './province.ts';

export type IssuerKind = 'citizen' | 'official';

export interface Identity {
  sub: string;
  issuer: IssuerKind;
  roles: Role[];
  agencyCode?: string;
  name?: string;
  title?: string;
}

const ROLES: readonly Role[] = ['citizen', 'officer', 'leader', 'admin'];

/**
 * API Gateway HTTP APIs flatten array claims into a string such as `[officer leader]`; the multi-issuer
 * authorizer passes JSON. Accept both, and real arrays from the local gateway.
 */
export function parseRolesClaim(value: unknown): Role[] {
  let items: unknown[] = [];
  if (Array.isArray(value)) items = value;
  else if (typeof value === 'string') {
    const text = value.trim();
    if (text.startsWith('[') && text.includes('"')) {
      try {
        const parsed: unknown = JSON.parse(text);
        items = Array.isArray(parsed) ? parsed : [];
      } catch {
        items = [];
      }
    } else {
      items = text.replace(/^\[|\]$/g, '').split(/[\s,]+/);
    }
  }
  return items.filter((r): r is Role => typeof r === 'string' && (ROLES as readonly string[]).includes(r));
}

type Claims = Record<string, unknown>;

function claimsOf(event: APIGatewayProxyEventV2): Claims | undefined {
  const authorizer = (event.requestContext as { authorizer?: { jwt?: { claims?: Claims }; lambda?: Claims } })
    .authorizer;
  return authorizer?.jwt?.claims ?? authorizer?.lambda;
}

/** Which issuer a token came from, by its `iss` claim against the configured issuers. */
export function issuerKindOf(iss: unknown): IssuerKind | undefined {
  if (typeof iss !== 'string') return undefined;
  if (iss === process.env.CITIZEN_ISSUER) return 'citizen';
  if (iss === process.env.OFFICIAL_ISSUER) return 'official';
  return undefined;
}

/**
 * Whether the token's `exp` (seconds; a string in API Gateway's authorizer context) has passed. The Lambda
 * authorizer's answer is cached by API Gateway for minutes, keyed by the Authorization header: a token that
 * expires meanwhile would still be let through, so every handler checks `exp` again here. Tokens without `exp`
 * are refused by the verifiers before they get here.
 */
export function tokenExpired(exp: unknown, nowMs: number = Date.now()): boolean {
  if (exp === undefined || exp === null || exp === '') return false;
  const seconds = typeof exp === 'number' ? exp : Number(exp);
  return !Number.isFinite(seconds) || seconds * 1000 <= nowMs;
}

/**
 * Whether an agency code belongs to this province: its last part is the province's code (`000.00.15.H19` is
 * Đồng Nai's when PROVINCE_CODE is H19). An official with an agency of another province holds no role here.
 */
export function isAgencyOfProvince(agencyCode: string, provinceCode: string = provinceFromEnv().code): boolean {
  return agencyCode.split('.').at(-1) === provinceCode;
}

export function identityFromClaims(claims: Claims): Identity | undefined {
  const sub = claims.sub;
  if (typeof sub !== 'string' || sub === '') return undefined;
  if (tokenExpired(claims.exp)) return undefined;
  const issuer =
    (claims.issuerKind === 'citizen' || claims.issuerKind === 'official' ? claims.issuerKind : undefined) ??
    issuerKindOf(claims.iss);
  if (!issuer) return undefined;
  let roles = parseRolesClaim(claims.roles ?? claims['cognito:groups']);
  // A token from the citizens' issuer is a citizen's, whatever else it claims: officials' roles can only
  // come from the province's own identity provider.
  roles = issuer === 'citizen' ? ['citizen'] : roles.filter((r) => r !== 'citizen');
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  const agencyCode = str(claims.agencyCode ?? claims['custom:agencyCode']);
  // An official of another province's agency gets nothing here, whatever roles the token claims.
  if (issuer === 'official' && agencyCode !== undefined && !isAgencyOfProvince(agencyCode)) roles = [];
  return {
    sub,
    issuer,
    roles,
    agencyCode,
    name: str(claims.name),
    title: str(claims.title ?? claims['custom:title']),
  };
}

export function identityFromEvent(event: APIGatewayProxyEventV2): Identity | undefined {
  const claims = claimsOf(event);
  return claims ? identityFromClaims(claims) : undefined;
}

export function requireIdentity(identity: Identity | undefined): Identity {
  if (!identity) throw new UnauthorizedError();
  return identity;
}

export function hasRole(identity: Identity, ...roles: Role[]): boolean {
  return identity.roles.some((r) => roles.includes(r));
}

export function requireRole(identity: Identity | undefined, ...roles: Role[]): Identity {
  const who = requireIdentity(identity);
  if (!hasRole(who, ...roles)) throw new ForbiddenError();
  return who;
}

/** An official (officer or leader) of a given agency, or an admin. */
export function isOfficialOf(identity: Identity, agencyCode: string): boolean {
  if (identity.issuer !== 'official') return false;
  if (identity.roles.includes('admin')) return true;
  return hasRole(identity, 'officer', 'leader') && identity.agencyCode === agencyCode;
}
