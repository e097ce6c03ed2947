/**
 * The one-stop desk's day: what the desk took in that day (by whom), the results waiting to be collected
 * (due that day or before), the dossiers submitted online still waiting for the desk to receive them, and the
 * intake count per official. The tracking book (sổ theo dõi hồ sơ, Mẫu 06) of a date range downloads as CSV
 * or PDF. Days are the Vietnam day (GMT+7), as the API counts them.
 */
import { type FormEvent, useId, useState } from 'react';
import type { Problem } from '../api/client.ts';
import { unwrap } from '../api/client.ts';
import type { paths } from '../api/schema.gen.ts';
import { can, useApp } from '../app-context.ts';
import { PageTitle, ProblemView, Show, StatusBadge, TableScroll, TimelinessBadge } from '../components/common.tsx';
import { DateField } from '../components/date-field.tsx';
import { FileButton, loadFile, saveFile } from '../components/file-view.tsx';
import { type MessageKey, useI18n } from '../i18n.tsx';
import { href, navigate } from '../router.ts';
import { toProblem, useLoad } from '../use-load.ts';

type Day = paths['/agencies/{code}/desk']['get']['responses'][200]['content']['application/json'];
type Row = Day['receivedToday'][number];

/** Today in Vietnam (GMT+7), whatever the machine's zone. */
export function vietnamToday(): string {
  return new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
}

export function DeskPage({ date }: { date?: string }) {
  const { api, official, agencies } = useApp();
  const { t, text } = useI18n();
  const id = useId();
  const day = date ?? vietnamToday();
  const agencyCode = official.agencyCode;
  const loaded = useLoad(
    async () =>
      unwrap(
        await api.GET('/agencies/{code}/desk', { params: { path: { code: agencyCode ?? '' }, query: { date: day } } }),
      ),
    [agencyCode, day],
  );
  if (!can(official, 'desk') || !agencyCode)
    return <ProblemView problem={{ type: 'about:blank', title: t('counterOfficersOnly'), status: 403 }} />;
  return (
    <>
      <PageTitle>
        {t('deskTitle')} · {text(agencies.get(agencyCode)) || agencyCode}
      </PageTitle>
      <form
        className="filters"
        aria-label={t('deskDay')}
        onSubmit={(e) => {
          e.preventDefault();
          const chosen = new FormData(e.currentTarget).get('date');
          if (typeof chosen === 'string' && chosen) navigate(`desk?date=${chosen}`);
        }}
      >
        <div className="field">
          <label htmlFor={`${id}-date`}>{t('deskDay')}</label>
          <DateField id={`${id}-date`} name="date" defaultValue={day} key={day} required />
        </div>
        <div className="buttons">
          <button type="submit">{t('apply')}</button>
          <a className="button-link" href={href('counter')}>
            {t('navCounter')}
          </a>
        </div>
      </form>
      <Show loaded={loaded}>
        {(d) => (
          <>
            {d.truncated ? <p className="hint">{t('deskTruncated')}</p> : null}
            <section className="counts" aria-labelledby={`${id}-counts-h`}>
              <h2 id={`${id}-counts-h`}>{t('deskPerOfficial')}</h2>
              {d.countsByOfficial.length === 0 ? (
                <p className="muted">{t('none')}</p>
              ) : (
                <ul className="counts-list">
                  {d.countsByOfficial.map((c) => (
                    <li key={c.sub}>
                      {c.name ?? c.sub}: <strong>{c.received}</strong>
                    </li>
                  ))}
                </ul>
              )}
            </section>
            <DeskTable title="deskReceived" rows={d.receivedToday} />
            <DeskTable title="deskToCollect" rows={d.toCollect} />
            <DeskTable title="deskWaiting" rows={d.waitingAtDesk} />
          </>
        )}
      </Show>
      <TrackingBook agencyCode={agencyCode} day={day} />
    </>
  );
}

