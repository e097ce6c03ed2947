/**
 * Applies one action to a dossier: checks it against the transition table, then returns the new dossier and
 * the event that records it. Pure: the caller loads the dossier, checks If-Match, and writes the dossier and
 * the event (outbox) in one transaction.
 */
import {
  CalendarYearMissingError,
  computeAppointment,
  extendForPause,
  isWithinOfficeHours,
  msSinceLocalMidnight,
  type OfficeHours,
  startOfLocalDay,
  stepDueAt,
  timelinessAt,
  toLocalIso,
  type WorkingCalendar,
} from '#calendar/index.ts';
import { ConflictError, type FieldError, ForbiddenError, ValidationError } from '#platform/errors.ts';
import {
  type Actor,
  type DossierEventData,
  type DossierEventType,
  type DossierStatus,
  type FeeLine,
  type HistoryEntry,
  NATIONAL_STATUS_CODE,
  type ProcessingStep,
} from '../events.ts';
import { parseDossierCode } from './codes.ts';
import {
  type ActorRole,
  type Dossier,
  type DossierAction,
  dossierActionSchema,
  type NewDossierInput,
  type ParsedDossierAction,
  toSnapshot,
} from './model.ts';
import { actorRole, allowedActions, blockedReason, TRANSITIONS, targetStatus } from './transitions.ts';

export interface DecisionContext {
  now: Date;
  actor: Actor;
  calendar: WorkingCalendar;
  /** Office hours, when not the calendar's own (`calendar.officeHours`, the province's). */
  hours?: OfficeHours;
}

export interface Decision {
  dossier: Dossier;
  event: { type: DossierEventType; data: DossierEventData };
}

type Details = NonNullable<DossierEventData['details']>;
type ActionOf<T extends ParsedDossierAction['type']> = Extract<ParsedDossierAction, { type: T }>;

const OFFICIAL_ROLES: readonly ActorRole[] = ['officer', 'leader', 'admin'];

function invalid(path: string, en: string, vi: string): ValidationError {
  return new ValidationError([{ path, message: en }], { vi, en });
}

/** The actor as history records it, without empty fields (stores reject `undefined`). */
function recordedActor(actor: Actor): Actor {
  const recorded: Actor = { sub: actor.sub };
  if (actor.name !== undefined) recorded.name = actor.name;
  if (actor.title !== undefined) recorded.title = actor.title;
  if (actor.agencyCode !== undefined) recorded.agencyCode = actor.agencyCode;
  if (actor.role !== undefined) recorded.role = actor.role;
  return recorded;
}

function historyEntry(
  at: string,
  action: string,
  actor: Actor,
  from: DossierStatus | null,
  to: DossierStatus,
  note?: string,
  reason?: string,
): HistoryEntry {
  const entry: HistoryEntry = { at, action, by: recordedActor(actor), from, to };
  if (note !== undefined) entry.note = note;
  if (reason !== undefined) entry.reason = reason;
  return entry;
}

function parseAction(action: DossierAction): ParsedDossierAction {
  const parsed = dossierActionSchema.safeParse(action);
  if (parsed.success) return parsed.data;
  const errors: FieldError[] = parsed.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || 'type',
    message: issue.message,
  }));
  throw new ValidationError(errors);
}

function checkActor(dossier: Dossier, type: ParsedDossierAction['type'], actor: Actor): ActorRole {
  const role = actorRole(dossier, actor);
  if (role === undefined || !TRANSITIONS[type].roles.includes(role)) {
    throw new ForbiddenError({
      vi: `Bạn không có quyền thực hiện "${type}" với hồ sơ này.`,
      en: `You may not take the action "${type}" on this dossier.`,
    });
  }
  if (OFFICIAL_ROLES.includes(role) && actor.agencyCode !== dossier.currentAgencyCode) {
    throw new ForbiddenError({
      vi: 'Hồ sơ không do cơ quan của bạn đang xử lý.',
      en: 'The dossier is not with your agency.',
    });
  }
  return role;
}

