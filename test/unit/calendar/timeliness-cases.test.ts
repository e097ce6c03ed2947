/**
 * The hand-worked cases of docs/timeliness.md, one test each (ids T01…). The last test checks that the table
 * and this file list the same ids, so a case cannot be written down without being tested, or the reverse.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import {
  CalendarYearMissingError,
  computeAppointment,
  createWorkingCalendar,
  extendForPause,
  finalTimeliness,
  handlingMinutes,
  legalDueAt,
  openStateAt,
  openStateChanges,
  type ProcessingTime,
  stepDueAt,
  type TimelineDossier,
  timelinessAt,
  toLocalIso,
  VIETNAM_CALENDAR_2025_2027,
} from '#calendar/index.ts';

const calendar = createWorkingCalendar(VIETNAM_CALENDAR_2025_2027);
const rules = { calendar };
const vn = (local: string): Date => new Date(`${local}+07:00`);
const iso = (local: string): string => toLocalIso(vn(local));
const days = (n: number): ProcessingTime => ({ kind: 'working_days', days: n });
const SAME_DAY: ProcessingTime = { kind: 'same_day' };

function appointment(receivedLocal: string, time: ProcessingTime): string | null {
  const due = computeAppointment(vn(receivedLocal), time, calendar);
  return due === null ? null : toLocalIso(due);
}

/** A received dossier (3 working days from Tue 3 Mar 2026 10:00: due Fri 6 Mar 10:00) with overrides. */
function dossier(overrides: Partial<TimelineDossier> = {}): TimelineDossier {
  return {
    status: 'processing',
    receivedAt: iso('2026-03-03T10:00:00'),
    appointmentAt: iso('2026-03-06T10:00:00'),
    previousAppointments: [],
    supplements: [],
    history: [],
    ...overrides,
  };
}
const resolvedAt = (local: string, overrides: Partial<TimelineDossier> = {}) =>
  finalTimeliness(dossier({ status: 'resolved', endedAt: iso(local), ...overrides }), rules);

