import { describe, expect, test } from 'vitest';
import { createWorkingCalendar } from '#calendar/calendar.ts';
import { VIETNAM_CALENDAR_2025_2027 } from '#calendar/seed.ts';
import { finalTimeliness, handlingMinutes, type TimelinessRules } from '#calendar/timeliness.ts';
import type { DossierSnapshot } from '#dossiers/events.ts';
import { applySnapshot, applySynced } from '#reporting/domain/apply.ts';
import { contributions, diffCounters } from '#reporting/domain/counters.ts';
import { factFromSnapshot, isSynced, markSynced, shouldApply } from '#reporting/domain/facts.ts';
import { openBucketFromAttributes, openDeltas, openPointAttributes } from '#reporting/domain/period.ts';
import { isDay, lastDayOfMonth, monthsBetween, portalDateTime, vnDay, vnMonth } from '#reporting/domain/time.ts';
import { AG1, CERTIFY, dossier, marchDossiers, vn } from './fixtures.ts';

/** The rules facts use by default: the national calendar, default office hours (07:30–11:30, 13:00–17:00). */
const NATIONAL: TimelinessRules = { calendar: createWorkingCalendar(VIETNAM_CALENDAR_2025_2027) };

describe('time helpers (GMT+7)', () => {
  test('days, months and the portal format shift UTC by 7 hours', () => {
    expect(vnDay('2025-03-31T17:30:00Z')).toBe('2025-04-01');
    expect(vnMonth('2025-03-31T16:59:59Z')).toBe('2025-03');
    expect(vnMonth('2025-03-31T17:00:00Z')).toBe('2025-04');
    expect(portalDateTime('2025-03-31T20:30:05Z')).toBe('20250401033005');
    expect(portalDateTime('2025-03-03T08:00:00+07:00')).toBe('20250303080000');
  });

  test('month lists and last days', () => {
    expect(monthsBetween('2024-11', '2025-02')).toEqual(['2024-11', '2024-12', '2025-01', '2025-02']);
    expect(monthsBetween('2025-03', '2025-02')).toEqual([]);
    expect(lastDayOfMonth('2024-02')).toBe('2024-02-29');
    expect(lastDayOfMonth('2025-12')).toBe('2025-12-31');
    expect(isDay('2025-02-30')).toBe(false);
    expect(isDay('2025-3-31')).toBe(false);
    expect(isDay('2025-03-31')).toBe(true);
  });
});

