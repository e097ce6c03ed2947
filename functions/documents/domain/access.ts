/**
 * Who may touch a document. A document belongs to the citizen who uploaded it (or for whom an official
 * digitized it) and to the agency whose official uploaded it; officials of an agency handling a dossier that
 * carries it may read it (a grant recorded from the dossier's events); the applicant may read the signed
 * result of their dossier (a citizen grant). Anyone else is told it does not exist.
 */
import type { DocumentRecord } from './document.ts';

/** The caller, as far as access rules care (the platform's Identity fits). */
export interface Caller {
  sub: string;
  issuer: 'citizen' | 'official';
  roles: readonly string[];
  agencyCode?: string;
}

export type Grant = { kind: 'agency'; agencyCode: string } | { kind: 'citizen'; idNumber: string };

const isCitizen = (who: Caller): boolean => who.issuer === 'citizen' && who.roles.includes('citizen');

/** An officer or leader of some agency (admins get no blanket access to people's documents). */
const officialAgency = (who: Caller): string | undefined =>
  who.issuer === 'official' && (who.roles.includes('officer') || who.roles.includes('leader'))
    ? who.agencyCode
    : undefined;

/** Owner: the citizen it belongs to, or an official of the agency it belongs to. */
export function isOwner(who: Caller, doc: Pick<DocumentRecord, 'ownerIdNumber' | 'ownerAgencyCode'>): boolean {
  if (isCitizen(who)) return doc.ownerIdNumber !== undefined && doc.ownerIdNumber === who.sub;
  const agency = officialAgency(who);
  return agency !== undefined && doc.ownerAgencyCode === agency;
}

export function canRead(
  who: Caller,
  doc: Pick<DocumentRecord, 'ownerIdNumber' | 'ownerAgencyCode'>,
  grants: readonly Grant[],
): boolean {
  if (isOwner(who, doc)) return true;
  if (isCitizen(who)) return grants.some((g) => g.kind === 'citizen' && g.idNumber === who.sub);
  const agency = officialAgency(who);
  return agency !== undefined && grants.some((g) => g.kind === 'agency' && g.agencyCode === agency);
}

/** Only whoever opened the upload slot completes it. */
export function canComplete(who: Caller, doc: Pick<DocumentRecord, 'uploadedBy'>): boolean {
  return doc.uploadedBy.sub === who.sub && doc.uploadedBy.kind === who.issuer;
}

/**
 * Who is uploading, and for whom: the ownership a new document gets. An official's scan for an applicant
 * (`onBehalfOf`) belongs to the official's agency and names the applicant; it reaches the applicant's store only
 * for a dossier of that agency (`mayDigitizeFor`, or `placeInStore` when such a dossier carries it).
 */
export function ownershipOfUpload(
  who: Caller,
  request: { digitized?: boolean; onBehalfOf?: string },
):
  | { ok: true; ownerIdNumber?: string; ownerAgencyCode?: string; onBehalfOf?: string; digitized: boolean }
  | { ok: false; reason: 'not-allowed' | 'on-behalf-needs-digitized' | 'citizen-cannot-digitize' } {
  if (isCitizen(who)) {
    if (request.digitized || request.onBehalfOf !== undefined) return { ok: false, reason: 'citizen-cannot-digitize' };
    return { ok: true, ownerIdNumber: who.sub, digitized: false };
  }
  const agency = officialAgency(who);
  if (agency === undefined) return { ok: false, reason: 'not-allowed' };
  if (request.onBehalfOf !== undefined && !request.digitized) return { ok: false, reason: 'on-behalf-needs-digitized' };
  return {
    ok: true,
    ownerAgencyCode: agency,
    ...(request.onBehalfOf !== undefined ? { onBehalfOf: request.onBehalfOf } : {}),
    digitized: request.digitized === true,
  };
}

/**
 * Whether an official may put a scan into an applicant's store for a dossier, as its dossiers view tells it:
 * the dossier is the applicant's and the official's agency is on it (competent, holding, or the receiving desk).
 */
export function mayDigitizeFor(
  who: Caller,
  applicantIdNumber: string,
  dossier: { applicantIdNumber: string; agencies: readonly string[] },
): boolean {
  const agency = officialAgency(who);
  return agency !== undefined && dossier.applicantIdNumber === applicantIdNumber && dossier.agencies.includes(agency);
}

/** The agencies a dossier event makes handlers of its documents (the receiving desk too). */
export function handlingAgencies(dossier: {
  agencyCode: string;
  currentAgencyCode: string;
  receivingAgencyCode?: string;
  toAgencyCode?: string;
}): string[] {
  return [
    ...new Set([dossier.agencyCode, dossier.currentAgencyCode, dossier.receivingAgencyCode, dossier.toAgencyCode]),
  ].filter((code): code is string => typeof code === 'string' && code !== '');
}

/**
 * Whether a dossier may carry a document, so that its handlers get to read it: the applicant's own, or one
 * an agency of the dossier produced (digitized or a result). Anything else named in a dossier event is
 * ignored — a dossier is no way to reach someone else's file.
 */
export function mayBeCarriedBy(
  doc: Pick<DocumentRecord, 'ownerIdNumber' | 'ownerAgencyCode' | 'onBehalfOf'>,
  dossier: { applicantIdNumber: string; agencies: readonly string[] },
): boolean {
  if (doc.ownerIdNumber !== undefined) return doc.ownerIdNumber === dossier.applicantIdNumber;
  // A scan for an applicant not in their store yet: only a dossier of that applicant carries it.
  if (doc.onBehalfOf !== undefined && doc.onBehalfOf !== dossier.applicantIdNumber) return false;
  return doc.ownerAgencyCode !== undefined && dossier.agencies.includes(doc.ownerAgencyCode);
}
