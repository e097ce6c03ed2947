/** The shell: config, session, the header with navigation and the language switch, and the page of the route. */
import { type ReactNode, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { createApi } from './api/client.ts';
import { AppContext, type AppContextValue, can, useApp } from './app-context.ts';
import { Session, SignInRefused } from './auth/session.ts';
import { Loading, ProblemView } from './components/common.tsx';
import type { ConsoleConfig } from './config.ts';
import { type MessageKey, useI18n } from './i18n.tsx';
import { AdminCalendarPage } from './pages/admin-calendar.tsx';
import { AdminMappingsPage } from './pages/admin-mappings.tsx';
import { AdminOfficialsPage } from './pages/admin-officials.tsx';
import { AdminProceduresPage } from './pages/admin-procedures.tsx';
import { AdminTemplatesPage } from './pages/admin-templates.tsx';
import { AttentionPage } from './pages/attention.tsx';
import { CounterPage } from './pages/counter.tsx';
import { DeskPage } from './pages/desk.tsx';
import { DossierPage } from './pages/dossier.tsx';
import { FinancePage } from './pages/finance.tsx';
import { QueuePage } from './pages/queue.tsx';
import { ReportsPage } from './pages/reports.tsx';
import { SignInPage } from './pages/sign-in.tsx';
import { SyncPage } from './pages/sync.tsx';
import { href, type Route, useRoute } from './router.ts';

export function App({ config }: { config: ConsoleConfig }) {
  const i18n = useI18n();
  const language = useMemo(() => ({ current: i18n.language }), [i18n.language]);
  const session = useMemo(() => new Session(config.auth, config.apiUrl), [config]);
  const [expired, setExpired] = useState(false);
  const api = useMemo(
    () =>
      createApi({
        apiUrl: config.apiUrl,
        token: () => session.token(),
        language: () => language.current,
        onUnauthorized: () => {
          setExpired(true);
          session.expire();
        },
      }),
    [config, session, language],
  );
  const official = useSyncExternalStore(
    (listener) => session.subscribe(listener),
    () => session.official?.sub ?? '',
  );
  const [agencies, setAgencies] = useState<Map<string, { vi: string; en?: string }>>();
  const [startProblem, setStartProblem] = useState<string>();
  const [signInRefused, setSignInRefused] = useState<SignInRefused>();

  useEffect(() => {
    session
      .completeProviderSignIn()
      .catch((e: Error) => (e instanceof SignInRefused ? setSignInRefused(e) : setStartProblem(e.message)));
    api.GET('/agencies').then(({ data, error, response }) => {
      if (!data) {
        setStartProblem(`GET /agencies: ${response.status} ${JSON.stringify(error)}`);
        return;
      }
      setAgencies(new Map(data.map((a) => [a.code, a.name])));
    });
  }, [api, session]);

  const route = useRoute();
  const currentOfficial = official ? session.official : undefined;
  const context = useMemo<AppContextValue | undefined>(
    () => (currentOfficial && agencies ? { config, session, api, official: currentOfficial, agencies } : undefined),
    [config, session, api, currentOfficial, agencies],
  );

  useEffect(() => {
    document.title = i18n.t('appName');
    document.documentElement.lang = i18n.language;
  }, [i18n]);

  if (startProblem)
    return (
      <main id="main">
        <ProblemView problem={{ type: 'about:blank', title: startProblem, status: 0 }} />
      </main>
    );
  if (signInRefused)
    return (
      <main id="main" className="sign-in">
        <h1>{i18n.t('signInTitle')}</h1>
        <ProblemView
          problem={{
            type: 'about:blank',
            title: i18n.t('signInRefused'),
            status: 0,
            detail:
              signInRefused.reason === 'state-mismatch'
                ? i18n.t('signInStateMismatch')
                : i18n.t('signInProviderError').replace('{error}', signInRefused.providerError ?? ''),
          }}
        />
        <button type="button" onClick={() => setSignInRefused(undefined)}>
          {i18n.t('signInAgain')}
        </button>
      </main>
    );
  if (!agencies) return <Loading />;
  if (!context) return <SignInPage config={config} session={session} agencies={agencies} expired={expired} />;
  return (
    <AppContext.Provider value={context}>
      <button type="button" className="skip-link" onClick={() => document.getElementById('main')?.focus()}>
        {i18n.t('skipToContent')}
      </button>
      <Header route={route} />
      <main id="main" tabIndex={-1}>
        <Page route={route} />
      </main>
    </AppContext.Provider>
  );
}

const NAV: { page: Route['page']; key: MessageKey; when: Parameters<typeof can>[1] }[] = [
  { page: 'queue', key: 'navQueue', when: 'reports' },
  { page: 'counter', key: 'navCounter', when: 'desk' },
  { page: 'desk', key: 'navDesk', when: 'desk' },
  { page: 'attention', key: 'navAttention', when: 'reports' },
  { page: 'reports', key: 'navReports', when: 'reports' },
  { page: 'sync', key: 'navSync', when: 'reports' },
  { page: 'finance', key: 'navFinance', when: 'finance' },
  { page: 'procedures', key: 'navProcedures', when: 'admin' },
  { page: 'calendar', key: 'navCalendar', when: 'admin' },
  { page: 'templates', key: 'navTemplates', when: 'admin' },
  { page: 'mappings', key: 'navMappings', when: 'admin' },
  { page: 'officials', key: 'navOfficials', when: 'admin' },
];

function Header({ route }: { route: Route }) {
  const { t, text, language, setLanguage } = useI18n();
  const { official, session, agencies, config } = useApp();
  const current = route.page === 'dossier' ? 'queue' : route.page;
  return (
    <header className="app-header">
      <div className="brand">
        <span className="brand-name">{t('appName')}</span>
        <span className="brand-province">{text(config.province.name)}</span>
      </div>
      <nav aria-label={t('appName')}>
        <ul>
          {NAV.filter((n) => can(official, n.when)).map((n) => (
            <li key={n.page}>
              <a href={href(n.page)} aria-current={current === n.page ? 'page' : undefined}>
                {t(n.key)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <div className="who">
        <span className="who-name">{official.name}</span>
        <span className="who-detail">
          {official.roles.map((r) => t(`role_${r}`)).join(', ')}
          {official.agencyCode ? ` · ${text(agencies.get(official.agencyCode)) || official.agencyCode}` : ''}
        </span>
        <button
          type="button"
          className="link"
          lang={language === 'vi' ? 'en' : 'vi'}
          onClick={() => setLanguage(language === 'vi' ? 'en' : 'vi')}
        >
          {t('switchLanguage')}
        </button>
        <button type="button" className="secondary" onClick={() => void session.signOut()}>
          {t('signOut')}
        </button>
      </div>
    </header>
  );
}

function Page({ route }: { route: Route }) {
  const { t } = useI18n();
  const { official } = useApp();
  const adminOnly = (page: ReactNode) =>
    can(official, 'admin') ? (
      page
    ) : (
      <ProblemView problem={{ type: 'about:blank', title: t('adminOnly'), status: 403 }} />
    );
  switch (route.page) {
    case 'queue':
      return <QueuePage query={route.query} />;
    case 'dossier':
      return <DossierPage code={route.code} />;
    case 'counter':
      return <CounterPage />;
    case 'desk':
      return <DeskPage {...(route.date ? { date: route.date } : {})} />;
    case 'attention':
      return <AttentionPage />;
    case 'reports':
      return <ReportsPage />;
    case 'sync':
      return <SyncPage {...(route.resync ? { resync: route.resync } : {})} />;
    case 'finance':
      return adminOnly(<FinancePage />);
    case 'procedures':
      return adminOnly(<AdminProceduresPage />);
    case 'calendar':
      return adminOnly(<AdminCalendarPage />);
    case 'templates':
      return adminOnly(<AdminTemplatesPage />);
    case 'officials':
      return adminOnly(<AdminOfficialsPage />);
    case 'mappings':
      return adminOnly(<AdminMappingsPage />);
    default:
      return <p>{t('notFound')}</p>;
  }
}
