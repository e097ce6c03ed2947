/**
 * The slips of the one-stop mechanism, as the forms of Circular 01/2018/TT-VPCP (Appendix II) name them, built
 * from the dossier as it stands. Pure: which official issued a slip and when come from the dossier's history, so
 * the content of one slip never depends on who downloads it or when.
 *
 * | kind                 | form      | title                                                  | issued at                     |
 * |----------------------|-----------|--------------------------------------------------------|-------------------------------|
 * | `receipt`            | Mẫu số 01 | Giấy tiếp nhận hồ sơ và hẹn trả kết quả                 | reception                     |
 * | `supplement-request` | Mẫu số 02 | Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ                 | the latest supplement request |
 * | `refusal`            | Mẫu số 03 | Phiếu từ chối tiếp nhận giải quyết hồ sơ                | rejection                     |
 * | `apology`            | Mẫu số 04 | Phiếu xin lỗi và hẹn lại ngày trả kết quả               | the latest apology            |
 * | `control-sheet`      | Mẫu số 05 | Phiếu kiểm soát quá trình giải quyết hồ sơ              | every hand-over (per version) |
 *
 * The numbering follows our reading of the circular; it is data here (FORMS), one place to correct.
 */
import { toLocalIso } from '#calendar/index.ts';
import type { Dossier } from '../domain/model.ts';
import type { Actor, HistoryEntry } from '../events.ts';
import type { SlipBlock, SlipContent } from './render.ts';

export const SLIP_KINDS = ['receipt', 'supplement-request', 'refusal', 'apology', 'control-sheet'] as const;
export type SlipKind = (typeof SLIP_KINDS)[number];

export const FORMS: Record<SlipKind, { number: string; title: string }> = {
  receipt: { number: 'Mẫu số 01', title: 'GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ' },
  'supplement-request': { number: 'Mẫu số 02', title: 'PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ' },
  refusal: { number: 'Mẫu số 03', title: 'PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ' },
  apology: { number: 'Mẫu số 04', title: 'PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ' },
  'control-sheet': { number: 'Mẫu số 05', title: 'PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ' },
};

export interface AgencyNames {
  /** Vietnamese name of an agency by code (codes without a name print as the code). */
  nameOf(code: string): string;
  /** The agency's parent body's name, for the header's first line. */
  parentOf(code: string): string | undefined;
}

export interface SlipSettings {
  /** The province as people say it in a place line, e.g. "Đồng Nai". */
  placeName: string;
  /** The public status lookup page; the dossier code is appended as `?code=`. */
  statusLookupUrl: string;
}

/** A slip ready to render, and the variant that names it (a slip re-issued for a new event is another variant). */
export interface SlipPlan {
  variant: string;
  content: SlipContent;
}

const upper = (s: string) => s.toLocaleUpperCase('vi-VN');

/** "14 giờ 05 phút, ngày 04/12/2026" in GMT+7. */
export function vnDateTime(iso: string): string {
  const local = toLocalIso(new Date(iso));
  const [date, time] = [local.slice(0, 10), local.slice(11, 16)];
  const [y, m, d] = date.split('-');
  const [hh, mm] = time.split(':');
  return `${hh} giờ ${mm} phút, ngày ${d}/${m}/${y}`;
}

function placeAndDate(place: string, iso: string): string {
  const local = toLocalIso(new Date(iso));
  return `${place}, ngày ${local.slice(8, 10)} tháng ${local.slice(5, 7)} năm ${local.slice(0, 4)}`;
}

const nameOfActor = (a: Actor | undefined): string | undefined =>
  a === undefined ? undefined : (a.name ?? a.sub) + (a.title ? ` (${a.title})` : '');

const lastEntry = (d: Dossier, action: string): HistoryEntry | undefined =>
  d.history.findLast((e) => e.action === action);

const CHANNEL: Record<Dossier['channel'], string> = {
  in_person: 'Trực tiếp tại Bộ phận Một cửa',
  online: 'Trực tuyến',
  post: 'Qua dịch vụ bưu chính công ích',
};
const DELIVERY: Record<Dossier['resultDelivery'], string> = {
  counter: 'Tại Bộ phận Một cửa',
  online: 'Trực tuyến',
  post: 'Qua dịch vụ bưu chính công ích',
};

