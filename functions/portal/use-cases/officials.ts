/**
 * What officials do with forwarded dossiers: see them by state (the needs-attention list by default), take a
 * held one in again, or refuse it with a reason that goes back to the portal (portal.forward_rejected).
 */

import type * as z from 'zod';
import { conditionFailed, transactWrite } from '#platform/dynamo.ts';
import { ConflictError, NotFoundError, PreconditionFailedError } from '#platform/errors.ts';
import type { Identity } from '#platform/identity.ts';
import { envelope, outboxPut } from '#platform/outbox.ts';
import type { forwardViewSchema } from '../api/schemas.ts';
import { canRetryOrReject, type Forward, type ForwardStatus, rejected } from '../domain/forward.ts';
import type { ForwardRejectedData } from '../events.ts';
import * as store from '../store.ts';
import { type FileFetcher, httpFileFetcher, LostRace, takeIn } from './intake.ts';

export type ForwardView = z.infer<typeof forwardViewSchema>;

const notFound = () =>
  new NotFoundError({
    vi: 'Không có hồ sơ chuyển từ Cổng DVCQG với mã này.',
    en: 'No dossier forwarded under this id.',
  });

export function forwardView(f: Forward): ForwardView {
  return {
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
    files: f.files.map((file) => ({
      fileName: file.fileName,
      requirementCode: file.requirementCode,
      ...(file.documentId ? { documentId: file.documentId } : {}),
      state: file.state,
    })),
    attempts: f.attempts,
    conflicts: f.conflicts.map((c) => ({ at: c.at, changedFields: c.changedFields, fingerprint: c.fingerprint })),
    version: f.version,
  };
}

/** Admins see every forward; other officials those addressed to their agency. */
function maySee(identity: Identity, f: Forward): boolean {
  if (identity.roles.includes('admin')) return true;
  const agency = f.agencyCode ?? f.record.DonViXuLy;
  return identity.agencyCode !== undefined && identity.agencyCode === agency;
}

export async function listForwarded(identity: Identity, status: ForwardStatus, limit: number): Promise<ForwardView[]> {
  const found = await store.listForwards(status, 100);
  return found
    .filter((f) => maySee(identity, f))
    .slice(0, limit)
    .map(forwardView);
}

async function loadVisible(identity: Identity, nationalId: string): Promise<Forward> {
  const f = await store.getForward(nationalId);
  if (!f || !maySee(identity, f)) throw notFound();
  return f;
}

export async function getForwarded(identity: Identity, nationalId: string): Promise<ForwardView> {
  return forwardView(await loadVisible(identity, nationalId));
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
  const f = await loadVisible(identity, nationalId);
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
  const f = await loadVisible(identity, nationalId);
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
