/**
 * The portal's services the intake side calls (pull delivery and the national catalog), their national field
 * names, and the client: log in with the province's account (`POST <auth> {username, password}` →
 * `{session, error_code: 0}`), then `POST <api> {service, madonvi, ...}` with `Authorization: Bearer <session>`;
 * HTTP 401 or error_code 401 (session expired) logs in again once. error_code 0 is success.
 *
 * Where: see `endpoints` below. The account: on AWS the Secrets Manager secret NATIONAL_PORTAL_SECRET_NAME
 * holding `{"username": "…", "password": "…"}`; locally NATIONAL_PORTAL_USERNAME / _PASSWORD or the stand-in's
 * development account. The unit code `madonvi`: NATIONAL_PORTAL_UNIT_CODE, default PROVINCIAL_AGENCY_CODE.
 */
import { isLocal } from '#platform/env.ts';
import { readSecret } from '#platform/secrets.ts';

const TIMEOUT_MS = 15_000;
/** The stand-in's development account (packages/local-cloud/src/national-portal/sync-receiver.ts). */
const DEV_ACCOUNT = { username: 'motcua-local', password: 'motcua-local-password' };

/** One procedure of LayDanhSachTTHC / LayThuTuc. */
export interface NationalProcedureRecord {
  MaTTHC: string;
  TenTTHC: string;
  MaLinhVuc?: string;
  TenLinhVuc?: string;
  DanhSachCoQuan?: { MaCoQuan: string }[];
}
export interface NationalAgencyRecord {
  MaCoQuan: string;
  TenCoQuan: string;
}
export interface NationalFieldRecord {
  MaLinhVuc: string;
  TenLinhVuc: string;
}

export const SERVICES = {
  procedures: 'LayDanhSachTTHC',
  procedure: 'LayThuTuc',
  agencies: 'LayDanhMucCoQuan',
  fields: 'LayDanhMucLinhVuc',
  /** ASSUMPTION: the dossiers waiting for the province (pull delivery) and the receipt confirmation. */
  pendingDossiers: 'LayDanhSachHoSoChuyen',
  confirmReceived: 'XacNhanHoSoDaNhan',
  /** ASSUMPTION: the supplementation rounds citizens answered on the portal, and their receipt confirmation. */
  pendingSupplements: 'LayDanhSachHoSoBoSung',
  confirmSupplementReceived: 'XacNhanHoSoBoSungDaNhan',
} as const;

export class PortalUnavailable extends Error {}

/**
 * On AWS the portal's one services endpoint (NATIONAL_PORTAL_URL, the province's `nationalPortal.endpoint`, as the
 * outbound sync uses it) and its login (NATIONAL_PORTAL_AUTH_URL, default `<endpoint>/auth`);
 * NATIONAL_PORTAL_API_URL overrides the services endpoint for these calls. Locally, with nothing set, the
 * stand-in's catalog and pull services (`/dev/national-portal/api`) and its login.
 */
function endpoints(): { api: string; auth: string } | undefined {
  const env = process.env;
  const api = env.NATIONAL_PORTAL_API_URL || env.NATIONAL_PORTAL_URL;
  if (api) return { api, auth: env.NATIONAL_PORTAL_AUTH_URL || `${api.replace(/\/+$/, '')}/auth` };
  if (isLocal() && env.API_URL) {
    return { api: `${env.API_URL}/dev/national-portal/api`, auth: `${env.API_URL}/dev/national-portal/auth` };
  }
  return undefined;
}

async function account(): Promise<{ username: string; password: string }> {
  const secretName = process.env.NATIONAL_PORTAL_SECRET_NAME;
  if (isLocal() || !secretName) {
    return {
      username: process.env.NATIONAL_PORTAL_USERNAME || DEV_ACCOUNT.username,
      password: process.env.NATIONAL_PORTAL_PASSWORD || DEV_ACCOUNT.password,
    };
  }
  const parsed = JSON.parse((await readSecret(secretName)) ?? '{}') as { username?: unknown; password?: unknown };
  if (typeof parsed.username !== 'string' || typeof parsed.password !== 'string') {
    throw new PortalUnavailable('the national-portal secret has no username/password');
  }
  return { username: parsed.username, password: parsed.password };
}

async function post(url: string, body: unknown, session?: string): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(session ? { authorization: `Bearer ${session}` } : {}) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    throw new PortalUnavailable(`${(error as Error).name}: ${(error as Error).message}`);
  }
  if (response.status === 401) {
    await response.body?.cancel();
    return { error_code: 401 };
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new PortalUnavailable(`HTTP ${response.status} from the national portal`);
  }
  return (await response.json()) as Record<string, unknown>;
}

let session: string | undefined;

async function login(auth: string): Promise<string> {
  const answer = await post(auth, await account());
  if (answer.error_code !== 0 || typeof answer.session !== 'string') {
    throw new PortalUnavailable(`login refused (error_code ${String(answer.error_code)})`);
  }
  session = answer.session;
  return session;
}

/** Calls one service; returns its `data`. Throws PortalUnavailable when the portal cannot answer. */
export async function callService<T>(service: string, fields: Record<string, unknown> = {}): Promise<T> {
  const where = endpoints();
  if (!where) throw new PortalUnavailable('NATIONAL_PORTAL_API_URL / NATIONAL_PORTAL_AUTH_URL are not configured');
  const madonvi = process.env.NATIONAL_PORTAL_UNIT_CODE || process.env.PROVINCIAL_AGENCY_CODE || '';
  for (let attempt = 0; attempt < 2; attempt++) {
    const current = session ?? (await login(where.auth));
    const answer = await post(where.api, { service, madonvi, ...fields }, current);
    if (answer.error_code === 401) {
      session = undefined;
      continue;
    }
    if (answer.error_code !== 0) {
      throw new PortalUnavailable(
        `${service}: error_code ${String(answer.error_code)} ${String(answer.message ?? '')}`,
      );
    }
    return answer.data as T;
  }
  throw new PortalUnavailable(`${service}: the session was refused twice`);
}
