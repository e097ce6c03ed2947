/**
 * Supplements the citizen gives on the national portal (push `POST /portal/dvcqg/supplements` and pull
 * `LayDanhSachHoSoBoSung` share this): hold the round under its dossier's MaHoSo and its HoSoBoSungId, judge a
 * re-send, find the dossier the forward became, pre-check the files against the procedure, fetch and stage them
 * — or hold the round for an official with the reason. The files then travel like a forwarded dossier's
 * (portal.files_received → the documents context → document.verified), and once all are verified the dossiers
 * context is asked to apply its supplement action (portal.supplement_forwarded); it answers applied or refused
 * (events-in.ts). Nothing that cannot be applied is dropped: it is on the needs-attention list with the reason.
 */
import { conditionFailed, type TransactItem, transactWrite } from '#platform/dynamo.ts';
import { ConflictError, PreconditionFailedError } from '#platform/errors.ts';
import type { Identity } from '#platform/identity.ts';
import { logger } from '#platform/observability.ts';
import { envelope, outboxPut } from '#platform/outbox.ts';
import { recordFingerprint } from '../adapter/forwarded.ts';
import { PORTAL_OK } from '../adapter/status.ts';
import {
  type SupplementAnswer,
  type SupplementRecord,
  supplementRecordSchema,
  toForwardedSupplement,
} from '../adapter/supplement.ts';
import { held, rejected } from '../domain/forward.ts';
import { filesAlreadyVerified, type Supplement } from '../domain/supplement.ts';
import type { FilesReceivedData, ForwardRejectedData, SupplementForwardedData } from '../events.ts';
import * as store from '../store.ts';
import {
  checkFiles,
  type FileFetcher,
  fetchAndStage,
  httpFileFetcher,
  keepResend,
  parsePortalRecord,
  stableDocumentId,
  stagedState,
} from './intake.ts';

export interface SupplementOutcome {
  status: number;
  answer: SupplementAnswer;
  supplement: Supplement;
}

class LostRace extends Error {}

const answerOf = (s: Supplement, message: string, code = PORTAL_OK): SupplementAnswer => ({
  error_code: code,
  message,
  MaHoSo: s.nationalId,
  HoSoBoSungId: s.supplementId,
  TrangThaiTiepNhan: s.status,
  MaHoSoTinh: s.dossierCode ?? '',
});

/** Parses what the portal sent far enough to hold it: without MaHoSo and HoSoBoSungId nothing is kept (400). */
export function parseSupplementRecord(body: unknown): SupplementRecord {
  return parsePortalRecord(supplementRecordSchema, body, {
    vi: 'Bản ghi bổ sung hồ sơ từ Cổng DVCQG không đọc được.',
    en: 'The forwarded supplement record cannot be read.',
  });
}

/** Receives one supplementation round (push or pull); idempotent by (MaHoSo, HoSoBoSungId). */
export async function receiveSupplement(
  record: SupplementRecord,
  via: 'push' | 'pull',
  at: Date,
  fetchFile: FileFetcher = httpFileFetcher,
): Promise<SupplementOutcome> {
  const iso = at.toISOString();
  const fingerprint = recordFingerprint(record);
  for (let attempt = 0; attempt < 3; attempt++) {
    const existing = await store.getSupplement(record.MaHoSo, record.HoSoBoSungId);
    if (existing) {
      const resend = await keepResend(existing, record, fingerprint, iso, store.putSupplementVersion);
      if (resend.kind === 'raced') continue;
      if (resend.kind === 'same') {
        return { status: 202, answer: answerOf(existing, 'đã nhận / already received'), supplement: existing };
      }
      logger.warn('supplement re-sent with changes; kept as a conflict', {
        nationalId: record.MaHoSo,
        supplementId: record.HoSoBoSungId,
        changedFields: resend.changedFields,
      });
      return {
        status: 409,
        answer: answerOf(
          resend.next,
          `bổ sung đã nhận với nội dung khác; thay đổi không được áp dụng / already received with other content (${resend.changedFields.join(', ')}); not applied`,
          409,
        ),
        supplement: resend.next,
      };
    }
    const fresh: Supplement = {
      nationalId: record.MaHoSo,
      supplementId: record.HoSoBoSungId,
      record,
      fingerprint,
      via,
      status: 'needs_attention',
      receivedAt: iso,
      updatedAt: iso,
      applicantName: '',
      nationalProcedureCode: '',
      files: [],
      attempts: 0,
      conflicts: [],
      version: 0,
    };
    try {
      const supplement = await takeInSupplement(fresh, at, fetchFile, undefined);
      return { status: 202, answer: answerOf(supplement, 'đã tiếp nhận / taken in'), supplement };
    } catch (error) {
      if (error instanceof LostRace) continue; // another delivery of the same round got there first
      throw error;
    }
  }
  throw new ConflictError('concurrent-delivery', {
    vi: 'Bổ sung đang được nhận đồng thời; gửi lại sau.',
    en: 'The supplement is being received concurrently; send it again later.',
  });
}

