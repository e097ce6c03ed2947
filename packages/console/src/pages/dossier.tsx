/**
 * One dossier: who applied, the form as the procedure's schema lays it out, the documents with previews, the
 * appointment and its history, the timeline, and the actions the API says the official may take now, each
 * with the form it needs. Actions carry If-Match; a stale version (412) shows what changed and offers to apply
 * the same action to the new version.
 */
import { useState } from 'react';
import { unwrap } from '../api/client.ts';
import type { paths } from '../api/schema.gen.ts';
import { useApp } from '../app-context.ts';
import { ActionPanel } from '../components/action-panel.tsx';
import { PageTitle, Show, StatusBadge, TimelinessBadge } from '../components/common.tsx';
import { CounterPayment } from '../components/counter-payment.tsx';
import { DocumentItem } from '../components/document-preview.tsx';
import { FormData } from '../components/form-data.tsx';
import { Slips } from '../components/slips.tsx';
import { useI18n } from '../i18n.tsx';
import { href } from '../router.ts';
import { useLoad } from '../use-load.ts';

export type Dossier = paths['/dossiers/{code}']['get']['responses'][200]['content']['application/json'];
type Procedure = paths['/procedures/{code}']['get']['responses'][200]['content']['application/json'];

export function DossierPage({ code }: { code: string }) {
  const { api } = useApp();
  const { t } = useI18n();
  const [generation, setGeneration] = useState(0);
  const loaded = useLoad(async () => {
    const dossier = unwrap(await api.GET('/dossiers/{code}', { params: { path: { code } } }));
    const procedure = await api
      .GET('/procedures/{code}', { params: { path: { code: dossier.procedureCode } } })
      .then((r) => r.data);
    return { dossier, procedure };
  }, [code, generation]);
  return (
    <>
      <p>
        <a href={href('queue')}>{t('back')}</a>
      </p>
      <Show loaded={loaded}>
        {({ dossier, procedure }) => (
          <DossierView dossier={dossier} procedure={procedure} onChanged={() => setGeneration((g) => g + 1)} />
        )}
      </Show>
    </>
  );
}

