import type { ReactNode } from 'react';
import type { Problem } from '../api/client.ts';
import { useI18n } from '../i18n.tsx';
import type { Loaded } from '../use-load.ts';

/** A problem+json answer as the API worded it (in the language the request asked for), with field errors. */
export function ProblemView({ problem, onRetry }: { problem: Problem; onRetry?: () => void }) {
  const { t } = useI18n();
  return (
    <div className="problem" role="alert">
      <p className="problem-title">
        {problem.title}
        {problem.status ? <span className="problem-status"> ({problem.status})</span> : null}
      </p>
      {problem.detail ? <p>{problem.detail}</p> : null}
      {problem.errors && problem.errors.length > 0 ? (
        <ul>
          {problem.errors.map((e) => (
            <li key={`${e.path}:${e.message}`}>
              {e.path ? <code>{e.path}</code> : null} {e.message}
            </li>
          ))}
        </ul>
      ) : null}
      {onRetry ? (
        <button type="button" className="secondary" onClick={onRetry}>
          {t('retry')}
        </button>
      ) : null}
    </div>
  );
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p className="loading" aria-live="polite">
      {t('loading')}
    </p>
  );
}

/** Renders a loaded value, or the loading line, or the problem with a retry. */
export function Show<T>({
  loaded,
  children,
}: {
  loaded: Loaded<T> & { reload: () => void };
  children: (value: T) => ReactNode;
}) {
  if (loaded.state === 'loading') return <Loading />;
  if (loaded.state === 'error') return <ProblemView problem={loaded.problem} onRetry={loaded.reload} />;
  return <>{children(loaded.value)}</>;
}

export function StatusBadge({ status }: { status: string }) {
  const { tv } = useI18n();
  return <span className={`badge status-${status}`}>{tv('status', status)}</span>;
}

export function TimelinessBadge({ timeliness }: { timeliness: string | null | undefined }) {
  const { tv, t } = useI18n();
  if (!timeliness) return <span className="muted">{t('none')}</span>;
  return <span className={`badge timeliness-${timeliness}`}>{tv('timeliness', timeliness)}</span>;
}

export function PageTitle({ children }: { children: ReactNode }) {
  return (
    <h1 className="page-title" tabIndex={-1}>
      {children}
    </h1>
  );
}

/** A CSV download of what is on screen, built in the browser (no server round trip for the same data). */
export function downloadCsv(fileName: string, header: string[], rows: (string | number | null | undefined)[][]) {
  const quote = (value: string | number | null | undefined) => {
    const text = value === null || value === undefined ? '' : String(value);
    return /[",\n;]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  // The BOM makes spreadsheet software read the Vietnamese text as UTF-8.
  const csv = `\uFEFF${[header, ...rows].map((row) => row.map(quote).join(',')).join('\r\n')}\r\n`;
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A table that may scroll sideways (narrow screens): focusable, so the keyboard can scroll it too. */
export function TableScroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (WCAG 2.1.1)
    <section className="table-wrap" aria-label={label} tabIndex={0}>
      {children}
    </section>
  );
}
