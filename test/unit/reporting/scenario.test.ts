/**
 * A month of dossiers with known outcomes (fixtures.ts), pushed through facts → deltas with a duplicate and
 * out-of-order deliveries; every counter, open classification, index score and report line is checked against
 * numbers worked out by hand below.
 *
 * Handling times in office minutes (07:30–11:30 and 13:00–17:00 on working days, 480 a day; March 2025 has no
 * holiday), less supplementation pauses. A start at 09:00 leaves 150 + 240 = 390 that day; an end at 10:00 counts 150.
 *   D1  Mon 03-03 09:00 → Wed 03-05 10:00            = 390 + 480 + 150                 = 1,020 min
 *   D2  Tue 03-04 09:00 → Fri 03-07 17:00            = 390 + 480 × 3                   = 1,830 min
 *   D3  Wed 03-05 09:00 → Wed 03-12 10:00 (weekend)  = 390 + 480 × 4 + 150             = 2,460 min
 *   D4  Mon 03-03 10:00 → Tue 03-11 10:00 = 330 + 480 × 5 + 150 = 2,880, less two pauses of 480 = 1,920 min
 *   D5  Mon 03-10 08:00 → Thu 03-20 09:00 = 450 + 480 × 7 + 90 = 3,900,
 *       less the pause Tue 08:00 → Thu 08:00 (450 + 480 + 30 = 960)                   = 2,940 min
 *   D12 Thu 02-27 09:00 → Tue 03-04 11:00            = 390 + 480 + 480 + 210           = 1,560 min
 *   D14 Wed 03-26 09:00 → Thu 04-03 10:00            = 390 + 480 × 5 + 150             = 2,940 min
 *
 * Timeliness: early = ended on a day before the due date; the same date is on time (D12: resolved 03-04 11:00,
 * due 03-04 17:00). Only received dossiers count in the intake counters: D9 (rejected at reception), D10
 * (withdrawn before reception) and D13 (not yet received) count in none, and D9 is rejected but not "ended".
 */
import { describe, expect, test } from 'vitest';
import { bucketId, type Counters, emptyCounters, mergeBuckets, selectBuckets } from '#reporting/domain/counters.ts';
import { computeIndex, INDEX_CONFIG, withIndexOverrides } from '#reporting/domain/index.ts';
import { classifyOpenAt, classifyOpenFromTotals, type OpenCounts } from '#reporting/domain/period.ts';
import { buildDossierReport, reportTotal, toCsv } from '#reporting/domain/report.ts';
import { AG1, AG2, ALLOWANCE, CERTIFY, marchDossiers } from './fixtures.ts';
import { MemoryProjection } from './projection.ts';

const counters = (values: Partial<Counters>): Counters => ({ ...emptyCounters(), ...values });
const open = (values: Partial<OpenCounts>): OpenCounts => ({
  inProgressOnTime: 0,
  inProgressOverdue: 0,
  pausedOnTime: 0,
  pausedOverdue: 0,
  ...values,
});

function runScenario() {
  const dossiers = marchDossiers();
  const projection = new MemoryProjection();
  const dropped: string[] = [];
  const deliver = (code: keyof typeof dossiers, version: number) => {
    const snapshot = dossiers[code].versions[version - 1]!;
    if (projection.deliver(snapshot) === null) dropped.push(`${code}v${version}`);
  };

  // D1: a duplicate of v2, then v4 before v3 (v3 arrives late and must be dropped).
  for (const version of [1, 2, 2, 4, 3, 5, 6, 7]) deliver('D1', version);
  // D3: the newest version first, then all the older ones late.
  const d3 = dossiers.D3.versions.length;
  for (const version of [d3, ...Array.from({ length: d3 - 1 }, (_, i) => i + 1)]) deliver('D3', version);
  for (const code of Object.keys(dossiers) as (keyof typeof dossiers)[]) {
    if (code === 'D1' || code === 'D3') continue;
    for (const snapshot of dossiers[code].versions) deliver(code, snapshot.version);
  }
  for (const code of ['D1', 'D2', 'D3', 'D4', 'D5', 'D9', 'D11', 'D12'] as const) {
    projection.synced(code, dossiers[code].last.version);
  }
  // D6 was pushed at v3; v4 (the supplementation request) is not on the portal yet.
  projection.synced('D6', 3);
  return { projection, dropped, dossiers };
}

