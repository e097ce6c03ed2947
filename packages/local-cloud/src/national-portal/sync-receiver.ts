/**
 * The stand-in portal's receiving side: what the province's system sends to DVCQG. It behaves like the portal as
 * provincial systems describe it: a session login (`POST /auth {username, password}` → `{session, error_code: 0}`),
 * then every call `POST /sync {service, ...fields}` with `Authorization: Bearer <session>`, answered
 * `{error_code: 0}` on success or a non-zero error_code with a message. It checks what a real portal would refuse
 * (unknown session, unknown service, a progress step for a dossier it never got, malformed dates or status codes)
 * and keeps everything it received, in order, with the answer it gave.
 *
 * People see it at `GET /dev/national-portal/sync/` (HTML); tests read `GET /dev/national-portal/sync/records`
 * and `/sync/records/{code}` (JSON). Besides the shared outage/delay switch (faults.ts), a tester can expire every
 * session (`POST /sync/sessions/expire`) or make the next calls fail with a chosen error_code
 * (`POST /sync/reject {errorCode, count}`).
 */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { escapeHtml, registerStandInRoute, type StandInRequest, sendHtml, sendJson } from './routes.ts';

/** The province account the stand-in accepts (motcua's local defaults, see functions/reporting/sync/portal-client.ts). */
export const STAND_IN_ACCOUNT = { username: 'motcua-local', password: 'motcua-local-password' } as const;

/** error_code values the stand-in answers (assumed, docs/national-portal.md). */
export const PORTAL_ERROR = {
  ok: 0,
  badLogin: 1,
  unknownDossier: 2,
  invalidRecord: 3,
  unknownService: 4,
  session: 401,
} as const;

const DATE_FIELDS_OF_RECORD = ['NgayNopHoSo', 'NgayTiepNhan', 'NgayHenTra', 'NgayTra', 'NgayKetThucXuLy'];
const DATE_FIELDS_OF_PROGRESS = ['ThoiDiemXuLy', 'NgayBatDau', 'NgayKetThucTheoQuyDinh'];
const PORTAL_DATE = /^(\d{14})?$/;

export interface ReceivedCall {
  /** Order of arrival over the whole stand-in. */
  seq: number;
  at: string;
  service: string;
  code: string;
  error_code: number;
  message: string;
}

export interface ReceivedDossier {
  code: string;
  /** Every DongBoHoSoMC accepted for it, in order. */
  records: { seq: number; at: string; record: Record<string, unknown> }[];
  /** Every CapNhatTienDoHoSoMC accepted for it, in order. */
  progress: { seq: number; at: string; step: Record<string, unknown> }[];
}

const sessions = new Set<string>();
const dossiers = new Map<string, ReceivedDossier>();
const calls: ReceivedCall[] = [];
let rejectNext: { errorCode: number; count: number } = { errorCode: 0, count: 0 };
let callSeq = 0;

function bearer(req: StandInRequest): string | undefined {
  const header = req.headers.authorization;
  return typeof header === 'string' && header.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
}

/** True when the request carries a session the stand-in issued and has not expired (for other stand-in modules). */
export function hasValidSession(req: StandInRequest): boolean {
  const session = bearer(req);
  return session !== undefined && sessions.has(session);
}

function answer(res: ServerResponse, call: Omit<ReceivedCall, 'seq' | 'at'>, status = 200): void {
  calls.push({ ...call, seq: ++callSeq, at: new Date().toISOString() });
  sendJson(res, status, { error_code: call.error_code, message: call.message });
}

function badFields(body: Record<string, unknown>, dateFields: string[], statusField: string): string[] {
  const bad = dateFields.filter((field) => typeof body[field] !== 'string' || !PORTAL_DATE.test(body[field]));
  const status = Number(body[statusField]);
  if (typeof body[statusField] !== 'string' || !Number.isInteger(status) || status < 1 || status > 10) {
    bad.push(statusField);
  }
  if (typeof body.MaHoSo !== 'string' || body.MaHoSo === '') bad.push('MaHoSo');
  return bad;
}

