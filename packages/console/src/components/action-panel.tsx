/**
 * The actions the API allows the official on the dossier now (`allowedActions`), each opening the form it
 * needs. The request carries If-Match with the version on screen. When someone else changed the dossier first
 * (412), the panel fetches the new version, lists what changed and offers to send the same action again.
 */
import { type FormEvent, type ReactNode, useId, useState } from 'react';
import { type Problem, ProblemError, unwrap } from '../api/client.ts';
import type { paths } from '../api/schema.gen.ts';
import { uploadDocument } from '../api/upload.ts';
import { can, useApp } from '../app-context.ts';
import { type MessageKey, useI18n } from '../i18n.tsx';
import type { Dossier } from '../pages/dossier.tsx';
import { toProblem } from '../use-load.ts';
import { ProblemView } from './common.tsx';
import { DateField } from './date-field.tsx';

type ActionBody = paths['/dossiers/{code}/actions']['post']['requestBody']['content']['application/json'];
type Procedure = paths['/procedures/{code}']['get']['responses'][200]['content']['application/json'];

/** Actions whose reason the transition table requires (the API checks it too; this only marks the field). */
const REASON_REQUIRED = new Set(['reject', 'request-supplement', 'stop', 'apologize']);
const ACTION_ORDER = [
  'receive',
  'start-processing',
  'request-supplement',
  'request-payment',
  'resolve',
  'return-result',
  'transfer',
  'apologize',
  'reject',
  'stop',
];

interface Stale {
  body: ActionBody;
  fresh: Dossier;
  changes: { label: MessageKey; before: string; after: string }[];
  newEntries: Dossier['history'];
}

export function ActionPanel({
  dossier,
  procedure,
  onChanged,
}: {
  dossier: Dossier;
  procedure: Procedure | undefined;
  onChanged: () => void;
}) {
  const { api, official } = useApp();
  const { t, tv, dateTime } = useI18n();
  const [open, setOpen] = useState<string>();
  const [problem, setProblem] = useState<Problem>();
  const [stale, setStale] = useState<Stale>();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string>();

  const actions = dossier.allowedActions
    .filter((a) => ACTION_ORDER.includes(a))
    .sort((a, b) => ACTION_ORDER.indexOf(a) - ACTION_ORDER.indexOf(b));
  if (!can(official, 'act') || actions.length === 0) return <p className="muted">{t('noActions')}</p>;

  const send = async (body: ActionBody, version: number) => {
    setBusy(true);
    setProblem(undefined);
    try {
      const result = await api.POST('/dossiers/{code}/actions', {
        params: { path: { code: dossier.code }, header: { 'if-match': String(version) } },
        body,
      });
      if (result.response.status === 412) {
        const fresh = unwrap(await api.GET('/dossiers/{code}', { params: { path: { code: dossier.code } } }));
        const base = stale?.fresh ?? dossier;
        const changes: Stale['changes'] = [];
        if (fresh.status !== base.status)
          changes.push({
            label: 'changedStatus',
            before: tv('status', base.status),
            after: tv('status', fresh.status),
          });
        if (fresh.appointmentAt !== base.appointmentAt)
          changes.push({
            label: 'changedAppointment',
            before: dateTime(base.appointmentAt),
            after: dateTime(fresh.appointmentAt),
          });
        changes.push({ label: 'changedVersion', before: String(base.version), after: String(fresh.version) });
        setStale({ body, fresh, changes, newEntries: fresh.history.slice(base.history.length) });
      } else {
        unwrap(result);
        setStale(undefined);
        setOpen(undefined);
        setDone(body.type);
        onChanged();
      }
    } catch (error) {
      setProblem(error instanceof ProblemError ? error.problem : toProblem(error));
    }
    setBusy(false);
  };

  return (
    <div className="actions">
      {done ? (
        <p className="notice" role="status">
          {t('done')}: {tv('action', done)}
        </p>
      ) : null}
      <div className="action-buttons">
        {actions.map((a) => (
          <button
            key={a}
            type="button"
            className={a === 'reject' || a === 'stop' ? 'danger' : open === a ? '' : 'secondary'}
            aria-expanded={open === a}
            onClick={() => {
              setOpen(open === a ? undefined : a);
              setProblem(undefined);
              setStale(undefined);
              setDone(undefined);
            }}
          >
            {tv('action', a)}
          </button>
        ))}
      </div>
      {open ? (
        <ActionForm
          key={open}
          type={open}
          dossier={dossier}
          procedure={procedure}
          busy={busy}
          onCancel={() => setOpen(undefined)}
          onSubmit={(body) => send(body, dossier.version)}
          onProblem={setProblem}
        />
      ) : null}
      {stale ? (
        <div className="stale" role="alert">
          <p className="problem-title">{t('staleTitle')}</p>
          <p>{t('staleBody')}</p>
          <ul>
            {stale.changes.map((c) => (
              <li key={c.label}>
                {t(c.label)}: {c.before} → <strong>{c.after}</strong>
              </li>
            ))}
            {stale.newEntries.map((h) => (
              <li key={`${h.at}-${h.action}`}>
                {dateTime(h.at)} {tv('action', h.action)} — {h.by.name ?? h.by.sub}
              </li>
            ))}
          </ul>
          <div className="buttons">
            <button type="button" disabled={busy} onClick={() => void send(stale.body, stale.fresh.version)}>
              {t('staleRetry')}
            </button>
            <button
              type="button"
              className="secondary"
              onClick={() => {
                setStale(undefined);
                setOpen(undefined);
                onChanged();
              }}
            >
              {t('cancel')}
            </button>
          </div>
        </div>
      ) : null}
      {problem ? <ProblemView problem={problem} /> : null}
    </div>
  );
}

