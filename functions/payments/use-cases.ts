/**
 * The payments context's use cases: what the handlers, the consumer and the schedule go through.
 *
 * Every change of a payment is decided by the pure rules of `domain/payment.ts` against the payment as read,
 * and written in one transaction conditioned on the version it was read at, together with its event
 * (outbox), its receipt number (a gapless series per province and year) and the dossier copy's bookkeeping.
 * A decision that lost a race is taken again on what is there now; a decision that changes nothing writes
 * nothing, so repeated and reordered callbacks move a payment once.
 */
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import * as z from 'zod';
import { isLocalDate, toLocalDate, toLocalIso } from '#calendar/time.ts';
import { mayOversee } from '#platform/agency-scope.ts';
import { getAsCaller } from '#platform/caller-api.ts';
import { now } from '#platform/clock.ts';
import {
  conditionFailed,
  contendedItems,
  contendedOnlyOn,
  lostRace,
  type TransactItem,
  transactWrite,
} from '#platform/dynamo.ts';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  PreconditionFailedError,
  PreconditionRequiredError,
  ValidationError,
} from '#platform/errors.ts';
import type { EventEnvelope } from '#platform/events.ts';
import { parseIfMatch } from '#platform/http.ts';
import { runIdempotent, type StoredResponse } from '#platform/idempotency.ts';
import { hasRole, type Identity, isOfficialOf } from '#platform/identity.ts';
import { inboxPut } from '#platform/inbox.ts';
import { logger } from '#platform/observability.ts';
import { envelope, outboxPut } from '#platform/outbox.ts';
import type {
  CallbackLogEntry,
  CounterPaymentBody,
  CreatedPayment,
  CreatePaymentBody,
  DossierPayments,
  FindingKind,
  PaymentView,
  ReceiptView,
  ReconcileResult,
  ReconciliationReport,
} from './api/schemas.ts';
import type {
  CallbackOutcome,
  GatewayPlugin,
  GatewayRegistry,
  HttpAnswer,
  QueryResult,
  RefundResult,
  VerifiedCallback,
} from './domain/gateway.ts';
import { momoAnswer, momoPartnerCodeOf } from './domain/momo.ts';
import { paygovPartnerCodeOf, paygovUnsignedAnswer, paymentLookupCode } from './domain/paygov.ts';
import {
  applyQueryResult,
  applyVerifiedCallback,
  attachReceipt,
  counterPayment,
  createRequestFor,
  DEFAULT_PAYMENT_TTL_MINUTES,
  type FeeLine,
  newPayment,
  newTxnRef,
  type Payment,
  paymentEventData,
  queryRequestFor,
  recordRefund,
} from './domain/payment.ts';
import { buildSandboxOutcome, readSandboxCheckout } from './domain/sandbox.ts';
import { parseFormQuery, parseVnpayDate, vnpayAnswer, vnpayMerchantCodeOf } from './domain/vnpay.ts';
import type { GatewayName, PaymentEventType } from './events.ts';
import {
  apiBaseUrl,
  gatewayRegistry,
  nationalPlatform,
  paygovBillTtlMinutes,
  sandboxSettings,
  vnpayIpnUrl,
} from './gateways.ts';
import { issueReceiptNumber, RECEIPT_SERIES_COUNT, type ReceiptNumberClaim, seriesSymbol } from './receipts.ts';
import * as store from './store.ts';

/** A totals shard for a change that takes no receipt number (a refund). */
const totalsShard = (): string => seriesSymbol(randomInt(RECEIPT_SERIES_COUNT));

/** How many times a decision is taken again after losing a race. */
export const ATTEMPTS = 8;
/** The consumer name its inbox items are filed under. */
export const DOSSIER_CONSUMER = 'payments-on-dossier-event';

/** Dossier statuses in which nothing more may be paid. */
export const CLOSED_STATUSES = new Set(['rejected', 'withdrawn', 'stopped', 'returned']);
/** Dossier statuses that give back what was paid. */
const REFUNDING_STATUSES = new Set(['rejected', 'withdrawn']);

/** A short, jittered pause before deciding again after a lost race (receipt numbers are contended). */
export const backOff = (attempt: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, attempt * 15 + Math.floor(Math.random() * 25)));

export function busy(): ConflictError {
  return new ConflictError('concurrent-change', {
    vi: 'Khoản thanh toán đang được cập nhật đồng thời; vui lòng thử lại.',
    en: 'The payment is being changed concurrently; please try again.',
  });
}

function expiryMinutes(): number {
  const configured = Number(process.env.PAYMENT_EXPIRY_MINUTES);
  return Number.isInteger(configured) && configured > 0 ? configured : DEFAULT_PAYMENT_TTL_MINUTES;
}

/** 13 base-36 characters of randomness for merchant references. */
export const randomBase36 = (): string =>
  BigInt(`0x${randomBytes(8).toString('hex')}`)
    .toString(36)
    .padStart(13, '0');

async function finding(entry: store.NewFinding, at: Date): Promise<void> {
  try {
    await store.recordFinding(entry, at);
  } catch (error) {
    // A finding is for people to read later; failing to note one must not fail the money path.
    logger.error('could not record a reconciliation finding', { kind: entry.kind, error: error as Error });
  }
}

