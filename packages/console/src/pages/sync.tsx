/**
 * National Public Service Portal sync: the dossiers whose push keeps failing (admins, GET /sync/failures), the
 * sync state of one dossier (GET /sync/status) and, for the province's administrator, a national re-sync
 * (POST /sync/resyncs) with its progress (GET /sync/resyncs/{id}); the job followed is in the URL (?resync=<id>).
 */
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { type Problem, unwrap } from '../api/client.ts';
import type { paths } from '../api/schema.gen.ts';
import { can, useApp } from '../app-context.ts';
import { PageTitle, ProblemView, Show, TableScroll } from '../components/common.tsx';
import { DateField } from '../components/date-field.tsx';
import { formatDayMonthYear } from '../dates.ts';
import { useI18n } from '../i18n.tsx';
import { href, navigate } from '../router.ts';
import { toProblem, useLoad } from '../use-load.ts';

type SyncState = paths['/sync/status']['get']['responses'][200]['content']['application/json'];
type ResyncJob = paths['/sync/resyncs/{id}']['get']['responses'][200]['content']['application/json'];
type ResyncRequest = paths['/sync/resyncs']['post']['requestBody']['content']['application/json'];

/**
 * How often a job's progress is read again. The sweep moves a job every 5 minutes; a few seconds shows a run's
 * effect soon after it, for one admin's page.
 */
const RESYNC_POLL_MS = 5_000;

export function SyncPage({ resync }: { resync?: string }) {
  const { official } = useApp();
  const { t } = useI18n();
  return (
    <>
      <PageTitle>{t('syncTitle')}</PageTitle>
      <Lookup />
      {can(official, 'sync-failures') ? <Failures /> : null}
      {can(official, 'resync') ? <Resync {...(resync ? { jobId: resync } : {})} /> : null}
    </>
  );
}

/** The re-sync form and, once a job is asked for (or named in the URL), its progress. */
function Resync({ jobId }: { jobId?: string }) {
  const { t } = useI18n();
  /** The job the request answered, shown at once; and whether it was one already marking that range. */
  const [started, setStarted] = useState<{ job: ResyncJob; existing: boolean }>();
  return (
    <section className="card" aria-labelledby="resync-h">
      <h2 id="resync-h">{t('resyncTitle')}</h2>
      <p className="hint">{t('resyncIntro')}</p>
      <ResyncForm
        onStarted={(job, existing) => {
          setStarted({ job, existing });
          navigate(`sync?resync=${encodeURIComponent(job.id)}`);
        }}
      />
      {jobId ? (
        <ResyncProgress
          key={jobId}
          id={jobId}
          {...(started?.job.id === jobId ? { initial: started.job, existing: started.existing } : {})}
        />
      ) : null}
    </section>
  );
}