const FEB_AG1 = counters({
  received: 1,
  receivedInPerson: 1,
  feeBearing: 1,
  paidOnline: 1,
  documents: 1,
  digitizedDocuments: 1,
  digitized: 1,
  synced: 1,
});

// Intake (received) D1 D2 D3 D7 D8 (D9 rejected at reception and D13 not received count nowhere);
// outcomes D1 (early) D2 (on time) D3 (late) D12 (on time: resolved on its due date); D9 rejected, not ended.
const MAR_AG1 = counters({
  received: 5, // D1 D2 D3 D7 D8
  receivedOnline: 2, // D1 D3
  receivedInPerson: 2, // D2 D8
  receivedPost: 1, // D7
  onlineCounted: 2, // D1 D3 (electronic results)
  feeBearing: 5, // D1 D2 D3 D7 D8
  paidOnline: 3, // D1 D3 D8
  documents: 7, // 2 + 1 + 2 + 1 + 1
  digitizedDocuments: 5, // 2 + 0 + 2 + 0 + 1
  reusedDocuments: 1, // D1
  digitized: 3, // D1 D3 D8 (D2 and D7 have paper documents)
  reusing: 1, // D1
  synced: 3, // D1 D2 D3 (D9, pushed too, was never received)
  ended: 4, // D1 D2 D3 D12
  early: 1, // D1
  onTime: 2, // D2 D12
  late: 1, // D3
  resolved: 4, // D1 D2 D3 D12
  returned: 4,
  rejected: 1, // D9
  handled: 4,
  handlingMinutes: 1020 + 1830 + 2460 + 1560,
  results: 4,
  electronicResults: 3, // D1 D3 D12
  feedbackSatisfied: 1,
  feedbackNeutral: 1,
  feedbackDissatisfied: 1,
  disliked: 1,
});

// Intake (received) D4 D5 D6 D11 D14 (D10, withdrawn before reception, counts nowhere);
// outcomes D4 (late, 2 rounds) D5 (early) D11 (stopped, late); D10 withdrawn, not ended.
const MAR_AG2 = counters({
  received: 5, // D4 D5 D6 D11 D14
  receivedOnline: 2, // D4 D6
  receivedInPerson: 3, // D5 D11 D14
  onlineCounted: 2, // D4 (electronic result), D6 (open)
  documents: 7, // 1 + 2 + 1 + 2 + 1
  digitizedDocuments: 6, // 1 + 1 + 1 + 2 + 1
  reusedDocuments: 1, // D4
  digitized: 4, // D4 D6 D11 D14
  reusing: 1,
  synced: 3, // D4 D5 D11 (D6's pushed version is stale)
  ended: 3,
  early: 1,
  late: 2,
  resolved: 2, // D4 D5
  returned: 1, // D5
  withdrawn: 1,
  stopped: 1,
  handled: 2,
  handlingMinutes: 1920 + 2940,
  results: 2,
  electronicResults: 1, // D4 (D5's result is scanned paper)
  feedbackSatisfied: 1,
  supplementRounds: 4, // D4 ×2, D5, D6
});

const APR_AG2 = counters({
  ended: 1,
  early: 1,
  resolved: 1,
  handled: 1,
  handlingMinutes: 2940, // D14
  results: 1,
  electronicResults: 1,
});