// ---------------------------------------------------------------------------------------------------------
// The dossiers read model

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
async function confirmDossier(code: string, at: Date): Promise<store.DossierRecord | undefined> {
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

// ---------------------------------------------------------------------------------------------------------
// Creating a payment

export interface CreatePaymentInput {
  body: CreatePaymentBody;
  payer: Identity;
  idempotencyKey: string;
  language: 'vi' | 'en';
  payerIp: string;
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

/** POST /payments: one payment for the outstanding fee lines of the payer's own dossier. */
export async function createPayment(input: CreatePaymentInput): Promise<StoredResponse & { replayed: boolean }> {
  const at = now();
  const { body, payer } = input;
  return runIdempotent(
    {
      tableName: store.paymentsTableName(),
      scope: `create-payment#${payer.sub}`,
      key: input.idempotencyKey,
      body,
      at,
    },
    async (recordPut) => {
      const plugin = (await gatewayRegistry()).get(body.gateway);
      for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
        const record = (await store.getDossier(body.dossierCode)) ?? (await confirmDossier(body.dossierCode, at));
        if (!record) {
          throw new NotFoundError({
            vi: `Không tìm thấy hồ sơ ${body.dossierCode}.`,
            en: `Dossier ${body.dossierCode} was not found.`,
          });
        }
        // Another's dossier is answered as an unknown one: its existence is not confirmed to strangers.
        if (record.dossier.ownerIdNumber !== payer.sub) {
          throw new NotFoundError({
            vi: `Không tìm thấy hồ sơ ${body.dossierCode}.`,
            en: `Dossier ${body.dossierCode} was not found.`,
          });
        }
        if (CLOSED_STATUSES.has(record.dossier.status)) {
          throw new ConflictError('dossier-not-payable', {
            vi: 'Hồ sơ đã kết thúc; không thể thanh toán.',
            en: 'The dossier is closed; it cannot be paid.',
          });
        }
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
        const payment = newPayment(
          {
            paymentId: randomUUID(),
            dossierCode: record.dossier.code,
            payerIdNumber: payer.sub,
            ...(record.dossier.ownerName ? { payerName: record.dossier.ownerName } : {}),
            gateway: plugin.name,
            txnRef: newTxnRef(at, randomBase36),
            feeLines,
            merchantCode: plugin.merchantCode,
            // A bill on the national payment platform stays payable for days; a checkout for minutes.
            ttlMinutes: plugin.protocol === 'paygov' ? paygovBillTtlMinutes() : expiryMinutes(),
          },
          at,
        );
        const created = await plugin.createPayment(
          createRequestFor(payment, {
            payerIp: input.payerIp,
            locale: body.locale ?? input.language,
            ...(body.bankCode && plugin.protocol === 'vnpay' ? { bankCode: body.bankCode } : {}),
            // MoMo shows the text as is; VNPay's gets reduced to plain ASCII by the plugin.
            ...(plugin.protocol === 'momo' ? { orderInfo: `Thanh toán phí, lệ phí hồ sơ ${payment.dossierCode}` } : {}),
            ...(plugin.protocol === 'paygov' ? { lookupCode: paymentLookupCode(payment.dossierCode) } : {}),
          }),
        );
        payment.merchantCode = created.merchantCode;
        const response: StoredResponse = { status: 201, body: createdView(payment, created.redirectUrl) };
        const idempotencyRecord = recordPut(response);
        try {
          await transactWrite([
            ...store.paymentCreateItems(payment, created.redirectUrl),
            store.activePaymentUpdate(record, payment.paymentId),
            idempotencyRecord,
          ]);
          return response;
        } catch (error) {
          // The idempotency record was written by a concurrent twin: its answer is replayed.
          if (conditionFailed(error, idempotencyRecord)) throw error;
          if (!lostRace(error)) throw error;
        }
      }
      throw busy();
    },
  );
}

function createdView(payment: Payment, redirectUrl: string): CreatedPayment {
  return {
    paymentId: payment.paymentId,
    txnRef: payment.txnRef,
    amount: payment.amount,
    redirectUrl,
    expiresAt: payment.expiresAt,
    dossierCode: payment.dossierCode,
    // Only the online gateways create pending payments; a counter payment is recorded paid.
    gateway: payment.gateway as GatewayName,
    status: 'pending',
    feeLines: payment.feeLines.map((line) => ({ ...line })),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Reading payments

const paymentNotFound = (): NotFoundError =>
  new NotFoundError({ vi: 'Không tìm thấy khoản thanh toán.', en: 'Payment not found.' });

/**
 * The payment, if `who` may see it: the payer, or officials in scope of an agency on the dossier (admins too).
 * Anyone else is told it does not exist, as for an unknown id.
 */
export async function paymentFor(who: Identity, paymentId: string): Promise<Payment> {
  const payment = await store.getPayment(paymentId);
  if (!payment) throw paymentNotFound();
  if (who.issuer === 'citizen') {
    if (payment.payerIdNumber === who.sub) return payment;
    throw paymentNotFound();
  }
  const record = await store.getDossier(payment.dossierCode);
  if (await oversees(who, record)) return payment;
  throw paymentNotFound();
}

/** The agencies on the dossier: the competent one, the one holding it now, the receiving desk. */
const dossierAgencies = (record: store.DossierRecord | undefined): (string | undefined)[] =>
  record ? [record.dossier.agencyCode, record.dossier.currentAgencyCode, record.dossier.receivingAgencyCode] : [];

/** An official in scope of an agency on the dossier (its officers, leaders of it or above it, admins). */
const oversees = (who: Identity, record: store.DossierRecord | undefined): Promise<boolean> =>
  mayOversee(who, dossierAgencies(record));

/** An officer or leader of an agency on the dossier: who may take a fee for it (not admins). */
const actsFor = (who: Identity, record: store.DossierRecord): boolean =>
  !hasRole(who, 'admin') && dossierAgencies(record).some((agency) => agency !== undefined && isOfficialOf(who, agency));

/** GET /dossiers/{code}/payments: the owner, officials in scope of an agency on the dossier, and admins. */
export async function dossierPayments(who: Identity, code: string): Promise<DossierPayments> {
  const record = (await store.getDossier(code)) ?? (await confirmDossier(code, now()));
  if (!record) throw dossierNotFound(code);
  const allowed = who.issuer === 'citizen' ? record.dossier.ownerIdNumber === who.sub : await oversees(who, record);
  if (!allowed) throw dossierNotFound(code);
  const payments = await store.listDossierPayments(code);
  const answer: DossierPayments = { dossierCode: code, items: payments.map(paymentView) };
  const platform = await nationalPlatform();
  if (platform && !CLOSED_STATUSES.has(record.dossier.status) && outstandingFeeLines(record).length > 0) {
    const lookupCode = paymentLookupCode(code);
    answer.nationalPlatform = { lookupCode, paymentUrl: platform.paymentPage(lookupCode) };
  }
  return answer;
}

const dossierNotFound = (code: string): NotFoundError =>
  new NotFoundError({ vi: `Không tìm thấy hồ sơ ${code}.`, en: `Dossier ${code} was not found.` });

const counterRefused = (): ForbiddenError =>
  new ForbiddenError({
    vi: 'Chỉ công chức của cơ quan, bộ phận một cửa đang giữ hồ sơ được ghi nhận thu phí tại quầy.',
    en: 'Only officials of an agency or desk on the dossier may record a fee paid at the counter.',
  });

// ---------------------------------------------------------------------------------------------------------
// Fees paid at the desk

export interface CounterPaymentInput {
  dossierCode: string;
  body: CounterPaymentBody;
  official: Identity;
  ifMatch: string | undefined;
  idempotencyKey: string | undefined;
}

/**
 * POST /dossiers/{code}/payments/counter: the official records a fee taken at the desk (cash or card). The
 * payment is created paid with a receipt number from the same gapless series as online payments, and the same
 * `payment.completed` event moves the dossier past its payment step (as an online payment does). If-Match names
 * the dossier version the official is looking at, so a fee is never recorded against a screen that is out of
 * date; a retry of the same request for the same version gets the same answer (Idempotency-Key optional).
 */
export async function recordCounterPayment(
  input: CounterPaymentInput,
): Promise<StoredResponse & { replayed: boolean }> {
  const at = now();
  const { body, official, dossierCode } = input;
  if (input.ifMatch === undefined) throw new PreconditionRequiredError();
  const expected = parseIfMatch(input.ifMatch);
  if (!Number.isInteger(expected)) {
    throw new ValidationError([{ path: 'if-match', message: 'An ETag of GET /dossiers/{code}, e.g. "7"' }]);
  }
  // Who may, first: a stored answer is replayed only to a caller who could have had it (the key is guessable).
  {
    let record = await store.getDossier(dossierCode);
    if (!record || record.version < (expected as number)) record = (await confirmDossier(dossierCode, at)) ?? record;
    if (!record || !(await oversees(official, record))) throw dossierNotFound(dossierCode);
    if (!actsFor(official, record)) throw counterRefused();
  }
  return runIdempotent(
    {
      tableName: store.paymentsTableName(),
      scope: `counter-payment#${dossierCode}`,
      key: input.idempotencyKey ?? `version-${expected}`,
      body,
      at,
    },
    async (recordPut) => {
      for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
        let record = await store.getDossier(dossierCode);
        // The copy follows the dossier's events a moment later: a version it has not seen yet is read through
        // the dossiers API (as the official, so its access rules apply) before it is called stale.
        if (!record || record.version < (expected as number)) record = await confirmDossier(dossierCode, at);
        if (!record) throw dossierNotFound(dossierCode);
        if (!actsFor(official, record)) throw counterRefused();
        if (record.version !== expected) throw new PreconditionFailedError(record.version);
        if (CLOSED_STATUSES.has(record.dossier.status)) {
          throw new ConflictError('dossier-not-payable', {
            vi: 'Hồ sơ đã kết thúc; không thể thu phí.',
            en: 'The dossier is closed; no fee can be taken.',
          });
        }
        const feeLines = outstandingFeeLines(record);
        if (feeLines.length === 0) {
          throw new ConflictError('nothing-to-pay', {
            vi: 'Hồ sơ không còn khoản phí, lệ phí nào phải thanh toán.',
            en: 'The dossier has no fees left to pay.',
          });
        }
        if (record.activePaymentId) {
          const active = await store.getPayment(record.activePaymentId);
          // An online payment the applicant may be completing right now would make this a double payment.
          if (active?.status === 'pending' && Date.parse(active.expiresAt) > at.getTime()) {
            throw paymentInProgress(active);
          }
        }
        const payment = counterPayment(
          {
            paymentId: randomUUID(),
            dossierCode,
            payerIdNumber: record.dossier.ownerIdNumber,
            ...(record.dossier.ownerName ? { payerName: record.dossier.ownerName } : {}),
            txnRef: newTxnRef(at, randomBase36),
            feeLines,
            amount: body.amount,
            method: body.method,
            recordedBy: {
              sub: official.sub,
              agencyCode: official.agencyCode ?? '',
              ...(official.name ? { name: official.name } : {}),
            },
          },
          at,
        );
        const lostSeries = new Set<string>();
        for (let round = 1; round <= RECEIPT_ROUNDS; round++) {
          const claim = await issueReceiptNumber(at, lostSeries);
          const paid = attachReceipt(
            payment,
            {
              number: claim.number,
              issuedAt: claim.issuedAt,
              url: `${apiBaseUrl()}/payments/${payment.paymentId}/receipt`,
            },
            at,
          ).payment;
          const response: StoredResponse = { status: 201, body: paymentView(paid) };
          const published = envelope(
            'payments',
            {
              type: 'payment.completed',
              subject: paid.paymentId,
              sequence: paid.version,
              data: paymentEventData(paid),
            },
            at,
          );
          const idempotencyRecord = recordPut(response);
          const items: TransactItem[] = [
            ...store.paymentCreateItems(paid, ''),
            store.paidPaymentUpdate(record, paid.paymentId),
            store.totalsUpdate(toLocalDate(at), 'counter', 'paid', paid.amount, claim.series),
            outboxPut(store.paymentsTableName(), published),
            claim.takeItem,
            idempotencyRecord,
          ];
          try {
            await transactWrite(items);
            return response;
          } catch (error) {
            if (contendedItems(error).includes(idempotencyRecord)) throw error; // a twin recorded it: replayed
            if (contendedOnlyOn(error, claim.takeItem)) {
              lostSeries.add(claim.series);
              continue;
            }
            if (!lostRace(error)) throw error;
            break; // the dossier's copy changed: decide again on what it is now
          }
        }
        await backOff(attempt);
      }
      throw busy();
    },
  );
}

export function receiptView(payment: Payment): ReceiptView | undefined {
  if (!payment.receipt) return undefined;
  const view: ReceiptView = {
    number: payment.receipt.number,
    issuedAt: payment.receipt.issuedAt,
    payer: { idNumber: payment.payerIdNumber, ...(payment.payerName ? { fullName: payment.payerName } : {}) },
    dossierCode: payment.dossierCode,
    feeLines: payment.feeLines.map((line) => ({ ...line })),
    amount: payment.amount,
    gateway: payment.gateway,
    txnRef: payment.txnRef,
  };
  if (payment.receipt.url) view.url = payment.receipt.url;
  if (payment.paidAt) view.paidAt = payment.paidAt;
  if (payment.gatewayTransactionNo) view.gatewayTransactionNo = payment.gatewayTransactionNo;
  if (payment.bankCode) view.bankCode = payment.bankCode;
  if (payment.method) view.method = payment.method;
  return view;
}

export function paymentView(payment: Payment): PaymentView {
  const { payerName: _name, merchantCode: _merchant, callbacks: _callbacks, receipt: _receipt, ...rest } = payment;
  const receipt = receiptView(payment);
  return { ...rest, refunds: payment.refunds.map((r) => ({ ...r })), ...(receipt ? { receipt } : {}) };
}

/** The raw callbacks filed under the payment's merchant reference (operators). */
export async function paymentCallbacks(paymentId: string): Promise<{ txnRef: string; items: CallbackLogEntry[] }> {
  const payment = await store.getPayment(paymentId);
  if (!payment) throw new NotFoundError({ vi: 'Không tìm thấy khoản thanh toán.', en: 'Payment not found.' });
  const logged = await store.listCallbacks(payment.txnRef);
  return {
    txnRef: payment.txnRef,
    items: logged.map((entry) => {
      const view: CallbackLogEntry = {
        callbackId: entry.callbackId,
        receivedAt: entry.receivedAt,
        route: entry.route,
        method: entry.method,
      };
      if (entry.rawQuery) view.rawQuery = entry.rawQuery;
      if (entry.rawBody) view.rawBody = entry.rawBody;
      if (entry.truncated) view.truncated = true;
      if (entry.sourceIp) view.sourceIp = entry.sourceIp;
      if (entry.result) {
        view.result = {
          outcome: entry.result.outcome,
          signatureValid: entry.result.signatureValid,
          changed: entry.result.changed,
          answeredStatus: entry.result.answeredStatus,
          answeredBody: entry.result.answeredBody,
          ...(entry.result.statusAfter ? { statusAfter: entry.result.statusAfter } : {}),
        };
      }
      return view;
    }),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Writing a change

interface RefundDue {
  kind: 'duplicate_payment' | 'paid_after_dossier_closed';
  reason: string;
}

/** Why a payment that was just paid must be given back, if it must. */
function refundDueFor(payment: Payment, record: store.DossierRecord | undefined): RefundDue | undefined {
  if (!record) return undefined;
  const code = payment.dossierCode;
  if (record.dossier.status === 'rejected') {
    return { kind: 'paid_after_dossier_closed', reason: `Hoàn tiền: hồ sơ ${code} bị từ chối` };
  }
  if (record.dossier.status === 'withdrawn') {
    return { kind: 'paid_after_dossier_closed', reason: `Hoàn tiền: hồ sơ ${code} đã được rút` };
  }
  const paidElsewhere = record.paidPaymentId
    ? record.paidPaymentId !== payment.paymentId
    : record.dossier.paymentStatus === 'paid';
  return paidElsewhere
    ? { kind: 'duplicate_payment', reason: `Hoàn tiền: hồ sơ ${code} đã được thanh toán trước đó` }
    : undefined;
}

const nextRefundId = (payment: Payment): string => `${payment.txnRef}R${payment.refunds.length + 1}`;

/** How many series a confirmation tries before it gives up on the receipt numbers (each loss is another series). */
const RECEIPT_ROUNDS = 24;

/**
 * Writes `next` over `previous` (which must still be stored), with its event. A payment that became paid
 * gets its receipt number here and, when its dossier is closed or already paid, a refund recorded at once.
 * A receipt number another confirmation took first is claimed again in another series, without deciding
 * again (the payment's own condition held). Throws what transactWrite throws otherwise; callers decide again
 * when they lost a race.
 */
async function commitChange(
  previous: Payment,
  next: Payment,
  event: PaymentEventType | undefined,
  at: Date,
): Promise<Payment> {
  const lostSeries = new Set<string>();
  for (let round = 1; ; round++) {
    const claim = event === 'payment.completed' && !next.receipt ? await issueReceiptNumber(at, lostSeries) : undefined;
    const attempt = await changeItems(previous, next, event, at, claim);
    try {
      await transactWrite(attempt.items);
    } catch (error) {
      // Only the receipt number was taken first (the payment's own condition held): claim another series.
      if (!claim || !contendedOnlyOn(error, claim.takeItem) || round >= RECEIPT_ROUNDS) throw error;
      lostSeries.add(claim.series);
      continue;
    }
    await noteChange(previous, attempt.final, event, attempt.refundDue, at);
    return attempt.final;
  }
}

interface ChangeItems {
  items: TransactItem[];
  final: Payment;
  refundDue: RefundDue | undefined;
}

async function changeItems(
  previous: Payment,
  next: Payment,
  event: PaymentEventType | undefined,
  at: Date,
  claim: ReceiptNumberClaim | undefined,
): Promise<ChangeItems> {
  const items: TransactItem[] = [];
  let final = next;
  let refundDue: RefundDue | undefined;
  // Totals are kept in as many shards as there are receipt series: no confirmation waits on another's.
  const shard = claim?.series ?? totalsShard();
  if (event === 'payment.completed') {
    const record = await store.getDossier(final.dossierCode);
    if (claim) {
      const receipt = {
        number: claim.number,
        issuedAt: claim.issuedAt,
        url: `${apiBaseUrl()}/payments/${final.paymentId}/receipt`,
      };
      final = attachReceipt(final, receipt, at).payment;
    }
    refundDue = refundDueFor(final, record);
    if (refundDue) {
      final = recordRefund(
        final,
        { refundId: nextRefundId(final), amount: final.amount, status: 'pending', reason: refundDue.reason },
        at,
      ).payment;
    }
    if (record) items.push(store.paidPaymentUpdate(record, final.paymentId));
    const paidDay = toLocalDate(final.paidAt ? new Date(final.paidAt) : at);
    items.push(store.totalsUpdate(paidDay, final.gateway, 'paid', final.amount, shard));
  }
  if (event === 'payment.refunded') {
    const refunded = final.refunds.filter((r) => r.status === 'succeeded').reduce((sum, r) => sum + r.amount, 0);
    items.push(store.totalsUpdate(toLocalDate(at), final.gateway, 'refunded', refunded, shard));
  }
  items.unshift(store.paymentUpdateItem(final, previous.version));
  if (claim) items.push(claim.takeItem);
  if (event) {
    const data = paymentEventData(final);
    const published = envelope(
      'payments',
      { type: event, subject: final.paymentId, sequence: final.version, data },
      at,
    );
    items.push(outboxPut(store.paymentsTableName(), published));
  }
  return { items, final, refundDue };
}

async function noteChange(
  previous: Payment,
  final: Payment,
  event: PaymentEventType | undefined,
  refundDue: RefundDue | undefined,
  at: Date,
): Promise<void> {
  if (event === 'payment.completed' && (previous.status === 'expired' || previous.status === 'failed')) {
    await finding(
      {
        kind: 'paid_after_expiry',
        subject: final.paymentId,
        paymentId: final.paymentId,
        txnRef: final.txnRef,
        gateway: final.gateway,
        detail: `Paid after the payment was ${previous.status}; settled by ${final.settledBy ?? 'callback'}.`,
      },
      at,
    );
  }
  if (refundDue) {
    await finding(
      {
        kind: refundDue.kind,
        subject: final.paymentId,
        paymentId: final.paymentId,
        txnRef: final.txnRef,
        gateway: final.gateway,
        detail: `${refundDue.reason}; a refund of ${final.amount} VND was recorded.`,
      },
      at,
    );
  }
}

// ---------------------------------------------------------------------------------------------------------
// Gateway callbacks

export interface IncomingCallback {
  protocol: 'vnpay' | 'momo' | 'paygov';
  /** The route that received it, for the log. */
  route: string;
  method: 'GET' | 'POST';
  rawQuery: string;
  rawBody: string;
  sourceIp: string;
  userAgent?: string;
}

function defaultAnswer(protocol: IncomingCallback['protocol'], outcome: CallbackOutcome): HttpAnswer {
  if (protocol === 'paygov') return paygovUnsignedAnswer(outcome);
  return protocol === 'vnpay' ? vnpayAnswer(outcome) : momoAnswer(outcome);
}

function claimedTxnRef(callback: IncomingCallback): string | undefined {
  if (callback.protocol === 'vnpay') return parseFormQuery(callback.rawQuery)?.vnp_TxnRef;
  try {
    const body = JSON.parse(callback.rawBody) as { orderId?: unknown; MaThamChieu?: unknown } | null;
    const orderId = callback.protocol === 'paygov' ? body?.MaThamChieu : body?.orderId;
    return typeof orderId === 'string' ? orderId : undefined;
  } catch {
    return undefined;
  }
}

interface AppliedCallback {
  outcome: CallbackOutcome;
  changed: boolean;
  payment: Payment | undefined;
}

async function applyCallback(cb: VerifiedCallback, at: Date): Promise<AppliedCallback> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const payment = cb.txnRef ? await store.getPaymentByTxnRef(cb.txnRef) : undefined;
    const decision = applyVerifiedCallback(payment, cb, at);
    if (!decision.changed || !payment || !decision.payment) {
      return { outcome: decision.outcome, changed: false, payment };
    }
    try {
      const final = await commitChange(payment, decision.payment, decision.event, at);
      return { outcome: decision.outcome, changed: true, payment: final };
    } catch (error) {
      if (!lostRace(error)) throw error;
      await backOff(attempt);
    }
  }
  throw busy();
}

async function noteRejectedCallback(
  callback: IncomingCallback,
  outcome: CallbackOutcome,
  cb: VerifiedCallback | undefined,
  payment: Payment | undefined,
  at: Date,
): Promise<void> {
  const kinds: Partial<Record<CallbackOutcome, FindingKind>> = {
    invalid_signature: 'invalid_signature',
    not_found: 'unknown_payment',
    invalid_amount: 'amount_mismatch',
  };
  const kind = kinds[outcome];
  if (!kind) return;
  if (kind === 'invalid_signature') {
    // One finding a day per protocol counts every unsigned or forged call: what they claim is not evidence, and
    // a finding per claimed reference would let forged calls grow the day's report without bound.
    await finding(
      {
        kind,
        subject: callback.protocol,
        detail: `${callback.protocol} callbacks whose signature does not verify; the last from ${callback.sourceIp.slice(0, 100)}.`,
      },
      at,
    );
    return;
  }
  const txnRef = cb?.signatureValid ? cb.txnRef : undefined;
  const subject = payment?.paymentId ?? (txnRef && txnRef.length <= 100 ? txnRef : 'unattributed');
  const details: Record<string, string> = {
    unknown_payment: `A signed ${callback.protocol} callback for no payment of ours (reference ${txnRef ?? '-'}, merchant ${cb?.merchantCode ?? '-'}).`,
    amount_mismatch: `A signed ${callback.protocol} callback reports ${cb?.amount ?? '-'} VND; the payment is ${payment?.amount ?? '-'} VND.`,
  };
  await finding(
    {
      kind,
      subject,
      ...(payment ? { paymentId: payment.paymentId, gateway: payment.gateway } : {}),
      ...(txnRef && txnRef.length <= 100 ? { txnRef } : {}),
      detail: details[kind] ?? kind,
    },
    at,
  );
}

/**
 * A gateway callback (IPN): verified first by the plugin of the merchant it names (pure: no I/O). One whose
 * signature does not verify is answered at once and kept only in the bounded, expiring log of rejected
 * callbacks (counted in one finding a day per protocol), so forged calls cannot grow the table. A signed one is
 * stored raw, whatever it holds, before it is applied to the payment it names; what became of it is appended.
 * Answered in the gateway's own terms in every case.
 */
export async function receiveCallback(
  callback: IncomingCallback,
): Promise<{ answer: HttpAnswer; outcome: CallbackOutcome }> {
  const at = now();
  const callbackId = randomUUID();
  let plugin: GatewayPlugin | undefined;
  let cb: VerifiedCallback;
  try {
    const registry = await gatewayRegistry();
    const merchant =
      callback.protocol === 'vnpay'
        ? vnpayMerchantCodeOf(callback.rawQuery)
        : callback.protocol === 'paygov'
          ? paygovPartnerCodeOf(callback.rawBody)
          : momoPartnerCodeOf(callback.rawBody);
    plugin = registry.forMerchant(callback.protocol, merchant);
    cb = plugin
      ? plugin.verifyCallback({ method: callback.method, rawQuery: callback.rawQuery, rawBody: callback.rawBody })
      : { signatureValid: false, outcome: 'failed' };
  } catch (error) {
    logger.error('a gateway callback could not be verified', { error: error as Error });
    return { answer: defaultAnswer(callback.protocol, 'error'), outcome: 'error' };
  }
  const answerFor = (outcome: CallbackOutcome): HttpAnswer =>
    plugin ? plugin.callbackAnswer(outcome) : defaultAnswer(callback.protocol, outcome);

  if (!cb.signatureValid) {
    try {
      await store.appendRejectedCallback({
        route: callback.route,
        method: callback.method,
        rawQuery: callback.rawQuery,
        rawBody: callback.rawBody,
        sourceIp: callback.sourceIp,
        ...(callback.userAgent ? { userAgent: callback.userAgent } : {}),
        receivedAt: at,
        callbackId,
      });
    } catch (error) {
      logger.error('could not log a rejected gateway callback', { error: error as Error });
    }
    await noteRejectedCallback(callback, 'invalid_signature', cb, undefined, at);
    return { answer: answerFor('invalid_signature'), outcome: 'invalid_signature' };
  }

  let ref: store.CallbackRef;
  try {
    ref = await store.appendRawCallback({
      route: callback.route,
      method: callback.method,
      rawQuery: callback.rawQuery,
      rawBody: callback.rawBody,
      sourceIp: callback.sourceIp,
      ...(callback.userAgent ? { userAgent: callback.userAgent } : {}),
      claimedTxnRef: cb.txnRef ?? claimedTxnRef(callback),
      receivedAt: at,
      callbackId,
    });
  } catch (error) {
    // Nothing is applied that was not logged first; the gateway retries.
    logger.error('could not log a gateway callback', { error: error as Error });
    return { answer: answerFor('error'), outcome: 'error' };
  }

  let outcome: CallbackOutcome = 'error';
  let answer: HttpAnswer;
  let applied: AppliedCallback | undefined;
  try {
    applied = await applyCallback(cb, at);
    outcome = applied.outcome;
    answer = answerFor(outcome);
  } catch (error) {
    logger.error('gateway callback failed', { error: error as Error });
    outcome = 'error';
    answer = defaultAnswer(callback.protocol, 'error');
  }

  try {
    await store.appendCallbackResult(
      ref,
      {
        outcome,
        signatureValid: true,
        changed: applied?.changed === true,
        ...(applied?.payment ? { paymentId: applied.payment.paymentId, statusAfter: applied.payment.status } : {}),
        answeredStatus: answer.statusCode,
        answeredBody: answer.body,
      },
      now(),
    );
  } catch (error) {
    logger.error('could not log the result of a gateway callback', { error: error as Error });
  }
  await noteRejectedCallback(callback, outcome, cb, applied?.payment, at);
  return { answer, outcome };
}

// ---------------------------------------------------------------------------------------------------------
// The payer's return page (read only)

export interface ReturnOutcome {
  signatureValid: boolean;
  outcome?: 'paid' | 'failed' | 'pending';
  responseCode?: string;
  message?: string;
  txnRef?: string;
  amount?: number;
  payment?: Pick<Payment, 'paymentId' | 'dossierCode' | 'status' | 'amount'> & { receiptNumber?: string };
}

/** What the gateway's return query says, once verified, beside what we have recorded. Changes nothing. */
export async function describeReturn(protocol: 'vnpay' | 'momo', rawQuery: string): Promise<ReturnOutcome> {
  const registry = await gatewayRegistry();
  let plugin: GatewayPlugin | undefined;
  let cb: VerifiedCallback;
  if (protocol === 'vnpay') {
    plugin = registry.forMerchant('vnpay', vnpayMerchantCodeOf(rawQuery));
    cb = plugin ? plugin.verifyCallback({ method: 'GET', rawQuery }) : { signatureValid: false, outcome: 'failed' };
  } else {
    // MoMo's redirect carries the IPN's fields, signed the same way, as query parameters.
    const params = parseFormQuery(rawQuery) ?? {};
    plugin = registry.forMerchant('momo', params.partnerCode);
    cb = plugin
      ? plugin.verifyCallback({ method: 'POST', rawBody: JSON.stringify(params) })
      : { signatureValid: false, outcome: 'failed' };
  }
  if (!cb.signatureValid) return { signatureValid: false };
  const result: ReturnOutcome = { signatureValid: true, outcome: cb.outcome };
  if (cb.responseCode) result.responseCode = cb.responseCode;
  if (cb.message) result.message = cb.message;
  if (cb.txnRef) result.txnRef = cb.txnRef;
  if (cb.amount !== undefined) result.amount = cb.amount;
  const payment = cb.txnRef ? await store.getPaymentByTxnRef(cb.txnRef) : undefined;
  if (payment) {
    result.payment = {
      paymentId: payment.paymentId,
      dossierCode: payment.dossierCode,
      status: payment.status,
      amount: payment.amount,
      ...(payment.receipt ? { receiptNumber: payment.receipt.number } : {}),
    };
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------------
// Refunds

/** Records a full refund of a paid payment (unless one is under way) and asks the gateway for it. */
export async function ensureRefund(paymentId: string, reason: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const at = now();
    const payment = await store.getPayment(paymentId);
    if (payment?.status !== 'paid') return;
    if (payment.refunds.some((r) => r.status !== 'failed')) break;
    const change = recordRefund(
      payment,
      { refundId: nextRefundId(payment), amount: payment.amount, status: 'pending', reason },
      at,
    );
    try {
      await commitChange(payment, change.payment, change.event, at);
      break;
    } catch (error) {
      if (!lostRace(error) || attempt >= ATTEMPTS) throw error;
    }
  }
  await processRefund(paymentId);
}

/** A rejected or withdrawn dossier gives back what was paid for it. */
export async function refundIfDossierClosed(dossierCode: string): Promise<void> {
  const record = await store.getDossier(dossierCode);
  if (!record || !REFUNDING_STATUSES.has(record.dossier.status) || !record.paidPaymentId) return;
  const verb = record.dossier.status === 'rejected' ? 'bị từ chối' : 'đã được rút';
  await ensureRefund(record.paidPaymentId, `Hoàn tiền: hồ sơ ${dossierCode} ${verb}`);
}

/**
 * Sends a recorded refund to the gateway and records its answer. Returns true when the answer settled it.
 * A gateway without refunds, or one that cannot be reached, leaves the refund pending for an operator.
 */
export async function processRefund(paymentId: string): Promise<boolean> {
  const payment = await store.getPayment(paymentId);
  const pending = payment?.refunds.find((r) => r.status === 'pending');
  if (!payment || !pending) return false;
  const registry = await gatewayRegistry();
  const plugin = registry.has(payment.gateway) ? registry.get(payment.gateway) : undefined;
  const base = { subject: payment.paymentId, paymentId, txnRef: payment.txnRef, gateway: payment.gateway };
  if (!plugin?.refund) {
    await finding(
      {
        ...base,
        kind: 'manual_refund_required',
        detail: `${payment.gateway} offers no refund here; give back ${pending.amount} VND by hand (${pending.refundId}).`,
      },
      now(),
    );
    return false;
  }
  let answer: RefundResult;
  try {
    answer = await plugin.refund({
      txnRef: payment.txnRef,
      refundId: pending.refundId,
      amount: pending.amount,
      paymentAmount: payment.amount,
      ...(payment.gatewayTransactionNo ? { gatewayTransactionNo: payment.gatewayTransactionNo } : {}),
      transactionDate: new Date(payment.createdAt),
      reason: pending.reason ?? `Hoàn tiền ${payment.txnRef}`,
      createdBy: 'motcua',
    });
  } catch (error) {
    await finding(
      { ...base, kind: 'refund_failed', detail: `The refund ${pending.refundId} failed: ${(error as Error).message}` },
      now(),
    );
    return false;
  }
  if (answer.status === 'pending') return false;
  if (answer.status === 'failed') {
    await finding(
      {
        ...base,
        kind: 'refund_failed',
        detail: `The gateway refused the refund ${pending.refundId} (${answer.responseCode ?? '-'} ${answer.message ?? ''}).`,
      },
      now(),
    );
  }
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const at = now();
    const current = await store.getPayment(paymentId);
    if (!current) return false;
    const change = recordRefund(
      current,
      {
        refundId: pending.refundId,
        amount: pending.amount,
        status: answer.status,
        ...(answer.gatewayRefundNo ? { gatewayRefundNo: answer.gatewayRefundNo } : {}),
      },
      at,
    );
    if (!change.changed) return true;
    try {
      await commitChange(current, change.payment, change.event, at);
      return true;
    } catch (error) {
      if (!lostRace(error)) throw error;
      await backOff(attempt);
    }
  }
  throw busy();
}

// ---------------------------------------------------------------------------------------------------------
// Reconciliation

const RECONCILE_BATCH = 200;

async function reconcilePayment(
  paymentId: string,
  registry: GatewayRegistry,
): Promise<'settled' | 'expired' | 'unchanged' | 'error'> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const at = now();
    const payment = await store.getPayment(paymentId);
    if (payment?.status !== 'pending') return 'unchanged';
    const base = { subject: payment.paymentId, paymentId, txnRef: payment.txnRef, gateway: payment.gateway };
    if (!registry.has(payment.gateway)) {
      await finding({ ...base, kind: 'gateway_unavailable', detail: `${payment.gateway} is not configured` }, at);
      return 'error';
    }
    let answer: QueryResult;
    try {
      answer = await registry.get(payment.gateway).queryStatus(queryRequestFor(payment));
    } catch (error) {
      await finding({ ...base, kind: 'query_failed', detail: (error as Error).message }, at);
      return 'error';
    }
    const applied = applyQueryResult(payment, answer, at);
    if (applied.note === 'amount_mismatch') {
      await finding(
        {
          ...base,
          kind: 'amount_mismatch',
          detail: `The gateway reports a payment of ${answer.amount} VND; the payment is ${payment.amount} VND.`,
        },
        at,
      );
    }
    if (!applied.changed) {
      if (answer.outcome === 'pending') {
        await finding(
          {
            ...base,
            kind: 'gateway_still_pending',
            detail: `Past its expiry and still in progress at the gateway (${answer.responseCode ?? '-'}).`,
          },
          at,
        );
      }
      return 'unchanged';
    }
    try {
      await commitChange(payment, applied.payment, applied.event, at);
      return applied.event === 'payment.expired' ? 'expired' : 'settled';
    } catch (error) {
      if (!lostRace(error)) throw error;
      await backOff(attempt);
    }
  }
  return 'error';
}

