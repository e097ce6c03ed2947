/**
 * The dossier lifecycle as one explicit table (in the manner of GOV.UK Pay's state transitions): for each
 * action, the statuses it may start from and where each leads, who may take it, whether a reason is required,
 * the event it emits, and any condition beyond the status. `decide.ts` applies it; nothing else decides
 * whether an action is allowed.
 *
 * Choices the regulations leave open, made here:
 * - request-supplement is allowed before reception (the desk asks for a missing document; no clock runs yet)
 *   and after it (the clock pauses). supplement returns to the status the dossier had before the request.
 * - request-payment pauses in payment_requested; payment-completed returns to the status before. It may be
 *   asked after resolution too (fees settled when the result is collected), then it returns to resolved.
 * - A procedure with payBeforeReception cannot be received until paid: the applicant pays right after
 *   submitting, and payment-completed while submitted only marks the dossier paid.
 * - reject is the desk refusing at reception: from submitted, or from a supplementation asked before
 *   reception. After reception a dossier ends with stop, which needs a leader.
 * - withdraw is the owner's, from any status that is neither final nor at/after resolution.
 * - apologize only while unfinished and only with an appointment date to move (decide.ts checks "later").
 * - feedback once, only after the result was returned.
 * - admin is an operator role: operators change configuration, they do not act on dossiers in an agency's
 *   place, so no lifecycle action lists it.
 */
import type { LocalizedText } from '#platform/errors.ts';
import type { Actor, DossierEventType, DossierStatus } from '../events.ts';
import type { ActorRole, Dossier, DossierActionType } from './model.ts';

/** `before-pause`: back to `statusBeforePause` (the status before the supplementation/payment request). */
export type TransitionTarget = DossierStatus | 'before-pause';

export interface TransitionRule {
  /** Each status the action may be taken from, and where it leads from there. */
  from: Partial<Record<DossierStatus, TransitionTarget>>;
  roles: readonly ActorRole[];
  reasonRequired: boolean;
  event: DossierEventType;
  /** A condition beyond the status; returns why the action is not possible now. */
  guard?: (dossier: Dossier) => LocalizedText | undefined;
}

const OFFICIALS: readonly ActorRole[] = ['officer', 'leader'];

const notUnlessPaid = (d: Dossier): LocalizedText | undefined =>
  d.payBeforeReception && d.feeTotal > 0 && d.paymentStatus !== 'paid'
    ? {
        vi: 'Thủ tục yêu cầu nộp phí trước khi tiếp nhận hồ sơ.',
        en: 'The procedure requires the fees to be paid before reception.',
      }
    : undefined;

const onlyBeforeReception = (d: Dossier): LocalizedText | undefined =>
  d.receivedAt !== undefined
    ? {
        vi: 'Hồ sơ đã được tiếp nhận; chỉ có thể dừng xử lý.',
        en: 'The dossier was received; it can only be stopped.',
      }
    : undefined;

const onlyBeforeResolution = (d: Dossier): LocalizedText | undefined =>
  d.endedAt !== undefined || d.statusBeforePause === 'resolved'
    ? { vi: 'Hồ sơ đã kết thúc xử lý.', en: 'Processing of the dossier has ended.' }
    : undefined;

