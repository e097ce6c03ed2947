/**
 * The officials' console in the local cloud: `/console/` serves packages/console/dist (built on start when the
 * sources are newer than the build), `/console/config.json` tells it to sign in through the dev issuer with
 * the seeded officials (or through an OpenID Connect provider, oidc-provider.ts's stand-in, as on AWS), and every response carries the same Content-Security-Policy CloudFront sends on AWS.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import type { ProvinceConfig } from '#platform/province.ts';
import { CONSOLE_SECURITY_HEADERS, contentSecurityPolicy } from '../../console/security-headers.ts';
import type { OidcOfficial } from './oidc-provider.ts';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

const STAMP = '.build-stamp';

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/** The console's sources: what a build depends on. */
function sourcesOf(consoleDir: string): string[] {
  return ['src', 'index.html', 'vite.config.ts'].map((p) => join(consoleDir, p));
}

/**
 * Builds the console with Vite unless the build is newer than every source file. Returns a line for the start
 * banner. A fresh clone (no dist/) builds once, in about a second on a warm machine.
 */
export async function ensureConsoleBuilt(root: string, log: (line: string) => void = () => undefined): Promise<string> {
  const consoleDir = join(root, 'packages', 'console');
  const dist = join(consoleDir, 'dist');
  const stamp = join(dist, STAMP);
  const newestSource = Math.max(...sourcesOf(consoleDir).filter(existsSync).map(newestMtime));
  if (existsSync(stamp) && statSync(stamp).mtimeMs >= newestSource) return 'console build is current';
  log('building the officials’ console (packages/console)…');
  const { build } = await import('vite');
  await build({ configFile: join(consoleDir, 'vite.config.ts'), logLevel: 'warn' });
  writeFileSync(stamp, new Date().toISOString());
  return 'console built';
}

interface DevOfficial {
  sub: string;
  agencyCode: string;
  name: string;
  title?: string;
}

/** The seeded officials (config/seed/<province>/officials.json) and an administrator: who can sign in locally. */
export function seededOfficials(root: string, province: ProvinceConfig): OidcOfficial[] {
  const file = join(root, 'config', 'seed', province.seed, 'officials.json');
  const officials = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as DevOfficial[]) : [];
  return [
    ...officials.map((o) => ({
      sub: o.sub,
      roles: [o.sub.startsWith('lead-') ? ('leader' as const) : ('officer' as const)],
      agencyCode: o.agencyCode,
      name: o.name,
      ...(o.title ? { title: o.title } : {}),
    })),
    { sub: 'admin-01', roles: ['admin' as const], name: 'Quản trị hệ thống', title: 'Quản trị viên' },
  ];
}

/** Sign-in through an OpenID Connect provider instead of the dev picker: what config.json says on AWS. */
export interface ConsoleOidc {
  issuer: string;
  clientId: string;
  scope: string;
}

/**
 * The local console's config: same-origin API; dev sign-in as any seeded official, or (given `oidc`) sign-in
 * through that provider, the config the CDK console stack writes on AWS.
 */
function localConfig(root: string, province: ProvinceConfig, oidc: ConsoleOidc | undefined) {
  return {
    apiUrl: '',
    province: { id: province.id, name: province.name },
    auth: oidc ? { kind: 'oidc', ...oidc } : { kind: 'dev', identities: seededOfficials(root, province) },
    local: true,
  };
}

export function consoleHandler(root: string, province: ProvinceConfig, options: { oidc?: ConsoleOidc } = {}) {
  const dist = join(root, 'packages', 'console', 'dist');
  const headers = {
    // The provider's origin, as infra/stacks/console-stack.ts allows it: the console calls its token endpoint.
    'content-security-policy': contentSecurityPolicy({
      connect: options.oidc ? [new URL(options.oidc.issuer).origin] : [],
    }),
    'referrer-policy': CONSOLE_SECURITY_HEADERS.referrerPolicy,
    'x-frame-options': CONSOLE_SECURITY_HEADERS.frameOptions,
    'x-content-type-options': CONSOLE_SECURITY_HEADERS.contentTypeOptions,
  };
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const path = url.pathname;
    if (path !== '/console' && !path.startsWith('/console/')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found"}');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/console') {
      res.writeHead(301, { location: '/console/' }).end();
      return;
    }
    if (path === '/console/config.json') {
      res
        .writeHead(200, { ...headers, 'content-type': CONTENT_TYPES['.json']!, 'cache-control': 'no-store' })
        .end(JSON.stringify(localConfig(root, province, options.oidc)));
      return;
    }
    const relative = normalize(decodeURIComponent(path.slice('/console/'.length)) || 'index.html');
    let file = join(dist, relative);
    if (
      relative.startsWith('..') ||
      !file.startsWith(dist + sep) ||
      !existsSync(file) ||
      statSync(file).isDirectory()
    ) {
      // Routes live after the hash, so anything else is the app itself (or a missing asset: 404).
      if (relative.startsWith('assets')) {
        res.writeHead(404, headers).end();
        return;
      }
      file = join(dist, 'index.html');
    }
    if (!existsSync(file)) {
      res
        .writeHead(503, { 'content-type': 'text/plain; charset=utf-8' })
        .end(
          'The console is not built: run npm start (it builds packages/console) or npx vite build --config packages/console/vite.config.ts',
        );
      return;
    }
    const immutable = relative.startsWith(`assets${sep}`);
    res.writeHead(200, {
      ...headers,
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    res.end(req.method === 'HEAD' ? undefined : readFileSync(file));
  };
}
