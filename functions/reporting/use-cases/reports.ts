/**
 * `/reports/dossiers` and `/reports/index`: read the counter buckets of the period's months, the open points from
 * the period's end onwards and their all-time totals, and the catalog figures; then build the report or score the
 * national index. Every read is a Query of a month partition (or a catalog partition): the cost follows months ×
 * (agency, procedure) buckets, never the number of dossiers, and is metered for the `x-read-units` header.
 */
import { officeMinutesPerDay } from '#calendar/hours.ts';
import { now } from '#platform/clock.ts';
import { logger } from '#platform/observability.ts';
import { officeHoursFromEnv } from '#platform/province.ts';
import {
  type AgencySummary,
  agencySubtree,
  catalogCountsForAgencies,
  type ProcedureSummary,
  toCatalogStats,
} from '../catalog-stats.ts';
import { type BucketKey, type CounterBucket, mergeBuckets } from '../domain/counters.ts';
import {
  type CatalogStats,
  computeIndex,
  INDEX_CONFIG,
  type IndexConfig,
  type NationalIndex,
  withIndexOverrides,
} from '../domain/index.ts';
import {
  classifyOpenFromTotals,
  emptyOpenCounts,
  OPEN_STATES,
  type OpenBucket,
  type OpenCounts,
} from '../domain/period.ts';
import {
  buildDossierReport,
  type DossierReportRow,
  type OpenAtEnd,
  type ReportGroupBy,
  reportTotal,
  toCsv,
} from '../domain/report.ts';
import { lastDayOfMonth, monthsBetween, vnDay } from '../domain/time.ts';
import { readCounterBuckets, readOpenBuckets, readOpenMonths, readOpenTotals } from '../store/aggregates.ts';
import { getCatalogCounts, listAgencies, listProcedures } from '../store/catalog.ts';
import type { ReadMeter } from '../store/table.ts';
import type { AllowedScope } from './access.ts';

export interface Period {
  from: string;
  to: string;
}

interface ResolvedScope {
  /** undefined: every agency of the province. */
  agencyCodes?: string[];
  /** The one agency a Query can narrow to by sort-key prefix. */
  queryAgency?: string;
  procedureCode?: string;
  agencies?: AgencySummary[];
}

export interface ScopeView {
  level: 'province' | 'agency';
  agencyCodes?: string[];
  procedureCode?: string;
}

async function resolveScope(
  scope: AllowedScope,
  procedureCode: string | undefined,
  meter: ReadMeter,
): Promise<ResolvedScope> {
  const procedure = procedureCode === undefined ? {} : { procedureCode };
  if (scope.agencyCode === undefined) return procedure;
  if (!scope.includeSubAgencies) {
    return { agencyCodes: [scope.agencyCode], queryAgency: scope.agencyCode, ...procedure };
  }
  const agencies = await listAgencies(meter);
  return { agencyCodes: agencySubtree(scope.agencyCode, agencies), agencies, ...procedure };
}

function inScope(scope: ResolvedScope): (key: BucketKey | Omit<BucketKey, 'month'>) => boolean {
  const agencies = scope.agencyCodes === undefined ? undefined : new Set(scope.agencyCodes);
  return (key) =>
    (agencies === undefined || agencies.has(key.agencyCode)) &&
    (scope.procedureCode === undefined || key.procedureCode === scope.procedureCode);
}

function scopeView(scope: ResolvedScope): ScopeView {
  return {
    level: scope.agencyCodes === undefined ? 'province' : 'agency',
    ...(scope.agencyCodes === undefined ? {} : { agencyCodes: scope.agencyCodes }),
    ...(scope.procedureCode === undefined ? {} : { procedureCode: scope.procedureCode }),
  };
}

/** The day at whose end a month's open dossiers are classified: its last day, today if current, none if future. */
export function monthEnd(month: string, today: string): string | null {
  if (month > today.slice(0, 7)) return null;
  const last = lastDayOfMonth(month);
  return last < today ? last : today;
}

