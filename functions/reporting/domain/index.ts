/**
 * The national index (Decision 766/QĐ-TTg): the indicators computable from reporting's counters and the catalog.
 *
 * Formulas follow domain.md; where it is silent they follow the published description of the 766 formulas
 * (populations: 1.4, 3.3, 3.6, 4.2, 4.3 over dossiers received in the period; 2.1 over dossiers finished in the
 * period plus those still open at its end; 2.2 over dossiers resolved; 5.4 = 100% − (late rate + dislike rate)).
 * Each is scored min(max, ratio / target × max), 2 decimals, and not scored when its denominator is 0.
 *
 * Weights and targets are data (`INDEX_CONFIG`, overridable per province). The group totals (18, 20, 12 + 10, 22,
 * 18) and the targets of 3.1, 3.3, 3.5, 4.2, 4.3 and 5.4 are published. Per-indicator points are not all public:
 * by default each group's points are split equally among the indicators the group has in the published list
 * (group 1: 1.1–1.4; 2: 2.1–2.2; online service: 3.1–3.3; online payment: 3.5–3.6; 4: 4.1–4.5; 5: 5.1–5.4), so
 * a group's computable indicators cover only part of its points. Indicators without a published target default to
 * 100% (score proportional to the ratio). 2.2 (an average, not a share) is reported but not scored.
 */
import * as z from 'zod';
import { officeMinutesPerDay } from '#calendar/hours.ts';
import type { Counters } from './counters.ts';
import type { OpenCounts } from './period.ts';

export interface Bilingual {
  vi: string;
  en: string;
}

export interface IndexGroupConfig {
  id: string;
  name: Bilingual;
  maxPoints: number;
}

export interface IndicatorConfig {
  id: IndicatorId;
  group: string;
  name: Bilingual;
  /** Ratio (0..1) at which the indicator earns full points. */
  target: number;
  maxPoints: number;
  /** False: computed and shown, never scored. */
  scored: boolean;
}

export interface IndexConfig {
  groups: IndexGroupConfig[];
  indicators: IndicatorConfig[];
  /** The portal multiplies 3.3 by the synced share (it sees only synced dossiers); off by default. */
  weightOnlineShareBySync: boolean;
  /**
   * Office minutes in a working day, to express 2.2 in days: the province's office hours (the calendar kernel's
   * `officeMinutesPerDay`), never a number of its own; 480 with the default hours.
   */
  minutesPerWorkingDay: number;
}

export const INDICATOR_IDS = ['1.4', '2.1', '2.2', '3.1', '3.3', '3.5', '3.6', '4.1', '4.2', '4.3', '5.4'] as const;
export type IndicatorId = (typeof INDICATOR_IDS)[number];

/** Catalog figures the index needs; the catalog context owns them. */
export interface CatalogStats {
  /** Procedures the province handles. */
  procedures: number;
  /** Of those, offered online (full or partial; a procedure offered both ways counts once, at the higher mode). */
  onlineProcedures: number;
  /** Procedures with a non-zero fee or charge. */
  feeBearingProcedures?: number;
  /** Of those, payable online. */
  feeBearingProceduresPayableOnline?: number;
}

