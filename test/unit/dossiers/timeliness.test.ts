import { describe, expect, test } from 'vitest';
import {
  classifyAtPeriodEnd,
  computeTimeliness,
  legalDueAt,
  type TimelinessInput,
} from '#dossiers/domain/timeliness.ts';
import { at, calendar, officer } from './fixtures.ts';

// Received Monday 2 March 2026 09:00 with a 3-working-day appointment: Thursday 5 March 09:00.
const RECEIVED = '2026-03-02T09:00:00+07:00';
const APPOINTMENT = '2026-03-05T09:00:00+07:00';

function dossier(overrides: Partial<TimelinessInput> = {}): TimelinessInput {
  return { receivedAt: RECEIVED, appointmentAt: APPOINTMENT, previousAppointments: [], supplements: [], ...overrides };
}

const round = (requestedAt: string, completedAt?: string) => ({
  requestedAt,
  requestedBy: officer,
  reason: 'Bổ sung',
  ...(completedAt === undefined ? {} : { completedAt }),
});

const LATER = at('2026-12-31T00:00:00+07:00');

describe('finished dossiers with an appointment date', () => {
  test.each([
    ['the day before the appointment date', '2026-03-04T17:00:00+07:00', 'early'],
    ['on the appointment date, before its time', '2026-03-05T08:00:00+07:00', 'on_time'],
    ['exactly at the appointment', '2026-03-05T09:00:00+07:00', 'on_time'],
    ['a minute after the appointment', '2026-03-05T09:01:00+07:00', 'late'],
    ['the next week', '2026-03-09T10:00:00+07:00', 'late'],
    // 23:30 on 4 March is still 4 March in Vietnam (16:30 UTC), hence early, not on time.
    ['late evening GMT+7 the day before', '2026-03-04T23:30:00+07:00', 'early'],
  ] as const)('ended %s → %s', (_label, endedAt, expected) => {
    expect(computeTimeliness(dossier({ endedAt }), LATER, calendar)).toBe(expected);
  });

  test('returned without an explicit end still ends at the return', () => {
    expect(computeTimeliness(dossier({ returnedAt: '2026-03-06T09:00:00+07:00' }), LATER, calendar)).toBe('late');
  });

  test('a completed supplementation moves the legal due date by the paused working time', () => {
    // Paused Tue 3 March 09:00 → Wed 4 March 09:00 = 24 h of working days → due Friday 6 March 09:00.
    const d = dossier({
      appointmentAt: '2026-03-06T09:00:00+07:00',
      previousAppointments: [APPOINTMENT],
      supplements: [round('2026-03-03T09:00:00+07:00', '2026-03-04T09:00:00+07:00')],
    });
    expect(legalDueAt(d, LATER, calendar)?.toISOString()).toBe('2026-03-06T02:00:00.000Z');
    expect(computeTimeliness({ ...d, endedAt: '2026-03-05T16:00:00+07:00' }, LATER, calendar)).toBe('early');
    expect(computeTimeliness({ ...d, endedAt: '2026-03-06T08:00:00+07:00' }, LATER, calendar)).toBe('on_time');
    expect(computeTimeliness({ ...d, endedAt: '2026-03-06T10:00:00+07:00' }, LATER, calendar)).toBe('late');
  });

  test('a pause over a weekend moves the date only by its working days', () => {
    // Paused Fri 6 March 12:00 → Mon 9 March 12:00 = 12 h (Fri) + 12 h (Mon) = 24 h → due Fri 6 March 09:00.
    const d = dossier({ supplements: [round('2026-03-06T12:00:00+07:00', '2026-03-09T12:00:00+07:00')] });
    expect(legalDueAt(d, LATER, calendar)?.toISOString()).toBe('2026-03-06T02:00:00.000Z');
  });

  test('two supplementation requests make it late, even when it ends early', () => {
    const d = dossier({
      supplements: [
        round('2026-03-02T10:00:00+07:00', '2026-03-02T11:00:00+07:00'),
        round('2026-03-03T10:00:00+07:00', '2026-03-03T11:00:00+07:00'),
      ],
      endedAt: '2026-03-04T09:00:00+07:00',
    });
    expect(computeTimeliness(d, LATER, calendar)).toBe('late');
  });

  test('a supplementation asked before reception does not count', () => {
    const d = dossier({
      supplements: [
        round('2026-03-01T10:00:00+07:00', '2026-03-01T20:00:00+07:00'),
        round('2026-03-03T10:00:00+07:00', '2026-03-03T11:00:00+07:00'),
      ],
      endedAt: '2026-03-04T09:00:00+07:00',
    });
    expect(computeTimeliness(d, LATER, calendar)).toBe('early');
  });

  test('an apology does not excuse lateness: the legal date is the one fixed at reception', () => {
    const d = dossier({
      appointmentAt: '2026-03-12T09:00:00+07:00',
      previousAppointments: [APPOINTMENT],
      endedAt: '2026-03-09T10:00:00+07:00',
    });
    expect(computeTimeliness(d, LATER, calendar)).toBe('late');
  });

  test('stopped while a supplementation was outstanding: its request time is the end', () => {
    const d = dossier({ supplements: [round('2026-03-04T10:00:00+07:00')], endedAt: '2026-03-20T10:00:00+07:00' });
    expect(computeTimeliness(d, LATER, calendar)).toBe('early');
  });
});