describe('a month of dossiers through the projection', () => {
  test('drops the duplicate and every event older than what is already applied', () => {
    const { dropped, dossiers } = runScenario();
    const d3 = dossiers.D3.versions.length;
    expect(dropped).toEqual(['D1v2', 'D1v3', ...Array.from({ length: d3 - 1 }, (_, i) => `D3v${i + 1}`)]);
  });

  test('every counter of every bucket', () => {
    const { projection } = runScenario();
    expect(projection.buckets.map(bucketId)).toEqual([
      `2025-02#${AG1}#${CERTIFY}`,
      `2025-03#${AG1}#${CERTIFY}`,
      `2025-03#${AG2}#${ALLOWANCE}`,
      `2025-04#${AG2}#${ALLOWANCE}`,
    ]);
    expect(projection.buckets.map((bucket) => bucket.counts)).toEqual([FEB_AG1, MAR_AG1, MAR_AG2, APR_AG2]);
  });

  test('merging March across agencies and procedures', () => {
    const { projection } = runScenario();
    const march = mergeBuckets(selectBuckets(projection.buckets, { fromMonth: '2025-03', toMonth: '2025-03' }));
    expect(march.received).toBe(10); // 5 + 5
    expect(march.ended).toBe(7); // 4 + 3
    expect(march.early + march.onTime + march.late).toBe(7);
    expect(march.handlingMinutes).toBe(11_730); // 6,870 + 4,860
    expect(mergeBuckets(selectBuckets(projection.buckets, { agencyCode: AG2 })).ended).toBe(4);
  });

  test('open dossiers classified at the end of a day, past periods included', () => {
    const { projection } = runScenario();
    const at = (day: string) => classifyOpenAt(projection.open, day);
    expect(at('2025-02-28')).toEqual(open({ inProgressOnTime: 1 })); // D12
    expect(at('2025-03-05')).toEqual(open({ inProgressOnTime: 3 })); // D2 D3 D4 (D4 resumed after round 1)
    expect(at('2025-03-06')).toEqual(open({ inProgressOnTime: 3, pausedOverdue: 1 })); // D4's second round
    expect(at('2025-03-07')).toEqual(open({ inProgressOnTime: 2, inProgressOverdue: 1 })); // D4 resumed, late
    expect(at('2025-03-11')).toEqual(open({ inProgressOnTime: 1, inProgressOverdue: 1, pausedOnTime: 1 }));
    // D8 D14 within time (D14 ends only in April), D7 overdue, D6 paused within time.
    expect(at('2025-03-31')).toEqual(open({ inProgressOnTime: 2, inProgressOverdue: 1, pausedOnTime: 1 }));
    // D8's appointment (04-02) has passed; D14 ended on 04-03.
    expect(at('2025-04-30')).toEqual(open({ inProgressOverdue: 2, pausedOnTime: 1 }));
  });

  test('classifying from the running totals and the later buckets gives the same counts', () => {
    const { projection } = runScenario();
    for (const day of ['2025-02-28', '2025-03-05', '2025-03-06', '2025-03-11', '2025-03-31', '2025-04-30']) {
      const later = projection.open.filter((bucket) => bucket.month >= day.slice(0, 7));
      expect(classifyOpenFromTotals(projection.openTotals, later, day)).toEqual(classifyOpenAt(projection.open, day));
    }
    // Per (agency, procedure) at the end of March.
    const ag1 = projection.open.filter((bucket) => bucket.agencyCode === AG1);
    const ag2 = projection.open.filter((bucket) => bucket.agencyCode === AG2);
    expect(classifyOpenAt(ag1, '2025-03-31')).toEqual(open({ inProgressOnTime: 1, inProgressOverdue: 1 }));
    expect(classifyOpenAt(ag2, '2025-03-31')).toEqual(open({ inProgressOnTime: 1, pausedOnTime: 1 }));
  });
});