/** The day at whose end the period's open dossiers are classified, or null for a period not begun yet. */
export function periodEnd(period: Period, today: string): string | null {
  if (`${period.from}-01` > today) return null;
  const last = lastDayOfMonth(period.to);
  return last < today ? last : today;
}

/** Open dossiers per (agency, procedure) in scope at the end of each given day. */
async function classifyOpen(
  ends: readonly { month: string; day: string }[],
  scope: ResolvedScope,
  meter: ReadMeter,
): Promise<OpenAtEnd[]> {
  if (ends.length === 0) return [];
  const endMonths = ends.map((end) => end.day.slice(0, 7)).sort();
  // Points after the earliest end: every month from it to the last month holding points.
  const latest = [...(await readOpenMonths(meter)), ...endMonths].sort().at(-1)!;
  const months = monthsBetween(endMonths[0]!, latest);
  const keep = inScope(scope);
  const [buckets, totals] = await Promise.all([
    readOpenBuckets(months, scope.queryAgency, meter),
    readOpenTotals(scope.queryAgency, meter),
  ]);
  const bucketsByKey = new Map<string, OpenBucket[]>();
  for (const bucket of buckets.filter(keep)) {
    const id = `${bucket.agencyCode}#${bucket.procedureCode}`;
    bucketsByKey.set(id, [...(bucketsByKey.get(id) ?? []), bucket]);
  }
  const classified: OpenAtEnd[] = [];
  for (const end of ends) {
    for (const total of totals.filter(keep)) {
      const later = bucketsByKey.get(`${total.agencyCode}#${total.procedureCode}`) ?? [];
      const counts = classifyOpenFromTotals(total.counts, later, end.day);
      if (OPEN_STATES.some((state) => counts[state] !== 0)) {
        classified.push({ month: end.month, agencyCode: total.agencyCode, procedureCode: total.procedureCode, counts });
      }
    }
  }
  return classified;
}

async function countersInScope(period: Period, scope: ResolvedScope, meter: ReadMeter): Promise<CounterBucket[]> {
  const buckets = await readCounterBuckets(monthsBetween(period.from, period.to), scope.queryAgency, meter);
  return buckets.filter(inScope(scope));
}

export interface NamedReportRow extends DossierReportRow {
  name?: { vi: string; en?: string };
  parentCode?: string;
}

export interface DossierReportView {
  from: string;
  to: string;
  periodEnd: string | null;
  groupBy: ReportGroupBy;
  scope: ScopeView;
  rows: NamedReportRow[];
  total: DossierReportRow;
}

/** The dossier report: one row per agency, procedure or month, and the total. */
export async function dossierReport(
  input: Period & { groupBy: ReportGroupBy; procedureCode?: string },
  allowed: AllowedScope,
  meter: ReadMeter,
): Promise<DossierReportView> {
  const today = vnDay(now().getTime());
  const scope = await resolveScope(allowed, input.procedureCode, meter);
  const end = periodEnd(input, today);
  const ends =
    input.groupBy === 'month'
      ? monthsBetween(input.from, input.to).flatMap((month) => {
          const day = monthEnd(month, today);
          return day === null ? [] : [{ month, day }];
        })
      : end === null
        ? []
        : [{ month: input.to, day: end }];
  const [buckets, open] = await Promise.all([countersInScope(input, scope, meter), classifyOpen(ends, scope, meter)]);
  const minutesPerDay = provinceMinutesPerDay();
  const rows = buildDossierReport(buckets, input.groupBy, open, minutesPerDay);
  const named = await nameRows(rows, input.groupBy, scope, meter);
  return {
    from: input.from,
    to: input.to,
    periodEnd: end,
    groupBy: input.groupBy,
    scope: scopeView(scope),
    rows: named,
    total: { ...reportTotal(rows, minutesPerDay), groupBy: input.groupBy },
  };
}

