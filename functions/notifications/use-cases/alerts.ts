/**
 * The deadline schedule: every 15 minutes, the open dossiers due within one working day or overdue, each
 * alerted once per state (`planDeadlineAlerts`; the key recorded with a conditional put). An alert travels
 * as an `alert.*` event through the table's outbox and the bus back to this context's consumer, where it is
 * planned and delivered like any other event (and so retried, logged and deduplicated the same way).
 */
import { createWorkingCalendar, type WorkingCalendar } from '#calendar/calendar.ts';
import { isDueWithinWorkingDays } from '#calendar/deadline.ts';
import { VIETNAM_CALENDAR_2025_2027 } from '#calendar/seed.ts';
import { DAY_MS } from '#calendar/time.ts';
import type { DossierStatus } from '#dossiers/events.ts';
import { logger } from '#platform/observability.ts';
import { type AlertCandidate, alertEnvelope, alertKey, planDeadlineAlerts } from '../domain/alerts.ts';
import {
  calendarYears,
  closeAlerted,
  MAX_OPEN_DOSSIERS_PER_RUN,
  openDossiersDueBefore,
  recordDeadlineAlert,
} from '../store.ts';

/**
 * How far ahead the schedule reads. "Within one working day" can span the longest break of the year
 * (Tết: five holidays plus the weekends around them), so two weeks of calendar time is always enough.
 */
export const ALERT_HORIZON_DAYS = 14;

/** The working calendar around `at`: the catalog's years where this context has them, else the built-in seed. */
export async function workingCalendarAround(at: Date): Promise<WorkingCalendar> {
  const year = at.getUTCFullYear();
  const wanted = [year - 1, year, year + 1];
  const byYear = new Map(VIETNAM_CALENDAR_2025_2027.map((c) => [c.year, c]));
  for (const calendar of await calendarYears(wanted)) byYear.set(calendar.year, calendar);
  return createWorkingCalendar([...byYear.values()]);
}

export interface AlertRun {
  /** Open dossiers read from the index. */
  read: number;
  /** Alerts recorded (and published) by this run. */
  sent: number;
}

export async function runDeadlineAlerts(at: Date): Promise<AlertRun> {
  const { dossiers, truncated } = await openDossiersDueBefore(new Date(at.getTime() + ALERT_HORIZON_DAYS * DAY_MS));
  if (truncated)
    logger.warn('deadline alerts: more open dossiers due than one run reads', { max: MAX_OPEN_DOSSIERS_PER_RUN });
  const calendar = await workingCalendarAround(at);
  const candidates: AlertCandidate[] = dossiers.map((d) => ({
    code: d.code,
    currentAgencyCode: d.currentAgencyCode,
    status: d.status as DossierStatus,
    ...(d.appointmentAt === undefined ? {} : { appointmentAt: d.appointmentAt }),
  }));
  const alreadySent = new Set(dossiers.flatMap((d) => d.alertKeys));
  const alerts = planDeadlineAlerts(candidates, alreadySent, at, (appointment, moment) =>
    isDueWithinWorkingDays(appointment, moment, 1, calendar),
  );
  let sent = 0;
  for (const alert of alerts) {
    if (await recordDeadlineAlert(alert, alertEnvelope(alert, at.toISOString()), at)) sent++;
  }
  // Dossiers whose overdue alert went out in an earlier run but came back into the index (a later event
  // rewrote the read model with the same date) leave it again: nothing more to say about that date.
  for (const d of dossiers) {
    if (d.appointmentAt !== undefined && alreadySent.has(alertKey(d.code, 'overdue', d.appointmentAt))) {
      await closeAlerted(d.code, d.appointmentAt);
    }
  }
  logger.info('deadline alerts', { read: dossiers.length, planned: alerts.length, sent });
  return { read: dossiers.length, sent };
}
