/**
 * The month's figures (GET /reports/dossiers) per agency, procedure or month, and the national service index
 * (GET /reports/index) against its targets: a chart and the table it draws, each with a CSV download.
 */
import { type FormEvent, useId, useState } from 'react';
import { unwrap } from '../api/client.ts';
import type { paths } from '../api/schema.gen.ts';
import { useApp } from '../app-context.ts';
import { BarChart } from '../components/bar-chart.tsx';
import { downloadCsv, PageTitle, Show, TableScroll } from '../components/common.tsx';
import { formatDayMonthYear } from '../dates.ts';
import { useI18n } from '../i18n.tsx';
import { useLoad } from '../use-load.ts';

type Report = paths['/reports/dossiers']['get']['responses'][200]['content']['application/json'];
type Index = paths['/reports/index']['get']['responses'][200]['content']['application/json'];
type Row = Report['rows'][number];
type GroupBy = Report['groupBy'];

const thisMonth = () => new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 7);
const share = (part: number, whole: number) => (whole > 0 ? part / whole : null);

export function ReportsPage() {
  const { api } = useApp();
  const { t, tv } = useI18n();
  const ids = { from: useId(), to: useId(), group: useId() };
  const [period, setPeriod] = useState({ from: thisMonth(), to: thisMonth(), groupBy: 'agency' as GroupBy });
  const [draft, setDraft] = useState(period);
  const loaded = useLoad(async () => {
    const [report, index] = await Promise.all([
      api.GET('/reports/dossiers', {
        params: { query: { from: period.from, to: period.to, groupBy: period.groupBy } },
      }),
      api.GET('/reports/index', { params: { query: { from: period.from, to: period.to } } }),
    ]);
    return { report: unwrap(report), index: unwrap(index) };
  }, [period]);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    setPeriod(draft);
  };

  return (
    <>
      <PageTitle>{t('reportsTitle')}</PageTitle>
      <form className="filters card" onSubmit={apply} aria-label={t('reportsTitle')}>
        <div className="field">
          <label htmlFor={ids.from}>{t('from')}</label>
          <input
            id={ids.from}
            type="month"
            required
            value={draft.from}
            onChange={(e) => setDraft({ ...draft, from: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.to}>{t('to')}</label>
          <input
            id={ids.to}
            type="month"
            required
            value={draft.to}
            onChange={(e) => setDraft({ ...draft, to: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.group}>{t('groupBy')}</label>
          <select
            id={ids.group}
            value={draft.groupBy}
            onChange={(e) => setDraft({ ...draft, groupBy: e.target.value as GroupBy })}
          >
            {(['agency', 'procedure', 'month'] as const).map((g) => (
              <option key={g} value={g}>
                {tv('groupBy', g)}
              </option>
            ))}
          </select>
        </div>
        <div className="buttons">
          <button type="submit">{t('apply')}</button>
        </div>
      </form>
      <Show loaded={loaded}>
        {({ report, index }) => (
          <>
            <DossierFigures report={report} />
            <IndexFigures index={index} />
          </>
        )}
      </Show>
    </>
  );
}

function DossierFigures({ report }: { report: Report }) {
  const { t, tv, text, percent } = useI18n();
  const rows = report.rows.filter((r) => r.received + r.ended + r.inProgressOnTime + r.inProgressOverdue > 0);
  const label = (r: Row) => (r.name ? text(r.name) : r.key || t('total'));
  const labels = rows.map(label);
  const series = [
    { label: t('resolvedEarly'), values: rows.map((r) => r.early), color: '#1a7f37' },
    { label: t('resolvedOnTime'), values: rows.map((r) => r.onTime), color: '#4c9a2a' },
    { label: t('resolvedLate'), values: rows.map((r) => r.late), color: '#c62828' },
    { label: t('inProgressOnTime'), values: rows.map((r) => r.inProgressOnTime), color: '#1f5fa8' },
    { label: t('inProgressOverdue'), values: rows.map((r) => r.inProgressOverdue), color: '#e07b00' },
  ];
  const columns: [string, (r: Row) => string | number][] = [
    [tv('groupBy', report.groupBy), label],
    [t('received'), (r) => r.received],
    [t('receivedOnline'), (r) => r.receivedOnline],
    [t('receivedInPerson'), (r) => r.receivedInPerson],
    [t('receivedPost'), (r) => r.receivedPost],
    [t('resolvedEarly'), (r) => r.early],
    [t('resolvedOnTime'), (r) => r.onTime],
    [t('resolvedLate'), (r) => r.late],
    [t('inProgressOnTime'), (r) => r.inProgressOnTime],
    [t('inProgressOverdue'), (r) => r.inProgressOverdue],
    [t('onTimeShare'), (r) => percent(share(r.early + r.onTime, r.early + r.onTime + r.late))],
    [t('onlineShare'), (r) => percent(share(r.receivedOnline, r.received))],
  ];
  const all = [...rows, report.total];
  return (
    <section className="card" aria-labelledby="figures-h">
      <div className="section-head">
        <h2 id="figures-h">
          {t('reportsTitle')} ({formatDayMonthYear(report.from) || report.from} –{' '}
          {formatDayMonthYear(report.to) || report.to})
        </h2>
        <button
          type="button"
          className="secondary"
          onClick={() =>
            downloadCsv(
              `bao-cao-${report.from}-${report.to}-${report.groupBy}.csv`,
              columns.map(([h]) => h),
              all.map((r) => columns.map(([, f]) => f(r))),
            )
          }
        >
          {t('exportCsv')}
        </button>
      </div>
      {rows.length > 0 ? <BarChart title={t('chartOutcomes')} labels={labels} series={series} stacked /> : null}
      <TableScroll label={t('reportsTitle')}>
        <table>
          <thead>
            <tr>
              {columns.map(([h]) => (
                <th key={h} scope="col">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {all.map((r, i) => (
              <tr key={r.key || 'total'} className={i === rows.length ? 'total' : undefined}>
                {columns.map(([h, f], c) =>
                  c === 0 ? (
                    <th key={h} scope="row">
                      {i === rows.length ? t('total') : f(r)}
                    </th>
                  ) : (
                    <td key={h} className="num">
                      {f(r)}
                    </td>
                  ),
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </section>
  );
}

function IndexFigures({ index }: { index: Index }) {
  const { t, text, percent } = useI18n();
  const labels = index.groups.map((g) => text(g.name));
  const series = [
    { label: t('score'), values: index.groups.map((g) => g.score), color: '#1f5fa8' },
    { label: t('maxPoints'), values: index.groups.map((g) => g.scoredMaxPoints), color: '#b8c7dc' },
  ];
  const header = [t('indicator'), t('ratio'), t('target'), t('score'), t('maxPoints')];
  const rows = index.indicators.map((i) => [
    `${i.id} ${text(i.name)}`,
    percent(i.ratio),
    percent(i.target),
    i.score ?? t('none'),
    i.maxPoints,
  ]);
  return (
    <section className="card" aria-labelledby="index-h">
      <div className="section-head">
        <h2 id="index-h">{t('indexTitle')}</h2>
        <button
          type="button"
          className="secondary"
          onClick={() => downloadCsv(`chi-so-766-${index.from}-${index.to}.csv`, header, rows)}
        >
          {t('exportCsv')}
        </button>
      </div>
      <p className="total-score">
        {t('totalScore')}: <strong>{index.total.score}</strong> / {index.total.scoredMaxPoints}
      </p>
      <BarChart title={t('chartIndex')} labels={labels} series={series} />
      <TableScroll label={t('indexTitle')}>
        <table>
          <thead>
            <tr>
              {header.map((h) => (
                <th key={h} scope="col">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {index.indicators.map((i, n) => (
              <tr key={i.id}>
                <th scope="row">{rows[n]![0]}</th>
                <td className="num">{rows[n]![1]}</td>
                <td className="num">{rows[n]![2]}</td>
                <td className="num">{rows[n]![3]}</td>
                <td className="num">{rows[n]![4]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </section>
  );
}
