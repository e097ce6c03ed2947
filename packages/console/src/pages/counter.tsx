/**
 * Counter intake (tiếp nhận trực tiếp / qua bưu chính): the desk official registers a paper dossier for the
 * applicant. Choose the procedure, type in who applies and the form as the procedure's schema lays it out, scan
 * each paper document (uploaded as digitized, on the applicant's behalf, so it lands in their store), then
 * receive at once (the appointment is fixed now) or only take it in. The receipt slip (Mẫu 01) opens straight
 * after, to print and hand over.
 *
 * The request is POST /dossiers with the official's token (channel, receivingAgencyCode, receive) and an
 * Idempotency-Key kept until the dossier is registered: a double click or a retry after a lost answer gives
 * back the same dossier, never a second one.
 */
import { type FormEvent, useId, useMemo, useState } from 'react';
import { type Problem, unwrap } from '../api/client.ts';
import type { paths } from '../api/schema.gen.ts';
import { uploadDocument } from '../api/upload.ts';
import { can, useApp } from '../app-context.ts';
import { PageTitle, ProblemView, Show } from '../components/common.tsx';
import { FileButton } from '../components/file-view.tsx';
import { FormFields, type FormSchema, type FormValue } from '../components/form-fields.tsx';
import { useI18n } from '../i18n.tsx';
import { href } from '../router.ts';
import { toProblem, useLoad } from '../use-load.ts';

type SubmitBody = paths['/dossiers']['post']['requestBody']['content']['application/json'];
type Registered = paths['/dossiers']['post']['responses'][201]['content']['application/json'];
type Procedure = paths['/procedures/{code}']['get']['responses'][200]['content']['application/json'];

export function CounterPage() {
  const { api, official } = useApp();
  const { t, text } = useI18n();
  const id = useId();
  const [search, setSearch] = useState('');
  const [query, setQuery] = useState('');
  const [procedureCode, setProcedureCode] = useState('');
  const [registered, setRegistered] = useState<Registered>();
  const list = useLoad(
    async () =>
      unwrap(await api.GET('/procedures', { params: { query: { limit: '100', ...(query ? { q: query } : {}) } } }))
        .items,
    [query],
  );
  const procedure = useLoad(
    async () =>
      procedureCode
        ? unwrap(await api.GET('/procedures/{code}', { params: { path: { code: procedureCode } } }))
        : undefined,
    [procedureCode],
  );

  if (!can(official, 'desk'))
    return <ProblemView problem={{ type: 'about:blank', title: t('counterOfficersOnly'), status: 403 }} />;

  return (
    <>
      <PageTitle>{t('counterTitle')}</PageTitle>
      {registered ? (
        <Registered
          dossier={registered}
          onNext={() => {
            setRegistered(undefined);
            setProcedureCode('');
          }}
        />
      ) : (
        <>
          <form
            className="filters"
            onSubmit={(e) => {
              e.preventDefault();
              setQuery(search.trim());
            }}
          >
            <div className="field grow">
              <label htmlFor={`${id}-q`}>{t('counterProcedureSearch')}</label>
              <input id={`${id}-q`} type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
            </div>
            <div className="buttons">
              <button type="submit" className="secondary">
                {t('lookUp')}
              </button>
            </div>
            <Show loaded={list}>
              {(items) => (
                <div className="field grow">
                  <label htmlFor={`${id}-procedure`}>{t('counterProcedure')}</label>
                  <select
                    id={`${id}-procedure`}
                    value={procedureCode}
                    onChange={(e) => setProcedureCode(e.target.value)}
                  >
                    <option value="">{t('choose')}</option>
                    {items.map((p) => (
                      <option key={p.code} value={p.code}>
                        {p.code} — {text(p.name)}
                      </option>
                    ))}
                  </select>
                </div>
              )}
            </Show>
          </form>
          {procedureCode ? (
            <Show loaded={procedure}>
              {(p) => (p ? <IntakeForm key={p.code} procedure={p} onRegistered={setRegistered} /> : null)}
            </Show>
          ) : (
            <p className="hint">{t('counterChooseFirst')}</p>
          )}
        </>
      )}
    </>
  );
}

