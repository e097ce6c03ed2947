/**
 * The desk's day and its tracking book (sổ theo dõi hồ sơ, Mẫu số 06 of Circular 01/2018/TT-VPCP). Every read
 * is a bounded Query: the desk index (gsi4, intake time) for what the desk took in, the per-status index (gsi3)
 * for what waits at the desk; nothing scans.
 */
import { DAY_MS, startOfLocalDay, toLocalDate, toLocalIso } from '#calendar/index.ts';
import { mayOversee } from '#platform/agency-scope.ts';
import { csvDocument } from '#platform/csv.ts';
import { ForbiddenError, ValidationError } from '#platform/errors.ts';
import type { Identity } from '#platform/identity.ts';
import { dossierSummary } from '../api/views.ts';
import type { DossierListing } from '../domain/listing.ts';
import { agencyFor, workingCalendar } from '../read-models.ts';
import { vnDateTime } from '../slips/forms.ts';
import { placeName } from '../slips/issue.ts';
import { renderSlip } from '../slips/render.ts';
import * as store from '../store.ts';

/** At most this many dossiers in one tracking book or one day's list (pages of 100). */
export const MAX_BOOK_ROWS = 2000;
const MAX_BOOK_DAYS = 92;
const PAGE = 100;

async function requireDeskOfficial(identity: Identity, desk: string): Promise<void> {
  if (!(await mayOversee(identity, [desk]))) {
    throw new ForbiddenError({
      vi: 'Chỉ cán bộ của cơ quan này, lãnh đạo của cơ quan hoặc của cơ quan cấp trên được xem sổ của Bộ phận Một cửa.',
      en: "Only the agency's own officials and the leaders of it or of an agency above it may see its desk.",
    });
  }
}

async function deskIntake(desk: string, from: Date, to: Date): Promise<DossierListing[]> {
  const items: DossierListing[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.queryDeskDossiers(desk, { from, to }, PAGE, cursor);
    items.push(...page.items);
    cursor = page.nextCursor;
    if (items.length > MAX_BOOK_ROWS) {
      throw new ValidationError([
        { path: 'query.from', message: `more than ${MAX_BOOK_ROWS} dossiers: narrow the range` },
      ]);
    }
  } while (cursor !== undefined);
  return items;
}

export async function deskDay(identity: Identity, desk: string, date: string | undefined, at: Date) {
  await requireDeskOfficial(identity, desk);
  const day = date ?? toLocalDate(at);
  const from = startOfLocalDay(day);
  const to = new Date(from.getTime() + DAY_MS);
  const [intake, toCollect, waiting, calendar] = await Promise.all([
    deskIntake(desk, from, to),
    store.queryAgencyDossiers(desk, { status: 'resolved', dueBefore: to }, PAGE, undefined),
    store.queryAgencyDossiers(desk, { status: 'submitted' }, PAGE, undefined),
    workingCalendar(),
  ]);
  const counts = new Map<string, { sub: string; name?: string; received: number }>();
  for (const listing of intake) {
    const who = listing.intakeOfficial;
    if (!who) continue;
    const row = counts.get(who.sub) ?? { ...who, received: 0 };
    row.received += 1;
    counts.set(who.sub, row);
  }
  const summary = (listing: DossierListing) => dossierSummary(listing, at, calendar);
  return {
    agencyCode: desk,
    date: day,
    receivedToday: intake.map(summary),
    toCollect: toCollect.items.map(summary),
    waitingAtDesk: waiting.items.map(summary),
    countsByOfficial: [...counts.values()].sort((a, b) => b.received - a.received || a.sub.localeCompare(b.sub)),
    ...(toCollect.nextCursor || waiting.nextCursor ? { truncated: true } : {}),
  };
}

