/**
 * Fees taken at the desk (issue #13): the official records what the applicant paid in cash or by card, for
 * exactly the amount due; the API issues the receipt number from the province's series. The request carries
 * If-Match with the version on screen, so a payment is never recorded against a dossier that changed unseen.
 * While fees are due, the applicant may instead pay online: the national payment platform's lookup code and
 * page, with a QR code the desk can print and hand over (PaymentQr).
 * The dossier's payments (online and at the desk) are listed under it, with their receipt numbers.
 */
import { type FormEvent, useId, useState } from 'react';
import { type Problem, ProblemError, unwrap } from '../api/client.ts';
import type { paths } from '../api/schema.gen.ts';
import { can, useApp } from '../app-context.ts';
import { useI18n } from '../i18n.tsx';
import type { Dossier } from '../pages/dossier.tsx';
import { toProblem, useLoad } from '../use-load.ts';
import { ProblemView } from './common.tsx';
import { PaymentQr } from './payment-qr.tsx';

type Method =
  paths['/dossiers/{code}/payments/counter']['post']['requestBody']['content']['application/json']['method'];

/** Statuses in which nothing more is taken (the API refuses them with 409 too). */
const CLOSED = new Set(['rejected', 'withdrawn', 'stopped', 'returned']);

export function CounterPayment({ dossier, onChanged }: { dossier: Dossier; onChanged: () => void }) {
  const { api, official } = useApp();
  const { t, tv, money, dateTime } = useI18n();
  const methodId = useId();
  const [method, setMethod] = useState<Method>('cash');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem>();
  const [receipt, setReceipt] = useState<string>();
  const [shownReceipt, setShownReceipt] = useState<string>();
  const payments = useLoad(
    async () => unwrap(await api.GET('/dossiers/{code}/payments', { params: { path: { code: dossier.code } } })),
    [dossier.code, dossier.version, receipt],
  );

  // Once recorded here the form goes at once: the dossier's own payment status follows its event a moment later.
  const payable =
    receipt === undefined &&
    can(official, 'act') &&
    dossier.feeTotal > 0 &&
    dossier.paymentStatus !== 'paid' &&
    !CLOSED.has(dossier.status);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(undefined);
    try {
      const paid = unwrap(
        await api.POST('/dossiers/{code}/payments/counter', {
          params: { path: { code: dossier.code }, header: { 'if-match': String(dossier.version) } },
          body: { amount: dossier.feeTotal, method },
        }),
      );
      setReceipt(paid.receipt?.number ?? '');
      onChanged();
    } catch (error) {
      setProblem(error instanceof ProblemError ? error.problem : toProblem(error));
    }
    setBusy(false);
  };

  return (
    <div className="counter-payment">
      {receipt ? (
        <p className="notice" role="status">
          {t('counterPaid')}: {receipt}
        </p>
      ) : null}
      {payable ? (
        <form aria-label={t('counterPayment')} onSubmit={submit}>
          <p>
            {t('counterAmountDue')}: <strong>{money(dossier.feeTotal)}</strong>
          </p>
          <label htmlFor={methodId}>{t('counterMethod')}</label>
          <select id={methodId} value={method} onChange={(e) => setMethod(e.target.value as Method)}>
            <option value="cash">{tv('method', 'cash')}</option>
            <option value="card">{tv('method', 'card')}</option>
          </select>
          <button type="submit" disabled={busy}>
            {t('counterRecord')}
          </button>
        </form>
      ) : null}
      {problem ? <ProblemView problem={problem} /> : null}
      {payments.state === 'ready' && payments.value.nationalPlatform && receipt === undefined ? (
        // What the desk hands an applicant who would rather pay online: the code, the platform's page, its QR.
        <PaymentQr
          dossierCode={dossier.code}
          amount={dossier.feeTotal}
          lookupCode={payments.value.nationalPlatform.lookupCode}
          paymentUrl={payments.value.nationalPlatform.paymentUrl}
        />
      ) : null}
      {payments.state === 'ready' && payments.value.items.length > 0 ? (
        <table className="compact" aria-label={t('paymentsOfDossier')}>
          <tbody>
            {payments.value.items.map((p) => (
              <tr key={p.paymentId}>
                <th scope="row">
                  {p.gateway === 'counter' ? tv('method', p.method ?? 'cash') : tv('gateway', p.gateway)}
                  {p.receipt ? ` · ${p.receipt.number}` : ''}
                </th>
                <td>{tv('payment', p.status)}</td>
                <td className="num">{money(p.amount)}</td>
                <td>{p.paidAt ? dateTime(p.paidAt) : ''}</td>
                <td>
                  {p.receipt ? (
                    <button
                      type="button"
                      className="secondary small"
                      aria-expanded={shownReceipt === p.paymentId}
                      aria-label={`${t('receiptOpen')} ${p.receipt.number}`}
                      onClick={() => setShownReceipt(shownReceipt === p.paymentId ? undefined : p.paymentId)}
                    >
                      {t('receiptOpen')}
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {shownReceipt ? <ReceiptView key={shownReceipt} paymentId={shownReceipt} /> : null}
    </div>
  );
}

/** A payment's electronic receipt (GET /payments/{paymentId}/receipt), as the API issued it. */
function ReceiptView({ paymentId }: { paymentId: string }) {
  const { api, agencies } = useApp();
  const { t, tv, money, dateTime, text } = useI18n();
  const loaded = useLoad(
    async () => unwrap(await api.GET('/payments/{paymentId}/receipt', { params: { path: { paymentId } } })),
    [paymentId],
  );
  if (loaded.state === 'loading') return <p className="loading">{t('loading')}</p>;
  if (loaded.state === 'error') return <ProblemView problem={loaded.problem} />;
  const r = loaded.value;
  return (
    <section className="receipt" aria-label={`${t('receiptTitle')} ${r.number}`}>
      <h3>
        {t('receiptTitle')} {r.number}
      </h3>
      <dl className="facts">
        <dt>{t('receiptIssuedAt')}</dt>
        <dd>{dateTime(r.issuedAt)}</dd>
        <dt>{t('receiptPayer')}</dt>
        <dd>
          {r.payer.fullName ?? ''} ({r.payer.idNumber})
        </dd>
        <dt>{t('receiptMethod')}</dt>
        <dd>{r.gateway === 'counter' ? tv('method', r.method ?? 'cash') : tv('gateway', r.gateway)}</dd>
        {r.recordedBy ? (
          <>
            <dt>{t('receiptRecordedBy')}</dt>
            <dd>
              {r.recordedBy.name ?? r.recordedBy.sub} ·{' '}
              {text(agencies.get(r.recordedBy.agencyCode)) || r.recordedBy.agencyCode}
            </dd>
          </>
        ) : null}
        {r.gatewayTransactionNo ? (
          <>
            <dt>{t('receiptTransaction')}</dt>
            <dd>{r.gatewayTransactionNo}</dd>
          </>
        ) : null}
      </dl>
      <table className="compact">
        <tbody>
          {r.feeLines.map((line) => (
            <tr key={line.code}>
              <th scope="row">{line.name}</th>
              <td className="num">{money(line.amount)}</td>
            </tr>
          ))}
          <tr className="total">
            <th scope="row">{t('feeTotal')}</th>
            <td className="num">{money(r.amount)}</td>
          </tr>
        </tbody>
      </table>
    </section>
  );
}
