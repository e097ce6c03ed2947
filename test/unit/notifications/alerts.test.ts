import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { DOSSIER_STATUSES } from '#dossiers/events.ts';
import { type AlertCandidate, alertEnvelope, planDeadlineAlerts } from '#notifications/domain/alerts.ts';

const HOUR = 3_600_000;
// A stand-in for the working-day calendar: "due within one working day" = within 24 hours ahead.
const within24h = (appointment: Date, now: Date) =>
  appointment.getTime() >= now.getTime() && appointment.getTime() - now.getTime() <= 24 * HOUR;

const APPOINTMENT = '2026-11-25T09:30:00Z';
const dossier = (overrides: Partial<AlertCandidate> = {}): AlertCandidate => ({
  code: 'D-1',
  currentAgencyCode: 'A-1',
  appointmentAt: APPOINTMENT,
  status: 'processing',
  ...overrides,
});

describe('planDeadlineAlerts', () => {
  test('due soon within one working day, with the key naming the state', () => {
    const now = new Date('2026-11-24T12:00:00Z');
    expect(planDeadlineAlerts([dossier()], new Set(), now, within24h)).toEqual([
      {
        key: 'D-1:due_soon:2026-11-25T09:30:00Z',
        kind: 'due_soon',
        dossierCode: 'D-1',
        agencyCode: 'A-1',
        appointmentAt: APPOINTMENT,
      },
    ]);
  });

  test('nothing while the appointment is further away', () => {
    const now = new Date('2026-11-23T09:00:00Z');
    expect(planDeadlineAlerts([dossier()], new Set(), now, within24h)).toEqual([]);
  });

  test('at the appointment minute the dossier is still on time; a minute later it is overdue', () => {
    const at = new Date(APPOINTMENT);
    expect(planDeadlineAlerts([dossier()], new Set(), at, within24h)[0]?.kind).toBe('due_soon');
    const after = new Date(at.getTime() + 60_000);
    expect(planDeadlineAlerts([dossier()], new Set(), after, within24h)[0]?.kind).toBe('overdue');
  });

  test('once per state: a sent key is not sent again, the next state is', () => {
    const dueSoon = new Date('2026-11-25T01:00:00Z');
    const [first] = planDeadlineAlerts([dossier()], new Set(), dueSoon, within24h);
    const sent = new Set([first!.key]);
    expect(planDeadlineAlerts([dossier()], sent, dueSoon, within24h)).toEqual([]);
    const overdue = new Date('2026-11-25T10:00:00Z');
    const [second] = planDeadlineAlerts([dossier()], sent, overdue, within24h);
    expect(second?.key).toBe('D-1:overdue:2026-11-25T09:30:00Z');
    sent.add(second!.key);
    expect(planDeadlineAlerts([dossier()], sent, new Date('2026-11-27T10:00:00Z'), within24h)).toEqual([]);
  });

  test('an apology with a new appointment date re-arms the alerts', () => {
    const sent = new Set(['D-1:overdue:2026-11-25T09:30:00Z', 'D-1:due_soon:2026-11-25T09:30:00Z']);
    const apologized = dossier({ appointmentAt: '2026-12-02T09:30:00Z' });
    const now = new Date('2026-12-02T01:00:00Z');
    const alerts = planDeadlineAlerts([apologized], sent, now, within24h);
    expect(alerts.map((a) => a.key)).toEqual(['D-1:due_soon:2026-12-02T09:30:00Z']);
  });

  test('only unfinished dossiers with an appointment date, and never a paused one', () => {
    const now = new Date('2026-11-26T00:00:00Z');
    const alerted = DOSSIER_STATUSES.filter(
      (status) => planDeadlineAlerts([dossier({ status })], new Set(), now, within24h).length > 0,
    );
    expect(alerted).toEqual(['submitted', 'received', 'processing', 'payment_requested']);
    expect(planDeadlineAlerts([dossier({ appointmentAt: undefined })], new Set(), now, within24h)).toEqual([]);
  });

  test('goes to the agency holding the dossier now', () => {
    const now = new Date('2026-11-26T00:00:00Z');
    const [alert] = planDeadlineAlerts([dossier({ currentAgencyCode: 'A-2' })], new Set(), now, within24h);
    expect(alert?.agencyCode).toBe('A-2');
  });

  test('the same dossier twice in one batch yields one alert', () => {
    const now = new Date('2026-11-26T00:00:00Z');
    expect(planDeadlineAlerts([dossier(), dossier()], new Set(), now, within24h)).toHaveLength(1);
  });

  test('running the job again with what it sent never repeats an alert', () => {
    const candidates = fc.array(
      fc.record({
        code: fc.constantFrom('D-1', 'D-2', 'D-3'),
        currentAgencyCode: fc.constant('A-1'),
        appointmentAt: fc.constantFrom('2026-11-25T09:30:00Z', '2026-12-02T09:30:00Z'),
        status: fc.constantFrom(...DOSSIER_STATUSES),
      }),
      { maxLength: 8 },
    );
    const times = fc.array(fc.integer({ min: 0, max: 15 * 24 }), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(candidates, times, (dossiers, hours) => {
        const sent = new Set<string>();
        for (const h of [...hours].sort((a, b) => a - b)) {
          const now = new Date(Date.parse('2026-11-20T00:00:00Z') + h * HOUR);
          for (const alert of planDeadlineAlerts(dossiers, sent, now, within24h)) {
            expect(sent.has(alert.key)).toBe(false);
            sent.add(alert.key);
          }
        }
      }),
    );
  });
});

describe('alertEnvelope', () => {
  test('derives the event id from the key so replanning gives the same message ids', () => {
    const [alert] = planDeadlineAlerts([dossier()], new Set(), new Date('2026-11-26T00:00:00Z'), within24h);
    const a = alertEnvelope(alert!, '2026-11-26T00:00:00Z');
    const b = alertEnvelope(alert!, '2026-11-26T00:05:00Z');
    expect(a.id).toBe('alert:D-1:overdue:2026-11-25T09:30:00Z');
    expect(b.id).toBe(a.id);
    expect(a.type).toBe('alert.overdue');
    expect(a.source).toBe('notifications');
  });
});