const CASES: Record<string, () => void> = {
  T01: () => expect(appointment('2026-03-03T10:00:00', days(3))).toBe('2026-03-06T10:00:00+07:00'),
  T02: () => expect(appointment('2026-03-02T07:30:00', days(1))).toBe('2026-03-02T17:00:00+07:00'),
  T03: () => expect(appointment('2026-03-02T18:05:00', days(1))).toBe('2026-03-03T17:00:00+07:00'),
  T04: () => expect(appointment('2026-03-07T09:00:00', days(3))).toBe('2026-03-11T17:00:00+07:00'),
  T05: () => expect(appointment('2026-03-02T12:10:00', days(1))).toBe('2026-03-03T11:30:00+07:00'),
  T06: () => {
    expect(appointment('2026-03-04T15:00:00', SAME_DAY)).toBe('2026-03-04T17:00:00+07:00');
    expect(appointment('2026-03-04T15:00:40', SAME_DAY)).toBe('2026-03-04T17:00:00+07:00');
  },
  T07: () => expect(appointment('2026-03-04T15:01:00', SAME_DAY)).toBe('2026-03-05T17:00:00+07:00'),
  T08: () => expect(appointment('2026-03-06T15:30:00', SAME_DAY)).toBe('2026-03-09T17:00:00+07:00'),
  T09: () => expect(appointment('2026-03-06T17:45:00', SAME_DAY)).toBe('2026-03-09T17:00:00+07:00'),
  T10: () => {
    const moved = extendForPause(
      vn('2026-03-10T10:00:00'),
      vn('2026-03-06T16:00:00'),
      vn('2026-03-09T08:00:00'),
      calendar,
    );
    expect(toLocalIso(moved)).toBe('2026-03-10T11:30:00+07:00');
  },
  T11: () => {
    const moved = extendForPause(
      vn('2026-03-10T10:30:00'),
      vn('2026-03-09T08:00:00'),
      vn('2026-03-09T10:00:00'),
      calendar,
    );
    expect(toLocalIso(moved)).toBe('2026-03-10T14:00:00+07:00');
  },
  T12: () => {
    const moved = extendForPause(
      vn('2026-03-10T10:00:00'),
      vn('2026-03-07T09:00:00'),
      vn('2026-03-08T18:00:00'),
      calendar,
    );
    expect(toLocalIso(moved)).toBe('2026-03-10T10:00:00+07:00');
  },
  T13: () => {
    const total = computeAppointment(vn('2026-03-02T07:30:00'), days(3), calendar)!;
    expect(toLocalIso(total)).toBe('2026-03-04T17:00:00+07:00');
    expect(toLocalIso(stepDueAt(vn('2026-03-02T07:30:00'), 1.5, total, calendar))).toBe('2026-03-03T11:30:00+07:00');
    expect(toLocalIso(stepDueAt(vn('2026-03-03T11:30:00'), 1.5, total, calendar))).toBe('2026-03-04T17:00:00+07:00');
    // Started late: 1.5 days would run to Thu 08:30, past the dossier's appointment; capped at it.
    expect(toLocalIso(stepDueAt(vn('2026-03-03T14:00:00'), 1.5, total, calendar))).toBe('2026-03-04T17:00:00+07:00');
  },
  T14: () => expect(resolvedAt('2026-03-06T10:00:20')).toBe('on_time'),
  T15: () => expect(resolvedAt('2026-03-06T10:01:00')).toBe('late'),
  T16: () => expect(resolvedAt('2026-03-06T08:00:00')).toBe('on_time'),
  T17: () => expect(resolvedAt('2026-03-05T16:59:00')).toBe('early'),
  T18: () => {
    const apologized: Partial<TimelineDossier> = {
      appointmentAt: iso('2026-03-10T10:00:00'),
      previousAppointments: [iso('2026-03-06T10:00:00')],
      history: [{ at: iso('2026-03-05T10:00:00'), action: 'apologize', from: 'processing', to: 'processing' }],
    };
    expect(resolvedAt('2026-03-09T09:00:00', apologized)).toBe('late');
    expect(timelinessAt(dossier(apologized), vn('2026-03-05T11:00:00'), rules)).toBe('in_progress_overdue');
    expect(timelinessAt(dossier(apologized), vn('2026-03-05T09:59:00'), rules)).toBe('in_progress_on_time');
  },
  T19: () => {
    const twoRounds: Partial<TimelineDossier> = {
      supplements: [
        { requestedAt: iso('2026-03-03T14:00:00'), completedAt: iso('2026-03-03T15:00:00') },
        { requestedAt: iso('2026-03-04T09:00:00'), completedAt: iso('2026-03-04T10:00:00') },
      ],
    };
    expect(resolvedAt('2026-03-04T16:00:00', twoRounds)).toBe('late');
  },
  T20: () => {
    const end = vn('2026-03-31T23:59:00');
    const before = dossier({
      status: 'supplement_requested',
      supplements: [{ requestedAt: iso('2026-03-04T09:00:00') }],
    });
    const after = dossier({
      status: 'supplement_requested',
      supplements: [{ requestedAt: iso('2026-03-06T10:30:00') }],
    });
    expect(timelinessAt(before, end, rules)).toBe('paused_on_time');
    expect(timelinessAt(after, end, rules)).toBe('paused_overdue');
  },
  T21: () => {
    const paused: Partial<TimelineDossier> = {
      supplements: [{ requestedAt: iso('2026-03-04T09:00:00'), completedAt: iso('2026-03-05T09:00:00') }],
    };
    expect(legalDueAt(dossier(paused), vn('2026-03-31T00:00:00'), rules)?.toISOString()).toBe(
      vn('2026-03-09T10:00:00').toISOString(),
    );
    expect(resolvedAt('2026-03-09T09:59:00', paused)).toBe('on_time');
    expect(resolvedAt('2026-03-06T16:00:00', paused)).toBe('early');
  },
  T22: () => {
    const noAppointment = (overrides: Partial<TimelineDossier>) =>
      dossier({
        receivedAt: iso('2026-03-02T07:30:00'),
        appointmentAt: undefined,
        legalMaxWorkingDays: 2,
        ...overrides,
      });
    const ended = (local: string) => finalTimeliness(noAppointment({ status: 'resolved', endedAt: iso(local) }), rules);
    expect(ended('2026-03-03T17:00:00')).toBe('on_time');
    expect(ended('2026-03-02T10:00:00')).toBe('on_time');
    expect(ended('2026-03-04T07:31:00')).toBe('late');
    expect(timelinessAt(noAppointment({}), vn('2026-03-04T08:00:00'), rules)).toBe('in_progress_overdue');
    expect(timelinessAt(noAppointment({}), vn('2026-03-03T16:00:00'), rules)).toBe('in_progress_on_time');
  },
  T23: () => {
    const rejected = dossier({
      status: 'rejected',
      receivedAt: undefined,
      appointmentAt: undefined,
      rejectedAt: iso('2026-03-03T10:00:00'),
    });
    expect(timelinessAt(rejected, vn('2026-03-31T23:59:00'), rules)).toBeNull();
    expect(finalTimeliness(rejected, rules)).toBeNull();
    expect(openStateChanges(rejected, rules)).toEqual([]);
  },
  T24: () => {
    const withdrawnBefore = dossier({ status: 'withdrawn', receivedAt: undefined, appointmentAt: undefined });
    expect(timelinessAt(withdrawnBefore, vn('2026-03-31T23:59:00'), rules)).toBeNull();
    expect(finalTimeliness(dossier({ status: 'withdrawn', endedAt: iso('2026-03-05T09:00:00') }), rules)).toBe('early');
  },
  T25: () =>
    expect(finalTimeliness(dossier({ status: 'stopped', endedAt: iso('2026-03-09T09:00:00') }), rules)).toBe('late'),
  T26: () => {
    const history: TimelineDossier['history'] = [
      { at: iso('2026-03-05T10:00:00'), action: 'request-payment', from: 'processing', to: 'payment_requested' },
      { at: iso('2026-03-05T14:00:00'), action: 'payment-completed', from: 'payment_requested', to: 'processing' },
    ];
    const withSetting = dossier({ history, paymentPausesClock: true });
    expect(toLocalIso(legalDueAt(withSetting, vn('2026-03-31T00:00:00'), rules)!)).toBe('2026-03-06T14:00:00+07:00');
    expect(resolvedAt('2026-03-06T13:30:00', { history, paymentPausesClock: true })).toBe('on_time');
    expect(resolvedAt('2026-03-06T13:30:00', { history })).toBe('late');
  },
  T27: () => expect(() => appointment('2028-03-01T10:00:00', days(3))).toThrow(CalendarYearMissingError),
  T28: () => {
    const open = dossier();
    const changes = openStateChanges(open, rules);
    expect(openStateAt(changes, vn('2026-03-06T10:00:59'))).toBe('in_progress_on_time');
    expect(openStateAt(changes, vn('2026-03-06T10:01:00'))).toBe('in_progress_overdue');
    expect(timelinessAt(open, vn('2026-03-06T10:00:59'), rules)).toBe('in_progress_on_time');
    expect(timelinessAt(open, vn('2026-03-06T10:01:00'), rules)).toBe('in_progress_overdue');
  },
  T29: () => expect(appointment('2026-02-13T10:00:00', days(1))).toBe('2026-02-23T10:00:00+07:00'),
  T30: () => {
    // Received Tue 10:00, one completed supplementation of 480 office minutes, resolved Mon 9 Mar 09:00:
    // reception → end is 10:00–11:30, 13:00–17:00 (330) + Wed, Thu, Fri (1440) + Mon 07:30–09:00 (90) = 1860,
    // less the pause 480 = 1380 office minutes.
    const d = dossier({
      status: 'resolved',
      endedAt: iso('2026-03-09T09:00:00'),
      supplements: [{ requestedAt: iso('2026-03-04T09:00:00'), completedAt: iso('2026-03-05T09:00:00') }],
    });
    expect(handlingMinutes(d, rules)).toBe(1380);
  },
};

describe('docs/timeliness.md: hand-worked cases', () => {
  for (const [id, run] of Object.entries(CASES)) test(id, run);

  test('every case in the table has a test here, and every test a row in the table', () => {
    const table = readFileSync(new URL('../../../docs/timeliness.md', import.meta.url), 'utf8');
    const ids = [...table.matchAll(/^\| (T\d\d) \|/gm)].map((m) => m[1]);
    expect(ids.sort()).toEqual(Object.keys(CASES).sort());
  });
});