function IntakeForm({ procedure, onRegistered }: { procedure: Procedure; onRegistered: (d: Registered) => void }) {
  const { api, official, agencies } = useApp();
  const { t, tv, text } = useI18n();
  const id = useId();
  const ownAgency = official.agencyCode ?? '';
  const [agencyCode, setAgencyCode] = useState(
    procedure.agencyCodes.includes(ownAgency) ? ownAgency : (procedure.agencyCodes[0] ?? ownAgency),
  );
  const [formData, setFormData] = useState<Record<string, FormValue>>({});
  const [files, setFiles] = useState<Record<string, File>>({});
  const [busy, setBusy] = useState<'uploading' | 'sending'>();
  const [problem, setProblem] = useState<Problem>();
  // One key per dossier being registered: a retry of the same form is the same request.
  const idempotencyKey = useMemo(() => crypto.randomUUID(), []);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const value = (name: string) => {
      const v = form.get(name);
      return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
    };
    const idNumber = value('idNumber') ?? '';
    setProblem(undefined);
    try {
      setBusy('uploading');
      const documents: NonNullable<SubmitBody['documents']> = [];
      for (const requirement of procedure.requirements) {
        const file = files[requirement.code];
        if (!file) continue;
        const documentId = await uploadDocument(api, file, {
          procedureCode: procedure.code,
          requirementCode: requirement.code,
          digitized: true,
          onBehalfOf: idNumber,
        });
        documents.push({ requirementCode: requirement.code, documentId });
      }
      setBusy('sending');
      const phone = value('phone');
      const email = value('email');
      const address = value('address');
      const body: SubmitBody = {
        procedureCode: procedure.code,
        agencyCode,
        receivingAgencyCode: ownAgency,
        channel: value('channel') === 'post' ? 'post' : 'in_person',
        receive: form.get('receive') === 'on',
        applicant: {
          idNumber,
          fullName: value('fullName') ?? '',
          type: value('applicantType') === 'business' ? 'business' : 'citizen',
          ...(phone ? { phone } : {}),
          ...(email ? { email } : {}),
          ...(address ? { address } : {}),
        },
        formData,
        documents,
        resultDelivery: (value('resultDelivery') ?? 'counter') as SubmitBody['resultDelivery'],
      };
      onRegistered(
        unwrap(await api.POST('/dossiers', { params: { header: { 'idempotency-key': idempotencyKey } }, body })),
      );
    } catch (error) {
      setProblem(toProblem(error));
    }
    setBusy(undefined);
  };

  return (
    <form className="intake" onSubmit={submit} aria-label={t('counterTitle')}>
      <section className="card" aria-labelledby={`${id}-proc-h`}>
        <h2 id={`${id}-proc-h`}>{text(procedure.name)}</h2>
        <p className="muted">
          {procedure.code} · v{procedure.version} · {procedure.field}
        </p>
        <div className="grid-3">
          <div className="field">
            <label htmlFor={`${id}-agency`}>{t('counterHandlingAgency')}</label>
            <select id={`${id}-agency`} value={agencyCode} onChange={(e) => setAgencyCode(e.target.value)}>
              {procedure.agencyCodes.map((code) => (
                <option key={code} value={code}>
                  {code} — {text(agencies.get(code)) || code}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-channel`}>{t('filterChannel')}</label>
            <select id={`${id}-channel`} name="channel" defaultValue="in_person">
              <option value="in_person">{tv('channel', 'in_person')}</option>
              <option value="post">{tv('channel', 'post')}</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-delivery`}>{t('resultDelivery')}</label>
            <select id={`${id}-delivery`} name="resultDelivery" defaultValue="counter">
              {(['counter', 'post', 'online'] as const).map((d) => (
                <option key={d} value={d}>
                  {tv('delivery', d)}
                </option>
              ))}
            </select>
          </div>
        </div>
      </section>

      <section className="card" aria-labelledby={`${id}-applicant-h`}>
        <h2 id={`${id}-applicant-h`}>{t('applicant')}</h2>
        <div className="grid-3">
          <div className="field">
            <label htmlFor={`${id}-type`}>{t('applicantType')}</label>
            <select id={`${id}-type`} name="applicantType" defaultValue="citizen">
              <option value="citizen">{t('applicantCitizen')}</option>
              <option value="business">{t('applicantBusiness')}</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-idNumber`}>{t('idNumber')}</label>
            <input
              id={`${id}-idNumber`}
              name="idNumber"
              required
              inputMode="numeric"
              pattern="\d{12}"
              maxLength={12}
              aria-describedby={`${id}-idNumber-hint`}
            />
            <p className="hint" id={`${id}-idNumber-hint`}>
              {t('idNumberHint')}
            </p>
          </div>
          <div className="field">
            <label htmlFor={`${id}-fullName`}>{t('fullName')}</label>
            <input id={`${id}-fullName`} name="fullName" required maxLength={200} autoComplete="off" />
          </div>
          <div className="field">
            <label htmlFor={`${id}-phone`}>{t('phone')}</label>
            <input id={`${id}-phone`} name="phone" type="tel" pattern="\+?[0-9][0-9 .\-]{7,19}" />
          </div>
          <div className="field">
            <label htmlFor={`${id}-email`}>{t('email')}</label>
            <input id={`${id}-email`} name="email" type="email" maxLength={254} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-address`}>{t('address')}</label>
            <input id={`${id}-address`} name="address" maxLength={500} />
          </div>
        </div>
      </section>

      <section className="card" aria-labelledby={`${id}-form-h`}>
        <h2 id={`${id}-form-h`}>{t('formData')}</h2>
        <FormFields schema={procedure.formSchema as FormSchema} values={formData} onChange={setFormData} />
      </section>

      <section className="card" aria-labelledby={`${id}-docs-h`}>
        <h2 id={`${id}-docs-h`}>{t('counterScans')}</h2>
        <p className="hint">{t('counterScansHint')}</p>
        {procedure.requirements.length === 0 ? <p className="muted">{t('none')}</p> : null}
        {procedure.requirements.map((r) => (
          <div key={r.code} className="field">
            <label htmlFor={`${id}-file-${r.code}`}>
              {text(r.name)}
              {r.required ? <span aria-hidden="true"> *</span> : null}
            </label>
            <input
              id={`${id}-file-${r.code}`}
              type="file"
              required={r.required}
              accept={r.contentTypes.join(',')}
              onChange={(e) => {
                const file = e.target.files?.[0];
                const next = { ...files };
                if (file) next[r.code] = file;
                else delete next[r.code];
                setFiles(next);
              }}
            />
          </div>
        ))}
      </section>

      <section className="card" aria-labelledby={`${id}-finish-h`}>
        <h2 id={`${id}-finish-h`}>{t('counterFinish')}</h2>
        <label className="check">
          <input type="checkbox" name="receive" defaultChecked />
          {t('counterReceiveNow')}
        </label>
        <p className="hint">{t('counterReceiveHint')}</p>
        {problem ? <ProblemView problem={problem} /> : null}
        <div className="buttons">
          <button type="submit" disabled={busy !== undefined}>
            {busy === 'uploading' ? t('uploading') : busy === 'sending' ? t('working') : t('counterRegister')}
          </button>
        </div>
      </section>
    </form>
  );
}

