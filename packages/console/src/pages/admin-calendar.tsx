/** The working-day calendar of a year (admins): holidays and make-up working days, edited and saved whole. */
import { useId, useState } from 'react';
import { type Problem, unwrap } from '../api/client.ts';
import type { paths } from '../api/schema.gen.ts';
import { useApp } from '../app-context.ts';
import { PageTitle, ProblemView, Show } from '../components/common.tsx';
import { DateField } from '../components/date-field.tsx';
import { formatDayMonthYear } from '../dates.ts';
import { useI18n } from '../i18n.tsx';
import { toProblem, useLoad } from '../use-load.ts';

type Calendar = paths['/calendar/{year}']['get']['responses'][200]['content']['application/json'];
type Day = Calendar['holidays'][number];

export function AdminCalendarPage() {
  const { api } = useApp();
  const { t } = useI18n();
  const id = useId();
  const [year, setYear] = useState(new Date().getFullYear());
  const loaded = useLoad(
    async () => unwrap(await api.GET('/calendar/{year}', { params: { path: { year: String(year) } } })),
    [year],
  );
  return (
    <>
      <PageTitle>{t('calendarTitle')}</PageTitle>
      <div className="inline-form card">
        <label htmlFor={id}>{t('year')}</label>
        <select id={id} value={year} onChange={(e) => setYear(Number(e.target.value))}>
          {[-1, 0, 1, 2].map((d) => {
            const y = new Date().getFullYear() + d;
            return (
              <option key={y} value={y}>
                {y}
              </option>
            );
          })}
        </select>
      </div>
      <Show loaded={loaded}>{(calendar) => <CalendarEditor key={calendar.year} calendar={calendar} />}</Show>
    </>
  );
}

function CalendarEditor({ calendar }: { calendar: Calendar }) {
  const { api } = useApp();
  const { t } = useI18n();
  const [holidays, setHolidays] = useState(calendar.holidays);
  const [workdays, setWorkdays] = useState(calendar.workingWeekendDays);
  const [problem, setProblem] = useState<Problem>();
  const [saved, setSaved] = useState(false);
  const save = async () => {
    setProblem(undefined);
    setSaved(false);
    try {
      unwrap(
        await api.PUT('/calendar/{year}', {
          params: { path: { year: String(calendar.year) } },
          body: { year: calendar.year, holidays, workingWeekendDays: workdays },
        }),
      );
      setSaved(true);
    } catch (error) {
      setProblem(toProblem(error));
    }
  };
  return (
    <section className="card">
      <div className="split">
        <DayList title={t('holidays')} days={holidays} onChange={setHolidays} year={calendar.year} />
        <DayList title={t('workdays')} days={workdays} onChange={setWorkdays} year={calendar.year} />
      </div>
      <div className="buttons">
        <button type="button" onClick={() => void save()}>
          {t('save')}
        </button>
        {saved ? (
          <span role="status" className="notice">
            {t('done')}
          </span>
        ) : null}
      </div>
      {problem ? <ProblemView problem={problem} /> : null}
    </section>
  );
}

function DayList({
  title,
  days,
  onChange,
  year,
}: {
  title: string;
  days: Day[];
  onChange: (d: Day[]) => void;
  year: number;
}) {
  const { t, language } = useI18n();
  const id = useId();
  const [date, setDate] = useState('');
  const [name, setName] = useState('');
  // Each list is its own region (two on the page, the same fields in both): its fields are named within it.
  return (
    <section aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{title}</h2>
      <ul className="plain days">
        {days.map((d, i) => (
          <li key={d.date}>
            <time dateTime={d.date}>{formatDayMonthYear(d.date)}</time>{' '}
            {language === 'en' ? (d.nameEn ?? d.name) : d.name}{' '}
            <button
              type="button"
              className="link"
              aria-label={`${t('clear')} ${formatDayMonthYear(d.date)}`}
              onClick={() => onChange(days.filter((_, j) => j !== i))}
            >
              ✕
            </button>
          </li>
        ))}
      </ul>
      <div className="inline-form">
        <label htmlFor={`${id}-date`}>{t('dayDate')}</label>
        <DateField id={`${id}-date`} min={`${year}-01-01`} max={`${year}-12-31`} value={date} onChange={setDate} />
        <label htmlFor={`${id}-name`}>{t('dayName')}</label>
        <input id={`${id}-name`} value={name} onChange={(e) => setName(e.target.value)} />
        <button
          type="button"
          className="secondary"
          disabled={!date || !name}
          onClick={() => {
            onChange([...days, { date, name }].sort((a, b) => a.date.localeCompare(b.date)));
            setDate('');
            setName('');
          }}
        >
          {t('dayAdd')}
        </button>
      </div>
    </section>
  );
}
