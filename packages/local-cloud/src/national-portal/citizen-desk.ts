/**
 * The stand-in portal's citizen side and its forwarding to the province, as DVCQG does it:
 *
 * - `GET  /dev/national-portal/` — a page: submit a dossier as a citizen (with files), see every dossier and
 *   what the province answered each time it was forwarded.
 * - `POST /dev/national-portal/dossiers` — the same over HTTP (JSON; files as base64):
 *   `{MaTTHC, DonViXuLy, ChuHoSo, SoDinhDanh, LoaiDoiTuong?, SoDienThoai?, Email?, DuLieuBieuMau?, HinhThuc?,
 *     files: [{name, contentType, requirementCode, base64}], delivery?: "push" | "pull"}`.
 *   push (default): forwarded at once to motcua's intake door; pull: held until motcua pulls it.
 * - `POST /dev/national-portal/dossiers/{id}/forward` — forward it again, unchanged or with `{changes: {...}}`.
 * - `GET  /dev/national-portal/dossiers`, `/dossiers/{id}` — what the stand-in holds and every answer.
 * - `GET  /dev/national-portal/files/{fileId}` — the files, as the portal serves them (faults apply).
 * - services `LayDanhSachHoSoChuyen` (pending dossiers for the province) and `XacNhanHoSoDaNhan` (the province
 *   confirms it took one: no longer pending).
 *
 * Supplementation, as a citizen answers the province's request on DVCQG:
 * - `POST /dev/national-portal/dossiers/{id}/supplements` — `{files: [{name, contentType, requirementCode,
 *   base64}], GhiChu?, HoSoBoSungId?, delivery?: "push" | "pull"}`: the round answered is the open one
 *   (TrangThaiBoSung "0") of the latest dossier record the province synced to the stand-in (409 when there is
 *   none), unless HoSoBoSungId names one. push (default): sent at once to motcua's `POST /portal/dvcqg/supplements`;
 *   pull: held until motcua pulls it.
 * - `POST /dev/national-portal/dossiers/{id}/supplements/{roundId}/forward` — send it again, unchanged or with
 *   `{changes: {...}}`; `GET /dev/national-portal/supplements` — every round and the province's answers.
 * - services `LayDanhSachHoSoBoSung` (pending rounds) and `XacNhanHoSoBoSungDaNhan` (the province took one).
 */
import { createHash, randomUUID } from 'node:crypto';
import { DEV_INTAKE_TOKEN } from '../../../../functions/portal/adapter/auth.ts';
import { toNationalDate } from '../../../../functions/portal/adapter/dates.ts';
import {
  escapeHtml,
  motcuaUrl,
  registerPortalService,
  registerStandInRoute,
  STAND_IN_PREFIX,
  sendHtml,
  sendJson,
} from './routes.ts';
import { latestRecordOf } from './sync-receiver.ts';

interface StoredFile {
  fileId: string;
  name: string;
  contentType: string;
  requirementCode: string;
  bytes: Buffer;
}

interface ForwardAttempt {
  at: string;
  status: number;
  answer: unknown;
}

interface CitizenDossier {
  id: string;
  delivery: 'push' | 'pull';
  record: Record<string, unknown>;
  files: StoredFile[];
  submittedAt: string;
  /** Pull delivery: still waiting for the province to take it. */
  pending: boolean;
  forwards: ForwardAttempt[];
}

/** A supplementation round the citizen answered on the stand-in. */
interface CitizenSupplement {
  dossierId: string;
  roundId: string;
  delivery: 'push' | 'pull';
  /** The province's request it answers, as the province synced it (DanhSachHoSoBoSung element), if known. */
  request: Record<string, unknown>;
  note: string;
  files: StoredFile[];
  submittedAt: string;
  pending: boolean;
  forwards: ForwardAttempt[];
}

const dossiers = new Map<string, CitizenDossier>();
const supplements = new Map<string, CitizenSupplement>();
const supplementKey = (dossierId: string, roundId: string) => `${dossierId}#${roundId}`;
const files = new Map<string, StoredFile>();
let counter = 0;

