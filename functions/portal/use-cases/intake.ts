/**
 * Taking a forwarded dossier in (push and pull share this): hold the record under the portal's MaHoSo, judge a
 * re-send, then map, pre-check, fetch and stage the files — or hold it for an official with the reason.
 *
 * The pre-checks use the catalog's published rules (validateFormData) on the portal's copy of the procedure so
 * that a dossier that cannot pass is held here, visibly, before anything leaves; the dossiers context applies
 * its full submission rules again when it creates the dossier.
 */

import { createHash } from 'node:crypto';
import type * as z from 'zod';
import { validateFormData } from '#catalog/contract.ts';
import { conditionFailed, type TransactItem, transactWrite } from '#platform/dynamo.ts';
import { ConflictError, ValidationError } from '#platform/errors.ts';
import { logger } from '#platform/observability.ts';
import { envelope, outboxPut } from '#platform/outbox.ts';
import {
  changedFields,
  type ForwardedFile,
  type ForwardedRecord,
  type ForwardedSubmission,
  forwardedRecordSchema,
  type IntakeAnswer,
  type RecordFieldError,
  recordFingerprint,
  toForwardedSubmission,
} from '../adapter/forwarded.ts';
import { PORTAL_OK } from '../adapter/status.ts';
import { type Forward, type Hold, held, type Intake, judgeResend, withConflict } from '../domain/forward.ts';
import type { FilesReceivedData, ForwardedSubmissionData, StagedFile } from '../events.ts';
import * as store from '../store.ts';

const FETCH_TIMEOUT_MS = 15_000;
const MAX_FILE_BYTES = 20 * 1024 * 1024;

export type FileFetcher = (url: string) => Promise<Uint8Array>;

/** Fetches a file the portal serves (locally the stand-in); any failure is the file being unreachable. */
export const httpFileFetcher: FileFetcher = async (url) => {
  const response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`HTTP ${response.status}`);
  }
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > MAX_FILE_BYTES) {
    await response.body?.cancel();
    throw new Error(`${declared} bytes is more than ${MAX_FILE_BYTES}`);
  }
  return new Uint8Array(await response.arrayBuffer());
};

export interface IntakeOutcome {
  status: number;
  answer: IntakeAnswer;
  forward: Forward;
}

const answerOf = (forward: Forward, message: string, code = PORTAL_OK): IntakeAnswer => ({
  error_code: code,
  message,
  MaHoSo: forward.nationalId,
  TrangThaiTiepNhan: forward.status,
  MaHoSoTinh: forward.dossierCode ?? '',
});

/** A record the portal sent, parsed far enough to hold it; otherwise a 400 naming each field, with `detail`. */
export function parsePortalRecord<T>(schema: z.ZodType<T>, body: unknown, detail: { vi: string; en: string }): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw new ValidationError(
    parsed.error.issues.map((i) => ({ path: ['body', ...i.path].join('.'), message: i.message })),
    detail,
  );
}

/** Parses what the portal sent far enough to hold it: a record without MaHoSo cannot be kept (400). */
export function parseForwardedRecord(body: unknown): ForwardedRecord {
  return parsePortalRecord(forwardedRecordSchema, body, {
    vi: 'Bản ghi hồ sơ từ Cổng DVCQG không đọc được.',
    en: 'The forwarded dossier record cannot be read.',
  });
}

/** What a re-sent record comes to: the same one again, a change kept as a conflict, or a lost race to retry. */
export type Resend<T> = { kind: 'same' } | { kind: 'conflict'; next: T; changedFields: string[] } | { kind: 'raced' };

/**
 * A record the portal sends again for something already received (a forwarded dossier, a supplementation
 * round): the same content is the same answer; other content is never applied but kept as a visible conflict
 * (once per distinct content, a new version of the stored item written by `put`).
 */
export async function keepResend<R extends Record<string, unknown>, T extends Intake<R>>(
  existing: T,
  record: R,
  fingerprint: string,
  iso: string,
  put: (next: T, expectedVersion: number) => TransactItem,
): Promise<Resend<T>> {
  const verdict = judgeResend(existing, record, fingerprint, changedFields(existing.record, record), iso);
  if (verdict.kind === 'same') return { kind: 'same' };
  const known = existing.conflicts.some((c) => c.fingerprint === fingerprint);
  const next = known ? existing : withConflict(existing, verdict.conflict, iso);
  if (!known) {
    const item = put(next, existing.version);
    try {
      await transactWrite([item]);
    } catch (error) {
      if (conditionFailed(error, item)) return { kind: 'raced' };
      throw error;
    }
  }
  return { kind: 'conflict', next, changedFields: verdict.conflict.changedFields };
}