/**
 * The scheduled reconciliation: pending payments past expiry are queried at their gateway and settled or
 * expired; refunds recorded and not yet settled are sent again. Every run is recorded for the day's report.
 */
export async function reconcile(): Promise<ReconcileResult> {
  const startedAt = now();
  const result: ReconcileResult = { checked: 0, settled: 0, expired: 0, refundsProcessed: 0, errors: 0 };
  const registry = await gatewayRegistry();
  for (const paymentId of await store.listPendingExpiredBefore(startedAt.toISOString(), RECONCILE_BATCH)) {
    result.checked++;
    try {
      const outcome = await reconcilePayment(paymentId, registry);
      if (outcome === 'settled') result.settled++;
      else if (outcome === 'expired') result.expired++;
      else if (outcome === 'error') result.errors++;
    } catch (error) {
      result.errors++;
      logger.error('reconciliation of a payment failed', { paymentId, error: error as Error });
    }
  }
  for (const paymentId of await store.listRefunding(RECONCILE_BATCH)) {
    try {
      if (await processRefund(paymentId)) result.refundsProcessed++;
    } catch (error) {
      result.errors++;
      logger.error('a refund could not be processed', { paymentId, error: error as Error });
    }
  }
  await store.recordRun(result, startedAt);
  return result;
}