describe('dossier facts', () => {
  const dossiers = marchDossiers();

  test('two supplementation rounds: late, pauses excluded from handling time', () => {
    const fact = factFromSnapshot(dossiers.D4.last, dossiers.D4.last.version);
    expect(fact).toMatchObject({
      status: 'resolved',
      endedAt: vn('2025-03-11T10:00'),
      appointmentAt: vn('2025-03-20T17:00'),
      timeliness: 'late',
      // Office time Mon 03-03 10:00 → Tue 03-11 10:00 = 330 + 5 × 480 + 150 = 2,880 min, less two pauses of
      // 480 office min each (Tue 10:00 → Wed 10:00: 330 + 150; Thu 10:00 → Fri 10:00 likewise).
      handlingMinutes: 2880 - 2 * 480,
      supplements: [
        { requestedAt: vn('2025-03-04T10:00'), completedAt: vn('2025-03-05T10:00') },
        { requestedAt: vn('2025-03-06T10:00'), completedAt: vn('2025-03-07T10:00') },
      ],
      lastSequence: dossiers.D4.last.version,
    });
  });

  test('a withdrawal before reception closes the dossier without ending processing', () => {
    const fact = factFromSnapshot(dossiers.D10.last, 2);
    expect([fact.endedAt, fact.closedAt, fact.timeliness, fact.handlingMinutes]).toEqual([
      null,
      vn('2025-03-14T12:00'),
      null,
      null,
    ]);
  });

  test('without endedAt the end is the first ending transition in the history (resolved, not returned)', () => {
    const { endedAt: _dropped, ...withoutEnd } = dossiers.D2.last;
    const fact = factFromSnapshot(withoutEnd as DossierSnapshot, 9);
    expect(fact.endedAt).toBe(vn('2025-03-07T17:00'));
    expect(fact.timeliness).toBe('on_time');
  });

  test('without an appointment, handling time is held against the legal maximum', () => {
    // D2 took 1,830 office minutes (Tue 03-04 09:00 → Fri 03-07 17:00 = 390 + 480 + 480 + 480): 3.81 working days.
    const { appointmentAt: _dropped, ...noAppointment } = dossiers.D2.last;
    expect(factFromSnapshot({ ...noAppointment, legalMaxWorkingDays: 3 }, 9).timeliness).toBe('late');
    expect(factFromSnapshot({ ...noAppointment, legalMaxWorkingDays: 4 }, 9).timeliness).toBe('on_time');
    expect(factFromSnapshot(noAppointment, 9).timeliness).toBe('on_time');
  });

  test("the fact carries the kernel's timeliness: before the due date is early, on it on time, after it late", () => {
    // D2 as resolved (v5, before the return), appointment Fri 03-07 17:00, with other ends of processing.
    const resolved = dossiers.D2.versions[4]!;
    expect(resolved.status).toBe('resolved');
    const endingAt = (endedAt: string) => ({ ...resolved, endedAt });
    const cases: [string, string][] = [
      [vn('2025-03-06T17:00'), 'early'], // the day before the due date
      [vn('2025-03-07T16:59'), 'on_time'], // the due date, before the minute: on time, not early
      ['2025-03-07T10:00:00Z', 'on_time'], // 17:00 GMT+7, the due minute itself
      [vn('2025-03-07T17:01'), 'late'],
    ];
    for (const [endedAt, expected] of cases) {
      const snapshot = endingAt(endedAt);
      const fact = factFromSnapshot(snapshot, 5);
      expect([endedAt, fact.timeliness]).toEqual([endedAt, expected]);
      expect(fact.timeliness).toBe(finalTimeliness(snapshot, NATIONAL));
      expect(fact.handlingMinutes).toBe(handlingMinutes(snapshot, NATIONAL));
    }
  });

  test("handling time is the kernel's office time", () => {
    for (const code of ['D1', 'D2', 'D3', 'D4', 'D5', 'D11', 'D12', 'D14'] as const) {
      const snapshot = dossiers[code].last;
      const fact = factFromSnapshot(snapshot, snapshot.version);
      expect([code, fact.handlingMinutes, fact.timeliness]).toEqual([
        code,
        handlingMinutes(snapshot, NATIONAL),
        finalTimeliness(snapshot, NATIONAL),
      ]);
    }
    // D1 Mon 03-03 09:00 → Wed 03-05 10:00: Mon 150 + 240, Tue 480, Wed 07:30–10:00 150 = 1,020 office minutes.
    expect(factFromSnapshot(dossiers.D1.last, 7).handlingMinutes).toBe(1020);
  });

  test('an injected province calendar measures handling time (a holiday on Tuesday 03-04)', () => {
    const year2025 = VIETNAM_CALENDAR_2025_2027.find((year) => year.year === 2025)!;
    const calendar = createWorkingCalendar(
      VIETNAM_CALENDAR_2025_2027.map((year) =>
        year === year2025 ? { ...year, holidays: [...year.holidays, { date: '2025-03-04', name: 'Nghỉ' }] } : year,
      ),
    );
    const rules: TimelinessRules = { calendar };
    // D1: Monday 09:00 → Wednesday 10:00 is 390 + 480 + 150 = 1,020 office min, 390 + 150 = 540 without Tuesday.
    const fact = factFromSnapshot(dossiers.D1.last, 7, { rules });
    expect(fact.handlingMinutes).toBe(540);
    expect(fact.handlingMinutes).toBe(handlingMinutes(dossiers.D1.last, rules));
    expect(factFromSnapshot(dossiers.D1.last, 7).handlingMinutes).toBe(1020);
  });

  test('a complaint counts as a dislike', () => {
    const snapshot = { ...dossiers.D1.last, complaints: [{ at: vn('2025-03-07T09:00') }] };
    const fact = factFromSnapshot(snapshot, 7);
    expect(fact.complained).toBe(true);
    const outcome = contributions(fact).find((delta) => delta.month === '2025-03');
    expect([outcome?.counts.complaints, outcome?.counts.disliked, outcome?.counts.feedbackSatisfied]).toEqual([
      1, 1, 1,
    ]);
  });

  test('only a newer sequence replaces a fact', () => {
    const fact = factFromSnapshot(dossiers.D1.last, 5);
    expect(shouldApply(undefined, 1)).toBe(true);
    expect(shouldApply(fact, 6)).toBe(true);
    expect(shouldApply(fact, 5)).toBe(false);
    expect(shouldApply(fact, 4)).toBe(false);
  });

  test('an older fact after a newer one gives no deltas', () => {
    const newer = factFromSnapshot(dossiers.D3.last, 7);
    const older = factFromSnapshot(dossiers.D3.versions[1]!, 2);
    expect(diffCounters(newer, older)).toEqual([]);
    expect(openDeltas(newer, older)).toEqual([]);
    expect(applySnapshot(newer, dossiers.D3.versions[1]!, 2)).toBeNull();
  });

  test('intake counts in the reception month, and only once the dossier is actually received', () => {
    const late = dossier({
      code: 'X1',
      agencyCode: AG1,
      procedureCode: CERTIFY,
      channel: 'online',
      submittedAt: '2025-03-31T22:00',
      documents: [],
      fee: 0,
    }).receive('2025-04-01T08:00', '2025-04-04T17:00');
    const submitted = factFromSnapshot(late.versions[0]!, 1);
    const received = factFromSnapshot(late.versions[1]!, 2);
    const moves = diffCounters(submitted, received).map((delta) => [delta.month, delta.counts.received]);
    // Submitted in March but not received: it counted nowhere, so reception adds it to April only.
    expect(contributions(submitted).some((delta) => delta.counts.received !== undefined)).toBe(false);
    expect(moves).toEqual([['2025-04', 1]]);
    // It has no documents: received, but not digitized.
    const april = contributions(received).find((delta) => delta.month === '2025-04');
    expect([april?.counts.documents, april?.counts.digitized]).toEqual([undefined, undefined]);
  });
});