/** What the dossiers context is asked to apply: the round's verified documents on the dossier. */
export function supplementForwardedData(s: Supplement): SupplementForwardedData {
  const converted = toForwardedSupplement(s.record);
  const note = converted.ok ? converted.value.note : undefined;
  return {
    nationalId: s.nationalId,
    supplementId: s.supplementId,
    dossierCode: s.dossierCode!,
    documents: s.files.map((f) => ({ requirementCode: f.requirementCode, documentId: f.documentId! })),
    ...(note ? { note } : {}),
  };
}

export const supplementSubject = (s: Supplement): string => `${s.nationalId}#${s.supplementId}`;

/** The event that asks the dossiers context to apply the round, for the transaction that marks it forwarded. */
export function supplementForwardedPut(s: Supplement, at: Date): TransactItem {
  return outboxPut(
    store.portalTableName(),
    envelope(
      'portal',
      {
        type: 'portal.supplement_forwarded',
        subject: supplementSubject(s),
        sequence: s.version,
        data: supplementForwardedData(s),
      },
      at,
    ),
  );
}

/**
 * One attempt at taking a round in, from a fresh record (expectedVersion undefined) or a held one (retry):
 * held with a reason, or its files staged with portal.files_received (without files: forwarded at once with
 * portal.supplement_forwarded), in one transaction with its event.
 */
async function takeInSupplement(
  s: Supplement,
  at: Date,
  fetchFile: FileFetcher,
  expectedVersion: number | undefined,
): Promise<Supplement> {
  const iso = at.toISOString();
  const attempt: Supplement = { ...s, attempts: s.attempts + 1 };
  const items: TransactItem[] = [];
  let next: Supplement;
  const forward = await store.getForward(s.nationalId);
  if (forward?.status !== 'accepted' || !forward.dossierCode || !forward.procedureCode) {
    next = held(attempt, {
      code: 'unknown-dossier',
      detail: forward
        ? `the dossier forwarded under ${s.nationalId} has not been created (it is ${forward.status})`
        : `no dossier was forwarded under ${s.nationalId}`,
      at: iso,
    });
  } else {
    const withDossier: Supplement = {
      ...attempt,
      dossierCode: forward.dossierCode,
      procedureCode: forward.procedureCode,
      ...(forward.agencyCode ? { agencyCode: forward.agencyCode } : {}),
      applicantName: forward.record.ChuHoSo,
      nationalProcedureCode: forward.record.MaTTHC,
    };
    const converted = toForwardedSupplement(s.record);
    const procedure = await store.getProcedure(forward.procedureCode);
    const errors = converted.ok
      ? procedure
        ? checkFiles(procedure, converted.value.files, { listName: 'DanhSachGiayToBoSung', requireAll: false })
        : []
      : converted.errors;
    if (!converted.ok || errors.length > 0) {
      next = held(withDossier, {
        code: 'invalid-data',
        detail: `${errors.length} problem(s) in the supplement`,
        errors,
        at: iso,
      });
    } else {
      const fetched = await fetchAndStage(
        converted.value.files,
        {
          stagingKey: (file) =>
            store.supplementStagingKey(s.nationalId, s.supplementId, `${withDossier.attempts}-${file.fileId}`),
          documentId: (file) =>
            stableDocumentId(
              s.nationalId,
              'supplement',
              s.supplementId,
              s.fingerprint,
              String(withDossier.attempts),
              file.fileId,
            ),
        },
        fetchFile,
      );
      if (!fetched.ok) {
        next = held(withDossier, { ...fetched.hold, at: iso });
      } else {
        const { hold: _hold, ...withoutHold } = withDossier;
        next = {
          ...withoutHold,
          ...stagedState(fetched.staged),
          updatedAt: iso,
          version: s.version + 1,
        };
        for (const f of fetched.staged) items.push(store.docRefPut(f.documentId, s.nationalId, s.supplementId));
        if (fetched.staged.length > 0) {
          const data: FilesReceivedData = {
            nationalId: s.nationalId,
            applicantIdNumber: forward.record.SoDinhDanh.trim(),
            procedureCode: forward.procedureCode,
            files: fetched.staged,
          };
          items.push(
            outboxPut(
              store.portalTableName(),
              envelope(
                'portal',
                { type: 'portal.files_received', subject: supplementSubject(next), sequence: next.version, data },
                at,
              ),
            ),
          );
        } else {
          items.push(supplementForwardedPut(next, at));
        }
      }
    }
  }
  next = { ...next, version: s.version + 1 };
  await writeSupplement(next, expectedVersion, items);
  if (next.status === 'needs_attention') {
    logger.warn('supplement from the national portal held for an official', {
      nationalId: next.nationalId,
      supplementId: next.supplementId,
      reason: next.hold?.code,
    });
  }
  return next;
}

