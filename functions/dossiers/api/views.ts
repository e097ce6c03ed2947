/**
 * What callers see of a dossier: the full view (owner, officials of the handling agency), a list summary, and
 * the public status. Timeliness comes from the kernel's one rule (packages/calendar/src/timeliness.ts), as of
 * the request, so that a dossier whose appointment passed reads as overdue without any write, and so that it
 * is exactly what the reports count for the dossier.
 */
import { type OfficeHours, timelinessAt, type WorkingCalendar } from '#calendar/index.ts';
import type { DossierListing } from '../domain/listing.ts';
import type { ActorRole, Dossier } from '../domain/model.ts';
import { allowedActions } from '../domain/transitions.ts';
import type { Timeliness } from '../events.ts';
import type { StoredDossier } from '../store.ts';
import type { DossierSummary, DossierView, PublicStatus } from './schemas.ts';

/** Timeliness as of `asOf` by the national rule: final once processing ended, else open as of `asOf`. */
export function currentTimeliness(
  d: Dossier | DossierListing,
  asOf: Date,
  calendar: WorkingCalendar,
  hours?: OfficeHours,
): Timeliness | null {
  return timelinessAt(d, asOf, hours === undefined ? { calendar } : { calendar, hours });
}

/** The full dossier; `role` is the caller's lifecycle role, for the actions offered (undefined: none). */
export function dossierView(
  stored: StoredDossier,
  role: ActorRole | undefined,
  asOf: Date,
  calendar: WorkingCalendar,
): DossierView {
  const {
    idempotencyKey: _idempotencyKey,
    processingTime: _processingTime,
    payBeforeReception: _payBeforeReception,
    statusBeforePause: _statusBeforePause,
    ...visible
  } = stored.dossier;
  return {
    ...structuredClone(visible),
    applicant: {
      ...visible.applicant,
      ...(stored.applicantAddress === undefined ? {} : { address: stored.applicantAddress }),
    },
    timeliness: currentTimeliness(stored.dossier, asOf, calendar),
    allowedActions: allowedActions(stored.dossier, role),
  };
}

/** A list's line: from the listing the list indexes hold (or from the whole dossier, which has every field). */
export function dossierSummary(d: DossierListing, asOf: Date, calendar: WorkingCalendar): DossierSummary {
  const summary: DossierSummary = {
    code: d.code,
    procedureCode: d.procedureCode,
    procedureName: d.procedureName,
    agencyCode: d.agencyCode,
    currentAgencyCode: d.currentAgencyCode,
    channel: d.channel,
    applicant: { idNumber: d.applicant.idNumber, fullName: d.applicant.fullName },
    status: d.status,
    nationalStatusCode: d.nationalStatusCode,
    version: d.version,
    submittedAt: d.submittedAt,
    timeliness: currentTimeliness(d, asOf, calendar),
    feeTotal: d.feeTotal,
  };
  if (d.source !== undefined) summary.source = d.source;
  if (d.receivedAt !== undefined) summary.receivedAt = d.receivedAt;
  if (d.appointmentAt !== undefined) summary.appointmentAt = d.appointmentAt;
  if (d.endedAt !== undefined) summary.endedAt = d.endedAt;
  if (d.paymentStatus !== undefined) summary.paymentStatus = d.paymentStatus;
  return summary;
}

/** Where the dossier stands, with nothing personal in it. */
export function publicStatus(d: Dossier): PublicStatus {
  return {
    code: d.code,
    procedureCode: d.procedureCode,
    procedureName: d.procedureName,
    agencyCode: d.agencyCode,
    status: d.status,
    nationalStatusCode: d.nationalStatusCode,
    submittedAt: d.submittedAt,
    ...(d.appointmentAt === undefined ? {} : { appointmentAt: d.appointmentAt }),
  };
}