/** Receives one forwarded record (push or pull). */
export async function receiveForwarded(
  record: ForwardedRecord,
  via: 'push' | 'pull',
  at: Date,
  fetchFile: FileFetcher = httpFileFetcher,
): Promise<IntakeOutcome> {
  const iso = at.toISOString();
  const fingerprint = recordFingerprint(record);
  for (let attempt = 0; attempt < 3; attempt++) {
    const existing = await store.getForward(record.MaHoSo);
    if (existing) {
      const resend = await keepResend(existing, record, fingerprint, iso, store.putForwardVersion);
      if (resend.kind === 'raced') continue;
      if (resend.kind === 'same')
        return { status: 202, answer: answerOf(existing, 'đã nhận / already received'), forward: existing };
      logger.warn('forwarded dossier re-sent with changes; kept as a conflict', {
        nationalId: record.MaHoSo,
        changedFields: resend.changedFields,
      });
      return {
        status: 409,
        answer: answerOf(
          resend.next,
          `hồ sơ đã nhận với nội dung khác; thay đổi không được áp dụng / already received with other content (${resend.changedFields.join(', ')}); not applied`,
          409,
        ),
        forward: resend.next,
      };
    }
    const fresh: Forward = {
      nationalId: record.MaHoSo,
      record,
      fingerprint,
      via,
      status: 'needs_attention',
      receivedAt: iso,
      updatedAt: iso,
      files: [],
      attempts: 0,
      conflicts: [],
      version: 0,
    };
    try {
      const forward = await takeIn(fresh, at, fetchFile, undefined);
      return { status: 202, answer: answerOf(forward, 'đã tiếp nhận / taken in'), forward };
    } catch (error) {
      // Another delivery of the same MaHoSo got there first: judge this one against it.
      if (error instanceof LostRace) continue;
      throw error;
    }
  }
  throw new ConflictError('concurrent-delivery', {
    vi: 'Hồ sơ đang được nhận đồng thời; gửi lại sau.',
    en: 'The dossier is being received concurrently; send it again later.',
  });
}

class LostRace extends Error {}

/**
 * The files against the procedure (the portal's copy): each answers a requirement, once, with an accepted type
 * and size; with `requireAll`, every required requirement is answered. Errors name the national fields.
 */
export function checkFiles(
  procedure: store.LocalProcedure,
  files: readonly ForwardedFile[],
  options: { listName: string; requireAll: boolean },
): RecordFieldError[] {
  const errors: RecordFieldError[] = [];
  const seen = new Set<string>();
  files.forEach((file, index) => {
    const requirement = procedure.requirements.find((r) => r.code === file.requirementCode);
    const field = `${options.listName}.${index}`;
    if (!requirement) {
      errors.push({
        field: `${field}.MaThanhPhanHoSo`,
        message: `${file.requirementCode} is not a requirement of ${procedure.code}`,
      });
      return;
    }
    if (seen.has(file.requirementCode))
      errors.push({ field: `${field}.MaThanhPhanHoSo`, message: 'is given more than once' });
    seen.add(file.requirementCode);
    if (!requirement.contentTypes.includes(file.contentType)) {
      errors.push({
        field: `${field}.LoaiTep`,
        message: `${file.contentType} is not accepted (${requirement.contentTypes.join(', ')})`,
      });
    }
    if (file.size > requirement.maxBytes) {
      errors.push({ field: `${field}.KichThuoc`, message: `more than ${requirement.maxBytes} bytes` });
    }
  });
  if (options.requireAll) {
    for (const requirement of procedure.requirements) {
      if (requirement.required && !files.some((f) => f.requirementCode === requirement.code)) {
        errors.push({
          field: options.listName,
          message: `the required document ${requirement.code} (${requirement.name}) is missing`,
        });
      }
    }
  }
  return errors;
}