export const INDEX_CONFIG: IndexConfig = {
  groups: [
    { id: '1', name: { vi: 'Công khai, minh bạch', en: 'Publicity and transparency' }, maxPoints: 18 },
    { id: '2', name: { vi: 'Tiến độ, kết quả giải quyết', en: 'Progress of settlement' }, maxPoints: 20 },
    { id: '3a', name: { vi: 'Cung cấp dịch vụ trực tuyến', en: 'Online service' }, maxPoints: 12 },
    { id: '3b', name: { vi: 'Thanh toán trực tuyến', en: 'Online payment' }, maxPoints: 10 },
    { id: '4', name: { vi: 'Số hóa hồ sơ', en: 'Digitization' }, maxPoints: 22 },
    { id: '5', name: { vi: 'Mức độ hài lòng', en: 'Satisfaction' }, maxPoints: 18 },
  ],
  indicators: [
    {
      id: '1.4',
      group: '1',
      name: { vi: 'Tỷ lệ hồ sơ đồng bộ lên Cổng Dịch vụ công quốc gia', en: 'Dossiers synced to the national portal' },
      target: 1,
      maxPoints: 4.5,
      scored: true,
    },
    {
      id: '2.1',
      group: '2',
      name: { vi: 'Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn', en: 'Dossiers handled early or on time' },
      target: 1,
      maxPoints: 10,
      scored: true,
    },
    {
      id: '2.2',
      group: '2',
      name: { vi: 'Thời gian giải quyết trung bình', en: 'Average handling time' },
      target: 1,
      maxPoints: 10,
      scored: false,
    },
    {
      id: '3.1',
      group: '3a',
      name: { vi: 'Tỷ lệ TTHC cung cấp dịch vụ công trực tuyến', en: 'Procedures offered online' },
      target: 0.8,
      maxPoints: 4,
      scored: true,
    },
    {
      id: '3.3',
      group: '3a',
      name: { vi: 'Tỷ lệ hồ sơ nộp trực tuyến', en: 'Dossiers submitted online' },
      target: 0.5,
      maxPoints: 4,
      scored: true,
    },
    {
      id: '3.5',
      group: '3b',
      name: {
        vi: 'Tỷ lệ TTHC có nghĩa vụ tài chính thanh toán trực tuyến được',
        en: 'Fee-bearing procedures payable online',
      },
      target: 0.8,
      maxPoints: 5,
      scored: true,
    },
    {
      id: '3.6',
      group: '3b',
      name: { vi: 'Tỷ lệ hồ sơ thanh toán trực tuyến', en: 'Fee-bearing dossiers paid online' },
      target: 1,
      maxPoints: 5,
      scored: true,
    },
    {
      id: '4.1',
      group: '4',
      name: { vi: 'Tỷ lệ hồ sơ có kết quả giải quyết điện tử', en: 'Dossiers with an electronic result' },
      target: 1,
      maxPoints: 4.4,
      scored: true,
    },
    {
      id: '4.2',
      group: '4',
      name: { vi: 'Tỷ lệ hồ sơ thực hiện số hóa', en: 'Digitized dossiers' },
      target: 0.8,
      maxPoints: 4.4,
      scored: true,
    },
    {
      id: '4.3',
      group: '4',
      name: { vi: 'Tỷ lệ hồ sơ sử dụng lại dữ liệu số hóa', en: 'Dossiers reusing digitized data' },
      target: 0.8,
      maxPoints: 4.4,
      scored: true,
    },
    {
      id: '5.4',
      group: '5',
      name: { vi: 'Tỷ lệ hài lòng trong tiếp nhận, giải quyết TTHC', en: 'Satisfaction with handling' },
      target: 0.9,
      maxPoints: 4.5,
      scored: true,
    },
  ],
  weightOnlineShareBySync: false,
  minutesPerWorkingDay: officeMinutesPerDay(),
};

const bilingualSchema = z.object({ vi: z.string().min(1), en: z.string().min(1) });

/** A province's overrides (from its config file): by group or indicator id, only the fields it changes. */
export const indexConfigOverrideSchema = z.strictObject({
  groups: z
    .record(
      z.string(),
      z.strictObject({ name: bilingualSchema.optional(), maxPoints: z.number().nonnegative() }).partial(),
    )
    .optional(),
  indicators: z
    .partialRecord(
      z.enum(INDICATOR_IDS),
      z
        .strictObject({
          group: z.string().min(1),
          name: bilingualSchema,
          target: z.number().gt(0).max(1),
          maxPoints: z.number().nonnegative(),
          scored: z.boolean(),
        })
        .partial(),
    )
    .optional(),
  weightOnlineShareBySync: z.boolean().optional(),
});
export type IndexConfigOverride = z.infer<typeof indexConfigOverrideSchema>;

/** The default configuration with a province's overrides applied. */
export function withIndexOverrides(base: IndexConfig, override: IndexConfigOverride): IndexConfig {
  const parsed = indexConfigOverrideSchema.parse(override);
  return {
    groups: base.groups.map((group) => ({ ...group, ...parsed.groups?.[group.id] })),
    indicators: base.indicators.map((indicator) => ({ ...indicator, ...parsed.indicators?.[indicator.id] })),
    weightOnlineShareBySync: parsed.weightOnlineShareBySync ?? base.weightOnlineShareBySync,
    // The length of a working day follows the office hours (province data), not an index setting.
    minutesPerWorkingDay: base.minutesPerWorkingDay,
  };
}

export interface IndicatorResult {
  id: IndicatorId;
  group: string;
  name: Bilingual;
  numerator: number;
  denominator: number;
  /** 0..1; null when the denominator is 0 or the indicator is not a share (2.2). */
  ratio: number | null;
  target: number;
  maxPoints: number;
  /** null when not scored (denominator 0, or an unscored indicator). */
  score: number | null;
  /** 2.2 only: the average handling time in working days (2 decimals). */
  averageWorkingDays?: number | null;
}

export interface GroupResult {
  id: string;
  name: Bilingual;
  maxPoints: number;
  /** The points the scored indicators of this group could earn. */
  scoredMaxPoints: number;
  score: number;
}