/** The open step (started, not ended), if any. */
function openStep(d: Dossier): ProcessingStep | undefined {
  return d.steps.find((s) => s.startedAt !== undefined && s.endedAt === undefined);
}

function closeOpenStep(d: Dossier, at: string): void {
  const step = openStep(d);
  if (step) step.endedAt = at;
}

/**
 * Starts the next step at `agencyCode`: the first planned, not yet started step there, else a new one with
 * `allotted` working days. A step is due its allotted working days (halves allowed) of office time after it
 * starts, never after the dossier's appointment; an unplanned step at the dossier's own agency (`allotted`
 * undefined) carries the whole processing, so it is due at the appointment.
 */
function startStep(d: Dossier, agencyCode: string, allotted: number | undefined, ctx: DecisionContext): void {
  const planned = d.steps.find((s) => s.startedAt === undefined && s.agencyCode === agencyCode);
  const step = planned ?? {
    agencyCode,
    allottedWorkingDays: allotted ?? (d.processingTime.kind === 'working_days' ? d.processingTime.days : 0),
  };
  if (planned === undefined) d.steps.push(step);
  step.startedAt = toLocalIso(ctx.now);
  const appointment = d.appointmentAt === undefined ? undefined : new Date(d.appointmentAt);
  const due =
    planned === undefined && allotted === undefined
      ? d.appointmentAt
      : toLocalIso(stepDueAt(ctx.now, step.allottedWorkingDays, appointment, ctx.calendar, hoursOf(ctx)));
  if (due !== undefined) step.dueAt = due;
}

function hoursOf(ctx: DecisionContext): OfficeHours {
  return ctx.hours ?? ctx.calendar.officeHours;
}

/**
 * Moves the appointment (and the open step's due time) later by the office time a pause consumed, keeping the
 * replaced appointment; returns the new appointment when it moved.
 */
function extendAppointmentForPause(d: Dossier, pauseFrom: Date, ctx: DecisionContext): string | undefined {
  let moved: string | undefined;
  if (d.appointmentAt !== undefined && d.receivedAt !== undefined) {
    const next = toLocalIso(extendForPause(new Date(d.appointmentAt), pauseFrom, ctx.now, ctx.calendar, hoursOf(ctx)));
    if (Date.parse(next) !== Date.parse(d.appointmentAt)) {
      d.previousAppointments.push(d.appointmentAt);
      d.appointmentAt = next;
      moved = next;
    }
  }
  const step = openStep(d);
  if (step?.dueAt !== undefined) {
    step.dueAt = toLocalIso(extendForPause(new Date(step.dueAt), pauseFrom, ctx.now, ctx.calendar, hoursOf(ctx)));
  }
  return moved;
}

/** The apology's new appointment: a date keeps the current appointment's time of day; a date-time is taken as is. */
function newAppointmentFrom(value: string, current: Date): Date {
  if (value.length > 10) return new Date(value);
  return new Date(startOfLocalDay(value).getTime() + msSinceLocalMidnight(current));
}

function feeTotal(fees: FeeLine[]): number {
  return fees.reduce((sum, line) => sum + line.amount, 0);
}

/** Each action's effect on the (copied) dossier beyond status, version and history; returns event details. */
type Effect<T extends ParsedDossierAction['type']> = (
  d: Dossier,
  action: ActionOf<T>,
  ctx: DecisionContext,
  from: DossierStatus,
) => Details | undefined;