/** GET /payments/reconciliation: a day's runs, totals by gateway, and findings (GMT+7 days). */
export async function reconciliationReport(date: string | undefined): Promise<ReconciliationReport> {
  const day = date ?? toLocalDate(now());
  if (!isLocalDate(day)) throw new ValidationError([{ path: 'query.date', message: 'Not a calendar date' }]);
  const stored = await store.getReconciliationDay(day);
  const runs = stored.runs.sort((a, b) => a.at.localeCompare(b.at));
  const sum = (field: keyof ReconcileResult) => runs.reduce((total, run) => total + run[field], 0);
  const lastRun = runs.at(-1);
  return {
    date: day,
    runs: {
      count: runs.length,
      ...(lastRun ? { lastRunAt: toLocalIso(new Date(lastRun.at)) } : {}),
      checked: sum('checked'),
      settled: sum('settled'),
      expired: sum('expired'),
      refundsProcessed: sum('refundsProcessed'),
      errors: sum('errors'),
    },
    totals: stored.totals,
    ...(stored.findingsTruncated ? { findingsTruncated: true } : {}),
    findings: stored.findings
      .map((f) => ({
        ...f,
        firstSeenAt: toLocalIso(new Date(f.firstSeenAt)),
        lastSeenAt: toLocalIso(new Date(f.lastSeenAt)),
      }))
      .sort((a, b) => a.firstSeenAt.localeCompare(b.firstSeenAt)),
  };
}