export interface NationalIndex {
  indicators: IndicatorResult[];
  groups: GroupResult[];
  total: { maxPoints: number; scoredMaxPoints: number; score: number };
}

/** Rounds to 2 decimals, half away from zero, without binary artefacts (4.685 → 4.69). */
export function round2(value: number): number {
  const hundredths = Number((Math.abs(value) * 100).toPrecision(12));
  return (Math.sign(value) * Math.round(hundredths)) / 100;
}

interface Figures {
  numerator: number;
  denominator: number;
  ratio?: number;
  averageWorkingDays?: number | null;
}

/**
 * The national index for a period: `counters` merged over the period's buckets, `catalogStats` from the catalog,
 * `openAtEnd` the open dossiers classified at the period's end (without it 2.1 covers finished dossiers only).
 */
export function computeIndex(
  counters: Counters,
  catalogStats: CatalogStats,
  config: IndexConfig = INDEX_CONFIG,
  openAtEnd?: OpenCounts,
): NationalIndex {
  const c = counters;
  const open = openAtEnd ?? { inProgressOnTime: 0, inProgressOverdue: 0, pausedOnTime: 0, pausedOverdue: 0 };
  const syncShare = c.received === 0 ? 0 : c.synced / c.received;
  const figures: Record<IndicatorId, Figures> = {
    '1.4': { numerator: c.synced, denominator: c.received },
    '2.1': {
      numerator: c.early + c.onTime + open.inProgressOnTime + open.pausedOnTime,
      denominator: c.ended + open.inProgressOnTime + open.inProgressOverdue + open.pausedOnTime + open.pausedOverdue,
    },
    '2.2': {
      numerator: c.handlingMinutes,
      denominator: c.handled,
      averageWorkingDays: c.handled === 0 ? null : round2(c.handlingMinutes / c.handled / config.minutesPerWorkingDay),
    },
    '3.1': { numerator: catalogStats.onlineProcedures, denominator: catalogStats.procedures },
    '3.3': {
      numerator: c.onlineCounted,
      denominator: c.received,
      ...(config.weightOnlineShareBySync && c.received > 0
        ? { ratio: (c.onlineCounted / c.received) * syncShare }
        : {}),
    },
    '3.5': {
      numerator: catalogStats.feeBearingProceduresPayableOnline ?? 0,
      denominator: catalogStats.feeBearingProcedures ?? 0,
    },
    '3.6': { numerator: c.paidOnline, denominator: c.feeBearing },
    '4.1': { numerator: c.electronicResults, denominator: c.results },
    '4.2': { numerator: c.digitized, denominator: c.received },
    '4.3': { numerator: c.reusing, denominator: c.received },
    // 100% − (late rate + dislike rate), floored at 0: a dossier both late and disliked counts in both rates.
    '5.4': { numerator: Math.max(0, c.ended - c.late - c.disliked), denominator: c.ended },
  };

  const indicators = config.indicators.map((indicator): IndicatorResult => {
    const f = figures[indicator.id];
    const isShare = indicator.id !== '2.2';
    const ratio = !isShare || f.denominator === 0 ? null : (f.ratio ?? f.numerator / f.denominator);
    const score =
      ratio === null || !indicator.scored || indicator.maxPoints === 0
        ? null
        : round2(Math.min(indicator.maxPoints, (ratio / indicator.target) * indicator.maxPoints));
    return {
      id: indicator.id,
      group: indicator.group,
      name: indicator.name,
      numerator: f.numerator,
      denominator: f.denominator,
      ratio,
      target: indicator.target,
      maxPoints: indicator.maxPoints,
      score,
      ...(f.averageWorkingDays !== undefined ? { averageWorkingDays: f.averageWorkingDays } : {}),
    };
  });

  const groups = config.groups.map((group): GroupResult => {
    const scored = indicators.filter((indicator) => indicator.group === group.id && indicator.score !== null);
    return {
      id: group.id,
      name: group.name,
      maxPoints: group.maxPoints,
      scoredMaxPoints: round2(scored.reduce((sum, indicator) => sum + indicator.maxPoints, 0)),
      score: round2(scored.reduce((sum, indicator) => sum + (indicator.score ?? 0), 0)),
    };
  });

  return {
    indicators,
    groups,
    total: {
      maxPoints: round2(groups.reduce((sum, group) => sum + group.maxPoints, 0)),
      scoredMaxPoints: round2(groups.reduce((sum, group) => sum + group.scoredMaxPoints, 0)),
      score: round2(groups.reduce((sum, group) => sum + group.score, 0)),
    },
  };
}