export const TRANSITIONS: Record<DossierActionType, TransitionRule> = {
  receive: {
    from: { submitted: 'received' },
    roles: OFFICIALS,
    reasonRequired: false,
    event: 'dossier.received',
    guard: notUnlessPaid,
  },
  reject: {
    from: { submitted: 'rejected', supplement_requested: 'rejected' },
    roles: OFFICIALS,
    reasonRequired: true,
    event: 'dossier.rejected',
    guard: onlyBeforeReception,
  },
  'request-supplement': {
    from: {
      submitted: 'supplement_requested',
      received: 'supplement_requested',
      processing: 'supplement_requested',
    },
    roles: OFFICIALS,
    reasonRequired: true,
    event: 'dossier.supplement_requested',
  },
  supplement: {
    from: { supplement_requested: 'before-pause' },
    roles: ['owner'],
    reasonRequired: false,
    event: 'dossier.supplemented',
  },
  'start-processing': {
    from: { received: 'processing' },
    roles: OFFICIALS,
    reasonRequired: false,
    event: 'dossier.processing_started',
  },
  transfer: {
    from: { processing: 'processing' },
    roles: OFFICIALS,
    reasonRequired: false,
    event: 'dossier.transferred',
  },
  'request-payment': {
    from: { received: 'payment_requested', processing: 'payment_requested', resolved: 'payment_requested' },
    roles: OFFICIALS,
    reasonRequired: false,
    event: 'dossier.payment_requested',
  },
  'payment-completed': {
    from: {
      submitted: 'submitted',
      received: 'received',
      processing: 'processing',
      payment_requested: 'before-pause',
      resolved: 'resolved',
    },
    roles: ['system'],
    reasonRequired: false,
    event: 'dossier.paid',
    guard: (d) =>
      d.paymentStatus === 'paid' || d.feeTotal <= 0
        ? { vi: 'Hồ sơ không còn khoản phí phải nộp.', en: 'Nothing is due on the dossier.' }
        : undefined,
  },
  resolve: {
    from: { received: 'resolved', processing: 'resolved' },
    roles: OFFICIALS,
    reasonRequired: false,
    event: 'dossier.resolved',
  },
  'return-result': {
    from: { resolved: 'returned' },
    roles: OFFICIALS,
    reasonRequired: false,
    event: 'dossier.returned',
  },
  stop: {
    from: {
      received: 'stopped',
      processing: 'stopped',
      supplement_requested: 'stopped',
      payment_requested: 'stopped',
    },
    roles: ['leader'],
    reasonRequired: true,
    event: 'dossier.stopped',
    guard: (d) =>
      d.receivedAt === undefined
        ? {
            vi: 'Hồ sơ chưa được tiếp nhận; hãy từ chối tiếp nhận.',
            en: 'The dossier was not received; reject it instead.',
          }
        : onlyBeforeResolution(d),
  },
  withdraw: {
    from: {
      submitted: 'withdrawn',
      received: 'withdrawn',
      processing: 'withdrawn',
      supplement_requested: 'withdrawn',
      payment_requested: 'withdrawn',
    },
    roles: ['owner'],
    reasonRequired: false,
    event: 'dossier.withdrawn',
    guard: onlyBeforeResolution,
  },
  apologize: {
    from: {
      received: 'received',
      processing: 'processing',
      supplement_requested: 'supplement_requested',
      payment_requested: 'payment_requested',
    },
    roles: OFFICIALS,
    reasonRequired: true,
    event: 'dossier.apologized',
    guard: (d) =>
      d.appointmentAt === undefined
        ? { vi: 'Hồ sơ không có ngày hẹn trả.', en: 'The dossier has no appointment date.' }
        : onlyBeforeResolution(d),
  },
  feedback: {
    from: { returned: 'returned' },
    roles: ['owner'],
    reasonRequired: false,
    event: 'dossier.feedback_given',
    guard: (d) =>
      d.feedback !== undefined
        ? { vi: 'Đã gửi đánh giá cho hồ sơ này.', en: 'Feedback was already given for this dossier.' }
        : undefined,
  },
};

export const DOSSIER_ACTION_TYPES = Object.keys(TRANSITIONS) as DossierActionType[];

/** The actions only officials take, i.e. those `POST /dossiers/{code}/actions` accepts. */
export const OFFICIAL_ACTION_TYPES = DOSSIER_ACTION_TYPES.filter((type) =>
  TRANSITIONS[type].roles.some((role) => OFFICIALS.includes(role)),
);

/**
 * The lifecycle role of an actor on a dossier: an official's role, `system`, or `owner` when a citizen's
 * subject is the applicant's identification number; `undefined` for anyone else.
 */
export function actorRole(dossier: Pick<Dossier, 'applicant'>, actor: Actor): ActorRole | undefined {
  if (actor.role === 'officer' || actor.role === 'leader' || actor.role === 'admin' || actor.role === 'system') {
    return actor.role;
  }
  return actor.sub === dossier.applicant.idNumber ? 'owner' : undefined;
}

/** Why the action is not possible from the dossier's current status, or `undefined` when it is. */
export function blockedReason(dossier: Dossier, type: DossierActionType): LocalizedText | undefined {
  const rule = TRANSITIONS[type];
  if (rule.from[dossier.status] === undefined) {
    return {
      vi: `Không thể thực hiện "${type}" khi hồ sơ ở trạng thái "${dossier.status}".`,
      en: `"${type}" is not allowed while the dossier is ${dossier.status}.`,
    };
  }
  return rule.guard?.(dossier);
}

/** The status the action leads to from the dossier's current status (assumes it is allowed). */
export function targetStatus(dossier: Dossier, type: DossierActionType): DossierStatus {
  const target = TRANSITIONS[type].from[dossier.status];
  if (target === undefined) throw new Error(`${type} is not allowed from ${dossier.status}`);
  if (target !== 'before-pause') return target;
  // A pause always records where it came from; received is the safe fallback for a record that lost it.
  return dossier.statusBeforePause ?? 'received';
}

/** The actions the given role may take on the dossier now. */
export function allowedActions(dossier: Dossier, role: ActorRole | undefined): DossierActionType[] {
  if (role === undefined) return [];
  return DOSSIER_ACTION_TYPES.filter(
    (type) => TRANSITIONS[type].roles.includes(role) && blockedReason(dossier, type) === undefined,
  );
}
