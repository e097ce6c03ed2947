/**
 * Sign-in. Locally: a picker of the seeded officials (and a custom identity) signed by the dev issuer. On AWS:
 * one button to the province's OpenID Connect provider.
 */
import { type FormEvent, useId, useState } from 'react';
import type { Session } from '../auth/session.ts';
import type { ConsoleConfig, DevIdentity } from '../config.ts';
import { useI18n } from '../i18n.tsx';

export function SignInPage({
  config,
  session,
  agencies,
  expired,
}: {
  config: ConsoleConfig;
  session: Session;
  agencies: Map<string, { vi: string; en?: string }>;
  expired: boolean;
}) {
  const { t, text } = useI18n();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const ids = { identity: useId(), role: useId(), agency: useId(), name: useId() };
  const identities = config.auth.kind === 'dev' ? config.auth.identities : [];
  const [picked, setPicked] = useState(0);
  const [custom, setCustom] = useState<DevIdentity>({ sub: 'cb-demo', roles: ['officer'], name: 'Cán bộ thử nghiệm' });
  const isCustom = picked === identities.length;
  const identity = isCustom ? custom : identities[picked];

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      if (config.auth.kind === 'dev') {
        if (identity) await session.signInAsDev(identity);
      } else {
        await session.signInWithProvider(window.location.hash || '#/queue');
      }
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };

  const describe = (i: DevIdentity) =>
    `${i.name} — ${i.roles.map((r) => t(`role_${r}`)).join(', ')}${i.agencyCode ? ` — ${text(agencies.get(i.agencyCode)) === t('none') ? i.agencyCode : text(agencies.get(i.agencyCode))}` : ''}`;

  return (
    <main id="main" className="sign-in">
      <h1>{t('signInTitle')}</h1>
      <p className="province">{text(config.province.name)}</p>
      {expired ? (
        <p className="notice" role="status">
          {t('sessionExpired')}
        </p>
      ) : null}
      <form onSubmit={submit} className="card">
        {config.auth.kind === 'dev' ? (
          <>
            <p>{t('devPickerIntro')}</p>
            <label htmlFor={ids.identity}>{t('devIdentity')}</label>
            <select id={ids.identity} value={picked} onChange={(e) => setPicked(Number(e.target.value))}>
              {identities.map((i, index) => (
                <option key={i.sub} value={index}>
                  {describe(i)}
                </option>
              ))}
              <option value={identities.length}>{t('devCustom')}</option>
            </select>
            {isCustom ? (
              <div className="grid-3">
                <div>
                  <label htmlFor={ids.role}>{t('devRole')}</label>
                  <select
                    id={ids.role}
                    value={custom.roles[0]}
                    onChange={(e) => setCustom({ ...custom, roles: [e.target.value as DevIdentity['roles'][number]] })}
                  >
                    {(['officer', 'leader', 'admin'] as const).map((r) => (
                      <option key={r} value={r}>
                        {t(`role_${r}`)}
                      </option>
                    ))}
                  </select>
                </div>
                <div>
                  <label htmlFor={ids.agency}>{t('devAgency')}</label>
                  <select
                    id={ids.agency}
                    value={custom.agencyCode ?? ''}
                    onChange={(e) => {
                      const { agencyCode: _dropped, ...rest } = custom;
                      setCustom(e.target.value ? { ...rest, agencyCode: e.target.value } : rest);
                    }}
                  >
                    <option value="">{t('none')}</option>
                    {[...agencies].map(([code, name]) => (
                      <option key={code} value={code}>
                        {code} — {text(name)}
                      </option>
                    ))}
                  </select>
                </div>
                <div>
                  <label htmlFor={ids.name}>{t('devName')}</label>
                  <input
                    id={ids.name}
                    value={custom.name}
                    onChange={(e) => setCustom({ ...custom, name: e.target.value })}
                  />
                </div>
              </div>
            ) : null}
            <button type="submit" disabled={busy || !identity}>
              {busy ? t('signingIn') : t('signInAs')}
            </button>
          </>
        ) : (
          <button type="submit" disabled={busy}>
            {busy ? t('signingIn') : t('signInOidc')}
          </button>
        )}
        {error ? (
          <p className="problem" role="alert">
            {error}
          </p>
        ) : null}
      </form>
    </main>
  );
}