/** Why a submission cannot be forwarded, or the local procedure and agency it maps to. */
async function check(
  sub: ForwardedSubmission,
): Promise<{ ok: true; procedureCode: string; agencyCode: string } | { ok: false; hold: Omit<Hold, 'at'> }> {
  const mapping = await store.getMappingByNational(sub.nationalProcedureCode);
  if (!mapping) {
    return {
      ok: false,
      hold: {
        code: 'unmapped-procedure',
        detail: `no local procedure is mapped to the national procedure ${sub.nationalProcedureCode}`,
      },
    };
  }
  const procedure = await store.getProcedure(mapping.procedureCode);
  if (procedure?.status !== 'published') {
    return {
      ok: false,
      hold: {
        code: 'unknown-procedure',
        detail: `${sub.nationalProcedureCode} is mapped to ${mapping.procedureCode}, which is not a published procedure`,
      },
    };
  }
  const agency = await store.getAgency(sub.nationalAgencyCode);
  if (!agency?.active || !procedure.agencyCodes.includes(sub.nationalAgencyCode)) {
    return {
      ok: false,
      hold: {
        code: 'unmapped-agency',
        detail: agency?.active
          ? `${sub.nationalAgencyCode} does not receive the procedure ${procedure.code}`
          : `${sub.nationalAgencyCode} is not an active agency of the province`,
      },
    };
  }
  const errors = validateFormData(procedure.formSchema as Parameters<typeof validateFormData>[0], sub.formData, {
    pathPrefix: 'DuLieuBieuMau',
  }).map((e) => ({ field: e.path, message: e.message }));
  errors.push(...checkFiles(procedure, sub.files, { listName: 'TaiLieuNop', requireAll: true }));
  if (errors.length > 0) {
    return {
      ok: false,
      hold: { code: 'invalid-data', detail: `${errors.length} problem(s) in the record`, errors },
    };
  }
  return { ok: true, procedureCode: procedure.code, agencyCode: sub.nationalAgencyCode };
}

