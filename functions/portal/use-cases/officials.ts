/**
 * What officials do with forwarded dossiers: see them by state (the needs-attention list by default), take a
 * held one in again, or refuse it with a reason that goes back to the portal (portal.forward_rejected).
 * Supplementation rounds answered on the portal are on the same list (kind `supplement`, under their dossier's
 * MaHoSo); retry and reject of a dossier that was taken in act on its held round (use-cases/supplements.ts).
 */

import type * as z from 'zod';
import { conditionFailed, transactWrite } from '#platform/dynamo.ts';
import { ConflictError, NotFoundError, PreconditionFailedError } from '#platform/errors.ts';
import type { Identity } from '#platform/identity.ts';
import { envelope, outboxPut } from '#platform/outbox.ts';
import type { forwardViewSchema } from '../api/schemas.ts';
import { canRetryOrReject, type Forward, type ForwardStatus, type Intake, rejected } from '../domain/forward.ts';
import type { Supplement } from '../domain/supplement.ts';
import type { ForwardRejectedData } from '../events.ts';
import * as store from '../store.ts';
import { type FileFetcher, httpFileFetcher, LostRace, takeIn } from './intake.ts';
import { rejectSupplement, retrySupplement } from './supplements.ts';

export type ForwardView = z.infer<typeof forwardViewSchema>;

const notFound = () =>
  new NotFoundError({
    vi: 'Không có hồ sơ chuyển từ Cổng DVCQG với mã này.',
    en: 'No dossier forwarded under this id.',
  });

const filesView = (f: Intake<unknown>) =>
  f.files.map((file) => ({
    fileName: file.fileName,
    requirementCode: file.requirementCode,
    ...(file.documentId ? { documentId: file.documentId } : {}),
    state: file.state,
  }));

export function forwardView(f: Forward, supplements?: Supplement[]): ForwardView {
  return {
    kind: 'dossier',
    nationalId: f.nationalId,
    status: f.status,
    receivedAt: f.receivedAt,
    updatedAt: f.updatedAt,
    via: f.via,
    nationalProcedureCode: f.record.MaTTHC,
    ...(f.procedureCode ? { procedureCode: f.procedureCode } : {}),
    ...(f.agencyCode ? { agencyCode: f.agencyCode } : {}),
    applicantName: f.record.ChuHoSo,
    ...(f.hold && f.status === 'needs_attention' ? { hold: f.hold } : {}),
    ...(f.dossierCode ? { dossierCode: f.dossierCode } : {}),
    ...(f.rejection ? { rejection: f.rejection } : {}),
    files: filesView(f),
    attempts: f.attempts,
    conflicts: f.conflicts.map((c) => ({ at: c.at, changedFields: c.changedFields, fingerprint: c.fingerprint })),
    version: f.version,
    ...(supplements && supplements.length > 0
      ? {
          supplements: supplements.map((s) => ({
            supplementId: s.supplementId,
            status: s.status,
            receivedAt: s.receivedAt,
            updatedAt: s.updatedAt,
            via: s.via,
            ...(s.hold && s.status === 'needs_attention' ? { hold: s.hold } : {}),
            ...(s.rejection ? { rejection: s.rejection } : {}),
            files: filesView(s),
            attempts: s.attempts,
            conflicts: s.conflicts.length,
          })),
        }
      : {}),
  };
}

/** A supplementation round on the list: the fields of its dossier's entry, its own state, hold and files. */
export function supplementView(s: Supplement): ForwardView {
  return {
    kind: 'supplement',
    nationalId: s.nationalId,
    supplementId: s.supplementId,
    status: s.status,
    receivedAt: s.receivedAt,
    updatedAt: s.updatedAt,
    via: s.via,
    nationalProcedureCode: s.nationalProcedureCode,
    ...(s.procedureCode ? { procedureCode: s.procedureCode } : {}),
    ...(s.agencyCode ? { agencyCode: s.agencyCode } : {}),
    applicantName: s.applicantName,
    ...(s.hold && s.status === 'needs_attention' ? { hold: s.hold } : {}),
    ...(s.dossierCode ? { dossierCode: s.dossierCode } : {}),
    ...(s.rejection ? { rejection: s.rejection } : {}),
    files: filesView(s),
    attempts: s.attempts,
    conflicts: s.conflicts.map((c) => ({ at: c.at, changedFields: c.changedFields, fingerprint: c.fingerprint })),
    version: s.version,
  };
}

/** Admins see every forward; other officials those addressed to their agency. */
function maySee(identity: Identity, f: Forward): boolean {
  if (identity.roles.includes('admin')) return true;
  return mayActFor(identity, f.agencyCode ?? f.record.DonViXuLy);
}