const EFFECTS: { [T in ParsedDossierAction['type']]: Effect<T> } = {
  receive(d, _action, ctx) {
    d.receivedAt = toLocalIso(ctx.now);
    const appointment = computeAppointment(ctx.now, d.processingTime, ctx.calendar, hoursOf(ctx));
    if (appointment) d.appointmentAt = toLocalIso(appointment);
    // Boundary-free intake: the receiving desk forwards the dossier to the competent agency at reception.
    if (d.receivingAgencyCode !== undefined && d.currentAgencyCode === d.receivingAgencyCode) {
      d.currentAgencyCode = d.agencyCode;
      return { fromAgencyCode: d.receivingAgencyCode, toAgencyCode: d.agencyCode };
    }
    return undefined;
  },

  reject(d, action, ctx) {
    const at = toLocalIso(ctx.now);
    d.rejectedAt = at;
    d.endedAt = at;
    delete d.statusBeforePause;
    return { reason: action.reason };
  },

  'request-supplement'(d, action, ctx, from) {
    d.statusBeforePause = from;
    d.supplements.push({
      requestedAt: toLocalIso(ctx.now),
      requestedBy: recordedActor(ctx.actor),
      reason: action.reason!,
    });
    return { reason: action.reason };
  },

  supplement(d, action, ctx) {
    const round = d.supplements.findLast((r) => r.completedAt === undefined);
    if (round) {
      round.completedAt = toLocalIso(ctx.now);
      // Kept with the round: the national portal is told what each supplement carried (DanhSachGiayToBoSung).
      if (action.documents?.length) round.documents = structuredClone(action.documents);
      extendAppointmentForPause(d, new Date(round.requestedAt), ctx);
    }
    // A corrected document replaces the one for the same requirement; a new requirement is added.
    for (const doc of action.documents ?? []) {
      const index = d.documents.findIndex((existing) => existing.requirementCode === doc.requirementCode);
      if (index >= 0) d.documents[index] = doc;
      else d.documents.push(doc);
    }
    if (action.formData) d.formData = { ...d.formData, ...action.formData };
    delete d.statusBeforePause;
    return undefined;
  },

  'start-processing'(d, _action, ctx) {
    startStep(d, d.currentAgencyCode, undefined, ctx);
    return undefined;
  },

  transfer(d, action, ctx) {
    const fromAgencyCode = d.currentAgencyCode;
    if (action.toAgencyCode === fromAgencyCode) {
      throw invalid('toAgencyCode', 'The dossier is already with this agency.', 'Hồ sơ đang ở chính cơ quan này.');
    }
    const planned = d.steps.some((s) => s.startedAt === undefined && s.agencyCode === action.toAgencyCode);
    if (!planned && action.allottedWorkingDays === undefined) {
      throw invalid(
        'allottedWorkingDays',
        'No step is planned at this agency: give its allotted working days.',
        'Quy trình không có bước tại cơ quan này: cần nêu số ngày làm việc được giao.',
      );
    }
    if (!planned && d.processingTime.kind === 'working_days') {
      // The steps of an inter-agency dossier never add up to more than its processing time.
      const allotted = d.steps.reduce((sum, s) => sum + s.allottedWorkingDays, 0) + action.allottedWorkingDays!;
      if (allotted > d.processingTime.days) {
        throw invalid(
          'allottedWorkingDays',
          `The steps would allot ${allotted} working days, more than the ${d.processingTime.days} of the procedure.`,
          `Các bước sẽ dùng ${allotted} ngày làm việc, vượt quá ${d.processingTime.days} ngày của thủ tục.`,
        );
      }
    }
    closeOpenStep(d, toLocalIso(ctx.now));
    startStep(d, action.toAgencyCode, planned ? undefined : action.allottedWorkingDays, ctx);
    d.currentAgencyCode = action.toAgencyCode;
    return { fromAgencyCode, toAgencyCode: action.toAgencyCode };
  },

  'request-payment'(d, action, _ctx, from) {
    let fees: FeeLine[];
    if (action.fees) {
      fees = action.fees;
      if (action.amount !== undefined && action.amount !== feeTotal(fees)) {
        throw invalid(
          'amount',
          'The amount differs from the total of the fee lines.',
          'Số tiền khác tổng các khoản phí.',
        );
      }
    } else if (action.amount !== undefined) {
      fees = [{ code: 'obligation', name: 'Nghĩa vụ tài chính', amount: action.amount }];
    } else {
      fees = d.fees;
    }
    if (feeTotal(fees) <= 0) {
      throw invalid('fees', 'There is nothing to pay: give the fee lines or the amount.', 'Không có khoản phải nộp.');
    }
    d.fees = structuredClone(fees);
    d.feeTotal = feeTotal(fees);
    d.paymentStatus = 'unpaid';
    d.statusBeforePause = from;
    return { amount: d.feeTotal };
  },

  'payment-completed'(d, action, ctx, from) {
    if (action.amount !== d.feeTotal) {
      throw invalid('amount', `The amount due is ${d.feeTotal} VND.`, `Số tiền phải nộp là ${d.feeTotal} đồng.`);
    }
    d.paymentStatus = 'paid';
    d.paidOnline = action.paidOnline;
    // On the dossier so that a receipt slip printed after payment says it was paid, and under which receipt.
    if (action.receipt) d.paymentReceipt = { number: action.receipt.number, issuedAt: action.receipt.issuedAt };
    let newAppointmentAt: string | undefined;
    if (from === 'payment_requested') {
      delete d.statusBeforePause;
      // Where the procedure says so, the wait was the applicant's time: the appointment moves by it, and the
      // event carries the exact new time so the applicant is told when the result comes (dispatch 3170).
      const requested = d.history.findLast((entry) => entry.to === 'payment_requested');
      if (d.paymentPausesClock === true && requested !== undefined) {
        newAppointmentAt = extendAppointmentForPause(d, new Date(requested.at), ctx);
      }
    }
    return {
      paymentId: action.paymentId,
      amount: action.amount,
      ...(newAppointmentAt === undefined ? {} : { newAppointmentAt }),
    };
  },

  resolve(d, action, ctx) {
    const at = toLocalIso(ctx.now);
    d.result = action.result;
    d.endedAt = at;
    closeOpenStep(d, at);
    // The result goes back to the desk that received the dossier, which returns it.
    d.currentAgencyCode = d.receivingAgencyCode ?? d.agencyCode;
    return undefined;
  },

  'return-result'(d, action, ctx) {
    const at = toLocalIso(ctx.now);
    const to = action.returnedTo ?? d.resultDelivery;
    if (to === 'counter') {
      const collector = action.collectedBy;
      if (collector === undefined) {
        throw invalid(
          'collectedBy',
          'At the counter, record who collected the result (name and ID number from the document checked).',
          'Trả tại quầy: cần ghi người nhận kết quả (họ tên, số định danh theo giấy tờ đã kiểm tra).',
        );
      }
      if (collector.idNumber !== d.applicant.idNumber && collector.authorization === undefined) {
        throw invalid(
          'collectedBy.authorization',
          'The collector is not the applicant: record the power of attorney they showed.',
          'Người nhận không phải người nộp hồ sơ: cần ghi giấy ủy quyền đã xuất trình.',
        );
      }
    } else if (action.collectedBy !== undefined) {
      throw invalid(
        'collectedBy',
        'Only a result returned at the counter is collected.',
        'Chỉ trả tại quầy mới có người nhận.',
      );
    }
    if (to === 'online' && action.returnedTo === 'online' && d.result?.electronic !== true) {
      throw invalid(
        'returnedTo',
        'The result is on paper: it cannot be returned online.',
        'Kết quả là bản giấy, không thể trả trực tuyến.',
      );
    }
    d.returnedAt = at;
    d.returned = {
      to,
      at,
      agencyCode: ctx.actor.agencyCode ?? d.currentAgencyCode,
      ...(to === 'counter' && action.collectedBy ? { collectedBy: { ...action.collectedBy } } : {}),
    };
    return undefined;
  },

  stop(d, action, ctx) {
    const at = toLocalIso(ctx.now);
    d.endedAt = at;
    closeOpenStep(d, at);
    delete d.statusBeforePause;
    return { reason: action.reason };
  },

  withdraw(d, action, ctx) {
    const at = toLocalIso(ctx.now);
    // Withdrawal ends processing only once the dossier was received (domain.md, timeliness).
    if (d.receivedAt !== undefined) d.endedAt = at;
    closeOpenStep(d, at);
    delete d.statusBeforePause;
    return action.reason === undefined ? undefined : { reason: action.reason };
  },

  apologize(d, action, ctx) {
    const current = new Date(d.appointmentAt!);
    const proposed = newAppointmentFrom(action.newAppointmentDate, current);
    if (!isWithinOfficeHours(proposed, ctx.calendar, hoursOf(ctx))) {
      throw invalid(
        'newAppointmentDate',
        'The new appointment must be on a working day, within office hours.',
        'Ngày hẹn mới phải là ngày làm việc, trong giờ hành chính.',
      );
    }
    if (proposed.getTime() <= Math.max(current.getTime(), ctx.now.getTime())) {
      throw invalid(
        'newAppointmentDate',
        'The new appointment must be later than the current one and than now.',
        'Ngày hẹn mới phải sau ngày hẹn hiện tại và sau thời điểm hiện tại.',
      );
    }
    const previousAppointmentAt = d.appointmentAt!;
    const newAppointmentAt = toLocalIso(proposed);
    d.previousAppointments.push(previousAppointmentAt);
    d.appointmentAt = newAppointmentAt;
    d.apologies.push({
      at: toLocalIso(ctx.now),
      newAppointmentAt,
      previousAppointmentAt,
      reason: action.reason!,
      by: recordedActor(ctx.actor),
    });
    return { newAppointmentAt, previousAppointmentAt, reason: action.reason };
  },

  feedback(d, action, ctx) {
    d.feedback = { rating: action.rating, at: toLocalIso(ctx.now) };
    if (action.comment !== undefined) d.feedback.comment = action.comment;
    return undefined;
  },
};