const BOOK_COLUMNS = [
  'STT',
  'Mã hồ sơ',
  'Thủ tục',
  'Người nộp',
  'Hình thức',
  'Cơ quan giải quyết',
  'Ngày nhận',
  'Ngày hẹn trả',
  'Ngày có kết quả',
  'Ngày trả',
  'Người nhận kết quả',
  'Trạng thái',
];

const CHANNEL_VI = { in_person: 'Trực tiếp', online: 'Trực tuyến', post: 'Bưu chính' } as const;

function bookRow(d: DossierListing, index: number, nameOf: (code: string) => string): string[] {
  const when = (iso: string | undefined) => (iso ? toLocalIso(new Date(iso)).slice(0, 16).replace('T', ' ') : '');
  return [
    String(index + 1),
    d.code,
    d.procedureName,
    `${d.applicant.fullName} (${d.applicant.idNumber})`,
    CHANNEL_VI[d.channel],
    nameOf(d.agencyCode),
    when(d.receivedAt ?? d.submittedAt),
    when(d.appointmentAt),
    when(d.endedAt),
    when(d.returnedAt),
    d.returnedTo?.collectorName ?? (d.returnedTo?.trackingNumber ? `Bưu gửi ${d.returnedTo.trackingNumber}` : ''),
    d.status,
  ];
}

export async function trackingBook(
  identity: Identity,
  desk: string,
  query: { from: string; to: string; format?: 'csv' | 'pdf' },
  at: Date,
): Promise<{ contentType: string; body: string; base64: boolean; fileName: string }> {
  await requireDeskOfficial(identity, desk);
  const from = startOfLocalDay(query.from);
  const to = new Date(startOfLocalDay(query.to).getTime() + DAY_MS);
  const days = (to.getTime() - from.getTime()) / DAY_MS;
  if (days < 1 || days > MAX_BOOK_DAYS) {
    throw new ValidationError([{ path: 'query.to', message: `from ≤ to, at most ${MAX_BOOK_DAYS} days` }]);
  }
  const intake = await deskIntake(desk, from, to);
  const codes = new Set([desk, ...intake.map((listing) => listing.agencyCode)]);
  const names = new Map<string, string>();
  await Promise.all([...codes].map(async (code) => names.set(code, (await agencyFor(code))?.name.vi ?? code)));
  const nameOf = (code: string) => names.get(code) ?? code;
  const rows = intake.map((listing, i) => bookRow(listing, i, nameOf));
  const fileName = `so-theo-doi-${desk}-${query.from}-${query.to}`;
  if ((query.format ?? 'csv') === 'csv') {
    return {
      contentType: 'text/csv; charset=utf-8',
      body: csvDocument([BOOK_COLUMNS, ...rows], { bom: true }),
      base64: false,
      fileName: `${fileName}.csv`,
    };
  }
  const deskAgency = await agencyFor(desk);
  const parent = deskAgency?.parentCode ? await agencyFor(deskAgency.parentCode) : undefined;
  const pdf = await renderSlip({
    formNumber: 'Mẫu số 06',
    parentName: (parent?.name.vi ?? '').toLocaleUpperCase('vi-VN'),
    issuerName: nameOf(desk).toLocaleUpperCase('vi-VN'),
    placeAndDate: `${await placeName()}, ${vnDateTime(at.toISOString())}`,
    title: 'SỔ THEO DÕI HỒ SƠ',
    subtitle: `Từ ngày ${query.from} đến ngày ${query.to} — ${rows.length} hồ sơ`,
    blocks: [
      {
        kind: 'table',
        columns: BOOK_COLUMNS.map((title, i) => ({ title, width: [1, 5, 6, 5, 3, 5, 3, 3, 3, 3, 4, 3][i]! })),
        rows,
      },
    ],
    signatures: [],
    issuedAt: at,
    landscape: true,
  });
  return {
    contentType: 'application/pdf',
    body: Buffer.from(pdf).toString('base64'),
    base64: true,
    fileName: `${fileName}.pdf`,
  };
}
