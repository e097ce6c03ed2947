/**
 * The dossiers context's published language: the events it writes through its outbox.
 *
 * Every event carries the dossier as it stands after the change (`dossier`), so that notifications,
 * reporting and the national-portal sync never need to read the dossiers table (a context owns its table).
 * `sequence` on the envelope is the dossier's version after the change.
 */
import type { TimelinessState } from '#calendar/timeliness.ts';
import type { EventEnvelope } from '#platform/events.ts';

export const DOSSIER_STATUSES = [
  'submitted',
  'received',
  'rejected',
  'processing',
  'supplement_requested',
  'payment_requested',
  'withdrawn',
  'stopped',
  'resolved',
  'returned',
] as const;
export type DossierStatus = (typeof DOSSIER_STATUSES)[number];

/** Status codes used when syncing to the National Public Service Portal (domain.md). */
export const NATIONAL_STATUS_CODE: Record<DossierStatus, number> = {
  submitted: 1,
  received: 2,
  rejected: 3,
  processing: 4,
  supplement_requested: 5,
  payment_requested: 6,
  withdrawn: 7,
  stopped: 8,
  resolved: 9,
  returned: 10,
};

export type Channel = 'in_person' | 'online' | 'post';
/** National channel codes: 1 in person, 2 online, 3 public postal service. */
export const CHANNEL_CODE: Record<Channel, 1 | 2 | 3> = { in_person: 1, online: 2, post: 3 };

/** By the national rule (packages/calendar/src/timeliness.ts, docs/timeliness.md): final, or open as of now. */
export type Timeliness = TimelinessState;

export interface Actor {
  sub: string;
  name?: string;
  title?: string;
  agencyCode?: string;
  role?: 'citizen' | 'officer' | 'leader' | 'admin' | 'system';
}

export interface FeeLine {
  code: string;
  name: string;
  amount: number;
}

export interface HistoryEntry {
  at: string;
  action: string;
  by: Actor;
  from: DossierStatus | null;
  to: DossierStatus;
  note?: string;
  reason?: string;
}

export interface SubmittedDocument {
  requirementCode: string;
  documentId: string;
  digitized: boolean;
  reused: boolean;
}

export interface SupplementRound {
  requestedAt: string;
  requestedBy: Actor;
  reason: string;
  completedAt?: string;
  /** The documents given with the supplement (corrected or added), as they came; absent before it or with none. */
  documents?: SubmittedDocument[];
}

/** One step of an inter-agency (liên thông) dossier; each step is timed against its allotted working days. */
export interface ProcessingStep {
  agencyCode: string;
  allottedWorkingDays: number;
  startedAt?: string;
  dueAt?: string;
  endedAt?: string;
}

export interface DossierResult {
  documentId?: string;
  number: string;
  signer: string;
  issuedBy: string;
  signedAt: string;
  documentType?: string;
  electronic: boolean;
}

/** The dossier as every event carries it. Personal data is limited to what notifications and sync need. */
export interface DossierSnapshot {
  code: string;
  procedureCode: string;
  procedureName: string;
  procedureVersion: number;
  field: string;
  agencyCode: string;
  /** The agency currently holding the dossier (differs from agencyCode during inter-agency steps). */
  currentAgencyCode: string;
  /**
   * The one-stop desk that took the dossier in at its counter or by post, when it is not the competent agency's
   * own (boundary-free intake, phi địa giới): the result comes back to it. Absent: the competent agency received it.
   */
  receivingAgencyCode?: string;
  channel: Channel;
  /** Where the dossier came from when not one of motcua's own doors: 'dvcqg' = forwarded by the national portal. */
  source?: 'dvcqg';
  /** The national portal's id of a forwarded dossier (its MaHoSo), to match status records sent back. */
  nationalDossierId?: string;
  applicant: {
    idNumber: string;
    fullName: string;
    type: 'citizen' | 'business';
    phone?: string;
    email?: string;
    language: 'vi' | 'en';
  };
  authenticatedWithVneid: boolean;
  status: DossierStatus;
  nationalStatusCode: number;
  version: number;
  submittedAt: string;
  receivedAt?: string;
  appointmentAt?: string;
  previousAppointments: string[];
  /** Legal maximum in working days, used by the timeliness rule when there is no appointment date. */
  legalMaxWorkingDays?: number;
  /** The procedure counts waiting for the applicant's financial obligation as the applicant's time (clock paused). */
  paymentPausesClock?: boolean;
  endedAt?: string;
  returnedAt?: string;
  rejectedAt?: string;
  timeliness: Timeliness | null;
  supplements: SupplementRound[];
  steps: ProcessingStep[];
  documents: SubmittedDocument[];
  fees: FeeLine[];
  feeTotal: number;
  paymentStatus?: 'unpaid' | 'pending' | 'paid' | 'refunded';
  paidOnline: boolean;
  /** The receipt of the payment that settled the fees (its number in the payments context's series). */
  paymentReceipt?: { number: string; issuedAt: string };
  resultType: 'electronic' | 'paper';
  result?: DossierResult;
  resultDelivery: 'online' | 'counter' | 'post';
  feedback?: { rating: 'satisfied' | 'neutral' | 'dissatisfied'; comment?: string; at: string };
  /** How the result was handed back (return-result): at the counter to whom, by post with which shipment, or online. */
  returned?: ResultReturn;
  /**
   * Not the whole history: only the entries other contexts read (`isSnapshotHistoryEntry`), in order. The entry
   * the event records is `entry`, whatever it is; the whole history is the dossier's (GET /dossiers/{code}).
   */
  history: HistoryEntry[];
}