/** A document id (UUID-shaped) from the parts that name one file of one attempt: a replay gets the same id. */
export function stableDocumentId(...parts: string[]): string {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${digest.slice(0, 8)}-${digest.slice(8, 12)}-4${digest.slice(13, 16)}-a${digest.slice(17, 20)}-${digest.slice(20, 32)}`;
}

/** A document id for a forwarded file, the same on every attempt of the same record (replays stay replays). */
function documentIdFor(forward: Forward, file: ForwardedFile): string {
  return stableDocumentId(forward.nationalId, forward.fingerprint, String(forward.attempts), file.fileId);
}

export type FetchOutcome = { ok: true; staged: StagedFile[] } | { ok: false; hold: Omit<Hold, 'at'> };

/** Where an intake stands once its files are staged: waiting for their checks, or (none) forwarded at once. */
export function stagedState(staged: readonly StagedFile[]) {
  return {
    status: staged.length > 0 ? ('awaiting_documents' as const) : ('forwarded' as const),
    files: staged.map((s) => ({
      fileId: s.stagingKey,
      fileName: s.fileName,
      requirementCode: s.requirementCode,
      documentId: s.documentId,
      state: 'staged' as const,
    })),
  };
}

/** Where each file goes: its staging key and the document id it becomes (stable for a replay). */
export interface FilePlacement {
  stagingKey(file: ForwardedFile): string;
  documentId(file: ForwardedFile): string;
}

const placementOf = (forward: Forward): FilePlacement => ({
  stagingKey: (file) => store.stagingKey(forward.nationalId, `${forward.attempts}-${file.fileId}`),
  documentId: (file) => documentIdFor(forward, file),
});

/** Fetches each file from the portal, checks its size and SHA-256 against the declared ones, and stages it. */
export async function fetchAndStage(
  files: readonly ForwardedFile[],
  place: FilePlacement,
  fetchFile: FileFetcher,
): Promise<FetchOutcome> {
  const staged: StagedFile[] = [];
  for (const file of files) {
    let bytes: Uint8Array;
    try {
      bytes = await fetchFile(file.url);
    } catch (error) {
      return {
        ok: false,
        hold: { code: 'file-unreachable', detail: `${file.fileName}: ${(error as Error).message}`.slice(0, 500) },
      };
    }
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (bytes.length !== file.size || sha256 !== file.sha256) {
      return {
        ok: false,
        hold: {
          code: 'file-corrupt',
          detail:
            bytes.length !== file.size
              ? `${file.fileName}: the portal declared ${file.size} bytes, ${bytes.length} arrived`
              : `${file.fileName}: the SHA-256 differs from the one the portal declared`,
        },
      };
    }
    const key = place.stagingKey(file);
    await store.stageFile(key, bytes, file.contentType);
    staged.push({
      documentId: place.documentId(file),
      fileName: file.fileName,
      requirementCode: file.requirementCode,
      contentType: file.contentType,
      size: file.size,
      sha256,
      stagingKey: key,
      url: await store.stagedFileUrl(key),
    });
  }
  return { ok: true, staged };
}

/** The submission the dossiers context receives once every file is a verified document. */
export function forwardedSubmission(forward: Forward, sub: ForwardedSubmission): ForwardedSubmissionData {
  return {
    nationalId: forward.nationalId,
    procedureCode: forward.procedureCode!,
    agencyCode: forward.agencyCode!,
    applicant: sub.applicant,
    formData: sub.formData,
    documents: forward.files.map((f) => ({ requirementCode: f.requirementCode, documentId: f.documentId! })),
    resultDelivery: sub.resultDelivery,
    ...(sub.submittedAt ? { portalSubmittedAt: sub.submittedAt } : {}),
  };
}

/**
 * One attempt at taking a forward in: from a fresh record (expectedVersion undefined) or a held one (retry).
 * Writes the outcome — held with a reason, or staged with portal.files_received (or, without files,
 * portal.dossier_forwarded) — in one transaction with its event.
 */
export async function takeIn(
  forward: Forward,
  at: Date,
  fetchFile: FileFetcher,
  expectedVersion: number | undefined,
): Promise<Forward> {
  const iso = at.toISOString();
  const attempt: Forward = { ...forward, attempts: forward.attempts + 1 };
  const converted = toForwardedSubmission(forward.record);
  let next: Forward;
  const items: TransactItem[] = [];
  if (!converted.ok) {
    next = held(attempt, {
      code: 'invalid-data',
      detail: `${converted.errors.length} problem(s) in the record`,
      errors: converted.errors,
      at: iso,
    });
  } else {
    const checked = await check(converted.value);
    if (!checked.ok) {
      next = held(attempt, { ...checked.hold, at: iso });
    } else {
      const mapped: Forward = { ...attempt, procedureCode: checked.procedureCode, agencyCode: checked.agencyCode };
      const fetched = await fetchAndStage(converted.value.files, placementOf(mapped), fetchFile);
      if (!fetched.ok) {
        next = held(mapped, { ...fetched.hold, at: iso });
      } else {
        const { hold: _hold, ...withoutHold } = mapped;
        next = {
          ...withoutHold,
          ...stagedState(fetched.staged),
          updatedAt: iso,
          version: forward.version + 1,
        };
        for (const s of fetched.staged) items.push(store.docRefPut(s.documentId, next.nationalId));
        if (fetched.staged.length > 0) {
          const data: FilesReceivedData = {
            nationalId: next.nationalId,
            applicantIdNumber: converted.value.applicant.idNumber,
            procedureCode: checked.procedureCode,
            files: fetched.staged,
          };
          items.push(
            outboxPut(
              store.portalTableName(),
              envelope(
                'portal',
                { type: 'portal.files_received', subject: next.nationalId, sequence: next.version, data },
                at,
              ),
            ),
          );
        } else {
          items.push(
            outboxPut(
              store.portalTableName(),
              envelope(
                'portal',
                {
                  type: 'portal.dossier_forwarded',
                  subject: next.nationalId,
                  sequence: next.version,
                  data: forwardedSubmission(next, converted.value),
                },
                at,
              ),
            ),
          );
        }
      }
    }
  }
  next = { ...next, version: forward.version + 1 };
  const forwardPut =
    expectedVersion === undefined ? store.putNewForward(next) : store.putForwardVersion(next, expectedVersion);
  try {
    await transactWrite([forwardPut, ...items]);
  } catch (error) {
    if (conditionFailed(error, forwardPut)) throw new LostRace();
    throw error;
  }
  if (next.status === 'needs_attention') {
    logger.warn('forwarded dossier held for an official', { nationalId: next.nationalId, reason: next.hold?.code });
  }
  return next;
}

export { LostRace };
