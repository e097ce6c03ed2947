import { describe, expect, test } from 'vitest';
import type { DossierSnapshot } from '#dossiers/events.ts';
import { applySnapshot, applySynced } from '#reporting/domain/apply.ts';
import { contributions, diffCounters } from '#reporting/domain/counters.ts';
import { factFromSnapshot, isSynced, markSynced, shouldApply, timelinessAtEnd } from '#reporting/domain/facts.ts';
import { openBucketFromAttributes, openDeltas, openPointAttributes } from '#reporting/domain/period.ts';
import {
  isDay,
  lastDayOfMonth,
  monthsBetween,
  portalDateTime,
  vnDay,
  vnMonth,
  weekdayTimeBetween,
} from '#reporting/domain/time.ts';
import { AG1, CERTIFY, dossier, marchDossiers, vn } from './fixtures.ts';

const HOUR = 3_600_000;

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

  test('weekday working time skips Saturday and Sunday in GMT+7', () => {
    // Friday 12:00 → Monday 12:00: 12 h of Friday + 12 h of Monday.
    expect(weekdayTimeBetween(new Date(vn('2025-03-07T12:00')), new Date(vn('2025-03-10T12:00')))).toBe(24 * HOUR);
    // Saturday 00:00 → Monday 00:00 (GMT+7): nothing.
    expect(weekdayTimeBetween(new Date(vn('2025-03-08T00:00')), new Date(vn('2025-03-10T00:00')))).toBe(0);
    expect(weekdayTimeBetween(new Date(vn('2025-03-10T00:00')), new Date(vn('2025-03-09T00:00')))).toBe(0);
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
      handlingMinutes: 96 * 60, // 144 h less two 24 h pauses
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
    // D2 took 80 working hours: 3.33 working days.
    const { appointmentAt: _dropped, ...noAppointment } = dossiers.D2.last;
    expect(factFromSnapshot({ ...noAppointment, legalMaxWorkingDays: 3 }, 9).timeliness).toBe('late');
    expect(factFromSnapshot({ ...noAppointment, legalMaxWorkingDays: 4 }, 9).timeliness).toBe('on_time');
    expect(factFromSnapshot(noAppointment, 9).timeliness).toBe('on_time');
  });

  test('timeliness against the appointment: strictly before is early, equal is on time, after is late', () => {
    const base = { appointmentAt: vn('2025-03-07T17:00'), supplementRounds: 1, handlingMinutes: 0 };
    expect(timelinessAtEnd({ ...base, endedAt: vn('2025-03-07T16:59') })).toBe('early');
    expect(timelinessAtEnd({ ...base, endedAt: '2025-03-07T10:00:00Z' })).toBe('on_time');
    expect(timelinessAtEnd({ ...base, endedAt: vn('2025-03-07T17:01') })).toBe('late');
  });

  test('an injected province calendar measures handling time (a holiday on Tuesday 03-04)', () => {
    const holidayStart = Date.parse(vn('2025-03-04T00:00'));
    const holidayEnd = holidayStart + 24 * HOUR;
    const workingTime = (from: Date, to: Date) => {
      const overlap = Math.max(0, Math.min(to.getTime(), holidayEnd) - Math.max(from.getTime(), holidayStart));
      return weekdayTimeBetween(from, to) - overlap;
    };
    // D1: Monday 09:00 → Wednesday 10:00 is 49 h on weekdays, 25 h without the holiday.
    expect(factFromSnapshot(dossiers.D1.last, 7, { workingTime }).handlingMinutes).toBe(25 * 60);
    expect(factFromSnapshot(dossiers.D1.last, 7).handlingMinutes).toBe(49 * 60);
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

  test('a change of month moves the intake from the submission month to the reception month', () => {
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
    expect(moves).toEqual([
      ['2025-03', -1],
      ['2025-04', 1],
    ]);
  });
});

describe('synced share', () => {
  const dossiers = marchDossiers();

  test('a dossier counts as synced while the portal holds its current version', () => {
    const first = applySnapshot(undefined, dossiers.D7.versions[0]!, 1)!;
    expect(isSynced(first.fact)).toBe(false);

    const pushed = applySynced(first.fact, 1)!;
    expect(pushed.counterDeltas).toEqual([
      { month: '2025-03', agencyCode: AG1, procedureCode: CERTIFY, counts: { synced: 1 } },
    ]);
    expect(applySynced(pushed.fact, 1)).toBeNull();

    // Reception (v2) is not on the portal yet: the share drops until the next push.
    const received = applySnapshot(pushed.fact, dossiers.D7.versions[1]!, 2)!;
    expect(received.fact.syncedSequence).toBe(1);
    expect(received.counterDeltas.find((delta) => delta.counts.synced !== undefined)?.counts.synced).toBe(-1);
    expect(applySynced(received.fact, 2)!.counterDeltas[0]?.counts).toEqual({ synced: 1 });
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
