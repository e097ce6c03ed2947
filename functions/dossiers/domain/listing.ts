/**
 * What the lists show of a dossier (the citizen's dossiers, an agency's queue, a desk's day and tracking book):
 * a small, bounded copy kept on the dossier item as `listing`, and the only attribute the list indexes project.
 *
 * Why: an index that projects the whole item is rewritten with the whole item (history, form data, documents)
 * at every transition, in each of the four indexes — most of a transition's write units (issue #16). The
 * listing is ~1 KB whatever the dossier's history, so an index write costs one unit (two when its key moves).
 * It carries exactly what a summary and the one timeliness rule read: of the history only the entries the rule
 * uses (apology letters, the payment waits), of the supplementation rounds only their times.
 */
import type { Dossier } from './model.ts';

export interface DossierListing {
  code: string;
  procedureCode: string;
  procedureName: string;
  agencyCode: string;
  currentAgencyCode: string;
  receivingAgencyCode?: string;
  channel: Dossier['channel'];
  source?: Dossier['source'];
  applicant: { idNumber: string; fullName: string };
  status: Dossier['status'];
  nationalStatusCode: number;
  version: number;
  submittedAt: string;
  receivedAt?: string;
  appointmentAt?: string;
  previousAppointments: string[];
  legalMaxWorkingDays?: number;
  paymentPausesClock?: boolean;
  endedAt?: string;
  returnedAt?: string;
  rejectedAt?: string;
  supplements: { requestedAt: string; completedAt?: string }[];
  /** Only the transitions the timeliness rule reads: apology letters and entering or leaving a payment wait. */
  history: { at: string; action: string; from: string | null; to: string }[];
  feeTotal: number;
  paymentStatus?: Dossier['paymentStatus'];
  /** Who took the dossier in: the official who registered it at the counter, else the one who received it. */
  intakeOfficial?: { sub: string; name?: string };
  /** To whom the result went: the collector's name, or the postal tracking number. */
  returnedTo?: { collectorName?: string; trackingNumber?: string };
}

const timelinessEntry = (e: { action: string; from: string | null; to: string }): boolean =>
  e.action === 'apologize' || e.from === 'payment_requested' || e.to === 'payment_requested';

function intakeOfficialOf(d: Dossier): DossierListing['intakeOfficial'] {
  const entry =
    d.channel === 'online'
      ? d.history.find((e) => e.action === 'receive')
      : (d.history.find((e) => e.action === 'submit') ?? d.history.find((e) => e.action === 'receive'));
  return entry ? { sub: entry.by.sub, ...(entry.by.name ? { name: entry.by.name } : {}) } : undefined;
}

/** The dossier's listing (pure; written with every change of the dossier). */
export function listingOf(d: Dossier): DossierListing {
  const listing: DossierListing = {
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
    previousAppointments: [...d.previousAppointments],
    supplements: d.supplements.map((round) => ({
      requestedAt: round.requestedAt,
      ...(round.completedAt === undefined ? {} : { completedAt: round.completedAt }),
    })),
    history: d.history.filter(timelinessEntry).map((e) => ({ at: e.at, action: e.action, from: e.from, to: e.to })),
    feeTotal: d.feeTotal,
  };
  if (d.receivingAgencyCode !== undefined) listing.receivingAgencyCode = d.receivingAgencyCode;
  if (d.source !== undefined) listing.source = d.source;
  if (d.receivedAt !== undefined) listing.receivedAt = d.receivedAt;
  if (d.appointmentAt !== undefined) listing.appointmentAt = d.appointmentAt;
  if (d.legalMaxWorkingDays !== undefined) listing.legalMaxWorkingDays = d.legalMaxWorkingDays;
  if (d.paymentPausesClock !== undefined) listing.paymentPausesClock = d.paymentPausesClock;
  if (d.endedAt !== undefined) listing.endedAt = d.endedAt;
  if (d.returnedAt !== undefined) listing.returnedAt = d.returnedAt;
  if (d.rejectedAt !== undefined) listing.rejectedAt = d.rejectedAt;
  if (d.paymentStatus !== undefined) listing.paymentStatus = d.paymentStatus;
  const intake = intakeOfficialOf(d);
  if (intake) listing.intakeOfficial = intake;
  const collector = d.returned?.collectedBy?.name;
  const tracking = d.returned?.shipment?.trackingNumber;
  if (collector !== undefined || tracking !== undefined) {
    listing.returnedTo = {
      ...(collector === undefined ? {} : { collectorName: collector }),
      ...(tracking === undefined ? {} : { trackingNumber: tracking }),
    };
  }
  return listing;
}
