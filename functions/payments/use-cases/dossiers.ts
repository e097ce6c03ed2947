/**
 * The dossiers read model: the copy of each dossier that payments keeps from the dossiers context's events (or
 * confirms through its published API when the event is still on its way), what is left to pay on it, and which
 * officials oversee it.
 */
import * as z from 'zod';
import { mayOversee } from '#platform/agency-scope.ts';
import { getAsCaller } from '#platform/caller-api.ts';
import { now } from '#platform/clock.ts';
import { conditionFailed, transactWrite } from '#platform/dynamo.ts';
import { ConflictError, type LocalizedText, NotFoundError } from '#platform/errors.ts';
import type { EventEnvelope } from '#platform/events.ts';
import type { Identity } from '#platform/identity.ts';
import { inboxPut } from '#platform/inbox.ts';
import { logger } from '#platform/observability.ts';
import { paymentLookupCode } from '../domain/paygov.ts';
import type { FeeLine, Payment } from '../domain/payment.ts';
import * as store from '../store.ts';
import { refundIfDossierClosed } from './refunds.ts';

/** The consumer name its inbox items are filed under. */
export const DOSSIER_CONSUMER = 'payments-on-dossier-event';

/** Dossier statuses in which nothing more may be paid. */
export const CLOSED_STATUSES = new Set(['rejected', 'withdrawn', 'stopped', 'returned']);

const feeLineInput = z.object({ code: z.string().min(1), name: z.string().min(1), amount: z.number().int() });
const dossierEventDataSchema = z.looseObject({
  dossier: z.looseObject({
    code: z.string().min(1),
    procedureCode: z.string(),
    procedureName: z.string(),
    agencyCode: z.string().min(1),
    currentAgencyCode: z.string().optional(),
    receivingAgencyCode: z.string().optional(),
    applicant: z.looseObject({ idNumber: z.string().min(1), fullName: z.string().optional() }),
    status: z.string().min(1),
    fees: z.array(feeLineInput),
    feeTotal: z.number().int(),
    paymentStatus: z.string().optional(),
    nationalDossierId: z.string().optional(),
  }),
});

/** What payments keeps of a dossier event's snapshot. */
export function dossierCopyOf(data: unknown): store.DossierCopy {
  const { dossier } = dossierEventDataSchema.parse(data);
  const copy: store.DossierCopy = {
    code: dossier.code,
    ownerIdNumber: dossier.applicant.idNumber,
    agencyCode: dossier.agencyCode,
    currentAgencyCode: dossier.currentAgencyCode ?? dossier.agencyCode,
    procedureCode: dossier.procedureCode,
    procedureName: dossier.procedureName,
    status: dossier.status,
    fees: dossier.fees.map((line) => ({ code: line.code, name: line.name, amount: line.amount })),
    feeTotal: dossier.feeTotal,
  };
  if (dossier.applicant.fullName) copy.ownerName = dossier.applicant.fullName;
  if (dossier.receivingAgencyCode) copy.receivingAgencyCode = dossier.receivingAgencyCode;
  if (dossier.paymentStatus) copy.paymentStatus = dossier.paymentStatus;
  if (dossier.nationalDossierId) copy.nationalDossierId = dossier.nationalDossierId;
  return copy;
}

/**
 * Applies a dossier event to the read model, once (inbox) and in order (a copy is only replaced by a newer
 * version). A rejected or withdrawn dossier then gets its payment refunded; that step runs whatever became
 * of the copy, since a redelivered event may follow a crash between the two.
 */
export async function applyDossierEvent(event: EventEnvelope): Promise<'applied' | 'duplicate' | 'stale'> {
  const at = now();
  const copy = dossierCopyOf(event.data);
  let applied: 'applied' | 'duplicate' | 'stale' = 'applied';
  // The lookup code's pointer is written when the dossier is taken in and when payment is asked for (not on every
  // event: it never changes); it is unconditional.
  const pointer =
    copy.feeTotal > 0 && (event.type === 'dossier.submitted' || event.type === 'dossier.payment_requested')
      ? [store.lookupPointerPut(paymentLookupCode(copy.code), copy.code)]
      : [];
  const inbox = inboxPut(store.paymentsTableName(), DOSSIER_CONSUMER, event.id, at);
  try {
    await transactWrite([store.dossierCopyUpdate(copy, event.sequence, at), inbox, ...pointer]);
  } catch (error) {
    if (!conditionFailed(error)) throw error;
    applied = conditionFailed(error, inbox) ? 'duplicate' : 'stale';
  }
  if (event.type === 'dossier.rejected' || event.type === 'dossier.withdrawn') {
    await refundIfDossierClosed(copy.code);
  }
  return applied;
}