async function writeSupplement(
  next: Supplement,
  expectedVersion: number | undefined,
  items: TransactItem[],
): Promise<void> {
  const put =
    expectedVersion === undefined ? store.putNewSupplement(next) : store.putSupplementVersion(next, expectedVersion);
  try {
    await transactWrite([put, ...items]);
  } catch (error) {
    if (conditionFailed(error, put)) throw new LostRace();
    throw error;
  }
}

/**
 * An official takes a held round in again. Refused by the dossiers context with its files already verified
 * documents (e.g. the dossier was not waiting for a supplement, and now is again): it is only forwarded again.
 * Otherwise the whole take-in runs again (the dossier may exist now, the portal may serve the files again).
 */
export async function retrySupplement(
  s: Supplement,
  _identity: Identity,
  at: Date,
  fetchFile: FileFetcher = httpFileFetcher,
): Promise<Supplement> {
  try {
    if (filesAlreadyVerified(s) && s.dossierCode !== undefined) {
      const { hold: _hold, ...rest } = s;
      const next: Supplement = {
        ...rest,
        status: 'forwarded',
        attempts: s.attempts + 1,
        updatedAt: at.toISOString(),
        version: s.version + 1,
      };
      await writeSupplement(next, s.version, [supplementForwardedPut(next, at)]);
      return next;
    }
    return await takeInSupplement(s, at, fetchFile, s.version);
  } catch (error) {
    if (error instanceof LostRace) throw new PreconditionFailedError();
    throw error;
  }
}

/** An official refuses a held round; the reason goes to the portal through portal.forward_rejected. */
export async function rejectSupplement(
  s: Supplement,
  identity: Identity,
  reason: string,
  at: Date,
): Promise<Supplement> {
  const next = rejected(s, reason, identity.sub, at.toISOString());
  const data: ForwardRejectedData = {
    nationalId: s.nationalId,
    supplementId: s.supplementId,
    reason,
    rejectedBy: { sub: identity.sub, ...(identity.name ? { name: identity.name } : {}) },
    ...(s.hold ? { heldFor: s.hold.code } : {}),
  };
  try {
    await writeSupplement(next, s.version, [
      outboxPut(
        store.portalTableName(),
        envelope(
          'portal',
          { type: 'portal.forward_rejected', subject: supplementSubject(s), sequence: next.version, data },
          at,
        ),
      ),
    ]);
  } catch (error) {
    if (error instanceof LostRace) throw new PreconditionFailedError();
    throw error;
  }
  return next;
}