// ---------------------------------------------------------------------------------------------------------
// The local sandbox gateway (dev routes only)

export type CheckoutRequest =
  | { valid: false }
  | { valid: true; expired: boolean; params: Record<string, string>; amount: number; expiresAt?: Date };

/** Reads a checkout request as VNPay's payment page does: signed by the sandbox merchant, not expired. */
export function readCheckout(rawQuery: string): CheckoutRequest {
  const settings = sandboxSettings();
  const { signatureValid, params } = readSandboxCheckout(rawQuery, settings.hashSecret);
  if (!signatureValid || params.vnp_TmnCode !== settings.tmnCode || !/^\d+$/.test(params.vnp_Amount ?? '')) {
    return { valid: false };
  }
  const expiresAt = parseVnpayDate(params.vnp_ExpireDate);
  return {
    valid: true,
    expired: expiresAt !== undefined && expiresAt.getTime() < now().getTime(),
    params,
    amount: Number(params.vnp_Amount) / 100,
    ...(expiresAt ? { expiresAt } : {}),
  };
}

export type CheckoutResult =
  | { kind: 'invalid' }
  | { kind: 'expired' }
  | { kind: 'redirect'; location: string; ipnAnswer?: string };

/**
 * The payer's choice on the sandbox checkout page: the outcome is recorded (status queries answer from it),
 * the signed IPN is sent to the API over HTTP exactly as VNPay sends it, and the browser goes to the return URL.
 */
export async function submitCheckout(rawQuery: string, choice: 'pay' | 'cancel'): Promise<CheckoutResult> {
  const request = readCheckout(rawQuery);
  if (!request.valid) return { kind: 'invalid' };
  if (request.expired) return { kind: 'expired' };
  const at = now();
  const outcome = await store.putSandboxOutcome(
    buildSandboxOutcome(request.params, choice, at, sandboxSettings().hashSecret),
    at,
  );
  let ipnAnswer: string | undefined;
  try {
    const response = await fetch(`${vnpayIpnUrl()}?${outcome.ipnQuery}`, { signal: AbortSignal.timeout(15_000) });
    ipnAnswer = await response.text();
  } catch (error) {
    // As with VNPay, an IPN that did not get through is caught up by reconciliation (querydr).
    logger.warn('the sandbox IPN did not get through', { error: error as Error });
  }
  return { kind: 'redirect', location: outcome.returnUrl, ...(ipnAnswer === undefined ? {} : { ipnAnswer }) };
}

/** Pending payments for the sandbox index page. */
export async function pendingPayments(limit: number): Promise<Payment[]> {
  return store.listPending(limit);
}
