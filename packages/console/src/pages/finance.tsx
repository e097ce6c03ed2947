/** Payment reconciliation for a day (GET /payments/reconciliation): totals per gateway, findings, the runs. */
import { useId, useState } from 'react';
import { unwrap } from '../api/client.ts';
import { useApp } from '../app-context.ts';
import { downloadCsv, PageTitle, Show } from '../components/common.tsx';
import { DateField } from '../components/date-field.tsx';
import { useI18n } from '../i18n.tsx';
import { useLoad } from '../use-load.ts';

const today = () => new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);

export function FinancePage() {
  const { api } = useApp();
  const { t, tv, money, dateTime } = useI18n();
  const id = useId();
  const [date, setDate] = useState(today);
  const loaded = useLoad(
    async () => unwrap(await api.GET('/payments/reconciliation', { params: { query: { date } } })),
    [date],
  );
  return (
    <>
      <PageTitle>{t('financeTitle')}</PageTitle>
      <div className="inline-form card">
        <label htmlFor={id}>{t('financeDay')}</label>
        <DateField id={id} value={date} onChange={(iso) => iso && setDate(iso)} />
      </div>
      <Show loaded={loaded}>
        {(r) => (
          <>
            <section className="card" aria-labelledby="totals-h">
              <h2 id="totals-h">{t('payments')}</h2>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('financeGateway')}</th>
                    <th scope="col" className="num">
                      {t('payment_paid')}
                    </th>
                    <th scope="col" className="num">
                      {t('amount')}
                    </th>
                    <th scope="col" className="num">
                      {t('payment_refunded')}
                    </th>
                    <th scope="col" className="num">
                      {t('amount')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {Object.entries(r.totals).map(([gateway, x]) => (
                    <tr key={gateway}>
                      <th scope="row">{tv('gateway', gateway)}</th>
                      <td className="num">{x.paidCount}</td>
                      <td className="num">{money(x.paidAmount)}</td>
                      <td className="num">{x.refundedCount}</td>
                      <td className="num">{money(x.refundedAmount)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <p className="hint">
                {t('financeRuns')}: {r.runs.count} · {t('financeChecked')}: {r.runs.checked} · {t('financeSettled')}:{' '}
                {r.runs.settled} · {t('financeExpired')}: {r.runs.expired} · {t('financeErrors')}: {r.runs.errors} ·{' '}
                {t('financeLastRun')}: {dateTime(r.runs.lastRunAt)}
              </p>
            </section>
            <section className="card" aria-labelledby="findings-h">
              <div className="section-head">
                <h2 id="findings-h">
                  {t('financeFindings')} ({r.findings.length})
                </h2>
                <button
                  type="button"
                  className="secondary"
                  onClick={() =>
                    downloadCsv(
                      `doi-soat-${r.date}.csv`,
                      ['kind', 'gateway', 'subject', 'txnRef', 'occurrences', 'firstSeenAt', 'lastSeenAt', 'detail'],
                      r.findings.map((f) => [
                        f.kind,
                        f.gateway,
                        f.subject,
                        f.txnRef,
                        f.occurrences,
                        f.firstSeenAt,
                        f.lastSeenAt,
                        f.detail,
                      ]),
                    )
                  }
                >
                  {t('exportCsv')}
                </button>
              </div>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('financeKind')}</th>
                    <th scope="col">{t('financeGateway')}</th>
                    <th scope="col">{t('financeRef')}</th>
                    <th scope="col" className="num">
                      {t('financeOccurrences')}
                    </th>
                    <th scope="col">{t('lastAttempt')}</th>
                    <th scope="col">{t('financeDetail')}</th>
                  </tr>
                </thead>
                <tbody>
                  {r.findings.map((f) => (
                    <tr key={`${f.kind}-${f.subject}`}>
                      <th scope="row">{tv('finding', f.kind)}</th>
                      <td>{f.gateway ? tv('gateway', f.gateway) : t('none')}</td>
                      <td>{f.txnRef ?? f.subject}</td>
                      <td className="num">{f.occurrences}</td>
                      <td>{dateTime(f.lastSeenAt)}</td>
                      <td>{f.detail}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          </>
        )}
      </Show>
    </>
  );
}