/**
 * Runs deadline arithmetic, turning a calendar year without data into a clear 409 (`calendar-year-missing`):
 * the province has to load the year before deadlines in it can be given (docs/operations.md).
 */
function withCalendar<T>(compute: () => T): T {
  try {
    return compute();
  } catch (error) {
    if (!(error instanceof CalendarYearMissingError)) throw error;
    throw new ConflictError(
      'calendar-year-missing',
      {
        vi: `Lịch ngày làm việc chưa có dữ liệu năm ${error.year}; cần cập nhật lịch năm ${error.year} trước khi tính hạn.`,
        en: `The working-day calendar has no data for ${error.year}; load the ${error.year} calendar before deadlines in it can be computed.`,
      },
      { year: error.year },
    );
  }
}

/**
 * Applies an action: ForbiddenError when the actor may not take it (wrong role, or an official of another
 * agency than the one holding the dossier), ConflictError `action-not-allowed` (with `allowedActions`) when the
 * dossier's status or state does not allow it, ValidationError naming the field when the input is incomplete.
 */
export function applyAction(dossier: Dossier, action: DossierAction, ctx: DecisionContext): Decision {
  const type = (action as { type?: unknown } | undefined)?.type;
  if (typeof type !== 'string' || !Object.hasOwn(TRANSITIONS, type)) {
    throw invalid('type', 'Unknown action type.', 'Loại thao tác không hợp lệ.');
  }
  const actionType = type as ParsedDossierAction['type'];
  const role = checkActor(dossier, actionType, ctx.actor);
  const blocked = blockedReason(dossier, actionType);
  if (blocked) {
    throw new ConflictError('action-not-allowed', blocked, { allowedActions: allowedActions(dossier, role) });
  }
  const parsed = parseAction(action);
  const rule = TRANSITIONS[actionType];
  if (rule.reasonRequired && parsed.reason === undefined) {
    throw invalid('reason', 'A reason is required for this action.', 'Thao tác này cần nêu lý do.');
  }

  const from = dossier.status;
  const to = targetStatus(dossier, actionType);
  const next = structuredClone(dossier);
  const effect = EFFECTS[actionType] as Effect<typeof actionType>;
  const details = withCalendar(() => effect(next, parsed, ctx, from));

  next.status = to;
  next.nationalStatusCode = NATIONAL_STATUS_CODE[to];
  next.version = dossier.version + 1;
  const entry = historyEntry(toLocalIso(ctx.now), actionType, ctx.actor, from, to, parsed.note, parsed.reason);
  next.history.push(entry);
  next.timeliness = withCalendar(() => timelinessAt(next, ctx.now, { calendar: ctx.calendar, hours: hoursOf(ctx) }));

  const data: DossierEventData = { dossier: toSnapshot(next), entry: structuredClone(entry) };
  if (details !== undefined) data.details = details;
  return { dossier: next, event: { type: rule.event, data } };
}

