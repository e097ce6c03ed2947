/**
 * The agency's work queue, in appointment order (the API's order). What the API filters (a status, due before)
 * is sent to it — one request per status when several are chosen, merged in appointment order; the console
 * narrows the loaded pages further (overdue, procedure, channel, source, free text) and says so on screen. The
 * counts per status are the agency's whole queue (GET /agencies/{code}/dossiers/counts, kept by the API with each
 * transition), not the loaded pages.
 */
import { type FormEvent, useEffect, useId, useMemo, useState } from 'react';
import { unwrap } from '../api/client.ts';
import type { paths } from '../api/schema.gen.ts';
import { useApp } from '../app-context.ts';
import { PageTitle, ProblemView, StatusBadge, TableScroll, TimelinessBadge } from '../components/common.tsx';
import { DateField } from '../components/date-field.tsx';
import { useI18n } from '../i18n.tsx';
import { href, navigate } from '../router.ts';
import { toProblem } from '../use-load.ts';

type QueuePage = paths['/agencies/{code}/dossiers']['get']['responses'][200]['content']['application/json'];
type Summary = QueuePage['items'][number];
type Status = Summary['status'];
type Counts = paths['/agencies/{code}/dossiers/counts']['get']['responses'][200]['content']['application/json'];

const OPEN_STATUSES: Status[] = [
  'submitted',
  'received',
  'processing',
  'supplement_requested',
  'payment_requested',
  'resolved',
];
const CLOSED_STATUSES: Status[] = ['returned', 'rejected', 'withdrawn', 'stopped'];
const CHANNELS: Summary['channel'][] = ['online', 'in_person', 'post'];
/** Where a dossier came from: forwarded by the national portal (source dvcqg), or through motcua's own doors. */
const SOURCES = ['dvcqg', 'local'] as const;
type Source = (typeof SOURCES)[number];

interface Filters {
  agency: string;
  statuses: Status[];
  dueBefore: string;
  overdue: boolean;
  procedure: string;
  channel: Summary['channel'] | '';
  source: Source | '';
  text: string;
}

function filtersFrom(query: URLSearchParams, defaultAgency: string): Filters {
  return {
    agency: query.get('agency') ?? defaultAgency,
    statuses: (query.get('status') ?? '').split(',').filter(Boolean) as Status[],
    dueBefore: query.get('due') ?? '',
    overdue: query.get('overdue') === '1',
    procedure: query.get('procedure') ?? '',
    channel: CHANNELS.find((c) => c === query.get('channel')) ?? '',
    source: SOURCES.find((c) => c === query.get('source')) ?? '',
    text: query.get('q') ?? '',
  };
}

function queryOf(f: Filters): string {
  const q = new URLSearchParams();
  q.set('agency', f.agency);
  if (f.statuses.length) q.set('status', f.statuses.join(','));
  if (f.dueBefore) q.set('due', f.dueBefore);
  if (f.overdue) q.set('overdue', '1');
  if (f.procedure) q.set('procedure', f.procedure);
  if (f.channel) q.set('channel', f.channel);
  if (f.source) q.set('source', f.source);
  if (f.text) q.set('q', f.text);
  return q.toString();
}

/** Appointment order, as the API lists one status (none last), then by submission. */
const byAppointment = (a: Summary, b: Summary) =>
  (a.appointmentAt ?? '~').localeCompare(b.appointmentAt ?? '~') || a.submittedAt.localeCompare(b.submittedAt);

const isOverdue = (d: Summary) => d.timeliness === 'in_progress_overdue' || d.timeliness === 'late';

