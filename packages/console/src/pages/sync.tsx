/**
 * National Public Service Portal sync: the dossiers whose push keeps failing (admins, GET /sync/failures) and the
 * sync state of one dossier (GET /sync/status).
 */
import { type FormEvent, useId, useState } from 'react';
import { type Problem, unwrap } from '../api/client.ts';
import type { paths } from '../api/schema.gen.ts';
import { can, useApp } from '../app-context.ts';
import { PageTitle, ProblemView, Show, TableScroll } from '../components/common.tsx';
import { useI18n } from '../i18n.tsx';
import { href } from '../router.ts';
import { toProblem, useLoad } from '../use-load.ts';

type SyncState = paths['/sync/status']['get']['responses'][200]['content']['application/json'];

export function SyncPage() {
  const { official } = useApp();
  const { t } = useI18n();
  return (
    <>
      <PageTitle>{t('syncTitle')}</PageTitle>
      <Lookup />
      {can(official, 'sync-failures') ? <Failures /> : null}
    </>
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
