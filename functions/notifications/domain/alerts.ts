/**
 * Deadline alerts to the officials holding a dossier: once when it falls due within one working day, once when
 * it is overdue. "Once" is per state, and the state includes the appointment date, so an apology that sets a
 * new date re-arms both alerts for the new date. A scheduled job calls `planDeadlineAlerts` with the keys it
 * already sent; each alert it returns travels as an `alert.*` envelope (`alertEnvelope`) into the same
 * planning as every other event.
 */
import type { DossierStatus } from '#dossiers/events.ts';
import type { EventEnvelope } from '#platform/events.ts';

export const ALERT_KINDS = ['due_soon', 'overdue'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export type AlertEventType = `alert.${AlertKind}`;
/** The alert events this context publishes through its outbox. */
export const ALERT_EVENT_TYPES: readonly AlertEventType[] = ALERT_KINDS.map((kind) => `alert.${kind}` as const);

export interface DeadlineAlert {
  /** `${dossierCode}:${kind}:${appointmentAt}`: what the sender remembers to send each alert once. */
  key: string;
  kind: AlertKind;
  dossierCode: string;
  agencyCode: string;
  appointmentAt: string;
}

export interface AlertCandidate {
  code: string;
  currentAgencyCode: string;
  appointmentAt?: string;
  status: DossierStatus;
}

export type AlertEnvelope = EventEnvelope<DeadlineAlert, AlertEventType>;

/**
 * Statuses whose clock is running. Finished dossiers (rejected, withdrawn, stopped, resolved, returned) are
 * past their deadline question; `supplement_requested` is paused: its appointment date will move.
 */
export const ALERTED_STATUSES: ReadonlySet<DossierStatus> = new Set<DossierStatus>([
  'submitted',
  'received',
  'processing',
  'payment_requested',
]);

/** The once-per-state key of an alert. */
export function alertKey(dossierCode: string, kind: AlertKind, appointmentAt: string): string {
  return `${dossierCode}:${kind}:${appointmentAt}`;
}

/**
 * The alerts to send now: overdue when `now` is past the appointment date, due soon when it falls within one
 * working day (the calendar is injected), skipping keys already sent and repeats within the batch.
 */
export function planDeadlineAlerts(
  dossiers: readonly AlertCandidate[],
  alreadySent: ReadonlySet<string>,
  now: Date,
  isDueWithinOneWorkingDay: (appointment: Date, now: Date) => boolean,
): DeadlineAlert[] {
  const alerts: DeadlineAlert[] = [];
  const planned = new Set<string>();
  for (const dossier of dossiers) {
    if (dossier.appointmentAt === undefined || !ALERTED_STATUSES.has(dossier.status)) continue;
    const appointment = new Date(dossier.appointmentAt);
    if (Number.isNaN(appointment.getTime())) {
      throw new RangeError(`Dossier ${dossier.code} has an invalid appointment date: ${dossier.appointmentAt}`);
    }
    // On time means finished at or before the appointment (domain.md), so overdue starts strictly after it.
    let kind: AlertKind | undefined;
    if (now.getTime() > appointment.getTime()) kind = 'overdue';
    else if (isDueWithinOneWorkingDay(appointment, now)) kind = 'due_soon';
    if (kind === undefined) continue;
    const key = alertKey(dossier.code, kind, dossier.appointmentAt);
    if (alreadySent.has(key) || planned.has(key)) continue;
    planned.add(key);
    alerts.push({
      key,
      kind,
      dossierCode: dossier.code,
      agencyCode: dossier.currentAgencyCode,
      appointmentAt: dossier.appointmentAt,
    });
  }
  return alerts;
}

/**
 * Wraps an alert as an event for `planNotifications`. The id derives from the key, so planning the same alert
 * twice yields the same message ids. Alerts are not versions of an aggregate, hence sequence 0.
 */
export function alertEnvelope(alert: DeadlineAlert, occurredAt: string): AlertEnvelope {
  return {
    id: `alert:${alert.key}`,
    type: `alert.${alert.kind}`,
    version: 1,
    source: 'notifications',
    subject: alert.dossierCode,
    sequence: 0,
    occurredAt,
    data: alert,
  };
}
