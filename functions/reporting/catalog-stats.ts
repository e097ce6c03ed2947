/**
 * Reporting's copy of the catalog: the little it keeps per procedure, and the catalog figures of the national
 * index (3.1 procedures offered online, 3.5 fee-bearing procedures payable online) kept as counts per province
 * and per agency, moved by the difference each published version makes (pure; the store ADDs the result).
 *
 * A procedure counts once, by code, at its latest published version. "Offered online" is mode full or partial
 * (a procedure offered both ways counts at the higher mode). "Payable online" is fee-bearing and offered online:
 * a dossier submitted online can be paid through the province's gateways (POST /payments takes any dossier with
 * an amount outstanding). Check both readings against the province's own practice.
 */
import type { Agency, Procedure } from '#catalog/contract.ts';
import type { CatalogStats } from './domain/index.ts';

export interface ProcedureSummary {
  code: string;
  version: number;
  name: { vi: string; en?: string };
  field: string;
  mode: 'full' | 'partial' | 'offline';
  agencyCodes: string[];
  feeBearing: boolean;
  payableOnline: boolean;
}

export interface AgencySummary {
  code: string;
  name: { vi: string; en?: string };
  level: string;
  parentCode?: string;
  active: boolean;
}

export const CATALOG_STAT_NAMES = [
  'procedures',
  'onlineProcedures',
  'feeBearingProcedures',
  'feeBearingProceduresPayableOnline',
] as const;
export type CatalogStatName = (typeof CATALOG_STAT_NAMES)[number];
export type CatalogCounts = Record<CatalogStatName, number>;

/** One scope's increments: the province (no agency) or one agency. Only non-zero counts are present. */
export interface CatalogStatsDelta {
  agencyCode?: string;
  counts: Partial<CatalogCounts>;
}

/** What reporting keeps of a published procedure version. */
export function summarizeProcedure(procedure: Procedure): ProcedureSummary {
  const feeBearing = procedure.fees.some((fee) => fee.kind !== 'free');
  const online = procedure.mode !== 'offline';
  return {
    code: procedure.code,
    version: procedure.version,
    name: procedure.name,
    field: procedure.field,
    mode: procedure.mode,
    agencyCodes: [...procedure.agencyCodes],
    feeBearing,
    payableOnline: feeBearing && online,
  };
}

/** What reporting keeps of an agency (names for report rows, the parent for an agency's subtree). */
export function summarizeAgency(agency: Agency): AgencySummary {
  return {
    code: agency.code,
    name: agency.name,
    level: agency.level,
    ...(agency.parentCode === undefined ? {} : { parentCode: agency.parentCode }),
    active: agency.active,
  };
}

function contribution(summary: ProcedureSummary): CatalogCounts {
  return {
    procedures: 1,
    onlineProcedures: summary.mode === 'offline' ? 0 : 1,
    feeBearingProcedures: summary.feeBearing ? 1 : 0,
    feeBearingProceduresPayableOnline: summary.payableOnline ? 1 : 0,
  };
}

/** The increments per scope that replace what `previous` contributed by what `next` contributes. */
export function catalogStatsDeltas(
  previous: ProcedureSummary | undefined,
  next: ProcedureSummary,
): CatalogStatsDelta[] {
  const net = new Map<string, Partial<CatalogCounts>>();
  const accumulate = (summary: ProcedureSummary, sign: 1 | -1): void => {
    const counts = contribution(summary);
    for (const scope of ['', ...summary.agencyCodes]) {
      const target = net.get(scope) ?? {};
      for (const name of CATALOG_STAT_NAMES) {
        const value = (target[name] ?? 0) + sign * counts[name];
        if (value === 0) delete target[name];
        else target[name] = value;
      }
      net.set(scope, target);
    }
  };
  if (previous) accumulate(previous, -1);
  accumulate(next, 1);
  return [...net.entries()]
    .filter(([, counts]) => Object.keys(counts).length > 0)
    .map(([scope, counts]) => (scope === '' ? { counts } : { agencyCode: scope, counts }));
}

/** The catalog figures of a group of agencies: each procedure any of them handles, counted once. */
export function catalogCountsForAgencies(
  procedures: readonly ProcedureSummary[],
  agencyCodes: readonly string[],
): CatalogCounts {
  const wanted = new Set(agencyCodes);
  const total: CatalogCounts = {
    procedures: 0,
    onlineProcedures: 0,
    feeBearingProcedures: 0,
    feeBearingProceduresPayableOnline: 0,
  };
  for (const procedure of procedures) {
    if (!procedure.agencyCodes.some((code) => wanted.has(code))) continue;
    const counts = contribution(procedure);
    for (const name of CATALOG_STAT_NAMES) total[name] += counts[name];
  }
  return total;
}

/** The index's catalog figures from stored counts (missing counts are 0). */
export function toCatalogStats(counts: Partial<CatalogCounts> | undefined): CatalogStats {
  return {
    procedures: counts?.procedures ?? 0,
    onlineProcedures: counts?.onlineProcedures ?? 0,
    feeBearingProcedures: counts?.feeBearingProcedures ?? 0,
    feeBearingProceduresPayableOnline: counts?.feeBearingProceduresPayableOnline ?? 0,
  };
}

/** `root` and every agency below it, following parent links (a cycle cannot loop). */
export function agencySubtree(root: string, agencies: readonly Pick<AgencySummary, 'code' | 'parentCode'>[]): string[] {
  const children = new Map<string, string[]>();
  for (const agency of agencies) {
    if (agency.parentCode === undefined) continue;
    children.set(agency.parentCode, [...(children.get(agency.parentCode) ?? []), agency.code]);
  }
  const seen = new Set<string>([root]);
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      if (!seen.has(child)) {
        seen.add(child);
        queue.push(child);
      }
    }
  }
  return [...seen].sort();
}
