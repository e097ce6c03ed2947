/**
 * A supplementation round that the citizen answered on the national portal, as the portal context holds it. It
 * lives the states of a forwarded dossier (domain/forward.ts), under the dossier's MaHoSo and its own
 * HoSoBoSungId:
 *
 *   received ─┬─ cannot be taken in (unknown dossier, data, files) ─► needs_attention ─ retry ─► (again)
 *             │                                                                     └ reject ─► rejected
 *             └─ files fetched and staged ─► awaiting_documents ─ all verified ─► forwarded ─┬─ applied ─► accepted
 *                                                   └─ a file rejected ─► needs_attention     └─ refused ─► needs_attention
 *
 * `forwarded` means the dossiers context was asked to apply it (portal.supplement_forwarded); it answers applied
 * or refused (dossier.forwarded_supplement_applied / _refused). A re-send with the same fingerprint changes
 * nothing; a different round under the same id is kept as a conflict, never applied. Pure: no I/O.
 */
import type { SupplementRecord } from '../adapter/supplement.ts';
import type { Hold, HoldReason, Intake } from './forward.ts';

export interface Supplement extends Intake<SupplementRecord> {
  /** HoSoBoSungId. */
  supplementId: string;
  /** The applicant's name as the forwarded dossier has it (for the needs-attention list). */
  applicantName: string;
  /** The national procedure code of the forwarded dossier. */
  nationalProcedureCode: string;
}

/** The dossiers context applied the round: the dossier is supplemented. */
export function onSupplementApplied(s: Supplement, dossierCode: string, at: string): Supplement | undefined {
  if (s.status !== 'forwarded') return undefined;
  const { hold: _hold, ...rest } = s;
  return { ...rest, status: 'accepted', dossierCode, updatedAt: at, version: s.version + 1 };
}

/** The dossiers context could not apply the round: held for an official with its reason. */
export function onSupplementRefused(
  s: Supplement,
  reason: { code: HoldReason; detail: string; errors?: Hold['errors'] },
  at: string,
): Supplement | undefined {
  if (s.status !== 'forwarded') return undefined;
  return {
    ...s,
    status: 'needs_attention',
    hold: { code: reason.code, detail: reason.detail, at, ...(reason.errors ? { errors: reason.errors } : {}) },
    updatedAt: at,
    version: s.version + 1,
  };
}

/** A held round whose files are all verified documents already: a retry only asks the dossiers context again. */
export function filesAlreadyVerified(s: Supplement): boolean {
  return s.files.length > 0 && s.files.every((f) => f.state === 'verified' && f.documentId !== undefined);
}