export function QueuePage({ query }: { query: URLSearchParams }) {
  const { api, official, agencies } = useApp();
  const { t, tv, text, date, money } = useI18n();
  const ids = {
    agency: useId(),
    due: useId(),
    procedure: useId(),
    channel: useId(),
    source: useId(),
    text: useId(),
    overdue: useId(),
  };
  const applied = useMemo(
    () => filtersFrom(query, official.agencyCode ?? [...agencies.keys()][0] ?? ''),
    [query, official, agencies],
  );
  const [draft, setDraft] = useState(applied);
  useEffect(() => setDraft(applied), [applied]);
  const [items, setItems] = useState<Summary[]>([]);
  /** The next page of each list read: one per chosen status when several are chosen, else the one list (''). */
  const [cursors, setCursors] = useState<Map<string, string>>(new Map());
  const [state, setState] = useState<'loading' | 'ready' | 'more'>('loading');
  const [problem, setProblem] = useState<ReturnType<typeof toProblem>>();
  const [counts, setCounts] = useState<Counts>();

  // The API filters by one status (without one: the open queue). With several chosen, the console reads each
  // status's list (closed ones too) and merges them in appointment order; each list pages on its own cursor.
  const lists: string[] = applied.statuses.length > 0 ? applied.statuses : [''];

  const load = async (more: boolean) => {
    setProblem(undefined);
    setState(more ? 'more' : 'loading');
    try {
      const keys = more ? lists.filter((k) => cursors.has(k)) : lists;
      const pages = await Promise.all(
        keys.map(async (key) => {
          const after = more ? cursors.get(key) : undefined;
          const page = unwrap(
            await api.GET('/agencies/{code}/dossiers', {
              params: {
                path: { code: applied.agency },
                query: {
                  limit: '50',
                  ...(key ? { status: key as Status } : {}),
                  ...(applied.dueBefore ? { dueBefore: applied.dueBefore } : {}),
                  ...(after ? { cursor: after } : {}),
                },
              },
            }),
          );
          return { key, page };
        }),
      );
      const next = new Map(more ? cursors : []);
      for (const { key, page } of pages) {
        if (page.nextCursor) next.set(key, page.nextCursor);
        else next.delete(key);
      }
      const fetched = pages.flatMap(({ page }) => page.items);
      setItems((previous) => {
        const all = more ? [...previous, ...fetched] : fetched;
        return pages.length > 1 || more ? all.sort(byAppointment) : all;
      });
      setCursors(next);
    } catch (error) {
      setProblem(toProblem(error));
    }
    setState('ready');
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: reload exactly when the applied filters change
  useEffect(() => {
    void load(false);
    void loadCounts();
  }, [applied]);

  /** The agency's counts per status; a failure leaves them out (the list's own problem is shown). */
  const loadCounts = async () => {
    const answer = await api.GET('/agencies/{code}/dossiers/counts', { params: { path: { code: applied.agency } } });
    setCounts(answer.data);
  };

  const needle = applied.text.trim().toLocaleLowerCase('vi');
  const shown = items.filter(
    (d) =>
      (applied.statuses.length <= 1 || applied.statuses.includes(d.status)) &&
      (!applied.overdue || isOverdue(d)) &&
      (!applied.procedure || d.procedureCode === applied.procedure) &&
      (!applied.channel || d.channel === applied.channel) &&
      (!applied.source || (d.source ?? 'local') === applied.source) &&
      (!needle ||
        d.code.toLocaleLowerCase('vi').includes(needle) ||
        d.applicant.fullName.toLocaleLowerCase('vi').includes(needle)),
  );
  const procedures = new Map(items.map((d) => [d.procedureCode, d.procedureName]));

  const apply = (event: FormEvent) => {
    event.preventDefault();
    navigate(`queue?${queryOf(draft)}`);
  };
  const toggleStatus = (status: Status) =>
    setDraft({
      ...draft,
      statuses: draft.statuses.includes(status)
        ? draft.statuses.filter((s) => s !== status)
        : [...draft.statuses, status],
    });
  const canPickAgency = !official.agencyCode || official.roles.includes('admin');

  return (
    <>
      <PageTitle>
        {t('queueTitle')}: {text(agencies.get(applied.agency))}
      </PageTitle>
      <form className="filters card" onSubmit={apply} aria-label={t('filterStatus')}>
        {canPickAgency ? (
          <div className="field">
            <label htmlFor={ids.agency}>{t('queueAgency')}</label>
            <select
              id={ids.agency}
              value={draft.agency}
              onChange={(e) => setDraft({ ...draft, agency: e.target.value })}
            >
              {[...agencies].map(([code, name]) => (
                <option key={code} value={code}>
                  {code} — {text(name)}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <fieldset className="statuses">
          <legend>{t('filterStatus')}</legend>
          {[...OPEN_STATUSES, ...CLOSED_STATUSES].map((status) => (
            <label key={status} className="check">
              <input type="checkbox" checked={draft.statuses.includes(status)} onChange={() => toggleStatus(status)} />
              {tv('status', status)}
            </label>
          ))}
        </fieldset>
        <div className="field">
          <label htmlFor={ids.due}>{t('filterDueBefore')}</label>
          <DateField id={ids.due} value={draft.dueBefore} onChange={(iso) => setDraft({ ...draft, dueBefore: iso })} />
        </div>
        <div className="field">
          <label htmlFor={ids.procedure}>{t('filterProcedure')}</label>
          <select
            id={ids.procedure}
            value={draft.procedure}
            onChange={(e) => setDraft({ ...draft, procedure: e.target.value })}
          >
            <option value="">{t('filterAll')}</option>
            {[...procedures].map(([code, name]) => (
              <option key={code} value={code}>
                {code} — {name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.channel}>{t('filterChannel')}</label>
          <select
            id={ids.channel}
            value={draft.channel}
            onChange={(e) => setDraft({ ...draft, channel: e.target.value as Filters['channel'] })}
          >
            <option value="">{t('filterAll')}</option>
            {CHANNELS.map((c) => (
              <option key={c} value={c}>
                {tv('channel', c)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.source}>{t('filterSource')}</label>
          <select
            id={ids.source}
            value={draft.source}
            onChange={(e) => setDraft({ ...draft, source: e.target.value as Filters['source'] })}
          >
            <option value="">{t('filterAll')}</option>
            {SOURCES.map((c) => (
              <option key={c} value={c}>
                {tv('source', c)}
              </option>
            ))}
          </select>
        </div>
        <div className="field grow">
          <label htmlFor={ids.text}>{t('filterText')}</label>
          <input
            id={ids.text}
            type="search"
            value={draft.text}
            onChange={(e) => setDraft({ ...draft, text: e.target.value })}
          />
        </div>
        <label className="check" htmlFor={ids.overdue}>
          <input
            id={ids.overdue}
            type="checkbox"
            checked={draft.overdue}
            onChange={(e) => setDraft({ ...draft, overdue: e.target.checked })}
          />
          {t('filterOverdue')}
        </label>
        <div className="buttons">
          <button type="submit">{t('apply')}</button>
          <button
            type="button"
            className="secondary"
            onClick={() => navigate(`queue?agency=${encodeURIComponent(applied.agency)}`)}
          >
            {t('clear')}
          </button>
        </div>
        <p className="hint">{t('filterNote')}</p>
      </form>

      <section aria-label={t('countsTitle')} className="counts">
        <h2 className="visually-hidden">{t('countsTitle')}</h2>
        {counts ? (
          <ul className="counts-list">
            <li>
              {t('countsUnfinished')} <strong>{counts.unfinished}</strong>
            </li>
            {[...OPEN_STATUSES, ...CLOSED_STATUSES].map((status) => (
              <li key={status} data-status={status}>
                <StatusBadge status={status} /> <strong>{counts.counts[status]}</strong>
              </li>
            ))}
          </ul>
        ) : null}
      </section>

      {problem ? <ProblemView problem={problem} onRetry={() => void load(false)} /> : null}
      {state === 'loading' ? (
        <p className="loading">{t('loading')}</p>
      ) : (
        <TableScroll label={t('queueTitle')}>
          <table className="queue">
            <caption className="visually-hidden">{t('queueTitle')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('colCode')}</th>
                <th scope="col">{t('colApplicant')}</th>
                <th scope="col">{t('colProcedure')}</th>
                <th scope="col">{t('colChannel')}</th>
                <th scope="col">{t('colStatus')}</th>
                <th scope="col">{t('colSubmitted')}</th>
                <th scope="col">{t('colAppointment')}</th>
                <th scope="col">{t('colTimeliness')}</th>
                <th scope="col" className="num">
                  {t('colFee')}
                </th>
              </tr>
            </thead>
            <tbody>
              {shown.map((d) => (
                <tr
                  key={d.code}
                  className={isOverdue(d) ? 'overdue' : d.timeliness?.startsWith('paused') ? 'paused' : undefined}
                >
                  <td>
                    <a href={href(`dossiers/${encodeURIComponent(d.code)}`)}>{d.code}</a>
                  </td>
                  <td>{d.applicant.fullName}</td>
                  <td>{d.procedureName}</td>
                  <td>
                    {tv('channel', d.channel)}
                    {d.source ? <div className="muted">{tv('source', d.source)}</div> : null}
                  </td>
                  <td>
                    <StatusBadge status={d.status} />
                  </td>
                  <td>{date(d.submittedAt)}</td>
                  <td>{date(d.appointmentAt)}</td>
                  <td>
                    <TimelinessBadge timeliness={d.timeliness} />
                  </td>
                  <td className="num">{money(d.feeTotal)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {shown.length === 0 && !problem ? <p className="empty">{t('noDossiers')}</p> : null}
        </TableScroll>
      )}
      {cursors.size > 0 ? (
        <button type="button" className="secondary" disabled={state === 'more'} onClick={() => void load(true)}>
          {state === 'more' ? t('loading') : t('loadMore')}
        </button>
      ) : null}
    </>
  );
}