registerStandInRoute(
  'POST',
  '/auth',
  async (req, res) => {
    const body = req.json() as { username?: unknown; password?: unknown } | undefined;
    if (body?.username !== STAND_IN_ACCOUNT.username || body?.password !== STAND_IN_ACCOUNT.password) {
      sendJson(res, 200, { error_code: PORTAL_ERROR.badLogin, message: 'Sai tài khoản hoặc mật khẩu' });
      return;
    }
    const session = randomBytes(16).toString('hex');
    sessions.add(session);
    sendJson(res, 200, { session, error_code: PORTAL_ERROR.ok });
  },
  { service: true },
);

registerStandInRoute(
  'POST',
  '/sync',
  async (req, res) => {
    const body = req.json() as Record<string, unknown> | undefined;
    const service = typeof body?.service === 'string' ? body.service : '';
    const code = typeof body?.MaHoSo === 'string' ? body.MaHoSo : '';
    if (!hasValidSession(req)) {
      answer(res, { service, code, error_code: PORTAL_ERROR.session, message: 'Phiên đăng nhập hết hạn' }, 401);
      return;
    }
    if (rejectNext.count > 0) {
      rejectNext = { ...rejectNext, count: rejectNext.count - 1 };
      answer(res, { service, code, error_code: rejectNext.errorCode, message: 'Từ chối (giả lập)' });
      return;
    }
    if (!body || (service !== 'DongBoHoSoMC' && service !== 'CapNhatTienDoHoSoMC')) {
      answer(res, { service, code, error_code: PORTAL_ERROR.unknownService, message: 'Dịch vụ không tồn tại' });
      return;
    }
    const isRecord = service === 'DongBoHoSoMC';
    const bad = isRecord
      ? badFields(body, DATE_FIELDS_OF_RECORD, 'TrangThaiHoSo')
      : badFields(body, DATE_FIELDS_OF_PROGRESS, 'TrangThai');
    if (bad.length > 0) {
      answer(res, {
        service,
        code,
        error_code: PORTAL_ERROR.invalidRecord,
        message: `Dữ liệu không hợp lệ: ${bad.join(', ')}`,
      });
      return;
    }
    const known = dossiers.get(code);
    if (!isRecord && !known) {
      answer(res, { service, code, error_code: PORTAL_ERROR.unknownDossier, message: 'Hồ sơ không tồn tại' });
      return;
    }
    const dossier = known ?? { code, records: [], progress: [] };
    dossiers.set(code, dossier);
    const at = new Date().toISOString();
    if (isRecord) dossier.records.push({ seq: callSeq + 1, at, record: body });
    else dossier.progress.push({ seq: callSeq + 1, at, step: body });
    answer(res, { service, code, error_code: PORTAL_ERROR.ok, message: 'Thành công' });
  },
  { service: true },
);

/** The latest dossier record (DongBoHoSoMC) the province sent for a dossier, for the other stand-in modules. */
export function latestRecordOf(code: string): Record<string, unknown> | undefined {
  return dossiers.get(code)?.records.at(-1)?.record;
}

function summary(dossier: ReceivedDossier) {
  const latest = dossier.records.at(-1)?.record ?? {};
  return {
    code: dossier.code,
    status: String(latest.TrangThaiHoSo ?? ''),
    records: dossier.records.length,
    progress: dossier.progress.length,
    record: latest,
  };
}

registerStandInRoute('GET', '/sync/records', async (_req, res) => {
  sendJson(res, 200, { items: [...dossiers.values()].map(summary) });
});

registerStandInRoute('GET', '/sync/records/{code}', async (req, res) => {
  const dossier = dossiers.get(req.params.code ?? '');
  if (!dossier) {
    sendJson(res, 404, { title: 'The stand-in portal holds no such dossier', status: 404 });
    return;
  }
  sendJson(res, 200, { ...dossier, calls: calls.filter((call) => call.code === dossier.code) });
});

registerStandInRoute('GET', '/sync/calls', async (_req, res) => {
  sendJson(res, 200, { items: calls });
});

registerStandInRoute('POST', '/sync/sessions/expire', async (_req, res) => {
  const expired = sessions.size;
  sessions.clear();
  sendJson(res, 200, { expired });
});

registerStandInRoute('POST', '/sync/reject', async (req, res) => {
  const body = req.json() as { errorCode?: unknown; count?: unknown } | undefined;
  const errorCode = body?.errorCode;
  const count = body?.count;
  if (
    typeof errorCode !== 'number' ||
    !Number.isInteger(errorCode) ||
    errorCode === 0 ||
    typeof count !== 'number' ||
    !Number.isInteger(count) ||
    count < 0
  ) {
    sendJson(res, 400, { title: 'Expected {"errorCode": non-zero integer, "count": integer ≥ 0}', status: 400 });
    return;
  }
  rejectNext = { errorCode, count };
  sendJson(res, 200, rejectNext);
});

