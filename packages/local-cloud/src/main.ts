/**
 * `npm start`: the whole province on this machine. State lives under LOCAL_DATA_DIR (default .local/)
 * and survives restarts; `npm start -- --fresh` starts from nothing. Listens on PORT (default 3000).
 */
import { recountUnlessDone } from '#dossiers/recount.ts';
import { loadProvinceConfig } from '#platform/province.ts';
import { type ConsoleOidc, consoleHandler, ensureConsoleBuilt, seededOfficials } from './console.ts';
import { JavaMissingError } from './emulators.ts';
import { type OidcProvider, startOidcProvider } from './oidc-provider.ts';
import { PortInUseError, registerDevRoute, startLocalCloud } from './runtime.ts';
import { seedLocalProvince } from './seed.ts';

const args = new Set(process.argv.slice(2));
if (args.has('--help') || args.has('-h')) {
  console.log(
    'usage: npm start [-- --fresh] [-- --province <id>] [-- --no-dev] [-- --oidc]   (env: PORT, HOST, LOCAL_DATA_DIR, PROVINCE, LOCAL_DEV_ROUTES=off, LOCAL_CORS_ORIGINS, OIDC_PORT)',
  );
  process.exit(0);
}
const provinceArg = process.argv.indexOf('--province');
const provinceId = provinceArg > 0 ? process.argv[provinceArg + 1] : undefined;
// `/dev/*` (tokens, clock, sandboxes) is on by default locally and never deployed; this turns it off here too.
const devRoutes = !(args.has('--no-dev') || /^(off|false|0|no)$/i.test(process.env.LOCAL_DEV_ROUTES ?? ''));

// Officials sign in through the stand-in OpenID Connect provider (on OIDC_PORT, default PORT + 1), as on AWS.
const oidc = args.has('--oidc');
const OIDC_CLIENT_ID = 'motcua-officials';

try {
  const consoleBuild = await ensureConsoleBuilt(process.cwd(), (line) => console.log(line));
  let provider: OidcProvider | undefined;
  if (oidc) {
    const province = loadProvinceConfig(provinceId ?? process.env.PROVINCE ?? 'dong-nai', process.cwd());
    provider = await startOidcProvider({
      officials: seededOfficials(process.cwd(), province),
      port: Number(process.env.OIDC_PORT ?? Number(process.env.PORT ?? 3000) + 1),
      host: process.env.HOST ?? '127.0.0.1',
    });
  }
  const cloud = await startLocalCloud({
    dataDir: process.env.LOCAL_DATA_DIR ?? '.local',
    fresh: args.has('--fresh'),
    port: Number(process.env.PORT ?? 3000),
    host: process.env.HOST ?? '127.0.0.1',
    ...(provinceId ? { provinceId } : {}),
    devRoutes,
    holdUntilReady: true,
    ...(provider ? { officialIssuer: provider.issuerConfig(OIDC_CLIENT_ID) } : {}),
  });
  let consoleOidc: ConsoleOidc | undefined;
  if (provider) {
    const consoleUrl = `${cloud.url}/console/`;
    provider.registerClient({
      clientId: OIDC_CLIENT_ID,
      redirectUris: [consoleUrl],
      postLogoutRedirectUris: [consoleUrl],
    });
    consoleOidc = { issuer: provider.issuer, clientId: OIDC_CLIENT_ID, scope: 'openid profile offline_access' };
  }
  registerDevRoute('/console', consoleHandler(process.cwd(), cloud.province, consoleOidc ? { oidc: consoleOidc } : {}));
  let seeded: string;
  try {
    seeded = await seedLocalProvince(cloud);
    // Ready only when every context has taken in the seed's events (dossiers knows the procedures in force).
    await cloud.settle(120_000);
    // Dossiers kept in the data directory from before their heads were counted (decision 0022): counted once.
    const recounted = await recountUnlessDone();
    if (recounted && recounted.counted > 0) console.log(`Status counts: ${recounted.counted} dossiers counted`);
  } catch (error) {
    await cloud.stop();
    throw error;
  }
  cloud.markReady();
  const devLines = devRoutes
    ? `
  Dev tokens      POST ${cloud.url}/dev/token {"sub":"001099012345","roles":["citizen"]}
  Dev clock       POST ${cloud.url}/dev/clock {"now":"2026-12-01T09:00:00+07:00"}   DELETE ${cloud.url}/dev/clock
  Dev outbox      ${cloud.url}/dev/outbox        Sandbox checkout: ${cloud.url}/dev/gateway/
  National portal ${cloud.url}/dev/national-portal/   (stand-in DVCQG: submit as a citizen, forwarded to motcua)
  Payment platform ${cloud.url}/dev/national-portal/payments/   (stand-in national payment platform: pay a dossier by its lookup code)`
    : `
  /dev/*          off (--no-dev)`;
  const u = cloud.url;
  console.log(`
motcua — ${cloud.province.name.vi} (${cloud.province.name.en}) is running locally
  API             ${u}            (health: ${u}/health)
  API docs        ${u}/docs        OpenAPI: ${u}/openapi.json
  Console         ${u}/console/    (officials; ${consoleBuild})${provider ? `\n  OIDC provider   ${provider.issuer}/.well-known/openid-configuration   (stand-in; officials sign in here)` : ''}
  Procedures      ${u}/procedures
  Ready           ${u}/ready       (200 once every context can serve)${devLines}
  Data            ${process.env.LOCAL_DATA_DIR ?? '.local'}/ ${seeded}
Press Ctrl+C to stop.`);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping (finishing in-flight work)…`);
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    Promise.all([cloud.stop(), provider?.stop()])
      .then(() => process.exit(0))
      .catch((error: Error) => {
        console.error(error.message);
        process.exit(1);
      });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
} catch (error) {
  if (error instanceof JavaMissingError || error instanceof PortInUseError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
