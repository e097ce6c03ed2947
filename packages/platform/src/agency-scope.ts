/**
 * How far an official's reach goes, for reading what belongs to an agency (its dossiers and what hangs off them:
 * documents, payments, notifications, sync state, figures). The province configures it (`access` in
 * config/provinces/<id>.json, given to functions as PROVINCE_ACCESS_SCOPE); by default:
 * - officers: their own agency;
 * - leaders: their own agency and every agency below it in the catalog (`parentCode`, any depth);
 * - admins: likewise from their agency; an admin with no agency is the province's administrator (every agency);
 * - an official whose agency is not of this province holds no role at all (identity.ts), citizens none here.
 * Acting on a dossier stays with the officials of the agency holding it (the transition table); this is reading.
 *
 * The agency tree is the catalog's published one (`GET /agencies`, public), read through this deployment's API and
 * kept for a minute per container; a context keeps no copy of it. Until it can be read, a leader reaches their own
 * agency only (never more than the rule gives).
 */
import type { Identity } from './identity.ts';
import { logger } from './observability.ts';
import { type AccessScope, DEFAULT_ACCESS_SCOPE, SCOPE_RULES, type ScopeRule } from './province.ts';

export type { AccessScope, ScopeRule };

/** The environment variable carrying the province's `access` settings (JSON) to every function. */
export const ACCESS_SCOPE_ENV = 'PROVINCE_ACCESS_SCOPE';

const isRule = (value: unknown): value is ScopeRule => (SCOPE_RULES as readonly unknown[]).includes(value);

/** The province's rules as the functions get them; the defaults for what is unset or not understood. */
export function accessScopeFromEnv(env: NodeJS.ProcessEnv = process.env): AccessScope {
  const raw = env[ACCESS_SCOPE_ENV];
  if (raw === undefined || raw === '') return DEFAULT_ACCESS_SCOPE;
  let parsed: Partial<Record<keyof AccessScope, unknown>> = {};
  try {
    parsed = JSON.parse(raw) as typeof parsed;
  } catch {
    logger.warn(`${ACCESS_SCOPE_ENV} is not JSON; the default access scope applies`);
  }
  return {
    leaders: isRule(parsed.leaders) ? parsed.leaders : DEFAULT_ACCESS_SCOPE.leaders,
    admins: isRule(parsed.admins) ? parsed.admins : DEFAULT_ACCESS_SCOPE.admins,
  };
}

/** Each agency's parent, by code. */
export type AgencyParents = ReadonlyMap<string, string | undefined>;
type ParentsLoader = () => Promise<AgencyParents>;

const CACHE_MS = 60_000;
const TIMEOUT_MS = 5_000;

/** The catalog's agencies through this deployment's public API. */
async function catalogParents(): Promise<AgencyParents> {
  const base = process.env.API_URL?.replace(/\/+$/, '');
  if (!base) throw new Error('API_URL is not set');
  const response = await fetch(`${base}/agencies`, {
    headers: { accept: 'application/json' },
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new Error(`GET /agencies answered ${response.status}`);
  }
  const items = (await response.json()) as unknown;
  const parents = new Map<string, string | undefined>();
  for (const item of Array.isArray(items) ? items : []) {
    const { code, parentCode } = (item ?? {}) as { code?: unknown; parentCode?: unknown };
    if (typeof code === 'string') parents.set(code, typeof parentCode === 'string' ? parentCode : undefined);
  }
  return parents;
}

let loadParents: ParentsLoader = catalogParents;
let cached: { until: number; parents: Promise<AgencyParents> } | undefined;

/** Tests: where the tree comes from (undefined: the catalog's API again); forgets what was kept. */
export function useAgencyParents(loader?: ParentsLoader): void {
  loadParents = loader ?? catalogParents;
  cached = undefined;
}

async function agencyParents(): Promise<AgencyParents> {
  const at = Date.now();
  if (!cached || cached.until <= at) {
    const parents = loadParents();
    cached = { until: at + CACHE_MS, parents };
    parents.catch((error: Error) => {
      logger.warn('the agency tree could not be read; leaders reach their own agency only', { error });
      if (cached?.parents === parents) cached = undefined;
    });
  }
  try {
    return await cached.parents;
  } catch {
    return new Map();
  }
}

/** Whether `code` is `ancestor` or an agency somewhere below it. */
function isWithin(code: string, ancestor: string, parents: AgencyParents): boolean {
  const seen = new Set<string>();
  for (let current: string | undefined = code; current !== undefined && !seen.has(current); ) {
    if (current === ancestor) return true;
    seen.add(current);
    current = parents.get(current);
  }
  return false;
}

/** The caller as far as the scope cares (the platform's Identity fits). */
export type Official = Pick<Identity, 'issuer' | 'agencyCode'> & { roles: readonly string[] };

/**
 * The rule that applies to the caller: `own` for an officer (their agency), the province's rule for a leader or
 * an admin with an agency, `province` for an admin without one; undefined when they hold no official role here.
 */
export function scopeRuleOf(
  identity: Official,
  scope: AccessScope = accessScopeFromEnv(),
): ScopeRule | 'own' | undefined {
  if (identity.issuer !== 'official') return undefined;
  if (identity.roles.includes('admin')) return identity.agencyCode === undefined ? 'province' : scope.admins;
  if (identity.roles.includes('leader')) return identity.agencyCode === undefined ? undefined : scope.leaders;
  if (identity.roles.includes('officer')) return identity.agencyCode === undefined ? undefined : 'own';
  return undefined;
}

/**
 * Whether the caller may read what belongs to one of these agencies (undefined entries are ignored): see the
 * rules above. The tree is read only when the caller's own agency is not among them and their rule reaches below.
 */
export async function mayOversee(
  identity: Official | undefined,
  agencyCodes: readonly (string | undefined)[],
  scope: AccessScope = accessScopeFromEnv(),
): Promise<boolean> {
  if (!identity) return false;
  const rule = scopeRuleOf(identity, scope);
  if (rule === undefined) return false;
  if (rule === 'province') return true;
  const codes = agencyCodes.filter((code): code is string => typeof code === 'string' && code !== '');
  if (identity.agencyCode !== undefined && codes.includes(identity.agencyCode)) return true;
  if (rule !== 'agency-and-children' || identity.agencyCode === undefined || codes.length === 0) return false;
  const parents = await agencyParents();
  const own = identity.agencyCode;
  return codes.some((code) => isWithin(code, own, parents));
}