describe('without an appointment date', () => {
  const noDate = (overrides: Partial<TimelinessInput> = {}) =>
    dossier({ appointmentAt: undefined, legalMaxWorkingDays: 5, ...overrides });

  test('on time up to the legal maximum of working days, late beyond', () => {
    // Mon 2 March 09:00 → Mon 9 March 09:00: 15 h + 4 × 24 h + 9 h = 120 h = 5 working days.
    expect(computeTimeliness(noDate({ endedAt: '2026-03-09T09:00:00+07:00' }), LATER, calendar)).toBe('on_time');
    expect(computeTimeliness(noDate({ endedAt: '2026-03-09T09:01:00+07:00' }), LATER, calendar)).toBe('late');
  });

  test('supplementation time is not counted', () => {
    // 6 working days from reception to end, 1 of them paused.
    const d = noDate({
      supplements: [round('2026-03-03T09:00:00+07:00', '2026-03-04T09:00:00+07:00')],
      endedAt: '2026-03-10T09:00:00+07:00',
    });
    expect(computeTimeliness(d, LATER, calendar)).toBe('on_time');
    expect(computeTimeliness({ ...d, endedAt: '2026-03-10T09:30:00+07:00' }, LATER, calendar)).toBe('late');
  });

  test('holidays are not counted (Tết 2026)', () => {
    // Fri 13 Feb 09:00 → Wed 25 Feb 09:00: 15 h + Mon 23, Tue 24 (48 h) + 9 h = 72 h = 3 working days.
    const d = noDate({
      receivedAt: '2026-02-13T09:00:00+07:00',
      legalMaxWorkingDays: 3,
      endedAt: '2026-02-25T09:00:00+07:00',
    });
    expect(computeTimeliness(d, LATER, calendar)).toBe('on_time');
    expect(computeTimeliness({ ...d, legalMaxWorkingDays: 2 }, LATER, calendar)).toBe('late');
  });

  test('without a legal maximum it is never late', () => {
    const d = noDate({ legalMaxWorkingDays: undefined, endedAt: '2026-06-30T09:00:00+07:00' });
    expect(computeTimeliness(d, LATER, calendar)).toBe('on_time');
  });

  test('unfinished: overdue once past the legal maximum', () => {
    expect(computeTimeliness(noDate(), at('2026-03-09T09:00:00+07:00'), calendar)).toBe('in_progress_on_time');
    expect(computeTimeliness(noDate(), at('2026-03-09T09:01:00+07:00'), calendar)).toBe('in_progress_overdue');
  });
});

