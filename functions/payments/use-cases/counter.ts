/** Fees paid at the desk: an official records a fee taken in cash or by card. */
import { randomUUID } from 'node:crypto';
import { toLocalDate } from '#calendar/time.ts';
import { now } from '#platform/clock.ts';
import { contendedItems, contendedOnlyOn, lostRace, type TransactItem, transactWrite } from '#platform/dynamo.ts';
import {
  ForbiddenError,
  PreconditionFailedError,
  PreconditionRequiredError,
  ValidationError,
} from '#platform/errors.ts';
import { parseIfMatch } from '#platform/http.ts';
import { runIdempotent, type StoredResponse } from '#platform/idempotency.ts';
import { hasRole, type Identity, isOfficialOf } from '#platform/identity.ts';
import { envelope, outboxPut } from '#platform/outbox.ts';
import type { CounterPaymentBody } from '../api/schemas.ts';
import { attachReceipt, counterPayment, newTxnRef, paymentEventData } from '../domain/payment.ts';
import { apiBaseUrl } from '../gateways.ts';
import { issueReceiptNumber } from '../receipts.ts';
import * as store from '../store.ts';
import { RECEIPT_ROUNDS } from './change.ts';
import { confirmDossier, dossierAgencies, dossierNotFound, oversees, payableFeeLines } from './dossiers.ts';
import { paymentView } from './queries.ts';
import { ATTEMPTS, backOff, busy, randomBase36 } from './shared.ts';

/** An officer or leader of an agency on the dossier: who may take a fee for it (not admins). */
const actsFor = (who: Identity, record: store.DossierRecord): boolean =>
  !hasRole(who, 'admin') && dossierAgencies(record).some((agency) => agency !== undefined && isOfficialOf(who, agency));

const counterRefused = (): ForbiddenError =>
  new ForbiddenError({
    vi: 'Chỉ công chức của cơ quan, bộ phận một cửa đang giữ hồ sơ được ghi nhận thu phí tại quầy.',
    en: 'Only officials of an agency or desk on the dossier may record a fee paid at the counter.',
  });

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
        const feeLines = await payableFeeLines(record, at, {
          vi: 'Hồ sơ đã kết thúc; không thể thu phí.',
          en: 'The dossier is closed; no fee can be taken.',
        });
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