async function nameRows(
  rows: DossierReportRow[],
  groupBy: ReportGroupBy,
  scope: ResolvedScope,
  meter: ReadMeter,
): Promise<NamedReportRow[]> {
  if (groupBy === 'month' || rows.length === 0) return rows;
  if (groupBy === 'agency') {
    const agencies = new Map((scope.agencies ?? (await listAgencies(meter))).map((agency) => [agency.code, agency]));
    return rows.map((row) => {
      const agency = agencies.get(row.key);
      return agency
        ? { ...row, name: agency.name, ...(agency.parentCode ? { parentCode: agency.parentCode } : {}) }
        : row;
    });
  }
  const procedures = new Map<string, ProcedureSummary>(
    (await listProcedures(meter)).map((procedure) => [procedure.code, procedure]),
  );
  return rows.map((row) => {
    const procedure = procedures.get(row.key);
    return procedure ? { ...row, name: procedure.name } : row;
  });
}

/** The report as CSV, with a total line, headers in the caller's language. */
export function dossierReportCsv(report: DossierReportView, language: 'vi' | 'en'): string {
  const totalLabel = language === 'vi' ? 'Tổng cộng' : 'Total';
  return toCsv([...report.rows, { ...report.total, key: totalLabel }], language, report.groupBy);
}

export interface NationalIndexView extends NationalIndex {
  from: string;
  to: string;
  periodEnd: string | null;
  scope: ScopeView;
  catalogStats: CatalogStats;
  openAtEnd: OpenCounts;
}

/** Office minutes in the province's working day (its office hours, as facts use them), for 2.2 in days. */
function provinceMinutesPerDay(): number {
  return officeMinutesPerDay(officeHoursFromEnv());
}

let indexConfig: IndexConfig | undefined;

/** The index configuration: the defaults with the province's overrides (REPORTING_INDEX_OVERRIDES, JSON). */
export function currentIndexConfig(): IndexConfig {
  if (indexConfig) return indexConfig;
  const overrides = process.env.REPORTING_INDEX_OVERRIDES;
  try {
    indexConfig = overrides ? withIndexOverrides(INDEX_CONFIG, JSON.parse(overrides)) : INDEX_CONFIG;
  } catch (error) {
    logger.error('REPORTING_INDEX_OVERRIDES is invalid; using the defaults', { error: (error as Error).message });
    indexConfig = INDEX_CONFIG;
  }
  return indexConfig;
}

async function catalogStatsFor(scope: ResolvedScope, meter: ReadMeter): Promise<CatalogStats> {
  if (scope.agencyCodes === undefined) return toCatalogStats(await getCatalogCounts(undefined, meter));
  if (scope.queryAgency !== undefined) return toCatalogStats(await getCatalogCounts(scope.queryAgency, meter));
  return toCatalogStats(catalogCountsForAgencies(await listProcedures(meter), scope.agencyCodes));
}

/** The national index of a period, for the province or an agency (and, for leaders, the agencies below it). */
export async function nationalIndex(
  period: Period,
  allowed: AllowedScope,
  meter: ReadMeter,
): Promise<NationalIndexView> {
  const today = vnDay(now().getTime());
  const scope = await resolveScope(allowed, undefined, meter);
  const end = periodEnd(period, today);
  const [buckets, open, catalogStats] = await Promise.all([
    countersInScope(period, scope, meter),
    end === null ? Promise.resolve([]) : classifyOpen([{ month: period.to, day: end }], scope, meter),
    catalogStatsFor(scope, meter),
  ]);
  const openAtEnd = emptyOpenCounts();
  for (const item of open) for (const state of OPEN_STATES) openAtEnd[state] += item.counts[state];
  const config = { ...currentIndexConfig(), minutesPerWorkingDay: provinceMinutesPerDay() };
  const index = computeIndex(mergeBuckets(buckets), catalogStats, config, openAtEnd);
  return {
    from: period.from,
    to: period.to,
    periodEnd: end,
    scope: scopeView(scope),
    catalogStats,
    openAtEnd,
    ...index,
  };
}
