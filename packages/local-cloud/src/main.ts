/**
 * `npm start`: the whole province on this machine. State lives under LOCAL_DATA_DIR (default .local/)
 * and survives restarts; `npm start -- --fresh` starts from nothing. Listens on PORT (default 3000).
 */
import { JavaMissingError } from './emulators.ts';
import { startLocalCloud } from './runtime.ts';
import { seedLocalProvince } from './seed.ts';

const args = new Set(process.argv.slice(2));
if (args.has('--help') || args.has('-h')) {
  console.log('usage: npm start [-- --fresh] [-- --province <id>]   (env: PORT, LOCAL_DATA_DIR, PROVINCE)');
  process.exit(0);
}
const provinceArg = process.argv.indexOf('--province');
const provinceId = provinceArg > 0 ? process.argv[provinceArg + 1] : undefined;

try {
  const cloud = await startLocalCloud({
    dataDir: process.env.LOCAL_DATA_DIR ?? '.local',
    fresh: args.has('--fresh'),
    port: Number(process.env.PORT ?? 3000),
    host: process.env.HOST ?? '127.0.0.1',
    ...(provinceId ? { provinceId } : {}),
  });
  const seeded = await seedLocalProvince(cloud);
  const u = cloud.url;
  console.log(`
motcua — ${cloud.province.name.vi} (${cloud.province.name.en}) is running locally
  API             ${u}            (health: ${u}/health)
  API docs        ${u}/docs        OpenAPI: ${u}/openapi.json
  Procedures      ${u}/procedures
  Dev tokens      POST ${u}/dev/token {"sub":"001099012345","roles":["citizen"]}
  Dev clock       POST ${u}/dev/clock {"now":"2026-12-01T09:00:00+07:00"}   DELETE ${u}/dev/clock
  Dev outbox      ${u}/dev/outbox        Sandbox checkout: ${u}/dev/gateway/
  Data            ${process.env.LOCAL_DATA_DIR ?? '.local'}/ ${seeded}
Press Ctrl+C to stop.`);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping (finishing in-flight work)…`);
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    cloud
      .stop()
      .then(() => process.exit(0))
      .catch((error: Error) => {
        console.error(error.message);
        process.exit(1);
      });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
} catch (error) {
  if (error instanceof JavaMissingError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