describe('the national index for March', () => {
  const catalog = {
    procedures: 10,
    onlineProcedures: 7,
    feeBearingProcedures: 4,
    feeBearingProceduresPayableOnline: 3,
  };

  function marchIndex(config = INDEX_CONFIG) {
    const { projection } = runScenario();
    const march = mergeBuckets(selectBuckets(projection.buckets, { fromMonth: '2025-03', toMonth: '2025-03' }));
    return computeIndex(march, catalog, config, classifyOpenAt(projection.open, '2025-03-31'));
  }

  test('every indicator: numerator, denominator, ratio and score', () => {
    const index = marchIndex();
    const byId = Object.fromEntries(index.indicators.map((indicator) => [indicator.id, indicator]));
    const expected: Record<string, [number, number, number | null]> = {
      '1.4': [6, 10, 2.7], // 6/10 × 4.5
      '2.1': [7, 11, 6.36], // (2 early + 2 on time + 2 in progress + 1 paused within time) / (7 ended + 4 open) × 10
      '2.2': [11_730, 6, null], // not scored
      '3.1': [7, 10, 3.5], // 0.7 / 0.8 × 4
      '3.3': [4, 10, 3.2], // 0.4 / 0.5 × 4
      '3.5': [3, 4, 4.69], // 0.75 / 0.8 × 5 = 4.6875
      '3.6': [3, 5, 3], // 3/5 × 5
      '4.1': [4, 6, 2.93], // 4/6 × 4.4
      '4.2': [7, 10, 3.85], // 7/10 / 0.8 × 4.4
      '4.3': [2, 10, 1.1], // 2/10 / 0.8 × 4.4
      '5.4': [3, 7, 2.14], // (1 − 3/7 late − 1/7 disliked) / 0.9 × 4.5 = 2.1429
    };
    for (const [id, [numerator, denominator, score]] of Object.entries(expected)) {
      expect({
        id,
        numerator: byId[id]?.numerator,
        denominator: byId[id]?.denominator,
        score: byId[id]?.score,
      }).toEqual({ id, numerator, denominator, score });
    }
    expect(byId['1.4']?.ratio).toBeCloseTo(6 / 10, 12);
    expect(byId['2.2']?.ratio).toBeNull();
    expect(byId['2.2']?.averageWorkingDays).toBe(4.07); // 11,730 / 6 = 1,955 office min / 480 = 4.073 days
    expect(byId['5.4']?.ratio).toBeCloseTo(3 / 7, 12);
  });

  test('group subtotals and the total', () => {
    const index = marchIndex();
    expect(index.groups.map((group) => [group.id, group.score, group.scoredMaxPoints, group.maxPoints])).toEqual([
      ['1', 2.7, 4.5, 18],
      ['2', 6.36, 10, 20],
      ['3a', 6.7, 8, 12], // 3.5 + 3.2
      ['3b', 7.69, 10, 10], // 4.69 + 3
      ['4', 7.88, 13.2, 22], // 2.93 + 3.85 + 1.1
      ['5', 2.14, 4.5, 18],
    ]);
    // 2.7 + 6.36 + 6.7 + 7.69 + 7.88 + 2.14
    expect(index.total).toEqual({ maxPoints: 100, scoredMaxPoints: 50.2, score: 33.47 });
  });

  test('a province override changes targets and the online-share rule', () => {
    const config = withIndexOverrides(INDEX_CONFIG, {
      indicators: { '3.6': { target: 0.5 } },
      weightOnlineShareBySync: true,
    });
    const byId = Object.fromEntries(marchIndex(config).indicators.map((indicator) => [indicator.id, indicator]));
    expect(byId['3.6']?.score).toBe(5); // 3/5 / 0.5 = 1.2, capped: full 5 points
    expect(byId['3.3']?.score).toBe(1.92); // 4/10 × 6/10 (synced share) / 0.5 × 4
  });

  test('without the open classification 2.1 covers finished dossiers only', () => {
    const { projection } = runScenario();
    const march = mergeBuckets(selectBuckets(projection.buckets, { fromMonth: '2025-03', toMonth: '2025-03' }));
    const index = computeIndex(march, catalog);
    expect(index.indicators.find((indicator) => indicator.id === '2.1')?.score).toBe(5.71); // (2 early + 2 on time) / 7 ended × 10 = 5.714
  });
});

