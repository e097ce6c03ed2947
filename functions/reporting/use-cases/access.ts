/**
 * Who may see which figures: officers their own agency's (the agency filter is forced to theirs; asking for
 * another agency is refused); leaders (and admins with an agency) as the province configures — by default their
 * agency and every agency below it (#platform/agency-scope.ts); the province's admin every agency and the province;
 * the public only the province's index (a separate route, no token).
 */
import { mayOversee, scopeRuleOf } from '#platform/agency-scope.ts';
import { ForbiddenError } from '#platform/errors.ts';
import { type Identity, requireRole } from '#platform/identity.ts';

export interface RequestedScope {
  agencyCode?: string;
  includeSubAgencies?: boolean;
}

export interface AllowedScope {
  /** undefined: the whole province. */
  agencyCode?: string;
  includeSubAgencies: boolean;
}

const OTHER_AGENCY = {
  vi: 'Chỉ được xem số liệu của cơ quan mình (lãnh đạo: cả các cơ quan cấp dưới).',
  en: "Officials may only see their own agency's figures (leaders: also those of the agencies below it).",
};

/** The scope an official may read, given what they asked for; 401/403 for anyone else. */
export async function allowedReportScope(
  identity: Identity | undefined,
  requested: RequestedScope,
): Promise<AllowedScope> {
  const who = requireRole(identity, 'officer', 'leader', 'admin');
  const rule = scopeRuleOf(who);
  if (rule === undefined) throw new ForbiddenError(OTHER_AGENCY);
  if (rule === 'province') {
    return {
      ...(requested.agencyCode === undefined ? {} : { agencyCode: requested.agencyCode }),
      includeSubAgencies: requested.agencyCode !== undefined && requested.includeSubAgencies === true,
    };
  }
  const own = who.agencyCode;
  if (own === undefined) throw new ForbiddenError(OTHER_AGENCY);
  const below = rule === 'agency-and-children';
  // Nothing asked: their own agency (with those below it, for whoever reaches them).
  if (requested.agencyCode === undefined) return { agencyCode: own, includeSubAgencies: below };
  if (!(await mayOversee(who, [requested.agencyCode]))) throw new ForbiddenError(OTHER_AGENCY);
  return { agencyCode: requested.agencyCode, includeSubAgencies: below && requested.includeSubAgencies === true };
}

/** Whether an official may see the sync state of a dossier received by, or now held by, these agencies. */
export async function maySeeDossierOf(
  identity: Identity | undefined,
  agencyCodes: readonly string[],
): Promise<boolean> {
  return mayOversee(requireRole(identity, 'officer', 'leader', 'admin'), agencyCodes);
}

const PROVINCE_ADMIN_ONLY = {
  vi: 'Chỉ quản trị viên của tỉnh (không thuộc cơ quan nào) được thực hiện việc này.',
  en: "Only the province's administrator (an admin of no agency) may do this.",
};

/** The province's administrator: an admin with no agency (an agency's admin reaches only part of the province). */
export function requireProvinceAdmin(identity: Identity | undefined): Identity {
  const who = requireRole(identity, 'admin');
  if (who.agencyCode !== undefined) throw new ForbiddenError(PROVINCE_ADMIN_ONLY);
  return who;
}
