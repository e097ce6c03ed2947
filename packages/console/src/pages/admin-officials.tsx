/** The officials directory (admins): who of an agency receives the staff notifications, and by which channels. */
import { useId, useState } from 'react';
import { unwrap } from '../api/client.ts';
import { useApp } from '../app-context.ts';
import { PageTitle, Show } from '../components/common.tsx';
import { useI18n } from '../i18n.tsx';
import { useLoad } from '../use-load.ts';

export function AdminOfficialsPage() {
  const { api, agencies } = useApp();
  const { t, text } = useI18n();
  const yes = t('yes');
  const no = t('no');
  const id = useId();
  const [agencyCode, setAgencyCode] = useState([...agencies.keys()][0] ?? '');
  const loaded = useLoad(
    async () => unwrap(await api.GET('/notifications/officials', { params: { query: { agencyCode } } })),
    [agencyCode],
  );
  return (
    <>
      <PageTitle>{t('officialsTitle')}</PageTitle>
      <div className="inline-form card">
        <label htmlFor={id}>{t('queueAgency')}</label>
        <select id={id} value={agencyCode} onChange={(e) => setAgencyCode(e.target.value)}>
          {[...agencies].map(([code, name]) => (
            <option key={code} value={code}>
              {code} — {text(name)}
            </option>
          ))}
        </select>
      </div>
      <section className="card" aria-label={t('officialsTitle')}>
        <Show loaded={loaded}>
          {(officials) => (
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('fullName')}</th>
                  <th scope="col">{t('email')}</th>
                  <th scope="col">{t('phone')}</th>
                  <th scope="col">E-mail</th>
                  <th scope="col">SMS</th>
                </tr>
              </thead>
              <tbody>
                {officials.map((o) => (
                  <tr key={o.sub}>
                    <th scope="row">
                      {o.name}
                      {o.title ? <div className="muted">{o.title}</div> : null}
                    </th>
                    <td>{o.email ?? t('none')}</td>
                    <td>{o.phone ?? t('none')}</td>
                    <td>{o.channels.email ? yes : no}</td>
                    <td>{o.channels.sms ? yes : no}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Show>
      </section>
    </>
  );
}