describe('the dossier report', () => {
  function marchByAgency() {
    const { projection } = runScenario();
    const march = selectBuckets(projection.buckets, { fromMonth: '2025-03', toMonth: '2025-03' });
    const openAtEnd = [AG1, AG2].map((agencyCode) => ({
      month: '2025-03',
      agencyCode,
      procedureCode: agencyCode === AG1 ? CERTIFY : ALLOWANCE,
      counts: classifyOpenAt(
        projection.open.filter((bucket) => bucket.agencyCode === agencyCode),
        '2025-03-31',
      ),
    }));
    return buildDossierReport(march, 'agency', openAtEnd);
  }

  test('rows by agency carry every count, the open classification and the average handling time', () => {
    const [ag1, ag2, ...rest] = marchByAgency();
    expect(rest).toEqual([]);
    expect(ag1).toEqual({
      groupBy: 'agency',
      key: AG1,
      ...MAR_AG1,
      ...open({ inProgressOnTime: 1, inProgressOverdue: 1 }),
      averageHandlingDays: 3.58, // 6,870 office min / 4 / 480 = 3.578
    });
    expect(ag2).toEqual({
      groupBy: 'agency',
      key: AG2,
      ...MAR_AG2,
      ...open({ inProgressOnTime: 1, pausedOnTime: 1 }),
      averageHandlingDays: 5.06, // 4,860 office min / 2 / 480 = 5.0625
    });
    expect(reportTotal([ag1!, ag2!]).received).toBe(10);
    expect(reportTotal([ag1!, ag2!]).averageHandlingDays).toBe(4.07); // 11,730 / 6 / 480 = 4.073
  });

  test('rows by month', () => {
    const { projection } = runScenario();
    const rows = buildDossierReport(projection.buckets, 'month');
    expect(rows.map((row) => [row.key, row.received, row.ended])).toEqual([
      ['2025-02', 1, 0],
      ['2025-03', 10, 7],
      ['2025-04', 0, 1],
    ]);
  });

  test('CSV in English: BOM, header, one line per row, CRLF', () => {
    const csv = toCsv(marchByAgency(), 'en');
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const lines = csv.slice(1).split('\r\n');
    expect(lines).toHaveLength(4); // header, two rows, and the empty string after the final CRLF
    expect(lines[3]).toBe('');
    expect(lines[0]).toBe(
      'Agency code,Received,Received online,Received in person,Received by post,Processing ended,Early,On time,Late,' +
        'In progress within time,In progress overdue,Paused within time,Paused overdue,Resolved,Returned,Rejected,' +
        'Withdrawn,Stopped,Supplementation requests,Average handling time (working days),Fee-bearing,Paid online,' +
        'Documents,Digitized documents,Reused documents,Digitized dossiers,Dossiers reusing data,' +
        'Online dossiers (index),Results issued,Electronic results,Satisfied,Neutral,Dissatisfied,Complaints,' +
        'Synced to the national portal',
    );
    expect(lines[1]).toBe(`${AG1},5,2,2,1,4,1,2,1,1,1,0,0,4,4,1,0,0,0,3.58,5,3,7,5,1,3,1,2,4,3,1,1,1,0,3`);
    expect(lines[2]).toBe(`${AG2},5,2,3,0,3,1,0,2,1,0,1,0,2,1,0,1,1,4,5.06,0,0,7,6,1,4,1,2,2,1,1,0,0,0,3`);
  });

  test('CSV in Vietnamese names the columns in Vietnamese', () => {
    const header = toCsv(marchByAgency(), 'vi').slice(1).split('\r\n')[0]!.split(',');
    expect(header.slice(0, 4)).toEqual([
      'Mã cơ quan',
      'Tổng số tiếp nhận',
      'Tiếp nhận trực tuyến',
      'Tiếp nhận trực tiếp',
    ]);
  });

  test('CSV quotes commas and quotes (RFC 4180) and defuses formulas', () => {
    const bucket = (agencyCode: string) => ({
      month: '2025-03',
      agencyCode,
      procedureCode: CERTIFY,
      counts: counters({ received: 1 }),
    });
    const rows = buildDossierReport([bucket('A,"B"'), bucket('=HYPERLINK("x")'), bucket('line\nbreak')], 'agency');
    const csv = toCsv(rows, 'en');
    const body = csv.slice(1).split('\r\n').slice(1);
    expect(body[0]!.startsWith(`"'=HYPERLINK(""x"")",1,`)).toBe(true);
    expect(body[1]!.startsWith('"A,""B""",1,')).toBe(true);
    expect(csv).toContain('"line\nbreak",1,');
  });

  test('an empty report is just the header, its first column named by groupBy', () => {
    const csv = toCsv([], 'en', 'month');
    expect(csv.startsWith('\uFEFFMonth,Received,Received online,')).toBe(true);
    expect(csv.endsWith('Synced to the national portal\r\n')).toBe(true);
    expect(csv.split('\r\n')).toHaveLength(2);
    expect(toCsv([], 'vi', 'procedure').startsWith('\uFEFFMã thủ tục,')).toBe(true);
  });
});
