/**
 * Who may see which figures: officers their own agency's (the agency filter is forced to theirs; asking for
 * another agency is refused), leaders and admins every agency and the province; the public only the province's
 * index (a separate route, no token).
 */
import { ForbiddenError } from '#platform/errors.ts';
import { hasRole, type Identity, requireRole } from '#platform/identity.ts';

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
  vi: 'Cán bộ chỉ được xem số liệu của cơ quan mình.',
  en: "Officers may only see their own agency's figures.",
};

/** The scope an official may read, given what they asked for; 401/403 for anyone else. */
export function allowedReportScope(identity: Identity | undefined, requested: RequestedScope): AllowedScope {
  const who = requireRole(identity, 'officer', 'leader', 'admin');
  if (who.issuer === 'official' && hasRole(who, 'leader', 'admin')) {
    return {
      ...(requested.agencyCode === undefined ? {} : { agencyCode: requested.agencyCode }),
      includeSubAgencies: requested.agencyCode !== undefined && requested.includeSubAgencies === true,
    };
  }
  if (who.issuer !== 'official' || who.agencyCode === undefined) throw new ForbiddenError(OTHER_AGENCY);
  if (requested.agencyCode !== undefined && requested.agencyCode !== who.agencyCode) {
    throw new ForbiddenError(OTHER_AGENCY);
  }
  return { agencyCode: who.agencyCode, includeSubAgencies: false };
}

/** Whether an official may see the sync state of a dossier received by, or now held by, these agencies. */
export function maySeeDossierOf(identity: Identity | undefined, agencyCodes: readonly string[]): boolean {
  const who = requireRole(identity, 'officer', 'leader', 'admin');
  if (who.issuer !== 'official') return false;
  if (hasRole(who, 'leader', 'admin')) return true;
  return who.agencyCode !== undefined && agencyCodes.includes(who.agencyCode);
}
