/**
 * Mapping to national codes (admins): each published local procedure with the national procedure code
 * (Cổng DVCQG) it is mapped to, or, when unmapped, the national procedures of the latest catalog pull whose
 * names are closest (GET /portal/mappings). The admin maps a procedure to a suggested or typed code
 * (PUT /portal/mappings/{procedureCode}; a code another procedure holds is refused with 409, shown as the
 * API's problem). The catalog can be pulled again now (POST /portal/national-catalog/pull; it also runs daily),
 * and the national procedures no local one is mapped to are listed below (GET /portal/national-catalog/unmapped).
 */
import { type FormEvent, useId, useState } from 'react';
import { type Problem, unwrap } from '../api/client.ts';
import type { paths } from '../api/schema.gen.ts';
import { useApp } from '../app-context.ts';
import { PageTitle, ProblemView, Show, TableScroll } from '../components/common.tsx';
import { useI18n } from '../i18n.tsx';
import { toProblem, useLoad } from '../use-load.ts';

type Mapping = paths['/portal/mappings']['get']['responses'][200]['content']['application/json']['items'][number];

export function AdminMappingsPage() {
  const { api } = useApp();
  const { t, dateTime } = useI18n();
  const onlyId = useId();
  const [onlyUnmapped, setOnlyUnmapped] = useState(false);
  const [pulled, setPulled] = useState<string>();
  const [pulling, setPulling] = useState(false);
  const [problem, setProblem] = useState<Problem>();
  const loaded = useLoad(async () => {
    const [mappings, national] = await Promise.all([
      api.GET('/portal/mappings', { params: { query: onlyUnmapped ? { unmapped: 'true' } : {} } }),
      api.GET('/portal/national-catalog/unmapped'),
    ]);
    return { mappings: unwrap(mappings).items, national: unwrap(national) };
  }, [onlyUnmapped, pulled]);

  const pull = async () => {
    setPulling(true);
    setProblem(undefined);
    try {
      const result = unwrap(await api.POST('/portal/national-catalog/pull'));
      setPulled(
        `${t('mappingPulled')} ${dateTime(result.pulledAt)}: ${result.procedures} ${t('mappingPulledProcedures')}`,
      );
    } catch (error) {
      setProblem(toProblem(error));
    }
    setPulling(false);
  };

  return (
    <>
      <PageTitle>{t('mappingsTitle')}</PageTitle>
      <div className="inline-form card">
        <label className="check" htmlFor={onlyId}>
          <input
            id={onlyId}
            type="checkbox"
            checked={onlyUnmapped}
            onChange={(e) => setOnlyUnmapped(e.target.checked)}
          />
          {t('mappingOnlyUnmapped')}
        </label>
        <button type="button" className="secondary" disabled={pulling} onClick={() => void pull()}>
          {pulling ? t('working') : t('mappingPull')}
        </button>
        {pulled ? (
          <span className="notice" role="status">
            {pulled}
          </span>
        ) : null}
      </div>
      {problem ? <ProblemView problem={problem} /> : null}
      <Show loaded={loaded}>
        {({ mappings, national }) => (
          <>
            <section className="card" aria-labelledby="mappings-h">
              <h2 id="mappings-h">{t('mappingLocal')}</h2>
              {national.pulledAt ? null : <p className="hint">{t('mappingNotPulled')}</p>}
              <TableScroll label={t('mappingLocal')}>
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{t('colProcedure')}</th>
                      <th scope="col">{t('nationalProcedure')}</th>
                      <th scope="col">{t('mappingChange')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {mappings.map((m) => (
                      <MappingRow
                        // A new answer (mapped, or suggestions after a pull) starts the row's input afresh.
                        key={`${m.procedureCode} ${m.nationalCode ?? m.suggestions[0]?.nationalCode ?? ''}`}
                        mapping={m}
                        onMapped={loaded.reload}
                      />
                    ))}
                  </tbody>
                </table>
              </TableScroll>
              {mappings.length === 0 ? <p className="empty">{t('none')}</p> : null}
            </section>
            <section className="card" aria-labelledby="national-h">
              <h2 id="national-h">{t('mappingNationalUnmapped')}</h2>
              {national.pulledAt ? (
                <p className="hint">
                  {t('mappingPulled')} {dateTime(national.pulledAt)}
                </p>
              ) : null}
              <TableScroll label={t('mappingNationalUnmapped')}>
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{t('nationalProcedure')}</th>
                      <th scope="col">{t('fullName')}</th>
                      <th scope="col">{t('mappingField')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {national.items.map((n) => (
                      <tr key={n.nationalCode}>
                        <th scope="row">
                          <code>{n.nationalCode}</code>
                        </th>
                        <td>{n.name}</td>
                        <td>{n.fieldName ?? n.fieldCode ?? ''}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableScroll>
            </section>
          </>
        )}
      </Show>
    </>
  );
}

function MappingRow({ mapping: m, onMapped }: { mapping: Mapping; onMapped: () => void }) {
  const { api } = useApp();
  const { t, percent } = useI18n();
  const id = useId();
  const [code, setCode] = useState(m.nationalCode ?? m.suggestions[0]?.nationalCode ?? '');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(undefined);
    try {
      unwrap(
        await api.PUT('/portal/mappings/{procedureCode}', {
          params: { path: { procedureCode: m.procedureCode } },
          body: { nationalCode: code.trim() },
        }),
      );
      onMapped();
    } catch (error) {
      setProblem(toProblem(error));
    }
    setBusy(false);
  };
  const label = `${t('nationalProcedure')}: ${m.procedureCode}`;
  return (
    <tr>
      <th scope="row">
        <code>{m.procedureCode}</code> {m.procedureName}
      </th>
      <td>
        {m.nationalCode ? (
          <>
            <span className="badge payment-paid">{m.nationalCode}</span> {m.nationalName ?? ''}
          </>
        ) : (
          <span className="badge">{t('mappingUnmapped')}</span>
        )}
      </td>
      <td>
        <form className="inline-form" onSubmit={submit} aria-label={label}>
          <label htmlFor={id} className="visually-hidden">
            {label}
          </label>
          <input
            id={id}
            list={m.suggestions.length ? `${id}-suggestions` : undefined}
            value={code}
            required
            pattern="[0-9A-Za-z.]+"
            size={14}
            onChange={(e) => setCode(e.target.value)}
          />
          {m.suggestions.length ? (
            <datalist id={`${id}-suggestions`}>
              {m.suggestions.map((s) => (
                <option key={s.nationalCode} value={s.nationalCode}>
                  {s.name}
                </option>
              ))}
            </datalist>
          ) : null}
          <button type="submit" className="small" disabled={busy || code.trim() === (m.nationalCode ?? '')}>
            {t('mappingSave')}
          </button>
        </form>
        {m.suggestions.length ? (
          <p className="hint">
            {t('mappingSuggested')}:{' '}
            {m.suggestions
              .slice(0, 3)
              .map((s) => `${s.nationalCode} ${s.name} (${percent(s.score)})`)
              .join('; ')}
          </p>
        ) : null}
        {problem ? <ProblemView problem={problem} /> : null}
      </td>
    </tr>
  );
}