/** Whether the fees were paid when the slip was printed, and under which receipt (biên lai). */
function feeState(d: Dossier): string {
  if (d.paymentStatus !== 'paid') return 'Chưa nộp';
  const how = d.paidOnline ? 'trực tuyến' : 'tại Bộ phận Một cửa';
  return d.paymentReceipt
    ? `Đã nộp ${how}, biên lai số ${d.paymentReceipt.number} ngày ${vnDateTime(d.paymentReceipt.issuedAt)}`
    : `Đã nộp ${how}`;
}

/** Why a kind cannot be issued for the dossier now, or undefined. */
export function unavailableReason(d: Dossier, kind: SlipKind): { vi: string; en: string } | undefined {
  switch (kind) {
    case 'receipt':
      return d.receivedAt === undefined
        ? { vi: 'Hồ sơ chưa được tiếp nhận.', en: 'The dossier was not received.' }
        : undefined;
    case 'supplement-request':
      return d.supplements.length === 0
        ? { vi: 'Hồ sơ không có yêu cầu bổ sung.', en: 'No supplementation was requested.' }
        : undefined;
    case 'refusal':
      return d.status !== 'rejected'
        ? { vi: 'Hồ sơ không bị từ chối tiếp nhận.', en: 'The dossier was not refused.' }
        : undefined;
    case 'apology':
      return d.apologies.length === 0
        ? { vi: 'Hồ sơ không có phiếu xin lỗi.', en: 'No apology was issued for the dossier.' }
        : undefined;
    case 'control-sheet':
      return undefined;
  }
}

function header(
  d: Dossier,
  names: AgencyNames,
  issuerCode: string,
  settings: SlipSettings,
  kind: SlipKind,
  at: string,
) {
  return {
    formNumber: FORMS[kind].number,
    parentName: upper(names.parentOf(issuerCode) ?? ''),
    issuerName: upper(names.nameOf(issuerCode)),
    placeAndDate: placeAndDate(settings.placeName, at),
    title: FORMS[kind].title,
    subtitle: `Mã hồ sơ: ${d.code}`,
    issuedAt: new Date(at),
    qr: {
      url: `${settings.statusLookupUrl}?code=${encodeURIComponent(d.code)}`,
      caption: 'Quét mã để tra cứu tình trạng hồ sơ (cần số định danh của người nộp).',
    },
  };
}

function applicantBlocks(d: Dossier, address: string | undefined): SlipBlock[] {
  return [
    { kind: 'field', label: 'Tên tổ chức, cá nhân', value: d.applicant.fullName },
    {
      kind: 'field',
      label: d.applicant.type === 'business' ? 'Mã số doanh nghiệp' : 'Số định danh cá nhân',
      value: d.applicant.idNumber,
    },
    ...(address ? [{ kind: 'field' as const, label: 'Địa chỉ', value: address }] : []),
    ...(d.applicant.phone ? [{ kind: 'field' as const, label: 'Số điện thoại', value: d.applicant.phone }] : []),
    ...(d.applicant.email ? [{ kind: 'field' as const, label: 'Thư điện tử', value: d.applicant.email }] : []),
  ];
}

const documentsTable = (d: Dossier, requirementName: (code: string) => string): SlipBlock => ({
  kind: 'table',
  columns: [
    { title: 'STT', width: 1 },
    { title: 'Tên giấy tờ', width: 8 },
    { title: 'Số hóa', width: 2 },
  ],
  rows: d.documents.map((doc, i) => [
    String(i + 1),
    requirementName(doc.requirementCode),
    doc.digitized ? 'Có' : 'Không',
  ]),
});

/**
 * The slip of `kind` for the dossier as it stands (the caller checked `unavailableReason`). `address` is the
 * applicant's postal address (not in the dossier snapshot); `requirementName` names a document requirement.
 */
