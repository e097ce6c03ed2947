/**
 * `/reports/dossiers`: counters grouped by agency, procedure or month, with the open dossiers classified at the
 * end of the period (or, grouped by month, at the end of each month), and its CSV form for Excel.
 */
import { officeMinutesPerDay } from '#calendar/hours.ts';
import { csvDocument } from '#platform/csv.ts';
import { type BucketKey, COUNTER_NAMES, type CounterBucket, type Counters, emptyCounters } from './counters.ts';
import { round2 } from './index.ts';
import { emptyOpenCounts, OPEN_STATES, type OpenCounts } from './period.ts';

export const REPORT_GROUP_BYS = ['agency', 'procedure', 'month'] as const;
export type ReportGroupBy = (typeof REPORT_GROUP_BYS)[number];

/** Open dossiers of one (agency, procedure) classified at the end of `month` (or of the period, in its month). */
export interface OpenAtEnd extends BucketKey {
  counts: OpenCounts;
}

export interface DossierReportRow extends Counters, OpenCounts {
  groupBy: ReportGroupBy;
  /** The agency code, procedure code or month ('YYYY-MM') the row is about. */
  key: string;
  /** Working days, 2 decimals; null when nothing was resolved. */
  averageHandlingDays: number | null;
}

function groupKey(item: BucketKey, groupBy: ReportGroupBy): string {
  if (groupBy === 'agency') return item.agencyCode;
  if (groupBy === 'procedure') return item.procedureCode;
  return item.month;
}

/**
 * One row per agency, procedure or month, summing the period's counter buckets and the open classification rows
 * (pass the classification at the period's end, or for `month` one per month end), sorted by key.
 */
export function buildDossierReport(
  buckets: readonly CounterBucket[],
  groupBy: ReportGroupBy,
  openAtEnd: readonly OpenAtEnd[] = [],
  minutesPerWorkingDay = officeMinutesPerDay(),
): DossierReportRow[] {
  const rows = new Map<string, { counts: Counters; open: OpenCounts }>();
  const rowFor = (key: string) => {
    let row = rows.get(key);
    if (!row) {
      row = { counts: emptyCounters(), open: emptyOpenCounts() };
      rows.set(key, row);
    }
    return row;
  };
  for (const bucket of buckets) {
    const row = rowFor(groupKey(bucket, groupBy));
    for (const name of COUNTER_NAMES) row.counts[name] += bucket.counts[name] ?? 0;
  }
  for (const item of openAtEnd) {
    const row = rowFor(groupKey(item, groupBy));
    for (const state of OPEN_STATES) row.open[state] += item.counts[state];
  }
  return [...rows.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, row]) => toRow(groupBy, key, row.counts, row.open, minutesPerWorkingDay));
}

function toRow(
  groupBy: ReportGroupBy,
  key: string,
  counts: Counters,
  open: OpenCounts,
  minutesPerWorkingDay: number,
): DossierReportRow {
  return {
    groupBy,
    key,
    ...counts,
    ...open,
    averageHandlingDays:
      counts.handled === 0 ? null : round2(counts.handlingMinutes / counts.handled / minutesPerWorkingDay),
  };
}

/** The sum of report rows (the "total" line). */
export function reportTotal(
  rows: readonly DossierReportRow[],
  minutesPerWorkingDay = officeMinutesPerDay(),
): DossierReportRow {
  const counts = emptyCounters();
  const open = emptyOpenCounts();
  for (const row of rows) {
    for (const name of COUNTER_NAMES) counts[name] += row[name];
    for (const state of OPEN_STATES) open[state] += row[state];
  }
  return toRow(rows[0]?.groupBy ?? 'agency', '', counts, open, minutesPerWorkingDay);
}

type Column = keyof Omit<DossierReportRow, 'groupBy' | 'key'>;