/** The key the stand-in presents to motcua's intake door (what the province issued to the portal). */
const intakeKey = () => process.env.DVCQG_INTAKE_TOKEN || DEV_INTAKE_TOKEN;

const fileUrl = (fileId: string) => `${motcuaUrl()}${STAND_IN_PREFIX}/files/${fileId}`;

/** Files in the shape of TaiLieuNop[] (also DanhSachGiayToBoSung[]), served by the stand-in. */
const fileEntries = (list: StoredFile[]) =>
  list.map((f) => ({
    TepDinhKemId: f.fileId,
    TenTepDinhKem: f.name,
    IsDeleted: '0',
    MaThanhPhanHoSo: f.requirementCode,
    DuongDanTaiTepTin: fileUrl(f.fileId),
    LoaiTep: f.contentType,
    KichThuoc: String(f.bytes.length),
    MaBamSHA256: createHash('sha256').update(f.bytes).digest('hex'),
  }));

function recordOf(d: CitizenDossier): Record<string, unknown> {
  return { ...d.record, TaiLieuNop: fileEntries(d.files) };
}

/** The round as the portal forwards it: one DanhSachHoSoBoSung element, answered, beside its dossier's MaHoSo. */
function supplementRecordOf(s: CitizenSupplement): Record<string, unknown> {
  const from = (field: string) => text(s.request[field]);
  return {
    MaHoSo: s.dossierId,
    HoSoBoSungId: s.roundId,
    NguoiYeuCauBoSung: from('NguoiYeuCauBoSung'),
    NoiDungBoSung: from('NoiDungBoSung'),
    NgayBoSung: from('NgayBoSung'),
    NguoiTiepNhanBoSung: '',
    ThongTinTiepNhan: '',
    NgayTiepNhanBoSung: '',
    TrangThaiBoSung: '1',
    DanhSachGiayToBoSung: fileEntries(s.files),
    DanhSachLePhiBoSung: [],
    NgayHenTraTruoc: '',
    NgayHenTraMoi: '',
    GhiChu: s.note,
  };
}