/**
 * A dossier the read model does not have yet (its dossier.submitted event is still on its way), confirmed
 * synchronously through the dossiers context's published API as the caller (its access rules apply) and kept
 * in the read model at the version read, so that `POST /payments` right after `POST /dossiers` succeeds
 * (docs/decisions/0013-money-under-load.md). An event of the same or an older version then changes nothing.
 */
export async function confirmDossier(code: string, at: Date): Promise<store.DossierRecord | undefined> {
  const view = await getAsCaller(`/dossiers/${encodeURIComponent(code)}`);
  const parsed = z.object({ version: z.number().int().positive() }).safeParse(view);
  if (!parsed.success) return undefined;
  let copy: store.DossierCopy;
  try {
    copy = dossierCopyOf({ dossier: view });
  } catch {
    return undefined;
  }
  if (copy.code !== code) return undefined;
  try {
    await transactWrite([
      store.dossierCopyUpdate(copy, parsed.data.version, at),
      ...(copy.feeTotal > 0 ? [store.lookupPointerPut(paymentLookupCode(copy.code), copy.code)] : []),
    ]);
    logger.info('dossier confirmed through the dossiers API before its event', { dossierCode: code });
  } catch (error) {
    // The event arrived meanwhile: the copy it made is read below.
    if (!conditionFailed(error)) throw error;
  }
  return store.getDossier(code);
}

/** Fee lines still to pay: none once paid (online or at the counter). */
export function outstandingFeeLines(record: store.DossierRecord): FeeLine[] {
  const status = record.dossier.paymentStatus;
  if (record.paidPaymentId || status === 'paid' || status === 'refunded') return [];
  return record.dossier.fees.filter((line) => line.amount > 0);
}

/**
 * The fee lines a new payment of the dossier is for. Refused while the dossier is closed (`closed` says so in
 * the caller's terms), when nothing is left to pay, and while an online payment the applicant may be completing
 * right now is pending (another payment beside it would pay twice).
 */
export async function payableFeeLines(
  record: store.DossierRecord,
  at: Date,
  closed: LocalizedText,
): Promise<FeeLine[]> {
  if (CLOSED_STATUSES.has(record.dossier.status)) throw new ConflictError('dossier-not-payable', closed);
  const feeLines = outstandingFeeLines(record);
  if (feeLines.length === 0) {
    throw new ConflictError('nothing-to-pay', {
      vi: 'Hồ sơ không còn khoản phí, lệ phí nào phải thanh toán.',
      en: 'The dossier has no fees left to pay.',
    });
  }
  if (record.activePaymentId) {
    const active = await store.getPayment(record.activePaymentId);
    if (active?.status === 'pending' && Date.parse(active.expiresAt) > at.getTime()) {
      throw paymentInProgress(active);
    }
  }
  return feeLines;
}

function paymentInProgress(active: Payment): ConflictError {
  return new ConflictError(
    'payment-in-progress',
    {
      vi: 'Hồ sơ đang có một khoản thanh toán chưa hoàn tất; hãy hoàn tất hoặc chờ khoản đó hết hạn.',
      en: 'The dossier has a payment in progress; complete it or wait until it expires.',
    },
    { paymentId: active.paymentId, expiresAt: active.expiresAt },
  );
}

/** The agencies on the dossier: the competent one, the one holding it now, the receiving desk. */
export const dossierAgencies = (record: store.DossierRecord | undefined): (string | undefined)[] =>
  record ? [record.dossier.agencyCode, record.dossier.currentAgencyCode, record.dossier.receivingAgencyCode] : [];

/** An official in scope of an agency on the dossier (its officers, leaders of it or above it, admins). */
export const oversees = (who: Identity, record: store.DossierRecord | undefined): Promise<boolean> =>
  mayOversee(who, dossierAgencies(record));

export const dossierNotFound = (code: string): NotFoundError =>
  new NotFoundError({ vi: `Không tìm thấy hồ sơ ${code}.`, en: `Dossier ${code} was not found.` });