/** CSV columns in order, with Vietnamese and English headers. */
export const REPORT_COLUMNS: readonly { column: Column; vi: string; en: string }[] = [
  { column: 'received', vi: 'Tổng số tiếp nhận', en: 'Received' },
  { column: 'receivedOnline', vi: 'Tiếp nhận trực tuyến', en: 'Received online' },
  { column: 'receivedInPerson', vi: 'Tiếp nhận trực tiếp', en: 'Received in person' },
  { column: 'receivedPost', vi: 'Tiếp nhận qua bưu chính công ích', en: 'Received by post' },
  { column: 'ended', vi: 'Đã kết thúc xử lý', en: 'Processing ended' },
  { column: 'early', vi: 'Giải quyết trước hạn', en: 'Early' },
  { column: 'onTime', vi: 'Giải quyết đúng hạn', en: 'On time' },
  { column: 'late', vi: 'Giải quyết quá hạn', en: 'Late' },
  { column: 'inProgressOnTime', vi: 'Đang giải quyết trong hạn', en: 'In progress within time' },
  { column: 'inProgressOverdue', vi: 'Đang giải quyết quá hạn', en: 'In progress overdue' },
  { column: 'pausedOnTime', vi: 'Tạm dừng chờ bổ sung trong hạn', en: 'Paused within time' },
  { column: 'pausedOverdue', vi: 'Tạm dừng chờ bổ sung quá hạn', en: 'Paused overdue' },
  { column: 'resolved', vi: 'Đã xử lý xong', en: 'Resolved' },
  { column: 'returned', vi: 'Đã trả kết quả', en: 'Returned' },
  { column: 'rejected', vi: 'Từ chối tiếp nhận', en: 'Rejected' },
  { column: 'withdrawn', vi: 'Rút hồ sơ', en: 'Withdrawn' },
  { column: 'stopped', vi: 'Dừng xử lý', en: 'Stopped' },
  { column: 'supplementRounds', vi: 'Lượt yêu cầu bổ sung', en: 'Supplementation requests' },
  {
    column: 'averageHandlingDays',
    vi: 'Thời gian giải quyết trung bình (ngày làm việc)',
    en: 'Average handling time (working days)',
  },
  { column: 'feeBearing', vi: 'Hồ sơ có phí, lệ phí', en: 'Fee-bearing' },
  { column: 'paidOnline', vi: 'Thanh toán trực tuyến', en: 'Paid online' },
  { column: 'documents', vi: 'Thành phần hồ sơ', en: 'Documents' },
  { column: 'digitizedDocuments', vi: 'Thành phần được số hóa', en: 'Digitized documents' },
  { column: 'reusedDocuments', vi: 'Thành phần tái sử dụng', en: 'Reused documents' },
  { column: 'digitized', vi: 'Hồ sơ được số hóa', en: 'Digitized dossiers' },
  { column: 'reusing', vi: 'Hồ sơ tái sử dụng dữ liệu số hóa', en: 'Dossiers reusing data' },
  { column: 'onlineCounted', vi: 'Hồ sơ trực tuyến (tính chỉ số)', en: 'Online dossiers (index)' },
  { column: 'results', vi: 'Kết quả đã cấp', en: 'Results issued' },
  { column: 'electronicResults', vi: 'Kết quả điện tử', en: 'Electronic results' },
  { column: 'feedbackSatisfied', vi: 'Hài lòng', en: 'Satisfied' },
  { column: 'feedbackNeutral', vi: 'Bình thường', en: 'Neutral' },
  { column: 'feedbackDissatisfied', vi: 'Không hài lòng', en: 'Dissatisfied' },
  { column: 'complaints', vi: 'Phản ánh, kiến nghị', en: 'Complaints' },
  { column: 'synced', vi: 'Đồng bộ Cổng DVCQG', en: 'Synced to the national portal' },
];

const KEY_HEADER: Record<ReportGroupBy, { vi: string; en: string }> = {
  agency: { vi: 'Mã cơ quan', en: 'Agency code' },
  procedure: { vi: 'Mã thủ tục', en: 'Procedure code' },
  month: { vi: 'Tháng', en: 'Month' },
};

/**
 * The report as CSV for Excel: UTF-8 with a byte order mark (so Excel reads Vietnamese correctly), CRLF line
 * ends, headers in Vietnamese or English. `groupBy` names the first column; it defaults to the rows' own.
 */
export function toCsv(rows: readonly DossierReportRow[], language: 'vi' | 'en', groupBy?: ReportGroupBy): string {
  const by = groupBy ?? rows[0]?.groupBy ?? 'agency';
  const header = [KEY_HEADER[by][language], ...REPORT_COLUMNS.map((column) => column[language])];
  return csvDocument([header, ...rows.map((row) => [row.key, ...REPORT_COLUMNS.map(({ column }) => row[column])])], {
    bom: true,
  });
}