describe('synced share', () => {
  const dossiers = marchDossiers();

  test('a dossier counts as synced while the portal holds its current version', () => {
    const first = applySnapshot(undefined, dossiers.D7.versions[0]!, 1)!;
    expect(isSynced(first.fact)).toBe(false);

    // v1 (submitted, not received) on the portal: synced, but intake counters only count received dossiers.
    const pushed = applySynced(first.fact, 1)!;
    expect(isSynced(pushed.fact)).toBe(true);
    expect(pushed.counterDeltas).toEqual([]);
    expect(applySynced(pushed.fact, 1)).toBeNull();

    // Reception (v2) is not on the portal yet: received counts, synced does not until the next push.
    const received = applySnapshot(pushed.fact, dossiers.D7.versions[1]!, 2)!;
    expect(received.fact.syncedSequence).toBe(1);
    expect(received.counterDeltas.find((delta) => delta.counts.received !== undefined)?.counts.received).toBe(1);
    expect(received.counterDeltas.some((delta) => delta.counts.synced !== undefined)).toBe(false);
    expect(applySynced(received.fact, 2)!.counterDeltas).toEqual([
      { month: '2025-03', agencyCode: AG1, procedureCode: CERTIFY, counts: { synced: 1 } },
    ]);
  });

  test('marking an older push never moves the synced version back', () => {
    const fact = markSynced(factFromSnapshot(dossiers.D7.last, 3), 3);
    expect(markSynced(fact, 2)).toBe(fact);
    expect(markSynced(fact, 4).syncedSequence).toBe(4);
  });
});

describe('open points as flat store attributes', () => {
  test('round trip, zeros dropped, foreign attributes ignored', () => {
    const days = {
      '2025-03-18': { inProgressOnTime: 1 },
      '2025-03-21': { inProgressOnTime: -1, inProgressOverdue: 1 },
    };
    const attributes = openPointAttributes({ days });
    expect(attributes).toEqual({
      '2025-03-18#inProgressOnTime': 1,
      '2025-03-21#inProgressOnTime': -1,
      '2025-03-21#inProgressOverdue': 1,
    });
    const key = { month: '2025-03', agencyCode: AG1, procedureCode: CERTIFY };
    const item = { pk: 'OPEN#2025-03', ...attributes, '2025-03-22#pausedOnTime': 0 };
    expect(openBucketFromAttributes(key, item)).toEqual({ ...key, days });
  });
});