describe('unfinished, withdrawn and not received', () => {
  test('null before reception, and as of a time before reception', () => {
    expect(computeTimeliness(dossier({ receivedAt: undefined, appointmentAt: undefined }), LATER, calendar)).toBeNull();
    expect(computeTimeliness(dossier(), at('2026-03-02T08:59:00+07:00'), calendar)).toBeNull();
  });

  test('withdrawn before reception: never classified', () => {
    const d = dossier({ receivedAt: undefined, appointmentAt: undefined });
    expect(computeTimeliness(d, LATER, calendar)).toBeNull();
    expect(classifyAtPeriodEnd(d, LATER, calendar)).toBeNull();
  });

  test('withdrawn after reception: the withdrawal ends it', () => {
    expect(computeTimeliness(dossier({ endedAt: '2026-03-03T09:00:00+07:00' }), LATER, calendar)).toBe('early');
  });

  test('in progress on time until the appointment, overdue after', () => {
    expect(computeTimeliness(dossier(), at('2026-03-05T09:00:00+07:00'), calendar)).toBe('in_progress_on_time');
    expect(computeTimeliness(dossier(), at('2026-03-05T09:00:01+07:00'), calendar)).toBe('in_progress_overdue');
  });

  test('events after asOf are ignored', () => {
    const d = dossier({ endedAt: '2026-03-04T09:00:00+07:00' });
    expect(computeTimeliness(d, at('2026-03-03T09:00:00+07:00'), calendar)).toBe('in_progress_on_time');
    expect(computeTimeliness(d, at('2026-03-04T09:00:00+07:00'), calendar)).toBe('early');
  });

  test('paused while a supplementation is outstanding', () => {
    const d = dossier({ supplements: [round('2026-03-04T10:00:00+07:00')] });
    expect(computeTimeliness(d, at('2026-03-10T10:00:00+07:00'), calendar)).toBe('paused');
    expect(computeTimeliness(d, at('2026-03-04T09:00:00+07:00'), calendar)).toBe('in_progress_on_time');
    const completed = dossier({ supplements: [round('2026-03-04T10:00:00+07:00', '2026-03-06T10:00:00+07:00')] });
    expect(computeTimeliness(completed, at('2026-03-05T10:00:00+07:00'), calendar)).toBe('paused');
    // Resumed: paused Wed 10:00 → Fri 10:00 = 14 h + 24 h + 10 h = 48 h. From Thu 5 March 09:00: 15 h (Thu),
    // 24 h (Fri), the weekend counts nothing, 9 h (Mon) → due Monday 9 March 09:00.
    expect(computeTimeliness(completed, at('2026-03-09T08:00:00+07:00'), calendar)).toBe('in_progress_on_time');
    expect(computeTimeliness(completed, at('2026-03-09T09:30:00+07:00'), calendar)).toBe('in_progress_overdue');
  });
});

describe('classifyAtPeriodEnd', () => {
  const periodEnd = at('2026-03-31T23:59:59+07:00');

  test('finished dossiers keep their final classification', () => {
    expect(classifyAtPeriodEnd(dossier({ endedAt: '2026-03-04T09:00:00+07:00' }), periodEnd, calendar)).toBe('early');
    expect(classifyAtPeriodEnd(dossier({ endedAt: '2026-03-05T09:00:00+07:00' }), periodEnd, calendar)).toBe('on_time');
    expect(classifyAtPeriodEnd(dossier({ endedAt: '2026-03-06T09:00:00+07:00' }), periodEnd, calendar)).toBe('late');
  });

  test('ended after the period: unfinished at its end', () => {
    const d = dossier({ endedAt: '2026-04-02T09:00:00+07:00' });
    expect(classifyAtPeriodEnd(d, at('2026-03-04T23:59:59+07:00'), calendar)).toBe('in_progress_on_time');
    expect(classifyAtPeriodEnd(d, periodEnd, calendar)).toBe('in_progress_overdue');
  });

  test('a supplementation outstanding at the period end counts its request time as the end', () => {
    // Requested before the appointment: paused within time, however long the applicant takes.
    expect(
      classifyAtPeriodEnd(dossier({ supplements: [round('2026-03-04T10:00:00+07:00')] }), periodEnd, calendar),
    ).toBe('paused_on_time');
    // Requested after the appointment had passed: paused overdue.
    expect(
      classifyAtPeriodEnd(dossier({ supplements: [round('2026-03-05T10:00:00+07:00')] }), periodEnd, calendar),
    ).toBe('paused_overdue');
    // Completed only after the period: still paused at its end.
    const completedLater = dossier({ supplements: [round('2026-03-04T10:00:00+07:00', '2026-04-01T10:00:00+07:00')] });
    expect(classifyAtPeriodEnd(completedLater, periodEnd, calendar)).toBe('paused_on_time');
  });

  test('a second outstanding round is paused overdue', () => {
    const d = dossier({
      supplements: [
        round('2026-03-02T10:00:00+07:00', '2026-03-02T11:00:00+07:00'),
        round('2026-03-03T10:00:00+07:00'),
      ],
    });
    expect(classifyAtPeriodEnd(d, periodEnd, calendar)).toBe('paused_overdue');
  });

  test('not received by the period end: not classified', () => {
    expect(classifyAtPeriodEnd(dossier(), at('2026-03-01T23:59:59+07:00'), calendar)).toBeNull();
  });
});