/** Statuses that end a dossier's processing, as reporting dates a closing (functions/reporting/domain/facts.ts). */
const ENDING_STATUSES: readonly DossierStatus[] = ['resolved', 'returned', 'rejected', 'stopped', 'withdrawn'];

/**
 * Whether an event's snapshot carries a history entry. The whole history grows with every action (each supplement
 * round, transfer, apology…), and every event carried it: the outbox item and every consumer's message grew with
 * the dossier's age (issue #16). What consumers read of it:
 * - the timeliness rule (packages/calendar/src/timeliness.ts; reporting's facts: final timeliness, handling time,
 *   open states): apology letters, and entering or leaving a payment wait (`from`/`to` payment_requested — every
 *   such entry, since the rule ends a wait at any entry leaving that status);
 * - reporting's closing time of a snapshot without `endedAt` (facts.ts `closingTime`): the earliest transition
 *   into an ending status — an entry into one from another status (entries that stay, e.g. feedback on a
 *   returned dossier, come later).
 * Notifications, the national-portal sync, documents and payments read none (the sync's progress step is `entry`).
 * A new reader of the history in another context adds what it reads here.
 */
export function isSnapshotHistoryEntry(e: Pick<HistoryEntry, 'action' | 'from' | 'to'>): boolean {
  if (e.action === 'apologize' || e.from === 'payment_requested' || e.to === 'payment_requested') return true;
  return ENDING_STATUSES.includes(e.to) && e.from !== e.to;
}

/** Someone collecting a result at the counter, as the official checked their identity document. */
export interface ResultCollector {
  name: string;
  idNumber: string;
  /** Set when the collector is not the applicant: the power of attorney (giấy ủy quyền) they showed. */
  authorization?: string;
}

/** A result sent by post: the provider's shipment and its last known state. */
export interface PostalShipment {
  provider: string;
  trackingNumber: string;
  status: 'in_transit' | 'delivered' | 'returned_to_sender';
  handedOverAt: string;
  /** When the provider reported the last status (delivered or back at the sender). */
  settledAt?: string;
}

export interface ResultReturn {
  to: 'counter' | 'post' | 'online';
  at: string;
  /** The desk that returned it. */
  agencyCode: string;
  collectedBy?: ResultCollector;
  shipment?: PostalShipment;
}

export const DOSSIER_EVENT_TYPES = [
  'dossier.submitted',
  'dossier.received',
  'dossier.rejected',
  'dossier.supplement_requested',
  'dossier.supplemented',
  'dossier.processing_started',
  'dossier.transferred',
  'dossier.payment_requested',
  'dossier.paid',
  'dossier.resolved',
  'dossier.returned',
  'dossier.withdrawn',
  'dossier.stopped',
  'dossier.apologized',
  'dossier.feedback_given',
  'dossier.delivery_updated',
] as const;
export type DossierEventType = (typeof DOSSIER_EVENT_TYPES)[number];

export interface DossierEventData {
  dossier: DossierSnapshot;
  /** The history entry this event records. */
  entry: HistoryEntry;
  /** Event-specific details (e.g. transfer target, payment amount, apology's new date). */
  details?: {
    toAgencyCode?: string;
    fromAgencyCode?: string;
    amount?: number;
    paymentId?: string;
    newAppointmentAt?: string;
    previousAppointmentAt?: string;
    reason?: string;
  };
}

export type DossierEvent = EventEnvelope<DossierEventData, DossierEventType>;

/**
 * The answer to a supplement the citizen gave on the national portal (portal.supplement_forwarded), for the
 * portal context only: not lifecycle events (no snapshot; the lifecycle event of an applied supplement is the
 * usual dossier.supplemented, written in the same transaction).
 * - `dossier.forwarded_supplement_applied`: the supplement action was applied to the dossier.
 * - `dossier.forwarded_supplement_refused`: it could not be (`reason.code`: unknown-dossier, the dossier is not
 *   waiting for a supplement, or the documents do not answer the procedure), and nothing changed.
 */
export const FORWARDED_SUPPLEMENT_EVENT_TYPES = [
  'dossier.forwarded_supplement_applied',
  'dossier.forwarded_supplement_refused',
] as const;
export type ForwardedSupplementEventType = (typeof FORWARDED_SUPPLEMENT_EVENT_TYPES)[number];

export interface ForwardedSupplementOutcomeData {
  /** The portal's ids of the dossier (MaHoSo) and of the round (HoSoBoSungId), as the portal event named them. */
  nationalId: string;
  supplementId: string;
  dossierCode: string;
  /** Refused: why. */
  reason?: {
    code: 'unknown-dossier' | 'not-awaiting-supplement' | 'invalid-data';
    detail: string;
    errors?: { field: string; message: string }[];
  };
}