function ActionForm({
  type,
  dossier,
  procedure,
  busy,
  onCancel,
  onSubmit,
  onProblem,
}: {
  type: string;
  dossier: Dossier;
  procedure: Procedure | undefined;
  busy: boolean;
  onCancel: () => void;
  onSubmit: (body: ActionBody) => Promise<void>;
  onProblem: (problem: Problem) => void;
}) {
  const { api, agencies, official } = useApp();
  const { t, tv, text } = useI18n();
  const id = useId();
  const [uploading, setUploading] = useState(false);
  const nowLocal = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 16);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const value = (name: string) => {
      const v = form.get(name);
      return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
    };
    const common = {
      ...(value('note') ? { note: value('note') } : {}),
      ...(value('reason') ? { reason: value('reason') } : {}),
    };
    let body: ActionBody;
    switch (type) {
      case 'transfer':
        body = { type, ...common, toAgencyCode: value('toAgencyCode') ?? '' };
        break;
      case 'request-payment': {
        const amount = value('amount');
        body = { type, ...common, ...(amount ? { amount: Number(amount) } : {}) };
        break;
      }
      case 'apologize':
        body = { type, ...common, newAppointmentDate: value('newAppointmentDate') ?? '' };
        break;
      case 'resolve': {
        const file = form.get('file');
        let documentId: string | undefined;
        if (file instanceof File && file.size > 0) {
          setUploading(true);
          try {
            documentId = await uploadDocument(api, file, { dossierCode: dossier.code });
          } catch (error) {
            onProblem(error instanceof ProblemError ? error.problem : toProblem(error));
            setUploading(false);
            return;
          }
          setUploading(false);
        }
        body = {
          type,
          ...common,
          result: {
            number: value('number') ?? '',
            signer: value('signer') ?? '',
            issuedBy: value('issuedBy') ?? '',
            // The day typed dd/mm/yyyy (DateField) and the time as HH:MM, both GMT+7.
            signedAt: `${value('signedAt') ?? nowLocal.slice(0, 10)}T${value('signedAtTime') ?? nowLocal.slice(11)}:00+07:00`,
            electronic: form.get('electronic') === 'on',
            ...(documentId ? { documentId } : {}),
          },
        };
        break;
      }
      default:
        body = { type, ...common } as ActionBody;
    }
    await onSubmit(body);
  };

  const field = (name: string, label: MessageKey, input: ReactNode) => (
    <div className="field">
      <label htmlFor={`${id}-${name}`}>{t(label)}</label>
      {input}
    </div>
  );
  const reasonRequired = REASON_REQUIRED.has(type);
  const agencyName = text(agencies.get(official.agencyCode ?? '')) || '';

  return (
    <form className="action-form" onSubmit={submit} aria-label={tv('action', type)}>
      <h3>{tv('action', type)}</h3>
      {type === 'transfer'
        ? field(
            'toAgencyCode',
            'toAgency',
            <select id={`${id}-toAgencyCode`} name="toAgencyCode" required>
              {[...agencies]
                .filter(([code]) => code !== dossier.currentAgencyCode)
                .map(([code, name]) => (
                  <option key={code} value={code}>
                    {code} — {text(name)}
                  </option>
                ))}
            </select>,
          )
        : null}
      {type === 'request-payment' ? (
        <>
          {field(
            'amount',
            'amount',
            <input
              id={`${id}-amount`}
              name="amount"
              type="number"
              min={1}
              step={1}
              inputMode="numeric"
              aria-describedby={`${id}-amount-hint`}
            />,
          )}
          <p className="hint" id={`${id}-amount-hint`}>
            {t('amountHint')}
          </p>
        </>
      ) : null}
      {type === 'apologize'
        ? field(
            'newAppointmentDate',
            'newAppointment',
            <DateField id={`${id}-newAppointmentDate`} name="newAppointmentDate" required />,
          )
        : null}
      {type === 'resolve' ? (
        <>
          {field('number', 'resultNumber', <input id={`${id}-number`} name="number" required maxLength={100} />)}
          {field('signer', 'resultSigner', <input id={`${id}-signer`} name="signer" required maxLength={200} />)}
          {field(
            'issuedBy',
            'resultIssuedBy',
            <input id={`${id}-issuedBy`} name="issuedBy" required maxLength={200} defaultValue={agencyName} />,
          )}
          {field(
            'signedAt',
            'resultSignedAt',
            <DateField id={`${id}-signedAt`} name="signedAt" required defaultValue={nowLocal.slice(0, 10)} />,
          )}
          {field(
            'signedAtTime',
            'resultSignedTime',
            // Text, not a time input: that one shows 12-hour AM/PM in some browser locales.
            <input
              id={`${id}-signedAtTime`}
              name="signedAtTime"
              required
              inputMode="numeric"
              placeholder="HH:MM"
              pattern="([01][0-9]|2[0-3]):[0-5][0-9]"
              maxLength={5}
              defaultValue={nowLocal.slice(11)}
            />,
          )}
          {field('file', 'resultFile', <input id={`${id}-file`} name="file" type="file" accept="application/pdf" />)}
          <label className="check">
            <input
              type="checkbox"
              name="electronic"
              defaultChecked={(procedure?.resultType ?? dossier.resultType) === 'electronic'}
            />
            {t('resultElectronic')}
          </label>
        </>
      ) : null}
      {reasonRequired || type === 'request-supplement'
        ? field(
            'reason',
            'reason',
            <textarea id={`${id}-reason`} name="reason" required={reasonRequired} maxLength={2000} rows={3} />,
          )
        : null}
      {field('note', 'note', <textarea id={`${id}-note`} name="note" maxLength={2000} rows={2} />)}
      <div className="buttons">
        <button type="submit" disabled={busy || uploading}>
          {uploading ? t('uploading') : busy ? t('working') : t('confirm')}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}
