/**
 * A dossier forwarded by the national portal, as the portal context holds it, and the rules of its life:
 *
 *   received ─┬─ cannot be taken in ───────────────► needs_attention ─ retry ─► (again) ─ reject ─► rejected
 *             └─ files fetched and staged ─► awaiting_documents ─ all verified ─► forwarded ─► accepted
 *                                                      └─ a file rejected ─► needs_attention
 *
 * A re-send with the same fingerprint changes nothing; a different record under the same MaHoSo is kept as a
 * conflict (never applied). A supplementation round the citizen answered on the portal (domain/supplement.ts)
 * lives the same states, so the rules below that are not about creating the dossier take either (`Intake`).
 * Pure: no I/O; "now" comes in.
 */
import type { ForwardedRecord, RecordFieldError } from '../adapter/forwarded.ts';

export type ForwardStatus = 'needs_attention' | 'awaiting_documents' | 'forwarded' | 'accepted' | 'rejected';

export type HoldReason =
  | 'invalid-data'
  | 'unmapped-procedure'
  | 'unknown-procedure'
  | 'unmapped-agency'
  | 'file-unreachable'
  | 'file-corrupt'
  | 'file-rejected'
  /** A supplement names a dossier motcua does not hold (or has not created yet). */
  | 'unknown-dossier'
  /** A supplement for a dossier that is not waiting for one (the dossiers context's answer). */
  | 'not-awaiting-supplement';

export interface Hold {
  code: HoldReason;
  detail: string;
  at: string;
  errors?: RecordFieldError[];
}

export interface ForwardFile {
  fileId: string;
  fileName: string;
  requirementCode: string;
  documentId?: string;
  state: 'staged' | 'verified' | 'rejected';
}

export interface Conflict<R = ForwardedRecord> {
  at: string;
  fingerprint: string;
  changedFields: string[];
  record: R;
}

/** What a forwarded dossier and a forwarded supplement share: the record as received, its files, a state. */
export interface Intake<R = ForwardedRecord> {
  nationalId: string;
  record: R;
  fingerprint: string;
  via: 'push' | 'pull';
  status: ForwardStatus;
  receivedAt: string;
  updatedAt: string;
  procedureCode?: string;
  agencyCode?: string;
  hold?: Hold;
  files: ForwardFile[];
  dossierCode?: string;
  rejection?: { reason: string; at: string; by: string };
  attempts: number;
  conflicts: Conflict<R>[];
  version: number;
}

export type Forward = Intake<ForwardedRecord>;

/** Conflicts kept per forwarded dossier (the newest); older ones are dropped, the count is not the point. */
export const MAX_CONFLICTS = 20;

export type ResendVerdict<R = ForwardedRecord> = { kind: 'same' } | { kind: 'conflict'; conflict: Conflict<R> };

/** What a record received again under a known id is: the same record, or a conflict to keep. */
export function judgeResend<R>(
  existing: Intake<R>,
  record: R,
  fingerprint: string,
  changedFields: string[],
  at: string,
): ResendVerdict<R> {
  if (existing.fingerprint === fingerprint) return { kind: 'same' };
  if (existing.conflicts.some((c) => c.fingerprint === fingerprint)) {
    // The same changed record again: already kept, still refused.
    return { kind: 'conflict', conflict: existing.conflicts.find((c) => c.fingerprint === fingerprint)! };
  }
  return { kind: 'conflict', conflict: { at, fingerprint, changedFields, record } };
}

export function withConflict<R, T extends Intake<R>>(forward: T, conflict: Conflict<R>, at: string): T {
  const conflicts = [...forward.conflicts, conflict].slice(-MAX_CONFLICTS);
  return { ...forward, conflicts, updatedAt: at, version: forward.version + 1 };
}

/** Only a held dossier can be retried or rejected: the others are on their way or done. */
export function canRetryOrReject(forward: Intake<unknown>): boolean {
  return forward.status === 'needs_attention';
}

export function held<T extends Intake<unknown>>(forward: T, hold: Hold): T {
  return {
    ...forward,
    status: 'needs_attention',
    hold,
    updatedAt: hold.at,
    version: forward.version + 1,
  };
}

export function rejected<T extends Intake<unknown>>(forward: T, reason: string, by: string, at: string): T {
  return {
    ...forward,
    status: 'rejected',
    rejection: { reason, at, by },
    updatedAt: at,
    version: forward.version + 1,
  };
}

/** A document verdict on one of the forward's files; undefined when it changes nothing (replay, unknown id). */
export function onDocumentVerdict<T extends Intake<unknown>>(
  forward: T,
  documentId: string,
  verdict: { status: 'clean' } | { status: 'rejected'; reason: string },
  at: string,
): T | undefined {
  if (forward.status !== 'awaiting_documents') return undefined;
  const file = forward.files.find((f) => f.documentId === documentId);
  if (file?.state !== 'staged') return undefined;
  const files = forward.files.map((f) =>
    f === file ? { ...f, state: verdict.status === 'clean' ? ('verified' as const) : ('rejected' as const) } : f,
  );
  const next: T = { ...forward, files, updatedAt: at, version: forward.version + 1 };
  if (verdict.status === 'rejected') {
    return {
      ...next,
      status: 'needs_attention',
      hold: {
        code: 'file-rejected',
        detail: `${file.fileName} (${file.requirementCode}) was refused by the document check: ${verdict.reason}`,
        at,
      },
    };
  }
  if (files.every((f) => f.state === 'verified')) return { ...next, status: 'forwarded' };
  return next;
}

/** The dossiers context created the dossier: the forward is done. */
export function onDossierCreated(forward: Forward, dossierCode: string, at: string): Forward | undefined {
  if (forward.status === 'accepted') return undefined;
  return { ...forward, status: 'accepted', dossierCode, updatedAt: at, version: forward.version + 1 };
}
