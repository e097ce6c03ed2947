/**
 * Dossiers forwarded by the national portal (Cổng DVCQG) that motcua could not take in by itself: an unmapped
 * procedure or agency, data the procedure's schema refuses, a file that could not be fetched or was rejected.
 * Each shows why it is held; the official takes it in again once the cause is fixed (retry), or refuses it
 * with a reason that goes back to the portal (reject). Other states can be looked at with the status filter.
 */
import { type FormEvent, useId, useState } from 'react';
import { type Problem, unwrap } from '../api/client.ts';
import type { paths } from '../api/schema.gen.ts';
import { can, useApp } from '../app-context.ts';
import { PageTitle, ProblemView, Show } from '../components/common.tsx';
import { type MessageKey, useI18n } from '../i18n.tsx';
import { href } from '../router.ts';
import { toProblem, useLoad } from '../use-load.ts';

type Status = NonNullable<NonNullable<paths['/portal/forwarded']['get']['parameters']['query']>['status']>;
type Forwarded = paths['/portal/forwarded']['get']['responses'][200]['content']['application/json']['items'][number];
type HoldCode = NonNullable<Forwarded['hold']>['code'];

/** Every reason the API can give for a hold has a label: a new reason in the contract is a type error here. */
const HOLD_LABELS: Record<HoldCode, MessageKey> = {
  'invalid-data': 'hold_invalid-data',
  'unmapped-procedure': 'hold_unmapped-procedure',
  'unknown-procedure': 'hold_unknown-procedure',
  'unmapped-agency': 'hold_unmapped-agency',
  'file-unreachable': 'hold_file-unreachable',
  'file-corrupt': 'hold_file-corrupt',
  'file-rejected': 'hold_file-rejected',
  'unknown-dossier': 'hold_unknown-dossier',
  'not-awaiting-supplement': 'hold_not-awaiting-supplement',
};
const STATUSES: Status[] = ['needs_attention', 'awaiting_documents', 'forwarded', 'accepted', 'rejected'];