/**
 * Builds a newly submitted dossier (version 1) and its `dossier.submitted` event from a validated submission,
 * the procedure as it stood at submission, and the code assigned to it.
 */
export function createDossier(input: NewDossierInput, ctx: Omit<DecisionContext, 'calendar'>): Decision {
  if (parseDossierCode(input.code) === undefined) {
    throw invalid('code', 'Invalid dossier code.', 'Mã hồ sơ không hợp lệ.');
  }
  const at = toLocalIso(ctx.now);
  const fees = structuredClone(input.procedure.fees);
  const total = feeTotal(fees);
  const entry = historyEntry(at, 'submit', ctx.actor, null, 'submitted');
  const dossier: Dossier = {
    code: input.code,
    procedureCode: input.procedure.code,
    procedureName: input.procedure.name,
    procedureVersion: input.procedure.version,
    field: input.procedure.field,
    agencyCode: input.agencyCode,
    currentAgencyCode: input.receivingAgencyCode ?? input.agencyCode,
    ...(input.receivingAgencyCode !== undefined && input.receivingAgencyCode !== input.agencyCode
      ? { receivingAgencyCode: input.receivingAgencyCode }
      : {}),
    channel: input.channel,
    applicant: structuredClone(input.applicant),
    authenticatedWithVneid: input.authenticatedWithVneid,
    status: 'submitted',
    nationalStatusCode: NATIONAL_STATUS_CODE.submitted,
    version: 1,
    submittedAt: at,
    previousAppointments: [],
    timeliness: null,
    supplements: [],
    steps: (input.procedure.steps ?? []).map((s) => ({
      agencyCode: s.agencyCode,
      allottedWorkingDays: s.allottedWorkingDays,
    })),
    documents: structuredClone(input.documents),
    fees,
    feeTotal: total,
    paidOnline: false,
    resultType: input.procedure.resultType,
    resultDelivery: input.resultDelivery,
    history: [entry],
    formData: structuredClone(input.formData),
    processingTime: structuredClone(input.procedure.processingTime),
    payBeforeReception: input.procedure.payBeforeReception,
    apologies: [],
  };
  if (total > 0) dossier.paymentStatus = 'unpaid';
  if (input.procedure.legalMaxWorkingDays !== undefined) {
    dossier.legalMaxWorkingDays = input.procedure.legalMaxWorkingDays;
  }
  if (input.procedure.paymentPausesClock === true) dossier.paymentPausesClock = true;
  if (input.idempotencyKey !== undefined) dossier.idempotencyKey = input.idempotencyKey;
  return {
    dossier,
    event: { type: 'dossier.submitted', data: { dossier: toSnapshot(dossier), entry: structuredClone(entry) } },
  };
}