function DossierView({
  dossier: d,
  procedure,
  onChanged,
}: {
  dossier: Dossier;
  procedure: Procedure | undefined;
  onChanged: () => void;
}) {
  const { t, tv, text, dateTime, date, money } = useI18n();
  const { agencies } = useApp();
  const requirementName = (requirementCode: string) => {
    const requirement = procedure?.requirements.find((r) => r.code === requirementCode);
    return requirement ? text(requirement.name) : requirementCode;
  };
  return (
    <div className="dossier">
      <div className="dossier-head">
        <PageTitle>
          {t('dossierTitle')} {d.code}
        </PageTitle>
        <div className="dossier-badges">
          <StatusBadge status={d.status} />
          <TimelinessBadge timeliness={d.timeliness} />
          <span className="badge">{tv('channel', d.channel)}</span>
        </div>
        <p className="procedure-name">
          {d.procedureName}{' '}
          <span className="muted">
            ({d.procedureCode}, v{d.procedureVersion})
          </span>{' '}
          · {text(agencies.get(d.currentAgencyCode)) || d.currentAgencyCode}
        </p>
      </div>

      <div className="dossier-grid">
        <div className="dossier-main">
          <section className="card" aria-labelledby="applicant-h">
            <h2 id="applicant-h">{t('applicant')}</h2>
            <dl className="facts">
              <dt>{t('fullName')}</dt>
              <dd>{d.applicant.fullName}</dd>
              <dt>{t('idNumber')}</dt>
              <dd>{d.applicant.idNumber}</dd>
              {d.applicant.phone ? (
                <>
                  <dt>{t('phone')}</dt>
                  <dd>{d.applicant.phone}</dd>
                </>
              ) : null}
              {d.applicant.email ? (
                <>
                  <dt>{t('email')}</dt>
                  <dd>{d.applicant.email}</dd>
                </>
              ) : null}
              {d.applicant.address ? (
                <>
                  <dt>{t('address')}</dt>
                  <dd>{d.applicant.address}</dd>
                </>
              ) : null}
            </dl>
          </section>

          <section className="card" aria-labelledby="form-h">
            <h2 id="form-h">{t('formData')}</h2>
            <FormData data={d.formData} schema={procedure?.formSchema as Parameters<typeof FormData>[0]['schema']} />
          </section>

          <section className="card" aria-labelledby="documents-h">
            <h2 id="documents-h">{t('documents')}</h2>
            {d.documents.length === 0 ? <p className="muted">{t('none')}</p> : null}
            <ul className="documents">
              {d.documents.map((doc) => (
                <DocumentItem
                  key={doc.documentId}
                  documentId={doc.documentId}
                  label={requirementName(doc.requirementCode)}
                  badges={[...(doc.digitized ? [t('digitized')] : []), ...(doc.reused ? [t('reused')] : [])]}
                />
              ))}
              {d.result?.documentId ? (
                <DocumentItem
                  documentId={d.result.documentId}
                  label={`${t('result')} ${d.result.number}`}
                  badges={[]}
                />
              ) : null}
            </ul>
          </section>

          <section className="card" aria-labelledby="history-h">
            <h2 id="history-h">{t('history')}</h2>
            <ol className="timeline">
              {[...d.history].reverse().map((h) => (
                <li key={`${h.at}-${h.action}-${h.to}`}>
                  <time dateTime={h.at}>{dateTime(h.at)}</time>
                  <div>
                    <strong>{tv('action', h.action)}</strong>
                    {h.from ? (
                      <span className="muted">
                        {' '}
                        {tv('status', h.from)} → {tv('status', h.to)}
                      </span>
                    ) : (
                      <span className="muted"> → {tv('status', h.to)}</span>
                    )}
                    <div className="muted">
                      {h.by.name ?? h.by.sub}
                      {h.by.title ? `, ${h.by.title}` : ''}
                    </div>
                    {h.reason ? (
                      <div>
                        {t('reason')}: {h.reason}
                      </div>
                    ) : null}
                    {h.note ? (
                      <div>
                        {t('note')}: {h.note}
                      </div>
                    ) : null}
                  </div>
                </li>
              ))}
            </ol>
          </section>
        </div>

        <aside className="dossier-side">
          <section className="card" aria-labelledby="actions-h">
            <h2 id="actions-h">{t('actions')}</h2>
            <ActionPanel dossier={d} procedure={procedure} onChanged={onChanged} />
          </section>

          <section className="card" aria-labelledby="slips-h">
            <h2 id="slips-h">{t('slips')}</h2>
            <Slips dossier={d} />
          </section>

          <section className="card" aria-labelledby="appointment-h">
            <h2 id="appointment-h">{t('appointment')}</h2>
            <p className="appointment">{dateTime(d.appointmentAt)}</p>
            <dl className="facts">
              <dt>{t('submittedAt')}</dt>
              <dd>{dateTime(d.submittedAt)}</dd>
              <dt>{t('receivedAt')}</dt>
              <dd>{dateTime(d.receivedAt)}</dd>
              {d.endedAt ? (
                <>
                  <dt>{t('endedAt')}</dt>
                  <dd>{dateTime(d.endedAt)}</dd>
                </>
              ) : null}
              {d.previousAppointments.length > 0 ? (
                <>
                  <dt>{t('previousAppointments')}</dt>
                  <dd>
                    <ul className="plain">
                      {d.previousAppointments.map((p) => (
                        <li key={p}>
                          <s>{date(p)}</s>
                        </li>
                      ))}
                    </ul>
                  </dd>
                </>
              ) : null}
            </dl>
            {d.apologies.map((a) => (
              <p key={a.at} className="hint">
                {t('action_apologize')}: {date(a.previousAppointmentAt)} → {date(a.newAppointmentAt)} — {a.reason}
              </p>
            ))}
          </section>

          <section className="card" aria-labelledby="fees-h">
            <h2 id="fees-h">{t('fees')}</h2>
            <table className="compact">
              <tbody>
                {d.fees.map((f) => (
                  <tr key={f.code}>
                    <th scope="row">{f.name}</th>
                    <td className="num">{money(f.amount)}</td>
                  </tr>
                ))}
                <tr className="total">
                  <th scope="row">{t('feeTotal')}</th>
                  <td className="num">{money(d.feeTotal)}</td>
                </tr>
              </tbody>
            </table>
            {d.paymentStatus ? (
              <p>
                {t('paymentStatus')}:{' '}
                <span className={`badge payment-${d.paymentStatus}`}>{tv('payment', d.paymentStatus)}</span>
              </p>
            ) : null}
            <CounterPayment dossier={d} onChanged={onChanged} />
          </section>

          {d.supplements.length > 0 ? (
            <section className="card" aria-labelledby="supplements-h">
              <h2 id="supplements-h">{t('supplements')}</h2>
              <ul className="plain">
                {d.supplements.map((s) => (
                  <li key={s.requestedAt}>
                    {dateTime(s.requestedAt)}: {s.reason}
                    {s.completedAt ? ` ✓ ${dateTime(s.completedAt)}` : ''}
                  </li>
                ))}
              </ul>
            </section>
          ) : null}

          {d.result ? (
            <section className="card" aria-labelledby="result-h">
              <h2 id="result-h">{t('result')}</h2>
              <dl className="facts">
                <dt>{t('resultNumber')}</dt>
                <dd>{d.result.number}</dd>
                <dt>{t('resultSigner')}</dt>
                <dd>{d.result.signer}</dd>
                <dt>{t('resultIssuedBy')}</dt>
                <dd>{d.result.issuedBy}</dd>
                <dt>{t('resultSignedAt')}</dt>
                <dd>{dateTime(d.result.signedAt)}</dd>
              </dl>
            </section>
          ) : null}
        </aside>
      </div>
    </div>
  );
}