/** `yyyyMMddHHmmss` shown as `dd/MM/yyyy HH:mm:ss` (the portal's own display), "" stays "". */
const showDate = (value: unknown): string => {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(String(value ?? ''));
  return m ? `${m[3]}/${m[2]}/${m[1]} ${m[4]}:${m[5]}:${m[6]}` : '';
};

function dossierSection(dossier: ReceivedDossier): string {
  const latest = dossier.records.at(-1)?.record ?? {};
  const rows = [
    ...dossier.records.map((r) => ({ seq: r.seq, kind: 'DongBoHoSoMC', body: r.record })),
    ...dossier.progress.map((p) => ({ seq: p.seq, kind: 'CapNhatTienDoHoSoMC', body: p.step })),
  ].sort((a, b) => a.seq - b.seq);
  const body = rows
    .map((row) =>
      row.kind === 'DongBoHoSoMC'
        ? `<tr><td>${row.seq}</td><td>Hồ sơ (isUpdating=${escapeHtml(row.body.isUpdating)})</td>` +
          `<td>${escapeHtml(row.body.TrangThaiHoSo)}</td><td>${showDate(row.body.NgayTiepNhan)}</td>` +
          `<td>Hẹn trả ${showDate(row.body.NgayHenTra)}; bổ sung ${(row.body.DanhSachHoSoBoSung as unknown[] | undefined)?.length ?? 0}; kết quả ${(row.body.DanhSachGiayToKetQua as unknown[] | undefined)?.length ?? 0}</td></tr>`
        : `<tr><td>${row.seq}</td><td>Tiến độ</td><td>${escapeHtml(row.body.TrangThai)}</td>` +
          `<td>${showDate(row.body.ThoiDiemXuLy)}</td><td>${escapeHtml(row.body.NoiDungXuLy)} — ` +
          `${escapeHtml(row.body.NguoiXuLy)} (${escapeHtml(row.body.ChucDanh)}, ${escapeHtml(row.body.PhongBanXuLy)})</td></tr>`,
    )
    .join('');
  return (
    `<section><h2>${escapeHtml(dossier.code)} — ${escapeHtml(latest.TenTTHC)} — trạng thái ${escapeHtml(latest.TrangThaiHoSo)}</h2>` +
    `<p>Chủ hồ sơ: ${escapeHtml(latest.ChuHoSo)}; mã TTHC ${escapeHtml(latest.MaTTHC)}; đơn vị xử lý ${escapeHtml(latest.DonViXuLy)}</p>` +
    `<table><thead><tr><th>#</th><th>Bản ghi</th><th>Trạng thái</th><th>Thời điểm</th><th>Nội dung</th></tr></thead>` +
    `<tbody>${body}</tbody></table></section>`
  );
}

registerStandInRoute('GET', '/sync/', async (_req, res) => {
  const failed = calls.filter((call) => call.error_code !== 0).slice(-20);
  const page =
    '<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Cổng DVCQG (giả lập) — dữ liệu đồng bộ</title>' +
    '<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}table{border-collapse:collapse;width:100%}' +
    'td,th{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}section{margin-bottom:2rem}</style></head><body>' +
    '<h1>Cổng Dịch vụ công quốc gia (giả lập): hồ sơ tỉnh đã đồng bộ</h1>' +
    `<p>${dossiers.size} hồ sơ, ${calls.length} lượt gọi, ${failed.length} lượt bị từ chối gần đây. ` +
    'JSON: <a href="records">records</a>, <a href="calls">calls</a>.</p>' +
    (failed.length > 0
      ? `<h2>Lượt gọi bị từ chối</h2><ul>${failed
          .map(
            (c) =>
              `<li>${escapeHtml(c.at)} ${escapeHtml(c.service)} ${escapeHtml(c.code)}: error_code ${c.error_code} ${escapeHtml(c.message)}</li>`,
          )
          .join('')}</ul>`
      : '') +
    ([...dossiers.values()].map(dossierSection).join('') || '<p>Chưa nhận hồ sơ nào.</p>') +
    '</body></html>';
  sendHtml(res, 200, page);
});
