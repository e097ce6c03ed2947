/**
 * The reporting context's own rules outside its domain folder, without the cloud: the catalog figures of the
 * index moved per published version, agency subtrees, who may see which scope (#platform/agency-scope.ts), the retry policy and which day a
 * period's open dossiers are classified at. Expected values are worked out by hand beside each case.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Procedure } from '#catalog/domain/schemas.ts';
import { ACCESS_SCOPE_ENV, useAgencyParents } from '#platform/agency-scope.ts';
import type { Identity } from '#platform/identity.ts';
import {
  agencySubtree,
  catalogCountsForAgencies,
  catalogStatsDeltas,
  type ProcedureSummary,
  summarizeProcedure,
} from '#reporting/catalog-stats.ts';
import { allowedReportScope, maySeeDossierOf } from '#reporting/use-cases/access.ts';
import { monthEnd, periodEnd } from '#reporting/use-cases/reports.ts';
import { retryPolicy } from '#reporting/use-cases/sync.ts';

const summary = (overrides: Partial<ProcedureSummary>): ProcedureSummary => ({
  code: '2.000815',
  version: 1,
  name: { vi: 'Chứng thực' },
  field: 'Chứng thực',
  mode: 'partial',
  agencyCodes: ['A'],
  feeBearing: true,
  payableOnline: true,
  ...overrides,
});

describe('catalog figures of the index', () => {
  test('a first version counts once in the province and in each of its agencies', () => {
    const deltas = catalogStatsDeltas(undefined, summary({ agencyCodes: ['A', 'B'] }));
    const all = { procedures: 1, onlineProcedures: 1, feeBearingProcedures: 1, feeBearingProceduresPayableOnline: 1 };
    expect(deltas).toEqual([{ counts: all }, { agencyCode: 'A', counts: all }, { agencyCode: 'B', counts: all }]);
  });

  test('a new version moves the figures by the difference, agency by agency', () => {
    // v1: offline, fee-bearing (so not payable online), at A and B. v2: full online, free, at B and C.
    const v1 = summary({ mode: 'offline', agencyCodes: ['A', 'B'], feeBearing: true, payableOnline: false });
    const v2 = summary({ version: 2, mode: 'full', agencyCodes: ['B', 'C'], feeBearing: false, payableOnline: false });
    expect(catalogStatsDeltas(v1, v2)).toEqual([
      { counts: { onlineProcedures: 1, feeBearingProcedures: -1 } },
      { agencyCode: 'A', counts: { procedures: -1, feeBearingProcedures: -1 } },
      { agencyCode: 'B', counts: { onlineProcedures: 1, feeBearingProcedures: -1 } },
      { agencyCode: 'C', counts: { procedures: 1, onlineProcedures: 1 } },
    ]);
    expect(catalogStatsDeltas(v2, v2)).toEqual([]);
  });

  test('a procedure is fee-bearing unless every fee is free, payable online unless offline', () => {
    const base = { code: '1.001776', version: 3, name: { vi: 'Trợ cấp' }, field: 'Bảo trợ', agencyCodes: ['A'] };
    const free = summarizeProcedure({
      ...base,
      mode: 'full',
      fees: [{ kind: 'free', code: 'MIEN', name: 'Miễn phí' }],
    } as unknown as Procedure);
    expect(free).toMatchObject({ feeBearing: false, payableOnline: false, mode: 'full', version: 3 });
    const offline = summarizeProcedure({
      ...base,
      mode: 'offline',
      fees: [{ kind: 'fixed', code: 'LE_PHI', name: 'Lệ phí', amount: 10_000 }],
    } as unknown as Procedure);
    expect(offline).toMatchObject({ feeBearing: true, payableOnline: false });
  });

  test('a group of agencies counts each procedure any of them handles once', () => {
    const procedures = [
      summary({ code: 'P1', agencyCodes: ['A', 'B'] }),
      summary({ code: 'P2', agencyCodes: ['B'], mode: 'offline', payableOnline: false }),
      summary({ code: 'P3', agencyCodes: ['C'] }),
    ];
    expect(catalogCountsForAgencies(procedures, ['A', 'B'])).toEqual({
      procedures: 2,
      onlineProcedures: 1,
      feeBearingProcedures: 2,
      feeBearingProceduresPayableOnline: 1,
    });
  });

  test('an agency subtree follows parent links and survives a cycle', () => {
    const agencies = [
      { code: 'A', parentCode: 'P' },
      { code: 'B', parentCode: 'A' },
      { code: 'C' },
      { code: 'X', parentCode: 'Y' },
      { code: 'P', parentCode: 'B' }, // a cycle back to the root
    ];
    expect(agencySubtree('P', agencies)).toEqual(['A', 'B', 'P']);
    expect(agencySubtree('C', agencies)).toEqual(['C']);
  });
});

const official = (roles: Identity['roles'], agencyCode?: string): Identity => ({
  sub: 'official-1',
  issuer: 'official',
  roles,
  ...(agencyCode ? { agencyCode } : {}),
});

describe('who may see which figures', () => {
  // P has A and B below it; A has A1; Z stands alone.
  beforeAll(() =>
    useAgencyParents(
      async () =>
        new Map([
          ['P', undefined],
          ['A', 'P'],
          ['B', 'P'],
          ['A1', 'A'],
          ['Z', undefined],
        ]),
    ),
  );
  afterAll(() => {
    useAgencyParents();
    delete process.env[ACCESS_SCOPE_ENV];
  });

  test('officers: their own agency, whatever they ask; another agency is 403', async () => {
    expect(await allowedReportScope(official(['officer'], 'A'), {})).toEqual({
      agencyCode: 'A',
      includeSubAgencies: false,
    });
    expect(await allowedReportScope(official(['officer'], 'A'), { agencyCode: 'A', includeSubAgencies: true })).toEqual(
      { agencyCode: 'A', includeSubAgencies: false },
    );
    await expect(allowedReportScope(official(['officer'], 'A'), { agencyCode: 'B' })).rejects.toMatchObject({
      status: 403,
    });
    await expect(allowedReportScope(official(['officer'], 'A'), { agencyCode: 'A1' })).rejects.toMatchObject({
      status: 403,
    });
    await expect(allowedReportScope(official(['officer']), {})).rejects.toMatchObject({ status: 403 });
  });

  test('leaders: their agency and those below it (by default), not another branch; admins the province', async () => {
    expect(await allowedReportScope(official(['leader'], 'P'), {})).toEqual({
      agencyCode: 'P',
      includeSubAgencies: true,
    });
    expect(await allowedReportScope(official(['leader'], 'P'), { agencyCode: 'A1', includeSubAgencies: true })).toEqual(
      { agencyCode: 'A1', includeSubAgencies: true },
    );
    await expect(allowedReportScope(official(['leader'], 'A'), { agencyCode: 'B' })).rejects.toMatchObject({
      status: 403,
    });
    await expect(allowedReportScope(official(['leader'], 'Z'), { agencyCode: 'A' })).rejects.toMatchObject({
      status: 403,
    });
    expect(await allowedReportScope(official(['admin']), { agencyCode: 'B', includeSubAgencies: true })).toEqual({
      agencyCode: 'B',
      includeSubAgencies: true,
    });
    expect(await allowedReportScope(official(['admin']), { includeSubAgencies: true })).toEqual({
      includeSubAgencies: false,
    });
    // An admin of an agency is scoped like a leader.
    await expect(allowedReportScope(official(['admin'], 'A'), { agencyCode: 'B' })).rejects.toMatchObject({
      status: 403,
    });
  });

  test('a province that gives leaders the whole province, or their own agency only', async () => {
    process.env[ACCESS_SCOPE_ENV] = JSON.stringify({ leaders: 'province' });
    expect(await allowedReportScope(official(['leader'], 'A'), {})).toEqual({ includeSubAgencies: false });
    expect(await allowedReportScope(official(['leader'], 'Z'), { agencyCode: 'B' })).toEqual({
      agencyCode: 'B',
      includeSubAgencies: false,
    });
    process.env[ACCESS_SCOPE_ENV] = JSON.stringify({ leaders: 'agency' });
    expect(await allowedReportScope(official(['leader'], 'P'), {})).toEqual({
      agencyCode: 'P',
      includeSubAgencies: false,
    });
    await expect(allowedReportScope(official(['leader'], 'P'), { agencyCode: 'A' })).rejects.toMatchObject({
      status: 403,
    });
    delete process.env[ACCESS_SCOPE_ENV];
  });

  test('citizens are refused and anonymous callers must authenticate', async () => {
    const citizen: Identity = { sub: '001099012345', issuer: 'citizen', roles: ['citizen'] };
    await expect(allowedReportScope(citizen, {})).rejects.toMatchObject({ status: 403 });
    await expect(allowedReportScope(undefined, {})).rejects.toMatchObject({ status: 401 });
  });

  test("a dossier's sync state: officials in scope of the receiving or current agency, admins", async () => {
    expect(await maySeeDossierOf(official(['officer'], 'A'), ['B', 'A'])).toBe(true);
    expect(await maySeeDossierOf(official(['officer'], 'A'), ['B', 'C'])).toBe(false);
    expect(await maySeeDossierOf(official(['leader'], 'P'), ['B'])).toBe(true);
    expect(await maySeeDossierOf(official(['leader'], 'Z'), ['B'])).toBe(false);
    expect(await maySeeDossierOf(official(['admin']), ['B'])).toBe(true);
  });
});

describe('retries and period ends', () => {
  test('the backoff is a minute doubling to an hour, or what the environment sets', () => {
    expect(retryPolicy({})).toEqual({ baseMs: 60_000, capMs: 3_600_000, jitter: 0.25 });
    expect(retryPolicy({ NATIONAL_PORTAL_RETRY_BASE_SECONDS: '1', NATIONAL_PORTAL_RETRY_MAX_SECONDS: '2' })).toEqual({
      baseMs: 1_000,
      capMs: 2_000,
      jitter: 0.25,
    });
    // A cap below the base is raised to it; nonsense falls back to the default.
    expect(retryPolicy({ NATIONAL_PORTAL_RETRY_BASE_SECONDS: '30', NATIONAL_PORTAL_RETRY_MAX_SECONDS: '5' })).toEqual({
      baseMs: 30_000,
      capMs: 30_000,
      jitter: 0.25,
    });
    expect(retryPolicy({ NATIONAL_PORTAL_RETRY_BASE_SECONDS: 'soon' }).baseMs).toBe(60_000);
  });

  test('open dossiers are classified at the last day of the period, today while it runs, never ahead', () => {
    const today = '2026-11-22';
    expect(periodEnd({ from: '2025-03', to: '2025-03' }, today)).toBe('2025-03-31');
    expect(periodEnd({ from: '2026-01', to: '2026-12' }, today)).toBe('2026-11-22');
    expect(periodEnd({ from: '2026-12', to: '2027-01' }, today)).toBeNull();
    expect(monthEnd('2024-02', today)).toBe('2024-02-29');
    expect(monthEnd('2026-11', today)).toBe('2026-11-22');
    expect(monthEnd('2026-12', today)).toBeNull();
  });
});