export function AttentionPage() {
  const { api } = useApp();
  const { t, tv } = useI18n();
  const id = useId();
  const [status, setStatus] = useState<Status>('needs_attention');
  const loaded = useLoad(
    async () => unwrap(await api.GET('/portal/forwarded', { params: { query: { status, limit: 100 } } })).items,
    [status],
  );
  return (
    <>
      <PageTitle>{t('attentionTitle')}</PageTitle>
      <p className="hint">{t('attentionIntro')}</p>
      <div className="filters">
        <div className="field">
          <label htmlFor={`${id}-status`}>{t('filterStatus')}</label>
          <select id={`${id}-status`} value={status} onChange={(e) => setStatus(e.target.value as Status)}>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {tv('forward', s)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <Show loaded={loaded}>
        {(items) =>
          items.length === 0 ? (
            <p className="empty">{t('attentionNone')}</p>
          ) : (
            <ul className="attention-list">
              {items.map((item) => (
                <ForwardedItem key={item.nationalId} item={item} onChanged={loaded.reload} />
              ))}
            </ul>
          )
        }
      </Show>
    </>
  );
}

function ForwardedItem({ item, onChanged }: { item: Forwarded; onChanged: () => void }) {
  const { api, official, agencies } = useApp();
  const { t, tv, dateTime, text } = useI18n();
  const id = useId();
  const [rejecting, setRejecting] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem>();
  const [done, setDone] = useState<string>();
  const held = item.status === 'needs_attention';
  const act = async (call: () => Promise<{ data?: unknown; error?: unknown; response: Response }>, what: string) => {
    setBusy(true);
    setProblem(undefined);
    try {
      unwrap(await call());
      setDone(what);
      setRejecting(false);
      onChanged();
    } catch (error) {
      setProblem(toProblem(error));
    }
    setBusy(false);
  };
  const reject = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const reason = String(new FormData(event.currentTarget).get('reason') ?? '').trim();
    void act(
      () =>
        api.POST('/portal/forwarded/{nationalId}/reject', {
          params: { path: { nationalId: item.nationalId } },
          body: { reason },
        }),
      t('attentionRejected'),
    );
  };
  return (
    <li className="card attention" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>
        {item.nationalId} — {item.applicantName}
      </h2>
      <dl className="facts">
        <dt>{t('status')}</dt>
        <dd>
          <span className={`badge forward-${item.status}`}>{tv('forward', item.status)}</span>
        </dd>
        <dt>{t('nationalProcedure')}</dt>
        <dd>
          {item.nationalProcedureCode}
          {item.procedureCode ? ` → ${item.procedureCode}` : ''}
        </dd>
        <dt>{t('queueAgency')}</dt>
        <dd>{item.agencyCode ? text(agencies.get(item.agencyCode)) || item.agencyCode : t('none')}</dd>
        <dt>{t('receivedFromPortal')}</dt>
        <dd>
          {dateTime(item.receivedAt)} ({tv('via', item.via)})
        </dd>
        <dt>{t('attempts')}</dt>
        <dd>{item.attempts}</dd>
        {item.dossierCode ? (
          <>
            <dt>{t('dossierTitle')}</dt>
            <dd>
              <a href={href(`dossiers/${encodeURIComponent(item.dossierCode)}`)}>{item.dossierCode}</a>
            </dd>
          </>
        ) : null}
      </dl>
      {item.hold ? (
        <div className="hold">
          <p>
            <strong>{t(HOLD_LABELS[item.hold.code])}</strong> ({dateTime(item.hold.at)}): {item.hold.detail}
          </p>
          {item.hold.errors?.length ? (
            <ul>
              {item.hold.errors.map((e) => (
                <li key={`${e.field}:${e.message}`}>
                  <code>{e.field}</code> {e.message}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {item.files.length > 0 ? (
        <ul className="plain">
          {item.files.map((f) => (
            <li key={`${f.requirementCode}:${f.fileName}`}>
              {f.requirementCode}: {f.fileName} — {tv('fileState', f.state)}
            </li>
          ))}
        </ul>
      ) : null}
      {item.conflicts.length > 0 ? (
        <p className="hint">
          {t('conflicts')}: {item.conflicts.map((c) => `${dateTime(c.at)} (${c.changedFields.join(', ')})`).join('; ')}
        </p>
      ) : null}
      {item.rejection ? (
        <p>
          {t('attentionRejected')} {dateTime(item.rejection.at)} — {item.rejection.reason}
        </p>
      ) : null}
      {done ? (
        <p className="notice" role="status">
          {done}
        </p>
      ) : null}
      {held && can(official, 'reports') ? (
        <div className="buttons">
          <button
            type="button"
            disabled={busy}
            aria-label={`${t('attentionRetry')}: ${item.nationalId}`}
            onClick={() =>
              void act(
                () =>
                  api.POST('/portal/forwarded/{nationalId}/retry', {
                    params: { path: { nationalId: item.nationalId } },
                  }),
                t('attentionRetried'),
              )
            }
          >
            {t('attentionRetry')}
          </button>
          <button
            type="button"
            className="danger"
            aria-expanded={rejecting}
            aria-label={`${t('attentionReject')}: ${item.nationalId}`}
            onClick={() => setRejecting(!rejecting)}
          >
            {t('attentionReject')}
          </button>
        </div>
      ) : null}
      {rejecting ? (
        <form className="action-form" onSubmit={reject} aria-label={t('attentionReject')}>
          <div className="field">
            <label htmlFor={`${id}-reason`}>{t('reason')}</label>
            <textarea id={`${id}-reason`} name="reason" required maxLength={2000} rows={3} />
          </div>
          <div className="buttons">
            <button type="submit" disabled={busy}>
              {busy ? t('working') : t('confirm')}
            </button>
            <button type="button" className="secondary" onClick={() => setRejecting(false)}>
              {t('cancel')}
            </button>
          </div>
        </form>
      ) : null}
      {problem ? <ProblemView problem={problem} /> : null}
    </li>
  );
}
