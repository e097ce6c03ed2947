/**
 * Confirmations: gateway IPNs for different payments arriving at the same moment, 10, 50 and 200 at once, on the
 * local cloud (the sandbox merchant's signed VNPay IPN on the real route). Each confirmation takes a receipt
 * number in the same transaction as the payment's change; receipt numbers are spread over parallel gapless
 * series (docs/decisions/0013-money-under-load.md), so confirmations should scale with the number of payments.
 * Target: every confirmation answered RspCode 00 on its first call, at every level.
 */
import { randomUUID } from 'node:crypto';
import { SANDBOX_DEFAULTS } from '../functions/payments/domain/sandbox.ts';
import { buildVnpayCallbackQuery, formatVnpayDate } from '../functions/payments/domain/vnpay.ts';
import {
  type BenchCloud,
  benchCitizen,
  percentile,
  round,
  startBenchCloud,
  submissionBody,
  submitDossier,
  uploadVerifiedDocument,
  writeDetail,
} from './support.ts';

const LEVELS = [10, 50, 200];
const CITIZENS = 10;

interface Pending {
  txnRef: string;
  amount: number;
}

/** `count` payments created through the API, each for its own dossier, ready to be confirmed. */
async function pendingPayments(bench: BenchCloud, citizens: { token: string; body: unknown }[], count: number) {
  const payments: Pending[] = [];
  for (let start = 0; start < count; start += CITIZENS) {
    const wave = await Promise.all(
      Array.from({ length: Math.min(CITIZENS, count - start) }, async (_, i) => {
        const citizen = citizens[i]!;
        const { code } = await submitDossier(bench, citizen.token, citizen.body, randomUUID());
        const res = await bench.fetch('/payments', {
          method: 'POST',
          token: citizen.token,
          body: { dossierCode: code, gateway: 'sandbox' },
          headers: { 'idempotency-key': randomUUID() },
        });
        if (res.status !== 201) throw new Error(`POST /payments: ${res.status} ${res.text.slice(0, 300)}`);
        return { txnRef: res.json.txnRef as string, amount: res.json.amount as number };
      }),
    );
    payments.push(...wave);
  }
  return payments;
}

function ipnQuery(payment: Pending): string {
  return buildVnpayCallbackQuery(
    {
      vnp_Amount: String(payment.amount * 100),
      vnp_BankCode: 'NCB',
      vnp_CardType: 'ATM',
      vnp_OrderInfo: 'Thanh toan le phi',
      vnp_PayDate: formatVnpayDate(new Date()),
      vnp_ResponseCode: '00',
      vnp_TmnCode: SANDBOX_DEFAULTS.tmnCode,
      vnp_TransactionNo: String(Math.floor(Math.random() * 1e8)),
      vnp_TransactionStatus: '00',
      vnp_TxnRef: payment.txnRef,
    },
    SANDBOX_DEFAULTS.hashSecret,
  );
}

/** Rows: per level, confirmations per second, first-call successes, latency percentiles. */
export async function confirmationsBenchmark(levels: number[] = LEVELS) {
  const bench = await startBenchCloud();
  try {
    const citizens = await Promise.all(
      Array.from({ length: CITIZENS }, async (_, i) => {
        const citizen = benchCitizen(500 + i);
        const token = await bench.token({ sub: citizen.idNumber, roles: ['citizen'], name: citizen.fullName });
        const documentId = await uploadVerifiedDocument(bench, token);
        return { token, body: submissionBody(citizen, documentId) };
      }),
    );
    const rows = [];
    const failures: string[] = [];
    for (const level of levels) {
      const payments = await pendingPayments(bench, citizens, level);
      await bench.cloud.settle(240_000);
      const queries = payments.map(ipnQuery);
      const started = performance.now();
      const answers = await Promise.all(
        queries.map(async (query) => {
          const sent = performance.now();
          const res = await bench.fetch(`/payments/vnpay/ipn?${query}`);
          return { code: String(res.json?.RspCode), ms: performance.now() - sent };
        }),
      );
      const elapsedMs = performance.now() - started;
      const ok = answers.filter((a) => a.code === '00').length;
      failures.push(...answers.filter((a) => a.code !== '00').map((a) => `level ${level}: RspCode ${a.code}`));
      rows.push({
        atOnce: level,
        firstCallSuccess: ok,
        otherAnswers: level - ok,
        seconds: round(elapsedMs / 1000, 2),
        confirmationsPerSecond: round(ok / (elapsedMs / 1000), 1),
        p50Ms: round(
          percentile(
            answers.map((a) => a.ms),
            0.5,
          ),
        ),
        p95Ms: round(
          percentile(
            answers.map((a) => a.ms),
            0.95,
          ),
        ),
        target: 'every one 00 on the first call',
        meetsTarget: ok === level,
      });
      await bench.cloud.settle(240_000);
    }
    writeDetail('confirmations', { rows, failures: failures.slice(0, 20), runtimeLog: bench.logLines.slice(0, 50) });
    return rows;
  } finally {
    await bench.stop();
  }
}