function DeskTable({ title, rows }: { title: MessageKey; rows: Row[] }) {
  const { t, tv, dateTime, money } = useI18n();
  const { api } = useApp();
  const id = useId();
  return (
    <section className="card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>
        {t(title)} <span className="muted">({rows.length})</span>
      </h2>
      {rows.length === 0 ? (
        <p className="empty">{t('noDossiers')}</p>
      ) : (
        <TableScroll label={t(title)}>
          <table className="desk">
            <thead>
              <tr>
                <th scope="col">{t('colCode')}</th>
                <th scope="col">{t('colApplicant')}</th>
                <th scope="col">{t('colProcedure')}</th>
                <th scope="col">{t('filterChannel')}</th>
                <th scope="col">{t('colStatus')}</th>
                <th scope="col">{title === 'deskWaiting' ? t('colSubmitted') : t('receivedAt')}</th>
                <th scope="col">{t('colAppointment')}</th>
                <th scope="col">{t('colTimeliness')}</th>
                <th scope="col" className="num">
                  {t('colFee')}
                </th>
                {title === 'deskReceived' ? <th scope="col">{t('slips')}</th> : null}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.code}>
                  <td>
                    <a href={href(`dossiers/${encodeURIComponent(r.code)}`)}>{r.code}</a>
                  </td>
                  <td>
                    {r.applicant.fullName}
                    <div className="muted">{r.applicant.idNumber}</div>
                  </td>
                  <td>{r.procedureName}</td>
                  <td>{tv('channel', r.channel)}</td>
                  <td>
                    <StatusBadge status={r.status} />
                  </td>
                  <td>{dateTime(title === 'deskWaiting' ? r.submittedAt : r.receivedAt)}</td>
                  <td>{dateTime(r.appointmentAt)}</td>
                  <td>
                    <TimelinessBadge timeliness={r.timeliness} />
                  </td>
                  <td className="num">{money(r.feeTotal)}</td>
                  {title === 'deskReceived' ? (
                    <td>
                      <ul className="plain">
                        <FileButton
                          label={`${t('slip_receipt')} ${r.code}`}
                          fileName={`${r.code}-tiep-nhan.pdf`}
                          load={() =>
                            api.GET('/dossiers/{code}/slips/{kind}', {
                              params: { path: { code: r.code, kind: 'receipt' } },
                              parseAs: 'blob',
                            })
                          }
                        />
                      </ul>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </section>
  );
}

function TrackingBook({ agencyCode, day }: { agencyCode: string; day: string }) {
  const { api } = useApp();
  const { t } = useI18n();
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem>();
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const from = String(form.get('from'));
    const to = String(form.get('to'));
    const format = form.get('format') === 'pdf' ? 'pdf' : 'csv';
    setBusy(true);
    setProblem(undefined);
    try {
      saveFile(
        await loadFile(
          api.GET('/agencies/{code}/tracking-book', {
            params: { path: { code: agencyCode }, query: { from, to, format } },
            parseAs: 'blob',
          }),
          `so-theo-doi-${agencyCode}-${from}-${to}.${format}`,
        ),
      );
    } catch (error) {
      setProblem(toProblem(error));
    }
    setBusy(false);
  };
  return (
    <section className="card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t('trackingBook')}</h2>
      <p className="hint">{t('trackingBookHint')}</p>
      <form className="inline-form" onSubmit={submit} aria-label={t('trackingBook')}>
        <div className="field">
          <label htmlFor={`${id}-from`}>{t('fromDay')}</label>
          <DateField id={`${id}-from`} name="from" defaultValue={`${day.slice(0, 8)}01`} required />
        </div>
        <div className="field">
          <label htmlFor={`${id}-to`}>{t('toDay')}</label>
          <DateField id={`${id}-to`} name="to" defaultValue={day} required />
        </div>
        <div className="field">
          <label htmlFor={`${id}-format`}>{t('fileFormat')}</label>
          <select id={`${id}-format`} name="format" defaultValue="csv">
            <option value="csv">CSV</option>
            <option value="pdf">PDF</option>
          </select>
        </div>
        <div className="buttons">
          <button type="submit" disabled={busy}>
            {busy ? t('loading') : t('download')}
          </button>
        </div>
      </form>
      {problem ? <ProblemView problem={problem} /> : null}
    </section>
  );
}
