/**
 * The route registry of the local stand-in national portal (DVCQG), served under `/dev/national-portal/`.
 * The stand-in is an external system, not part of motcua: it keeps its own state in memory (per local cloud
 * process), calls motcua over HTTP like the real portal would, and can be told to fail or answer slowly.
 *
 * Each stand-in module (citizen desk, catalog, intake forwarding, sync receiver, payment platform) registers its
 * routes here; index.ts imports every module and dispatches. Paths are relative to `/dev/national-portal` and
 * may hold `{name}` parameters. A route marked `service` is one of the portal's machine-to-machine services:
 * injected outages and delays (POST /dev/national-portal/faults) apply to it; pages for people are never
 * faulted, so a tester can still switch the outage off.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export const STAND_IN_PREFIX = '/dev/national-portal';

export interface StandInRequest {
  method: string;
  /** The path below STAND_IN_PREFIX, e.g. `/dossiers/G-1`. */
  path: string;
  params: Record<string, string>;
  url: URL;
  headers: IncomingMessage['headers'];
  body: Buffer;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json(): unknown;
}

export type StandInHandler = (req: StandInRequest, res: ServerResponse) => Promise<void>;

export interface StandInRouteOptions {
  /** A machine-to-machine service of the portal: injected outages and delays apply. */
  service?: boolean;
}

interface RegisteredRoute {
  method: string;
  template: string;
  pattern: RegExp;
  paramNames: string[];
  handler: StandInHandler;
  service: boolean;
}

const registered: RegisteredRoute[] = [];

/** Registers one route of the stand-in; `template` is relative to /dev/national-portal (e.g. `/catalog/{code}`). */
export function registerStandInRoute(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  template: string,
  handler: StandInHandler,
  options: StandInRouteOptions = {},
): void {
  const paramNames: string[] = [];
  const source = template
    .split('/')
    .map((segment) => {
      const param = /^\{(\w+)\}$/.exec(segment);
      if (param) {
        paramNames.push(param[1]!);
        return '([^/]+)';
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  const duplicate = registered.find((r) => r.method === method && r.template === template);
  if (duplicate) throw new Error(`stand-in route ${method} ${template} registered twice`);
  registered.push({
    method,
    template,
    pattern: new RegExp(`^${source}/?$`),
    paramNames,
    handler,
    service: options.service ?? false,
  });
}

/** Faults a tester injects into the portal's services: an outage (503) and a delay before every answer. */
export interface StandInFaults {
  down: boolean;
  delayMs: number;
}

const faults: StandInFaults = { down: false, delayMs: 0 };

export function currentFaults(): StandInFaults {
  return { ...faults };
}

export function setFaults(next: Partial<StandInFaults>): StandInFaults {
  if (next.down !== undefined) faults.down = next.down;
  if (next.delayMs !== undefined) faults.delayMs = Math.max(0, Math.min(next.delayMs, 120_000));
  return currentFaults();
}

/** Where motcua itself listens (the stand-in calls its intake door); set by the local runtime on start. */
let motcuaBaseUrl: string | undefined;

export function setMotcuaBaseUrl(url: string): void {
  motcuaBaseUrl = url;
}

export function motcuaUrl(): string {
  if (!motcuaBaseUrl) throw new Error('the stand-in national portal was not given motcua’s URL');
  return motcuaBaseUrl;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

/** Text made safe to put in the stand-in's HTML pages (absent values print as nothing). */
export const escapeHtml = (value: unknown): string =>
  String(value ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  res.end(html);
}

/**
 * Handles a request under /dev/national-portal/ if a stand-in route matches; returns false otherwise, so routes
 * still declared by a context's topology under the same prefix keep working.
 */
export async function dispatchStandIn(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  body: Buffer,
): Promise<boolean> {
  if (url.pathname !== STAND_IN_PREFIX && !url.pathname.startsWith(`${STAND_IN_PREFIX}/`)) return false;
  const path = url.pathname.slice(STAND_IN_PREFIX.length) || '/';
  const method = (req.method ?? 'GET').toUpperCase();
  for (const route of registered) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(path);
    if (!match) continue;
    const params: Record<string, string> = {};
    route.paramNames.forEach((name, i) => {
      params[name] = decodeURIComponent(match[i + 1]!);
    });
    if (route.service) {
      if (faults.delayMs > 0) await new Promise((ok) => setTimeout(ok, faults.delayMs));
      if (faults.down) {
        sendJson(res, 503, { error_code: 503, message: 'Cổng DVCQG đang gián đoạn (giả lập) / simulated outage' });
        return true;
      }
    }
    await route.handler(
      {
        method,
        path,
        params,
        url,
        headers: req.headers,
        body,
        json: () => {
          try {
            return JSON.parse(body.toString('utf8'));
          } catch {
            return undefined;
          }
        },
      },
      res,
    );
    return true;
  }
  return false;
}

/**
 * The portal's services, called as `POST /dev/national-portal/api {"service": <name>, "session": …, ...fields}`
 * (the shape provincial systems use). Each module registers the services it plays; a session from
 * `POST /dev/national-portal/auth` is required (error_code 401 otherwise). Faults apply.
 */
export type PortalService = (fields: Record<string, unknown>) => Promise<{ status?: number; body: unknown }>;

const services = new Map<string, PortalService>();

export function registerPortalService(name: string, service: PortalService): void {
  if (services.has(name)) throw new Error(`stand-in service ${name} registered twice`);
  services.set(name, service);
}

export function portalService(name: string): PortalService | undefined {
  return services.get(name);
}