const mayActFor = (identity: Identity, agencyCode: string | undefined): boolean =>
  identity.roles.includes('admin') || (identity.agencyCode !== undefined && identity.agencyCode === agencyCode);

/**
 * A round is seen like its dossier: by the agency the forward was addressed to (a round for a dossier motcua
 * does not hold names no agency: admins see it).
 */
const maySeeSupplement = (identity: Identity, s: Supplement): boolean => mayActFor(identity, s.agencyCode);

export async function listForwarded(identity: Identity, status: ForwardStatus, limit: number): Promise<ForwardView[]> {
  const found = await store.listForwards(status, 100);
  return found
    .filter((item) =>
      item.kind === 'dossier' ? maySee(identity, item.forward) : maySeeSupplement(identity, item.supplement),
    )
    .slice(0, limit)
    .map((item) => (item.kind === 'dossier' ? forwardView(item.forward) : supplementView(item.supplement)));
}

/** A held round of the dossier under this MaHoSo that the caller may act on (the oldest), if any. */
async function heldSupplement(identity: Identity, nationalId: string): Promise<Supplement | undefined> {
  const rounds = await store.listSupplements(nationalId);
  return rounds
    .filter((s) => s.status === 'needs_attention' && maySeeSupplement(identity, s))
    .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt))[0];
}

/**
 * The forwarded dossier with its supplementation rounds; for a MaHoSo motcua holds no dossier for, the round(s)
 * the portal sent under it (held as unknown-dossier), the oldest held one first.
 */
export async function getForwarded(identity: Identity, nationalId: string): Promise<ForwardView> {
  const [f, rounds] = await Promise.all([store.getForward(nationalId), store.listSupplements(nationalId)]);
  if (!f) {
    const visible = rounds
      .filter((s) => maySeeSupplement(identity, s))
      .sort((a, b) => Number(b.status === 'needs_attention') - Number(a.status === 'needs_attention'));
    if (visible[0]) return supplementView(visible[0]);
    throw notFound();
  }
  if (!maySee(identity, f)) throw notFound();
  return forwardView(f, rounds);
}

function assertHeld(f: Forward): void {
  if (!canRetryOrReject(f)) {
    throw new ConflictError('not-held', {
      vi: `Hồ sơ không ở danh sách cần xử lý (trạng thái ${f.status}).`,
      en: `The dossier is not on the needs-attention list (it is ${f.status}).`,
    });
  }
}

/** Takes a held forward in again: the mapping may have been fixed, the portal's files may be back. */
export async function retryForwarded(
  identity: Identity,
  nationalId: string,
  at: Date,
  fetchFile: FileFetcher = httpFileFetcher,
): Promise<ForwardView> {
  const f = await store.getForward(nationalId);
  if (!f || !canRetryOrReject(f)) {
    // Not a held dossier: a held supplementation round of it (or of a dossier motcua does not hold), if any.
    const round = await heldSupplement(identity, nationalId);
    if (round) return supplementView(await retrySupplement(round, identity, at, fetchFile));
  }
  if (!f || !maySee(identity, f)) throw notFound();
  assertHeld(f);
  try {
    return forwardView(await takeIn(f, at, fetchFile, f.version));
  } catch (error) {
    if (error instanceof LostRace) throw new PreconditionFailedError();
    throw error;
  }
}

/** Refuses a held forward; the reason goes to the portal through portal.forward_rejected. */
export async function rejectForwarded(
  identity: Identity,
  nationalId: string,
  reason: string,
  at: Date,
): Promise<ForwardView> {
  const f = await store.getForward(nationalId);
  if (!f || !canRetryOrReject(f)) {
    const round = await heldSupplement(identity, nationalId);
    if (round) return supplementView(await rejectSupplement(round, identity, reason, at));
  }
  if (!f || !maySee(identity, f)) throw notFound();
  assertHeld(f);
  const next = rejected(f, reason, identity.sub, at.toISOString());
  const data: ForwardRejectedData = {
    nationalId,
    reason,
    rejectedBy: { sub: identity.sub, ...(identity.name ? { name: identity.name } : {}) },
    ...(f.hold ? { heldFor: f.hold.code } : {}),
  };
  const forwardPut = store.putForwardVersion(next, f.version);
  try {
    await transactWrite([
      forwardPut,
      outboxPut(
        store.portalTableName(),
        envelope('portal', { type: 'portal.forward_rejected', subject: nationalId, sequence: next.version, data }, at),
      ),
    ]);
  } catch (error) {
    if (conditionFailed(error, forwardPut)) throw new PreconditionFailedError();
    throw error;
  }
  return forwardView(next);
}