function ResyncForm({ onStarted }: { onStarted: (job: ResyncJob, existing: boolean) => void }) {
  const { api, agencies } = useApp();
  const { t, text } = useI18n();
  const id = useId();
  const [scope, setScope] = useState<ResyncRequest['scope']>('received');
  const [receivedFrom, setReceivedFrom] = useState('');
  const [receivedTo, setReceivedTo] = useState('');
  const [agencyCode, setAgencyCode] = useState('');
  const [procedureCode, setProcedureCode] = useState('');
  const [reason, setReason] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem>();
  const confirmHeading = useRef<HTMLHeadingElement>(null);
  // The catalog's procedures, those the agency picked receives when one is.
  const procedures = useLoad(
    async () =>
      unwrap(
        await api.GET('/procedures', {
          params: { query: { limit: '100', ...(agencyCode ? { agencyCode } : {}) } },
        }),
      ),
    [agencyCode],
  );

  useEffect(() => {
    if (confirming) confirmHeading.current?.focus();
  }, [confirming]);

  const request: ResyncRequest = {
    scope,
    ...(scope === 'received' ? { receivedFrom, receivedTo } : {}),
    ...(agencyCode ? { agencyCode } : {}),
    ...(procedureCode ? { procedureCode } : {}),
    reason: reason.trim(),
  };

  const review = (event: FormEvent) => {
    event.preventDefault();
    setProblem(undefined);
    setConfirming(true);
  };

  const start = async () => {
    setBusy(true);
    setProblem(undefined);
    try {
      const answer = await api.POST('/sync/resyncs', { body: request });
      const job = unwrap(answer);
      // The API says when it answered the job already marking this range (x-resync-created: false). Where the
      // header is not readable (a cross-origin API that does not expose it), that job kept its own reason.
      const created = answer.response.headers.get('x-resync-created');
      const existing = created === null ? job.reason !== request.reason : created === 'false';
      setConfirming(false);
      onStarted(job, existing);
    } catch (error) {
      // Back to the fields, with the API's problem (in the user's language) naming what to change.
      setConfirming(false);
      setProblem(toProblem(error));
    } finally {
      setBusy(false);
    }
  };

  if (confirming)
    return (
      <section className="stale" aria-labelledby={`${id}-confirm`}>
        <h3 id={`${id}-confirm`} ref={confirmHeading} tabIndex={-1}>
          {t('resyncConfirmTitle')}
        </h3>
        <p>
          {t('resyncWillSend')}{' '}
          <strong>
            {scope === 'all'
              ? t('resyncEveryDossier')
              : t('resyncReceivedRange')
                  .replace('{from}', formatDayMonthYear(receivedFrom))
                  .replace('{to}', formatDayMonthYear(receivedTo))}
          </strong>
          {agencyCode ? (
            <>
              {' '}
              {t('resyncOfAgency')} <strong>{text(agencies.get(agencyCode)) || agencyCode}</strong>
            </>
          ) : null}
          {procedureCode ? (
            <>
              {' '}
              {t('resyncOfProcedure')} <strong>{procedureCode}</strong>
            </>
          ) : null}
          .
        </p>
        <p>
          {t('reason')}: {request.reason}
        </p>
        <p className="hint">{t('resyncConfirmNote')}</p>
        <div className="buttons">
          <button type="button" disabled={busy} onClick={() => void start()}>
            {busy ? t('working') : t('resyncStart')}
          </button>
          <button type="button" className="secondary" disabled={busy} onClick={() => setConfirming(false)}>
            {t('resyncBack')}
          </button>
        </div>
      </section>
    );

  return (
    <form onSubmit={review} aria-labelledby="resync-h">
      <fieldset className="statuses">
        <legend>{t('resyncScope')}</legend>
        {(['received', 'all'] as const).map((s) => (
          <label key={s} className="check">
            <input type="radio" name={`${id}-scope`} checked={scope === s} onChange={() => setScope(s)} />
            {t(`resyncScope_${s}`)}
          </label>
        ))}
      </fieldset>
      <div className="grid-3">
        {scope === 'received' ? (
          <>
            <div className="field">
              <label htmlFor={`${id}-from`}>{t('resyncFrom')}</label>
              <DateField id={`${id}-from`} required value={receivedFrom} onChange={setReceivedFrom} />
            </div>
            <div className="field">
              <label htmlFor={`${id}-to`}>{t('resyncTo')}</label>
              <DateField
                id={`${id}-to`}
                required
                value={receivedTo}
                onChange={setReceivedTo}
                {...(receivedFrom ? { min: receivedFrom } : {})}
              />
            </div>
          </>
        ) : null}
        <div className="field">
          <label htmlFor={`${id}-agency`}>{t('resyncAgency')}</label>
          <select
            id={`${id}-agency`}
            value={agencyCode}
            onChange={(e) => {
              setAgencyCode(e.target.value);
              setProcedureCode('');
            }}
          >
            <option value="">{t('resyncAny')}</option>
            {[...agencies].map(([code, name]) => (
              <option key={code} value={code}>
                {text(name)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-procedure`}>{t('resyncProcedure')}</label>
          <select id={`${id}-procedure`} value={procedureCode} onChange={(e) => setProcedureCode(e.target.value)}>
            <option value="">{t('resyncAny')}</option>
            {procedures.state === 'ready'
              ? procedures.value.items.map((p) => (
                  <option key={p.code} value={p.code}>
                    {p.code} — {text(p.name)}
                  </option>
                ))
              : null}
          </select>
          {procedures.state === 'ready' && procedures.value.nextCursor ? (
            <span className="hint">{t('resyncFirstProcedures')}</span>
          ) : null}
        </div>
      </div>
      {procedures.state === 'error' ? <ProblemView problem={procedures.problem} onRetry={procedures.reload} /> : null}
      <div className="field">
        <label htmlFor={`${id}-reason`}>{t('resyncReason')}</label>
        <textarea
          id={`${id}-reason`}
          required
          minLength={5}
          maxLength={500}
          rows={2}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
      </div>
      <div className="buttons">
        <button type="submit">{t('resyncReview')}</button>
      </div>
      {problem ? <ProblemView problem={problem} /> : null}
    </form>
  );
}

const RESYNC_COUNTS = [
  'scanned',
  'matched',
  'marked',
  'pushed',
  'failed',
  'alreadyMarked',
  'notSynced',
  'unavailable',
  'dropped',
] as const satisfies readonly (keyof ResyncJob['counts'])[];

/** A job's progress, read again every few seconds until it is completed (and not after the panel is gone). */
function ResyncProgress({ id, initial, existing }: { id: string; initial?: ResyncJob; existing?: boolean }) {
  const { api, agencies } = useApp();
  const { t, tv, text, dateTime } = useI18n();
  const [job, setJob] = useState<ResyncJob | undefined>(initial);
  const [problem, setProblem] = useState<Problem>();
  const [generation, setGeneration] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `initial` only seeds the first read
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const read = async () => {
      try {
        const next = unwrap(await api.GET('/sync/resyncs/{id}', { params: { path: { id } } }));
        if (stopped) return;
        setJob(next);
        setProblem(undefined);
        if (next.status !== 'completed') timer = setTimeout(read, RESYNC_POLL_MS);
      } catch (error) {
        // A wrong id in the URL, or the network: said, with a retry, not read again blindly.
        if (!stopped) setProblem(toProblem(error));
      }
    };
    // The job the request just answered is fresh: its first read again waits one interval.
    if (initial && generation === 0) timer = setTimeout(read, RESYNC_POLL_MS);
    else void read();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [api, id, generation]);

  const range = job?.range;
  return (
    <section className="resync-progress" aria-labelledby={`resync-${id}-h`} aria-busy={!job && !problem}>
      <h3 id={`resync-${id}-h`}>{t('resyncProgress')}</h3>
      {existing ? (
        <p className="notice" role="status">
          {t('resyncExisting')}
        </p>
      ) : null}
      {problem ? <ProblemView problem={problem} onRetry={() => setGeneration((g) => g + 1)} /> : null}
      {job && range ? (
        <>
          <p>
            <span className={`badge resync-${job.status}`} role="status">
              {tv('resyncStatus', job.status)}
            </span>
          </p>
          {job.status === 'marking' ? (
            <progress aria-label={tv('resyncStatus', job.status)} />
          ) : job.counts.marked > 0 ? (
            <p className="resync-bar">
              <progress
                aria-label={t('resyncSent')
                  .replace('{pushed}', String(job.counts.pushed))
                  .replace('{marked}', String(job.counts.marked))}
                max={job.counts.marked}
                value={job.counts.pushed}
              />{' '}
              {t('resyncSent')
                .replace('{pushed}', String(job.counts.pushed))
                .replace('{marked}', String(job.counts.marked))}
            </p>
          ) : null}
          <dl className="facts">
            <dt>{t('resyncScope')}</dt>
            <dd>
              {range.scope === 'all'
                ? t('resyncScope_all')
                : `${formatDayMonthYear(range.receivedFrom)} → ${formatDayMonthYear(range.receivedTo)}`}
              {range.agencyCode ? ` · ${text(agencies.get(range.agencyCode)) || range.agencyCode}` : ''}
              {range.procedureCode ? ` · ${range.procedureCode}` : ''}
            </dd>
            <dt>{t('reason')}</dt>
            <dd>{job.reason}</dd>
            <dt>{t('resyncRequestedBy')}</dt>
            <dd>{job.requestedBy.name ?? job.requestedBy.sub}</dd>
            <dt>{t('resyncRequestedAt')}</dt>
            <dd>{dateTime(job.requestedAt)}</dd>
            <dt>{t('resyncMarkingFinished')}</dt>
            <dd>{dateTime(job.markingFinishedAt)}</dd>
          </dl>
          <table className="compact resync-counts">
            <caption className="visually-hidden">{t('resyncCountsCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('resyncStep')}</th>
                <th scope="col">{t('resyncDossiers')}</th>
              </tr>
            </thead>
            <tbody>
              {RESYNC_COUNTS.map((count) => (
                <tr key={count}>
                  <th scope="row">{tv('resyncCount', count)}</th>
                  <td className="num">{job.counts[count]}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {job.status === 'completed' ? null : <p className="hint">{t('resyncPolling')}</p>}
        </>
      ) : null}
    </section>
  );
}

function Lookup() {
  const { api } = useApp();
  const { t } = useI18n();
  const id = useId();
  const [code, setCode] = useState('');
  const [state, setState] = useState<SyncState>();
  const [problem, setProblem] = useState<Problem>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(undefined);
    setState(undefined);
    try {
      setState(unwrap(await api.GET('/sync/status', { params: { query: { code: code.trim() } } })));
    } catch (error) {
      setProblem(toProblem(error));
    }
  };
  return (
    <section className="card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t('syncLookup')}</h2>
      <form className="inline-form" onSubmit={submit}>
        <label htmlFor={id}>{t('colCode')}</label>
        <input id={id} value={code} required onChange={(e) => setCode(e.target.value)} />
        <button type="submit">{t('lookUp')}</button>
      </form>
      {problem ? <ProblemView problem={problem} /> : null}
      {state ? <SyncTable items={[state]} /> : null}
    </section>
  );
}

function Failures() {
  const { api } = useApp();
  const { t } = useI18n();
  const loaded = useLoad(
    async () => unwrap(await api.GET('/sync/failures', { params: { query: { limit: '100' } } })),
    [],
  );
  return (
    <section className="card" aria-labelledby="failures-h">
      <h2 id="failures-h">{t('syncFailures')}</h2>
      <Show loaded={loaded}>
        {(page) =>
          page.items.length === 0 ? <p className="muted">{t('syncNone')}</p> : <SyncTable items={page.items} />
        }
      </Show>
    </section>
  );
}

function SyncTable({ items }: { items: SyncState[] }) {
  const { t, tv, dateTime } = useI18n();
  return (
    <TableScroll label={t('syncTitle')}>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('colCode')}</th>
            <th scope="col">{t('status')}</th>
            <th scope="col">{t('attempts')}</th>
            <th scope="col">{t('lastSynced')}</th>
            <th scope="col">{t('lastAttempt')}</th>
            <th scope="col">{t('nextAttempt')}</th>
            <th scope="col">{t('lastError')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((s) => (
            <tr key={s.dossierCode} className={s.status === 'retrying' ? 'overdue' : undefined}>
              <th scope="row">
                <a href={href(`dossiers/${encodeURIComponent(s.dossierCode)}`)}>{s.dossierCode}</a>
              </th>
              <td>
                <span className={`badge sync-${s.status}`}>{tv('sync', s.status)}</span>
              </td>
              <td className="num">{s.attempts}</td>
              <td>{dateTime(s.lastSyncedAt)}</td>
              <td>{dateTime(s.lastAttemptAt)}</td>
              <td>{dateTime(s.nextAttemptAt)}</td>
              <td>{s.lastError ?? t('none')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
