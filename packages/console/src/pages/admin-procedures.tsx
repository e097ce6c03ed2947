/**
 * Procedures (admins): the catalog, each procedure's versions, and publishing a new version from the one in
 * effect with a new start date (a published version is never edited; PUT /procedures/{code} adds a version).
 */
import { type FormEvent, useId, useState } from 'react';
import { type Problem, unwrap } from '../api/client.ts';
import type { paths } from '../api/schema.gen.ts';
import { useApp } from '../app-context.ts';
import { PageTitle, ProblemView, Show } from '../components/common.tsx';
import { DateField } from '../components/date-field.tsx';
import { formatDayMonthYear } from '../dates.ts';
import { useI18n } from '../i18n.tsx';
import { toProblem, useLoad } from '../use-load.ts';

type Procedure = paths['/procedures/{code}']['get']['responses'][200]['content']['application/json'];
type PutBody = paths['/procedures/{code}']['put']['requestBody']['content']['application/json'];
type VersionRow =
  paths['/procedures/{code}/versions']['get']['responses'][200]['content']['application/json']['items'][number];

export function AdminProceduresPage() {
  const { api } = useApp();
  const { t, text } = useI18n();
  const [selected, setSelected] = useState<string>();
  const list = useLoad(async () => unwrap(await api.GET('/procedures', { params: { query: { limit: '100' } } })), []);
  return (
    <>
      <PageTitle>{t('proceduresTitle')}</PageTitle>
      <div className="split">
        <section className="card" aria-labelledby="procedures-h">
          <h2 id="procedures-h" className="visually-hidden">
            {t('proceduresTitle')}
          </h2>
          <Show loaded={list}>
            {(page) => (
              <ul className="pick-list">
                {page.items.map((p) => (
                  <li key={p.code}>
                    <button
                      type="button"
                      className="link"
                      aria-current={selected === p.code ? 'true' : undefined}
                      onClick={() => setSelected(p.code)}
                    >
                      <code>{p.code}</code> {text(p.name)}
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </Show>
        </section>
        {selected ? <ProcedureVersions key={selected} code={selected} /> : null}
      </div>
    </>
  );
}

function ProcedureVersions({ code }: { code: string }) {
  const { api } = useApp();
  const { t, text } = useI18n();
  /** The version whose details are shown; by default the one in effect today. */
  const [version, setVersion] = useState<number>();
  const [generation, setGeneration] = useState(0);
  const current = useLoad(
    async () => unwrap(await api.GET('/procedures/{code}', { params: { path: { code } } })),
    [code, generation],
  );
  const shown = useLoad(
    async () =>
      version === undefined
        ? undefined
        : unwrap(
            await api.GET('/procedures/{code}', { params: { path: { code }, query: { version: String(version) } } }),
          ),
    [code, version],
  );
  return (
    <section className="card" aria-labelledby="versions-h">
      <Show loaded={current}>
        {(p) => (
          <>
            <h2 id="versions-h">
              {p.code} — {text(p.name)}
            </h2>
            {/* Keyed by generation: a publication starts the list again from its first page. */}
            <VersionTable key={generation} code={code} shown={version ?? p.version} onOpen={setVersion} />
            <h3>
              {t('versionDetails')} v{version ?? p.version}
            </h3>
            <VersionFacts procedure={shown.state === 'ready' && shown.value ? shown.value : p} />
            {shown.state === 'error' ? <ProblemView problem={shown.problem} /> : null}
            <Publish
              procedure={p}
              onPublished={(published) => {
                setVersion(published);
                setGeneration((g) => g + 1);
              }}
            />
            <p className="hint">
              {t('publishBase')} v{p.version} ({t('validFrom').toLowerCase()} {formatDayMonthYear(p.validFrom)})
            </p>
          </>
        )}
      </Show>
    </section>
  );
}

/**
 * Every published or retired version, newest first (GET /procedures/{code}/versions, paged): a version published
 * to start later, in this session or an earlier one, is listed beside the one in effect and the past ones.
 */
function VersionTable({ code, shown, onOpen }: { code: string; shown: number; onOpen: (version: number) => void }) {
  const { api } = useApp();
  const { t, tv, dateTime } = useI18n();
  const load = async (cursor?: string) =>
    unwrap(
      await api.GET('/procedures/{code}/versions', {
        params: { path: { code }, query: cursor === undefined ? {} : { cursor } },
      }),
    );
  const first = useLoad(() => load(), [code]);
  const [more, setMore] = useState<{ items: VersionRow[]; nextCursor?: string }>();
  const [moreProblem, setMoreProblem] = useState<Problem>();
  return (
    <Show loaded={first}>
      {(page) => {
        const items = [...page.items, ...(more?.items ?? [])];
        const nextCursor = more ? more.nextCursor : page.nextCursor;
        const loadMore = async () => {
          setMoreProblem(undefined);
          try {
            const next = await load(nextCursor);
            setMore({ items: [...(more?.items ?? []), ...next.items], nextCursor: next.nextCursor });
          } catch (error) {
            setMoreProblem(toProblem(error));
          }
        };
        return (
          <div className="table-wrap">
            <table className="compact">
              <caption>{t('versionsCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('version')}</th>
                  <th scope="col">{t('validity')}</th>
                  <th scope="col">{t('status')}</th>
                  <th scope="col">{t('publishedAt')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((v) => (
                  <tr key={v.version}>
                    <th scope="row">
                      <button
                        type="button"
                        className={v.version === shown ? 'small' : 'secondary small'}
                        aria-pressed={v.version === shown}
                        onClick={() => onOpen(v.version)}
                      >
                        v{v.version}
                      </button>
                    </th>
                    <td>
                      {formatDayMonthYear(v.validFrom)} → {v.validTo ? formatDayMonthYear(v.validTo) : t('openEnded')}
                    </td>
                    <td>{tv('versionStanding', v.status)}</td>
                    <td>
                      {v.publishedAt ? dateTime(v.publishedAt) : t('none')}
                      {v.publishedBy ? ` · ${v.publishedBy}` : ''}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {nextCursor ? (
              <button type="button" className="secondary small" onClick={loadMore}>
                {t('loadMore')}
              </button>
            ) : null}
            {moreProblem ? <ProblemView problem={moreProblem} /> : null}
          </div>
        );
      }}
    </Show>
  );
}

function VersionFacts({ procedure: p }: { procedure: Procedure }) {
  const { t, tv, money, text } = useI18n();
  return (
    <dl className="facts">
      <dt>{t('version')}</dt>
      <dd>
        v{p.version} · {tv('procedureStatus', p.status)}
      </dd>
      <dt>{t('validFrom')}</dt>
      <dd>
        {formatDayMonthYear(p.validFrom)}
        {p.validTo ? ` → ${formatDayMonthYear(p.validTo)}` : ''}
      </dd>
      <dt>{t('fees')}</dt>
      <dd>
        {p.fees
          .map((f) => `${f.name}${'amount' in f && typeof f.amount === 'number' ? `: ${money(f.amount)}` : ''}`)
          .join('; ') || t('none')}
      </dd>
      <dt>{t('documents')}</dt>
      <dd>
        <ul className="plain">
          {p.requirements.map((r) => (
            <li key={r.code}>
              {text(r.name)}
              {r.required ? ' *' : ''}
            </li>
          ))}
        </ul>
      </dd>
    </dl>
  );
}

function Publish({ procedure, onPublished }: { procedure: Procedure; onPublished: (version: number) => void }) {
  const { api } = useApp();
  const { t } = useI18n();
  const id = useId();
  const tomorrow = new Date(Date.now() + 31 * 3600_000).toISOString().slice(0, 10);
  const [validFrom, setValidFrom] = useState(tomorrow);
  const [problem, setProblem] = useState<Problem>();
  const [done, setDone] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(undefined);
    // The new version is the one in effect with a new start date; the catalog validates it as a whole.
    const { version: _v, status: _s, validTo: _vt, ...rest } = procedure as Procedure & Record<string, unknown>;
    const body = { ...rest, status: 'published', validFrom } as unknown as PutBody;
    try {
      const published = unwrap(
        await api.PUT('/procedures/{code}', { params: { path: { code: procedure.code } }, body }),
      );
      setDone(true);
      onPublished(published.version);
    } catch (error) {
      setProblem(toProblem(error));
    }
  };
  return (
    <form className="inline-form" onSubmit={submit}>
      <label htmlFor={id}>{t('validFrom')}</label>
      <DateField id={id} required value={validFrom} onChange={setValidFrom} />
      <button type="submit">{t('publish')}</button>
      {done ? (
        <span role="status" className="notice">
          {t('done')}
        </span>
      ) : null}
      {problem ? <ProblemView problem={problem} /> : null}
    </form>
  );
}