export function planSlip(
  d: Dossier,
  kind: SlipKind,
  context: {
    names: AgencyNames;
    settings: SlipSettings;
    address?: string;
    requirementName: (code: string) => string;
  },
): SlipPlan {
  const { names, settings } = context;
  const desk = d.receivingAgencyCode ?? d.agencyCode;
  const procedure = { kind: 'field' as const, label: 'Thủ tục', value: `${d.procedureName} (${d.procedureCode})` };
  const handling = { kind: 'field' as const, label: 'Cơ quan giải quyết', value: names.nameOf(d.agencyCode) };
  switch (kind) {
    case 'receipt': {
      const entry = lastEntry(d, 'receive');
      const at = d.receivedAt!;
      const official = nameOfActor(entry?.by);
      return {
        // Printed again once the fees are paid, the receipt says so: another slip, named by the payment's receipt.
        variant: d.paymentStatus === 'paid' && d.paymentReceipt ? `paid-${d.paymentReceipt.number}` : 'v1',
        content: {
          ...header(d, names, desk, settings, kind, at),
          blocks: [
            { kind: 'paragraph', text: `${names.nameOf(desk)} tiếp nhận hồ sơ của:` },
            ...applicantBlocks(d, context.address),
            procedure,
            handling,
            { kind: 'field', label: 'Hình thức nộp', value: CHANNEL[d.channel] },
            { kind: 'field', label: 'Thời gian tiếp nhận', value: vnDateTime(at) },
            { kind: 'paragraph', text: 'Thành phần hồ sơ:', bold: true },
            documentsTable(d, context.requirementName),
            { kind: 'field', label: 'Số lượng hồ sơ', value: '01 bộ' },
            {
              kind: 'field',
              label: 'Thời gian trả kết quả giải quyết hồ sơ',
              value: d.appointmentAt ? vnDateTime(d.appointmentAt) : 'Không có ngày hẹn (theo quy định của thủ tục)',
            },
            { kind: 'field', label: 'Nơi trả kết quả', value: `${DELIVERY[d.resultDelivery]} — ${names.nameOf(desk)}` },
            ...(d.feeTotal > 0
              ? [
                  { kind: 'field' as const, label: 'Phí, lệ phí', value: `${d.feeTotal.toLocaleString('vi-VN')} đồng` },
                  { kind: 'field' as const, label: 'Tình trạng nộp phí', value: feeState(d) },
                ]
              : []),
            {
              kind: 'paragraph',
              text: 'Vào sổ theo dõi hồ sơ. Khi đến nhận kết quả, người nhận mang theo giấy tờ tùy thân và giấy này.',
              italic: true,
            },
          ],
          signatures: [
            { role: 'NGƯỜI NỘP HỒ SƠ', name: d.applicant.fullName },
            { role: 'NGƯỜI TIẾP NHẬN HỒ SƠ', ...(official ? { name: official } : {}) },
          ],
        },
      };
    }
    case 'supplement-request': {
      const round = d.supplements.at(-1)!;
      const official = nameOfActor(round.requestedBy);
      const issuer = round.requestedBy.agencyCode ?? desk;
      return {
        variant: `r${d.supplements.length}`,
        content: {
          ...header(d, names, issuer, settings, kind, round.requestedAt),
          blocks: [
            { kind: 'paragraph', text: `${names.nameOf(issuer)} đã tiếp nhận hồ sơ của:` },
            ...applicantBlocks(d, context.address),
            procedure,
            { kind: 'field', label: 'Ngày yêu cầu', value: vnDateTime(round.requestedAt) },
            { kind: 'paragraph', text: 'Yêu cầu bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:', bold: true },
            { kind: 'paragraph', text: round.reason },
            {
              kind: 'paragraph',
              text: 'Lý do: hồ sơ chưa đầy đủ, hợp lệ theo quy định. Thời gian bổ sung không tính vào thời hạn giải quyết. Xin lỗi ông/bà về sự bất tiện này.',
              italic: true,
            },
          ],
          signatures: [{ role: 'NGƯỜI HƯỚNG DẪN', ...(official ? { name: official } : {}) }],
        },
      };
    }
    case 'refusal': {
      const entry = lastEntry(d, 'reject');
      const at = d.rejectedAt ?? entry?.at ?? d.submittedAt;
      const official = nameOfActor(entry?.by);
      return {
        variant: 'v1',
        content: {
          ...header(d, names, entry?.by.agencyCode ?? desk, settings, kind, at),
          blocks: [
            { kind: 'paragraph', text: `${names.nameOf(entry?.by.agencyCode ?? desk)} nhận được hồ sơ của:` },
            ...applicantBlocks(d, context.address),
            procedure,
            { kind: 'field', label: 'Thời gian', value: vnDateTime(at) },
            {
              kind: 'paragraph',
              text: 'Sau khi xem xét, đối chiếu thành phần hồ sơ, cơ quan từ chối tiếp nhận giải quyết hồ sơ với lý do cụ thể như sau:',
              bold: true,
            },
            { kind: 'paragraph', text: entry?.reason ?? '' },
            { kind: 'paragraph', text: 'Xin thông báo để ông/bà được biết và thực hiện.', italic: true },
          ],
          signatures: [{ role: 'NGƯỜI TIẾP NHẬN HỒ SƠ', ...(official ? { name: official } : {}) }],
        },
      };
    }
    case 'apology': {
      const apology = d.apologies.at(-1)!;
      const official = nameOfActor(apology.by);
      const issuer = apology.by.agencyCode ?? d.agencyCode;
      return {
        variant: `a${d.apologies.length}`,
        content: {
          ...header(d, names, issuer, settings, kind, apology.at),
          blocks: [
            { kind: 'paragraph', text: `${names.nameOf(issuer)} xin lỗi ông/bà:` },
            ...applicantBlocks(d, context.address),
            procedure,
            {
              kind: 'field',
              label: 'Ngày hẹn trả kết quả trước đây',
              value: vnDateTime(apology.previousAppointmentAt),
            },
            { kind: 'paragraph', text: 'Hồ sơ chậm so với thời hạn giải quyết theo quy định. Lý do:', bold: true },
            { kind: 'paragraph', text: apology.reason },
            { kind: 'field', label: 'Xin hẹn lại ngày trả kết quả', value: vnDateTime(apology.newAppointmentAt) },
            { kind: 'paragraph', text: 'Mong ông/bà thông cảm về sự chậm trễ này.', italic: true },
          ],
          signatures: [{ role: 'THỦ TRƯỞNG CƠ QUAN', ...(official ? { name: official } : {}) }],
        },
      };
    }
    case 'control-sheet': {
      const at = d.history.at(-1)!.at;
      const rows = d.history.map((e, i) => [
        String(i + 1),
        vnDateTime(e.at),
        names.nameOf(e.by.agencyCode ?? (e.by.role === 'citizen' ? '' : desk)) || 'Người nộp hồ sơ',
        nameOfActor(e.by) ?? '',
        `${e.action}: ${e.from ?? '—'} → ${e.to}${e.reason ? ` (${e.reason})` : ''}${e.note ? ` — ${e.note}` : ''}`,
      ]);
      const receive = lastEntry(d, 'receive');
      return {
        variant: `v${d.version}`,
        content: {
          ...header(d, names, desk, settings, kind, at),
          blocks: [
            ...applicantBlocks(d, undefined),
            procedure,
            handling,
            {
              kind: 'field',
              label: 'Ngày tiếp nhận',
              value: d.receivedAt ? vnDateTime(d.receivedAt) : 'chưa tiếp nhận',
            },
            { kind: 'field', label: 'Ngày hẹn trả', value: d.appointmentAt ? vnDateTime(d.appointmentAt) : 'không có' },
            { kind: 'paragraph', text: 'Quá trình giải quyết (mỗi lần giao, nhận hồ sơ):', bold: true },
            {
              kind: 'table',
              columns: [
                { title: 'STT', width: 1 },
                { title: 'Thời gian giao, nhận', width: 4 },
                { title: 'Cơ quan', width: 5 },
                { title: 'Người thực hiện', width: 4 },
                { title: 'Nội dung', width: 6 },
              ],
              rows,
            },
          ],
          signatures: [
            { role: 'NGƯỜI TIẾP NHẬN HỒ SƠ', ...(nameOfActor(receive?.by) ? { name: nameOfActor(receive?.by)! } : {}) },
          ],
        },
      };
    }
  }
}
