/** Creating a payment (POST /payments) at an online gateway. */
import { randomUUID } from 'node:crypto';
import { now } from '#platform/clock.ts';
import { conditionFailed, lostRace, transactWrite } from '#platform/dynamo.ts';
import { NotFoundError } from '#platform/errors.ts';
import { runIdempotent, type StoredResponse } from '#platform/idempotency.ts';
import type { Identity } from '#platform/identity.ts';
import type { CreatedPayment, CreatePaymentBody } from '../api/schemas.ts';
import { paymentLookupCode } from '../domain/paygov.ts';
import {
  createRequestFor,
  DEFAULT_PAYMENT_TTL_MINUTES,
  newPayment,
  newTxnRef,
  type Payment,
} from '../domain/payment.ts';
import type { GatewayName } from '../events.ts';
import { gatewayRegistry, paygovBillTtlMinutes } from '../gateways.ts';
import * as store from '../store.ts';
import { confirmDossier, payableFeeLines } from './dossiers.ts';
import { ATTEMPTS, busy, randomBase36 } from './shared.ts';

function expiryMinutes(): number {
  const configured = Number(process.env.PAYMENT_EXPIRY_MINUTES);
  return Number.isInteger(configured) && configured > 0 ? configured : DEFAULT_PAYMENT_TTL_MINUTES;
}

export interface CreatePaymentInput {
  body: CreatePaymentBody;
  payer: Identity;
  idempotencyKey: string;
  language: 'vi' | 'en';
  payerIp: string;
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
        const feeLines = await payableFeeLines(record, at, {
          vi: 'Hồ sơ đã kết thúc; không thể thanh toán.',
          en: 'The dossier is closed; it cannot be paid.',
        });
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