async function send(path: string, body: Record<string, unknown>): Promise<ForwardAttempt> {
  try {
    const response = await fetch(`${motcuaUrl()}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${intakeKey()}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const raw = await response.text();
    let answer: unknown = raw;
    try {
      answer = JSON.parse(raw);
    } catch {
      // kept as text
    }
    return { at: new Date().toISOString(), status: response.status, answer };
  } catch (error) {
    return { at: new Date().toISOString(), status: 0, answer: (error as Error).message };
  }
}

async function forward(d: CitizenDossier, record: Record<string, unknown>): Promise<ForwardAttempt> {
  const attempt = await send('/portal/dvcqg/dossiers', { service: 'TiepNhanHoSoTuDVCQG', ...record });
  d.forwards.push(attempt);
  return attempt;
}

async function forwardSupplement(s: CitizenSupplement, record: Record<string, unknown>): Promise<ForwardAttempt> {
  // ASSUMPTION: the service name the portal puts in the body (motcua ignores it, as for dossiers).
  const attempt = await send('/portal/dvcqg/supplements', { service: 'BoSungHoSoTuDVCQG', ...record });
  s.forwards.push(attempt);
  return attempt;
}

const supplementView = (s: CitizenSupplement) => ({
  dossierId: s.dossierId,
  roundId: s.roundId,
  delivery: s.delivery,
  pending: s.pending,
  submittedAt: s.submittedAt,
  record: supplementRecordOf(s),
  forwards: s.forwards,
});

const supplementsOf = (dossierId: string) => [...supplements.values()].filter((s) => s.dossierId === dossierId);

const view = (d: CitizenDossier) => ({
  id: d.id,
  delivery: d.delivery,
  pending: d.pending,
  submittedAt: d.submittedAt,
  record: recordOf(d),
  forwards: d.forwards,
  supplements: supplementsOf(d.id).map(supplementView),
});

interface SubmitInput {
  MaTTHC?: unknown;
  DonViXuLy?: unknown;
  ChuHoSo?: unknown;
  SoDinhDanh?: unknown;
  LoaiDoiTuong?: unknown;
  SoDienThoai?: unknown;
  Email?: unknown;
  DiaChi?: unknown;
  TrichYeuHoSo?: unknown;
  HinhThuc?: unknown;
  DuLieuBieuMau?: unknown;
  files?: unknown;
  delivery?: unknown;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** The files a citizen gives (base64), or undefined when one is malformed. */
function readFiles(value: unknown): StoredFile[] | undefined {
  const stored: StoredFile[] = [];
  for (const raw of (Array.isArray(value) ? value : []) as Record<string, unknown>[]) {
    if (typeof raw?.name !== 'string' || typeof raw.base64 !== 'string' || typeof raw.contentType !== 'string') {
      return undefined;
    }
    stored.push({
      fileId: randomUUID(),
      name: raw.name,
      contentType: raw.contentType,
      requirementCode: text(raw.requirementCode),
      bytes: Buffer.from(raw.base64, 'base64'),
    });
  }
  return stored;
}

const FILES_NEEDED = { title: 'Each file needs name, contentType, requirementCode and base64', status: 400 };

registerStandInRoute('POST', '/dossiers', async (req, res) => {
  const input = req.json() as SubmitInput | undefined;
  if (!input || typeof input !== 'object') {
    sendJson(res, 400, { title: 'Expected a JSON body', status: 400 });
    return;
  }
  const stored = readFiles(input.files);
  if (!stored) {
    sendJson(res, 400, FILES_NEEDED);
    return;
  }
  counter += 1;
  const now = new Date();
  const id = `G22.${toNationalDate(now).slice(0, 8)}.${String(counter).padStart(5, '0')}-${randomUUID().slice(0, 4)}`;
  const d: CitizenDossier = {
    id,
    delivery: input.delivery === 'pull' ? 'pull' : 'push',
    record: {
      MaHoSo: id,
      MaTTHC: text(input.MaTTHC),
      KenhThucHien: '2',
      ChuHoSo: text(input.ChuHoSo),
      LoaiDoiTuong: text(input.LoaiDoiTuong) || '1',
      MaDoiTuong: `vneid-${text(input.SoDinhDanh)}`,
      SoDinhDanh: text(input.SoDinhDanh),
      Email: text(input.Email),
      SoDienThoai: text(input.SoDienThoai),
      DiaChi: text(input.DiaChi),
      TrichYeuHoSo: text(input.TrichYeuHoSo),
      NgayNopHoSo: toNationalDate(now),
      DonViXuLy: text(input.DonViXuLy),
      HinhThuc: text(input.HinhThuc) || '2',
      DuLieuBieuMau: input.DuLieuBieuMau && typeof input.DuLieuBieuMau === 'object' ? input.DuLieuBieuMau : {},
    },
    files: stored,
    submittedAt: now.toISOString(),
    pending: input.delivery === 'pull',
    forwards: [],
  };
  dossiers.set(id, d);
  for (const f of stored) files.set(f.fileId, f);
  if (d.delivery === 'push') await forward(d, recordOf(d));
  sendJson(res, 201, view(d));
});

registerStandInRoute('POST', '/dossiers/{id}/forward', async (req, res) => {
  const d = dossiers.get(req.params.id!);
  if (!d) {
    sendJson(res, 404, { title: 'No such dossier on the stand-in portal', status: 404 });
    return;
  }
  const input = req.json() as { changes?: Record<string, unknown> } | undefined;
  const record = { ...recordOf(d), ...(input?.changes ?? {}) };
  const attempt = await forward(d, record);
  sendJson(res, 200, attempt);
});

/** The open round (TrangThaiBoSung "0") of the latest record the province synced for the dossier, if any. */
function openRound(dossierId: string): Record<string, unknown> | undefined {
  const rounds = latestRecordOf(dossierId)?.DanhSachHoSoBoSung;
  if (!Array.isArray(rounds)) return undefined;
  return (rounds as Record<string, unknown>[]).findLast((r) => r?.TrangThaiBoSung === '0');
}

registerStandInRoute('POST', '/dossiers/{id}/supplements', async (req, res) => {
  const d = dossiers.get(req.params.id!);
  if (!d) {
    sendJson(res, 404, { title: 'No such dossier on the stand-in portal', status: 404 });
    return;
  }
  const input = (req.json() ?? {}) as {
    files?: unknown;
    GhiChu?: unknown;
    HoSoBoSungId?: unknown;
    delivery?: unknown;
  };
  const stored = readFiles(input.files);
  if (!stored) {
    sendJson(res, 400, FILES_NEEDED);
    return;
  }
  const request = openRound(d.id);
  const roundId = text(input.HoSoBoSungId) || text(request?.HoSoBoSungId);
  if (!roundId) {
    sendJson(res, 409, {
      title: 'The province has asked for no supplementation of this dossier (no open round in what it synced)',
      status: 409,
    });
    return;
  }
  const key = supplementKey(d.id, roundId);
  if (supplements.has(key)) {
    sendJson(res, 409, { title: 'This round was answered already; forward it again instead', status: 409 });
    return;
  }
  const s: CitizenSupplement = {
    dossierId: d.id,
    roundId,
    delivery: input.delivery === 'pull' ? 'pull' : 'push',
    request: request && text(request.HoSoBoSungId) === roundId ? request : {},
    note: text(input.GhiChu),
    files: stored,
    submittedAt: new Date().toISOString(),
    pending: input.delivery === 'pull',
    forwards: [],
  };
  supplements.set(key, s);
  for (const f of stored) files.set(f.fileId, f);
  if (s.delivery === 'push') await forwardSupplement(s, supplementRecordOf(s));
  sendJson(res, 201, supplementView(s));
});

registerStandInRoute('POST', '/dossiers/{id}/supplements/{roundId}/forward', async (req, res) => {
  const s = supplements.get(supplementKey(req.params.id!, req.params.roundId!));
  if (!s) {
    sendJson(res, 404, { title: 'No such supplement on the stand-in portal', status: 404 });
    return;
  }
  const input = req.json() as { changes?: Record<string, unknown> } | undefined;
  sendJson(res, 200, await forwardSupplement(s, { ...supplementRecordOf(s), ...(input?.changes ?? {}) }));
});

registerStandInRoute('GET', '/supplements', async (_req, res) => {
  sendJson(res, 200, { items: [...supplements.values()].map(supplementView) });
});

registerStandInRoute('GET', '/dossiers', async (_req, res) => {
  sendJson(res, 200, { items: [...dossiers.values()].map(view) });
});

registerStandInRoute('GET', '/dossiers/{id}', async (req, res) => {
  const d = dossiers.get(req.params.id!);
  if (!d) sendJson(res, 404, { title: 'No such dossier on the stand-in portal', status: 404 });
  else sendJson(res, 200, view(d));
});

registerStandInRoute(
  'GET',
  '/files/{fileId}',
  async (req, res) => {
    const f = files.get(req.params.fileId!);
    if (!f) {
      sendJson(res, 404, { title: 'No such file', status: 404 });
      return;
    }
    res.writeHead(200, { 'content-type': f.contentType, 'content-length': String(f.bytes.length) });
    res.end(f.bytes);
  },
  { service: true },
);

registerPortalService('LayDanhSachHoSoChuyen', async () => ({
  body: {
    error_code: 0,
    data: [...dossiers.values()].filter((d) => d.pending).map((d) => recordOf(d)),
  },
}));

registerPortalService('XacNhanHoSoDaNhan', async (fields) => {
  const d = dossiers.get(text(fields.MaHoSo));
  if (!d) return { body: { error_code: 404, message: 'Không có hồ sơ / no such dossier' } };
  d.pending = false;
  d.forwards.push({ at: new Date().toISOString(), status: 200, answer: { pulled: true, ...fields } });
  return { body: { error_code: 0, message: 'ok' } };
});

registerPortalService('LayDanhSachHoSoBoSung', async () => ({
  body: {
    error_code: 0,
    data: [...supplements.values()].filter((s) => s.pending).map(supplementRecordOf),
  },
}));

registerPortalService('XacNhanHoSoBoSungDaNhan', async (fields) => {
  const s = supplements.get(supplementKey(text(fields.MaHoSo), text(fields.HoSoBoSungId)));
  if (!s) return { body: { error_code: 404, message: 'Không có hồ sơ bổ sung / no such supplement' } };
  s.pending = false;
  s.forwards.push({ at: new Date().toISOString(), status: 200, answer: { pulled: true, ...fields } });
  return { body: { error_code: 0, message: 'ok' } };
});

registerStandInRoute('GET', '/', async (_req, res) => {
  const rows = [...dossiers.values()]
    .reverse()
    .map((d) => {
      const last = d.forwards.at(-1);
      const answer = last
        ? escapeHtml(JSON.stringify(last.answer))
        : d.pending
          ? 'waiting for the province to pull it'
          : '—';
      return `<tr><td>${escapeHtml(d.id)}</td><td>${escapeHtml(d.record.MaTTHC)}</td><td>${escapeHtml(d.record.ChuHoSo)}</td><td>${d.files.length}</td><td>${d.delivery}</td><td>${last ? last.status : ''}</td><td><code>${answer}</code></td><td><form method="dialog"><button onclick="resend('${escapeHtml(d.id)}')">forward again</button></form></td></tr>`;
    })
    .join('');
  const supplementRows = [...supplements.values()]
    .reverse()
    .map((x) => {
      const last = x.forwards.at(-1);
      const answer = last
        ? escapeHtml(JSON.stringify(last.answer))
        : x.pending
          ? 'waiting for the province to pull it'
          : '—';
      return `<tr><td>${escapeHtml(x.dossierId)}</td><td>${escapeHtml(x.roundId)}</td><td>${escapeHtml(x.request.NoiDungBoSung)}</td><td>${x.files.length}</td><td>${x.delivery}</td><td>${last ? last.status : ''}</td><td><code>${answer}</code></td><td><form method="dialog"><button onclick="resendSupplement('${escapeHtml(x.dossierId)}','${escapeHtml(x.roundId)}')">forward again</button></form></td></tr>`;
    })
    .join('');
  sendHtml(
    res,
    200,
    `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Cổng DVCQG (giả lập)</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}label{display:block;margin:.4rem 0}input,textarea{width:30rem}table{border-collapse:collapse;margin-top:1rem}td,th{border:1px solid #ccc;padding:.3rem;font-size:.85rem;vertical-align:top}code{white-space:pre-wrap;word-break:break-all}</style></head>
<body><h1>Cổng Dịch vụ công quốc gia — giả lập / national portal stand-in</h1>
<p>Submit a dossier as a citizen on DVCQG would; it is forwarded to the province (motcua) at
<code>POST /portal/dvcqg/dossiers</code> (push) or held for motcua to pull. Faults: <a href="faults">faults</a>
(<code>POST ${STAND_IN_PREFIX}/faults {"down":true,"delayMs":3000}</code>).</p>
<form id="f"><label>Mã TTHC (national procedure code) <input name="MaTTHC" required></label>
<label>Đơn vị xử lý (agency code) <input name="DonViXuLy" required></label>
<label>Chủ hồ sơ (full name) <input name="ChuHoSo" required></label>
<label>Số định danh (12-digit ID) <input name="SoDinhDanh" pattern="\\d{12}" required></label>
<label>Số điện thoại <input name="SoDienThoai"></label>
<label>Dữ liệu biểu mẫu (form data, JSON) <textarea name="DuLieuBieuMau" rows="3">{}</textarea></label>
<label>Thành phần hồ sơ 1 (requirement code) <input name="req1"> file <input type="file" name="file1"></label>
<label>Thành phần hồ sơ 2 (requirement code) <input name="req2"> file <input type="file" name="file2"></label>
<label><input type="checkbox" name="pull" style="width:auto"> hold for the province to pull (instead of pushing)</label>
<button>Nộp hồ sơ / submit</button></form><pre id="out"></pre>
<table><tr><th>MaHoSo</th><th>MaTTHC</th><th>Chủ hồ sơ</th><th>files</th><th>delivery</th><th>HTTP</th><th>province's last answer</th><th></th></tr>${rows}</table>
<h2>Bổ sung hồ sơ / supplement a dossier</h2>
<p>When the province asks for a supplement (its dossier record says so), the citizen answers here; the supplement is
sent to <code>POST /portal/dvcqg/supplements</code> (push) or held for motcua to pull.</p>
<form id="s"><label>MaHoSo <input name="MaHoSo" required></label>
<label>HoSoBoSungId (empty: the open request the province synced) <input name="HoSoBoSungId"></label>
<label>Thành phần hồ sơ (requirement code) <input name="req"> file <input type="file" name="file"></label>
<label>Ghi chú (note) <input name="GhiChu"></label>
<label><input type="checkbox" name="pull" style="width:auto"> hold for the province to pull (instead of pushing)</label>
<button>Gửi bổ sung / send the supplement</button></form><pre id="sout"></pre>
<table><tr><th>MaHoSo</th><th>HoSoBoSungId</th><th>requested</th><th>files</th><th>delivery</th><th>HTTP</th><th>province's last answer</th><th></th></tr>${supplementRows}</table>
<script>
const read = (file) => new Promise((ok) => { const r = new FileReader(); r.onload = () => ok(r.result.split(',')[1]); r.readAsDataURL(file); });
document.getElementById('f').onsubmit = async (e) => {
  e.preventDefault(); const f = e.target; const files = [];
  for (const i of [1, 2]) { const file = f['file' + i].files[0]; if (file) files.push({ name: file.name, contentType: file.type || 'application/octet-stream', requirementCode: f['req' + i].value, base64: await read(file) }); }
  let form = {}; try { form = JSON.parse(f.DuLieuBieuMau.value || '{}'); } catch { alert('form data is not JSON'); return; }
  const body = { MaTTHC: f.MaTTHC.value, DonViXuLy: f.DonViXuLy.value, ChuHoSo: f.ChuHoSo.value, SoDinhDanh: f.SoDinhDanh.value, SoDienThoai: f.SoDienThoai.value, DuLieuBieuMau: form, files, delivery: f.pull.checked ? 'pull' : 'push' };
  const r = await fetch('dossiers', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  document.getElementById('out').textContent = JSON.stringify(await r.json(), null, 2); setTimeout(() => location.reload(), 1500);
};
document.getElementById('s').onsubmit = async (e) => {
  e.preventDefault(); const f = e.target; const files = []; const file = f.file.files[0];
  if (file) files.push({ name: file.name, contentType: file.type || 'application/octet-stream', requirementCode: f.req.value, base64: await read(file) });
  const body = { files, GhiChu: f.GhiChu.value, HoSoBoSungId: f.HoSoBoSungId.value, delivery: f.pull.checked ? 'pull' : 'push' };
  const r = await fetch('dossiers/' + encodeURIComponent(f.MaHoSo.value) + '/supplements', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  document.getElementById('sout').textContent = JSON.stringify(await r.json(), null, 2); setTimeout(() => location.reload(), 1500);
};
async function resendSupplement(id, round) { await fetch('dossiers/' + encodeURIComponent(id) + '/supplements/' + encodeURIComponent(round) + '/forward', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }); location.reload(); }
async function resend(id) { await fetch('dossiers/' + encodeURIComponent(id) + '/forward', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }); location.reload(); }
</script></body></html>`,
  );
});