function Registered({ dossier, onNext }: { dossier: Registered; onNext: () => void }) {
  const { api } = useApp();
  const { t, tv, dateTime } = useI18n();
  const received = dossier.status !== 'submitted';
  return (
    <section className="card" aria-labelledby="registered-h">
      <h2 id="registered-h">{t('counterRegistered')}</h2>
      <p className="notice" role="status">
        {t('dossierTitle')} <a href={href(`dossiers/${encodeURIComponent(dossier.code)}`)}>{dossier.code}</a> —{' '}
        {tv('status', dossier.status)}
        {dossier.appointmentAt ? ` · ${t('appointment')}: ${dateTime(dossier.appointmentAt)}` : ''}
      </p>
      {received ? (
        <ul className="documents">
          <FileButton
            label={t('slip_receipt')}
            fileName={`${dossier.code}-tiep-nhan.pdf`}
            load={() =>
              api.GET('/dossiers/{code}/slips/{kind}', {
                params: { path: { code: dossier.code, kind: 'receipt' } },
                parseAs: 'blob',
              })
            }
          />
        </ul>
      ) : (
        <p className="hint">{t('counterTakenInOnly')}</p>
      )}
      <div className="buttons">
        <button type="button" onClick={onNext}>
          {t('counterNext')}
        </button>
      </div>
    </section>
  );
}
