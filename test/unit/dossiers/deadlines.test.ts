/**
 * The dossiers lifecycle uses the kernel's office-time deadlines (docs/timeliness.md): reception, pauses,
 * payment waits where the procedure says so, apology dates, inter-agency steps, and a year without calendar data.
 */
import { describe, expect, test } from 'vitest';
import { createWorkingCalendar, VIETNAM_CALENDAR_2025_2027 } from '#calendar/index.ts';
import { applyAction } from '#dossiers/domain/decide.ts';
import type { Dossier, DossierAction } from '#dossiers/domain/model.ts';
import type { Actor } from '#dossiers/events.ts';
import { ConflictError, ValidationError } from '#platform/errors.ts';
import { at, calendar, dossierIn, OTHER, officer, owner, system } from './fixtures.ts';

const act = (d: Dossier, action: DossierAction, actor: Actor, localIso: string, cal = calendar) =>
  applyAction(d, action, { now: at(localIso), actor, calendar: cal });

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('deadlines in the lifecycle', () => {
  test('reception after closing counts from the next opening, and the appointment is inside office hours', () => {
    const d = dossierIn('submitted');
    const received = act(d, { type: 'receive' }, officer, '2026-03-02T18:05:00+07:00').dossier;
    expect(received.appointmentAt).toBe('2026-03-05T17:00:00+07:00');
  });

  test('a supplementation pause moves the appointment by the office time it consumed (Fri 16:00 → Mon 08:00)', () => {
    const d = dossierIn('supplement_requested', {
      appointmentAt: '2026-03-10T10:00:00+07:00',
      supplements: [{ requestedAt: '2026-03-06T16:00:00+07:00', requestedBy: officer, reason: 'Thiếu' }],
    });
    const next = act(d, { type: 'supplement' }, owner, '2026-03-09T08:00:00+07:00').dossier;
    expect(next.appointmentAt).toBe('2026-03-10T11:30:00+07:00');
    expect(next.previousAppointments).toEqual(['2026-03-10T10:00:00+07:00']);
  });

  test('where the procedure says so, the payment wait moves the appointment and the event tells the new time', () => {
    const waiting = (paymentPausesClock: boolean) =>
      dossierIn('payment_requested', {
        paymentPausesClock,
        history: [
          ...dossierIn('processing').history,
          {
            at: '2026-03-04T10:00:00+07:00',
            action: 'request-payment',
            by: officer,
            from: 'processing',
            to: 'payment_requested',
          },
        ],
      });
    const paid = act(
      waiting(true),
      { type: 'payment-completed', paymentId: 'p-1', amount: 100_000 },
      system,
      '2026-03-04T14:00:00+07:00',
    );
    // 10:00–11:30 and 13:00–14:00: 150 office minutes after Thu 5 Mar 09:00 → 11:30.
    expect(paid.dossier.appointmentAt).toBe('2026-03-05T11:30:00+07:00');
    expect(paid.event.data.details?.newAppointmentAt).toBe('2026-03-05T11:30:00+07:00');
    const unmoved = act(
      waiting(false),
      { type: 'payment-completed', paymentId: 'p-1', amount: 100_000 },
      system,
      '2026-03-04T14:00:00+07:00',
    );
    expect(unmoved.dossier.appointmentAt).toBe('2026-03-05T09:00:00+07:00');
    expect(unmoved.event.data.details?.newAppointmentAt).toBeUndefined();
  });

  test('an apology date outside office hours is refused (400), inside it is kept', () => {
    const d = dossierIn('processing');
    const refuse = (date: string) =>
      thrown(() =>
        act(d, { type: 'apologize', reason: 'Chậm', newAppointmentDate: date }, officer, '2026-03-04T09:00:00+07:00'),
      );
    expect(refuse('2026-03-09T12:00:00+07:00')).toBeInstanceOf(ValidationError);
    expect(refuse('2026-03-07')).toBeInstanceOf(ValidationError); // a Saturday
    const ok = act(
      d,
      { type: 'apologize', reason: 'Chậm', newAppointmentDate: '2026-03-09T16:00:00+07:00' },
      officer,
      '2026-03-04T09:00:00+07:00',
    );
    expect(ok.dossier.appointmentAt).toBe('2026-03-09T16:00:00+07:00');
    expect(ok.dossier.timeliness).toBe('in_progress_overdue');
  });

  test('unplanned steps may be half days, and never add up to more than the procedure', () => {
    const d = dossierIn('processing');
    const half = act(
      d,
      { type: 'transfer', toAgencyCode: OTHER, allottedWorkingDays: 1.5 },
      officer,
      '2026-03-02T10:00:00+07:00',
    );
    // 1.5 days = 720 office minutes from Mon 10:00: Mon 90 + 240, Tue morning 240, then 150 from 13:00 → Tue 15:30.
    expect(half.dossier.steps.at(-1)?.dueAt).toBe('2026-03-03T15:30:00+07:00');
    const error = thrown(() =>
      act(d, { type: 'transfer', toAgencyCode: OTHER, allottedWorkingDays: 3.5 }, officer, '2026-03-02T10:00:00+07:00'),
    );
    expect(error).toBeInstanceOf(ValidationError);
  });

  test('a deadline in a year without calendar data is a clear 409, never a Monday–Friday guess', () => {
    const only2026 = createWorkingCalendar(VIETNAM_CALENDAR_2025_2027.filter((y) => y.year === 2026));
    const d = dossierIn('submitted');
    const error = thrown(() => act(d, { type: 'receive' }, officer, '2026-12-31T16:00:00+07:00', only2026));
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).kind).toBe('calendar-year-missing');
    expect((error as ConflictError).status).toBe(409);
  });
});
