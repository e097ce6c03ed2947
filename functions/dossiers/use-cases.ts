/**
 * The dossiers context's use cases: submission, the lifecycle (officials' actions, the owner's supplement,
 * withdrawal and feedback, the payments context's completed payment) and the reads. Each write loads the
 * dossier, lets the domain decide (domain/decide.ts), then writes the new dossier (conditioned on the version
 * it was decided on) and its event (outbox) in one transaction.
 */
import { timingSafeEqual } from 'node:crypto';
import { startOfLocalDay, toLocalDate, type WorkingCalendar } from '#calendar/index.ts';
import { assessFees, type FeeLine, type Procedure, quantitiesFromForm, validateFormData } from '#catalog/contract.ts';
import type { PaymentEventData } from '#payments/events.ts';
import { mayOversee } from '#platform/agency-scope.ts';
import { conditionFailed, failedItems, type TransactItem, transactWrite } from '#platform/dynamo.ts';
import {
  ConflictError,
  type FieldError,
  ForbiddenError,
  type LocalizedText,
  NotFoundError,
  PreconditionFailedError,
  PreconditionRequiredError,
  ValidationError,
} from '#platform/errors.ts';
import type { EventEnvelope } from '#platform/events.ts';
import { parseIfMatch } from '#platform/http.ts';
import { runIdempotent } from '#platform/idempotency.ts';
import type { Identity } from '#platform/identity.ts';
import { inboxPut } from '#platform/inbox.ts';
import { logger } from '#platform/observability.ts';
import { envelope, outboxPut } from '#platform/outbox.ts';
import type { Language } from '#platform/problem.ts';
import type { SubmitBody } from './api/schemas.ts';
import { dossierSummary, dossierView, publicStatus } from './api/views.ts';
import { formatDossierCode, parseDossierCode } from './domain/codes.ts';
import { applyAction, createDossier, type Decision } from './domain/decide.ts';
import type { DossierListing } from './domain/listing.ts';
import {
  type ActorRole,
  type Dossier,
  type DossierAction,
  isFinal,
  type NewDossierInput,
  type PlannedStep,
} from './domain/model.ts';
import { allowedActions, blockedReason } from './domain/transitions.ts';
import { type Actor, DOSSIER_STATUSES, type DossierStatus, type SubmittedDocument } from './events.ts';
import { agencyFor, knownDocuments, procedureInEffect, workingCalendar } from './read-models.ts';
import * as store from './store.ts';

/** The payments context, as the dossier's history records it. */
export const PAYMENTS_ACTOR: Actor = { sub: 'payments', name: 'Hệ thống thanh toán', role: 'system' };

/** How many fresh sequence numbers a submission tries before giving up (a code is only taken twice when a counter was lost). */
const CODE_ATTEMPTS = 5;

const say = (language: Language, text: LocalizedText): string => text[language];

const DOSSIER_NOT_FOUND: LocalizedText = { vi: 'Không tìm thấy hồ sơ.', en: 'Dossier not found.' };
const INVALID_DOSSIER: LocalizedText = {
  vi: 'Hồ sơ chưa hợp lệ; xem danh sách lỗi.',
  en: 'The dossier is not valid; see the list of errors.',
};

const notFound = () => new NotFoundError(DOSSIER_NOT_FOUND);

// ---------------------------------------------------------------------------------------------------------
// Who is asking

export function officialActor(identity: Identity): Actor {
  const role = identity.roles.includes('leader') ? 'leader' : identity.roles.includes('officer') ? 'officer' : 'admin';
  const actor: Actor = { sub: identity.sub, role };
  if (identity.name !== undefined) actor.name = identity.name;
  if (identity.title !== undefined) actor.title = identity.title;
  if (identity.agencyCode !== undefined) actor.agencyCode = identity.agencyCode;
  return actor;
}

function ownerActor(identity: Identity, d: Dossier): Actor {
  return { sub: identity.sub, name: identity.name ?? d.applicant.fullName, role: 'citizen' };
}

const isOwner = (identity: Identity, d: Dossier): boolean =>
  identity.issuer === 'citizen' && identity.sub === d.applicant.idNumber;

/**
 * An official in scope of an agency on the dossier — the competent one, the one holding it now, the receiving desk:
 * its officers, leaders of it or of an agency above it, admins (#platform/agency-scope.ts).
 */
export const isOfficialOfDossier = (identity: Identity, d: Dossier): Promise<boolean> =>
  mayOversee(identity, [d.agencyCode, d.currentAgencyCode, d.receivingAgencyCode]);

/**
 * The caller's lifecycle role on the dossier, for the actions offered: the owner, or an official of the
 * agency holding it; undefined for anyone else (who may still read it, e.g. the receiving desk after a transfer).
 */
export function lifecycleRole(identity: Identity, d: Dossier): ActorRole | undefined {
  if (isOwner(identity, d)) return 'owner';
  if (identity.issuer !== 'official') return undefined;
  const role = officialActor(identity).role as ActorRole;
  if (role === 'admin') return 'admin';
  return identity.agencyCode === d.currentAgencyCode ? role : undefined;
}

/** The dossier if the caller may see it; otherwise the same 404 as for an unknown code (existence is not leaked). */
export async function loadVisible(identity: Identity, code: string): Promise<store.StoredDossier> {
  if (parseDossierCode(code) === undefined) throw notFound();
  const stored = await store.getDossier(code);
  if (!stored) throw notFound();
  const d = stored.dossier;
  if (!isOwner(identity, d) && !(await isOfficialOfDossier(identity, d))) throw notFound();
  return stored;
}

async function loadOwned(identity: Identity, code: string): Promise<store.StoredDossier> {
  const stored = await loadVisible(identity, code);
  if (!isOwner(identity, stored.dossier)) throw notFound();
  return stored;
}

/** If-Match given (optional for the owner's routes): it must name the current version. */
function checkOptionalIfMatch(ifMatch: string | undefined, d: Dossier): void {
  const expected = parseIfMatch(ifMatch);
  if (expected !== undefined && expected !== d.version) throw new PreconditionFailedError(d.version);
}

/** 409 with the actions the role may take, before any costly validation of an action that cannot happen now. */
function assertAllowedNow(d: Dossier, type: DossierAction['type'], role: ActorRole): void {
  const blocked = blockedReason(d, type);
  if (blocked) throw new ConflictError('action-not-allowed', blocked, { allowedActions: allowedActions(d, role) });
}

/** Domain validation errors name fields of the action; the caller sent them in the request body. */
export function decideInBody(decide: () => Decision): Decision {
  try {
    return decide();
  } catch (error) {
    if (error instanceof ValidationError) {
      throw new ValidationError(
        error.errors.map((e) => ({ ...e, path: e.path.startsWith('body') ? e.path : `body.${e.path}` })),
        error.detail,
      );
    }
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Writing a decision

/** The items that commit a decision, and the stored dossier they make. */
interface DecisionWrite {
  next: store.StoredDossier;
  /** The decided dossier, written only if still at the version it was decided on: its condition is a lost race. */
  dossierPut: TransactItem;
  /** Its new history entries and status-count moves (store.companionPuts). */
  companions: TransactItem[];
  /** Its event (outbox). */
  eventPut: TransactItem;
}

function decisionWrite(
  stored: store.StoredDossier,
  decision: Decision,
  at: Date,
  correlationId: string | undefined,
): DecisionWrite {
  const decided: store.StoredDossier = { ...stored, dossier: decision.dossier };
  const event = envelope(
    'dossiers',
    {
      type: decision.event.type,
      subject: decision.dossier.code,
      sequence: decision.dossier.version,
      data: decision.event.data,
      ...(correlationId ? { correlationId } : {}),
    },
    at,
  );
  return {
    next: store.afterWrite(decided),
    dossierPut: store.dossierPut(decided, stored.dossier.version),
    companions: store.companionPuts(decided),
    eventPut: outboxPut(store.dossiersTableName(), event),
  };
}

/**
 * Commits a decision taken for a caller; a lost race (another change got there first) is a 412. A recount that
 * counted the dossier meanwhile (a new marker, the same version: recount.ts) is no change of the dossier: the
 * decision is written again with the count where the recount put it.
 */
export async function writeDecision(
  stored: store.StoredDossier,
  decision: Decision,
  at: Date,
  extra: TransactItem[] = [],
  correlationId?: string,
): Promise<store.StoredDossier> {
  const write = decisionWrite(stored, decision, at, correlationId);
  try {
    await transactWrite([write.dossierPut, ...write.companions, write.eventPut, ...extra]);
    return write.next;
  } catch (error) {
    if (!conditionFailed(error, write.dossierPut)) throw error;
    const counted = stored.countedAs === undefined ? await store.getHeadCount(stored.dossier.code) : undefined;
    if (counted?.version !== stored.dossier.version || counted.countedAs === undefined) {
      throw new PreconditionFailedError();
    }
    return writeDecision({ ...stored, countedAs: counted.countedAs }, decision, at, extra, correlationId);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Documents and form checks shared by submission and supplementation

interface DocumentCheck {
  documents: SubmittedDocument[];
  errors: FieldError[];
}

/**
 * Each document must answer a requirement of the procedure (once), be a verified document of the applicant, and
 * have an accepted type and size; with `requireAll`, every required requirement must be answered. A document
 * some other dossier already included is marked reused.
 */
function checkDocuments(
  procedure: Procedure,
  refs: readonly { requirementCode: string; documentId: string }[],
  known: Map<string, store.StoredDocument>,
  context: {
    applicantIdNumber: string;
    dossierCode?: string;
    /** Counter intake: the desk, whose scans for the applicant (not in their store yet) it may carry. */
    receivingDesk?: string;
    requireAll: boolean;
    language: Language;
  },
): DocumentCheck {
  const { language } = context;
  const errors: FieldError[] = [];
  const documents: SubmittedDocument[] = [];
  const seen = new Set<string>();
  refs.forEach((ref, index) => {
    const at = `body.documents.${index}`;
    const requirement = procedure.requirements.find((r) => r.code === ref.requirementCode);
    if (!requirement) {
      errors.push({
        path: `${at}.requirementCode`,
        message: say(language, {
          vi: 'không phải thành phần hồ sơ của thủ tục này',
          en: 'is not a document requirement of this procedure',
        }),
      });
      return;
    }
    if (seen.has(ref.requirementCode)) {
      errors.push({
        path: `${at}.requirementCode`,
        message: say(language, { vi: 'bị lặp lại', en: 'is given more than once' }),
      });
      return;
    }
    seen.add(ref.requirementCode);
    const stored = known.get(ref.documentId);
    // The applicant's own; or, at the counter, a scan the desk digitized for the applicant (a dossier of another
    // agency cannot carry it into the applicant's store). Someone else's document and an unknown one get the same
    // answer: ids of others' files are not confirmed.
    const applicants =
      stored !== undefined &&
      (stored.document.ownerIdNumber === context.applicantIdNumber ||
        (context.receivingDesk !== undefined &&
          stored.document.ownerIdNumber === undefined &&
          stored.document.onBehalfOf === context.applicantIdNumber &&
          stored.document.ownerAgencyCode === context.receivingDesk));
    if (!stored || !applicants) {
      errors.push({
        path: `${at}.documentId`,
        message: say(language, {
          vi: 'không phải giấy tờ đã được kiểm tra của người nộp',
          en: 'is not a verified document of the applicant',
        }),
      });
      return;
    }
    const doc = stored.document;
    if (!requirement.contentTypes.includes(doc.contentType)) {
      errors.push({
        path: `${at}.documentId`,
        message: say(language, {
          vi: `định dạng ${doc.contentType} không được chấp nhận (chấp nhận: ${requirement.contentTypes.join(', ')})`,
          en: `type ${doc.contentType} is not accepted (accepted: ${requirement.contentTypes.join(', ')})`,
        }),
      });
      return;
    }
    if (doc.size > requirement.maxBytes) {
      errors.push({
        path: `${at}.documentId`,
        message: say(language, {
          vi: `tệp quá lớn (tối đa ${requirement.maxBytes} byte)`,
          en: `the file is too large (at most ${requirement.maxBytes} bytes)`,
        }),
      });
      return;
    }
    documents.push({
      requirementCode: ref.requirementCode,
      documentId: ref.documentId,
      digitized: doc.digitized,
      reused: stored.usedBy.some((code) => code !== context.dossierCode),
    });
  });
  if (context.requireAll) {
    for (const requirement of procedure.requirements) {
      if (requirement.required && !refs.some((ref) => ref.requirementCode === requirement.code)) {
        errors.push({
          path: 'body.documents',
          message: say(language, {
            vi: `thiếu thành phần bắt buộc ${requirement.code} (${requirement.name.vi})`,
            en: `the required document ${requirement.code} (${requirement.name.en ?? requirement.name.vi}) is missing`,
          }),
        });
      }
    }
  }
  return { documents, errors };
}

/** The fees the form's quantities give; a missing quantity names the form field in the body. */
function feesFor(procedure: Procedure, formData: Record<string, unknown>): FeeLine[] {
  try {
    return assessFees(procedure.fees, quantitiesFromForm(formData));
  } catch (error) {
    if (error instanceof ValidationError) {
      throw new ValidationError(
        error.errors.map((e) => ({ ...e, path: `body.${e.path}` })),
        error.detail,
      );
    }
    throw error;
  }
}

/** Steps planned at agencies of the catalog, half days kept (office time counts them exactly). */
export function plannedSteps(procedure: Procedure): PlannedStep[] {
  return (procedure.steps ?? []).flatMap((step) =>
    step.agencyCode === undefined
      ? []
      : [{ agencyCode: step.agencyCode, allottedWorkingDays: step.allottedWorkingDays }],
  );
}

/**
 * What a new dossier takes from the procedure in force when it is submitted (its version, time limits, fees,
 * steps): fixed then, whatever the catalog publishes later. The same for every door (online, counter, DVCQG).
 */
export function procedureTerms(prepared: PreparedSubmission): NewDossierInput['procedure'] {
  const { procedure } = prepared;
  return {
    code: procedure.code,
    name: procedure.name.vi,
    version: procedure.version,
    field: procedure.field,
    processingTime: procedure.processingTime,
    payBeforeReception: procedure.payBeforeReception,
    resultType: procedure.resultType,
    fees: prepared.fees,
    steps: plannedSteps(procedure),
    ...(procedure.paymentPausesClock === true ? { paymentPausesClock: true } : {}),
    ...(procedure.legalMaxWorkingDays === undefined ? {} : { legalMaxWorkingDays: procedure.legalMaxWorkingDays }),
  };
}

export const usageItems = (documents: readonly SubmittedDocument[], code: string): TransactItem[] =>
  [...new Set(documents.map((d) => d.documentId))].map((id) => store.documentUsage(id, code));

// ---------------------------------------------------------------------------------------------------------
// Submission

export interface SubmitInput {
  identity: Identity;
  body: SubmitBody;
  idempotencyKey: string;
  language: Language;
  at: Date;
  correlationId?: string;
}

export interface PreparedSubmission {
  procedure: Procedure;
  documents: SubmittedDocument[];
  fees: FeeLine[];
}

/**
 * `atCounter`: an official takes the dossier in at a desk, so a procedure not offered online is accepted too;
 * `receivingDesk`: that desk, whose scans for the applicant the dossier may carry.
 */
export async function prepareSubmission(
  body: SubmitBody,
  language: Language,
  at: Date,
  options: { atCounter?: boolean; receivingDesk?: string } = {},
): Promise<PreparedSubmission> {
  const today = toLocalDate(at);
  const [procedure, agency, known] = await Promise.all([
    procedureInEffect(body.procedureCode, today),
    agencyFor(body.agencyCode),
    knownDocuments(body.documents.map((d) => d.documentId)),
  ]);
  if (!procedure) {
    throw new ValidationError(
      [
        {
          path: 'body.procedureCode',
          message: say(language, {
            vi: 'không có thủ tục đang áp dụng với mã này',
            en: 'no procedure with this code is in effect',
          }),
        },
      ],
      INVALID_DOSSIER,
    );
  }
  const errors: FieldError[] = [];
  if (procedure.mode === 'offline' && options.atCounter !== true) {
    errors.push({
      path: 'body.procedureCode',
      message: say(language, {
        vi: 'thủ tục này không tiếp nhận hồ sơ trực tuyến',
        en: 'this procedure does not accept online submissions',
      }),
    });
  }
  if (!procedure.agencyCodes.includes(body.agencyCode) || agency?.active !== true) {
    errors.push({
      path: 'body.agencyCode',
      message: say(language, {
        vi: 'cơ quan này không tiếp nhận thủ tục này',
        en: 'this agency does not receive this procedure',
      }),
    });
  }
  if (body.resultDelivery === 'online' && procedure.resultType === 'paper') {
    errors.push({
      path: 'body.resultDelivery',
      message: say(language, {
        vi: 'kết quả của thủ tục này là bản giấy, không trả trực tuyến',
        en: 'the result of this procedure is on paper and cannot be delivered online',
      }),
    });
  }
  errors.push(...validateFormData(procedure.formSchema, body.formData, { pathPrefix: 'body.formData' }));
  const checked = checkDocuments(procedure, body.documents, known, {
    applicantIdNumber: body.applicant.idNumber,
    ...(options.receivingDesk !== undefined ? { receivingDesk: options.receivingDesk } : {}),
    requireAll: true,
    language,
  });
  errors.push(...checked.errors);
  if (errors.length > 0) throw new ValidationError(errors, INVALID_DOSSIER);
  return { procedure, documents: checked.documents, fees: feesFor(procedure, body.formData) };
}

export interface SubmitOutcome {
  status: number;
  body: unknown;
  replayed: boolean;
}

/**
 * Submits a dossier: validated against the procedure version in effect, fees assessed, a code taken from the
 * agency's daily counter, the dossier, its `dossier.submitted` event and the idempotency record written in
 * one transaction. The same key with the same body answers the same; with another body, 409.
 */
export async function submitDossier(input: SubmitInput): Promise<SubmitOutcome> {
  const { identity, body, language, at } = input;
  if (body.channel !== 'online' || body.receivingAgencyCode !== undefined || body.receive) {
    throw new ForbiddenError({
      vi: 'Chỉ cán bộ Bộ phận Một cửa mới tiếp nhận hồ sơ trực tiếp hoặc qua bưu chính.',
      en: 'Only officials of a one-stop desk take dossiers in at the counter or by post.',
    });
  }
  if (body.applicant.idNumber !== identity.sub) {
    throw new ForbiddenError({
      vi: 'Chỉ có thể nộp hồ sơ với số định danh cá nhân của chính mình.',
      en: 'You can only submit a dossier under your own identification number.',
    });
  }
  const tableName = store.dossiersTableName();
  return runIdempotent(
    { tableName, scope: `dossiers.submit.${identity.sub}`, key: input.idempotencyKey, body, at },
    async (recordPut) => {
      const prepared = await prepareSubmission(body, language, at);
      const calendar = await workingCalendar();
      const receptionDate = toLocalDate(at);
      const { address, type, ...applicant } = body.applicant;
      for (let attempt = 0; attempt < CODE_ATTEMPTS; attempt++) {
        const sequence = await store.nextSequence(body.agencyCode, receptionDate);
        const code = formatDossierCode(body.agencyCode, receptionDate, sequence);
        const decision = createDossier(
          {
            code,
            agencyCode: body.agencyCode,
            channel: 'online',
            applicant: { ...applicant, type, language },
            authenticatedWithVneid: identity.issuer === 'citizen',
            formData: body.formData,
            documents: prepared.documents,
            resultDelivery: body.resultDelivery,
            idempotencyKey: input.idempotencyKey,
            procedure: procedureTerms(prepared),
          },
          { now: at, actor: { sub: identity.sub, name: identity.name ?? applicant.fullName, role: 'citizen' } },
        );
        const stored: store.StoredDossier = {
          dossier: decision.dossier,
          storedHistory: 0,
          ...(address === undefined ? {} : { applicantAddress: address }),
        };
        const response = { status: 201, body: dossierView(stored, 'owner', at, calendar) };
        const event = envelope(
          'dossiers',
          {
            type: decision.event.type,
            subject: code,
            sequence: decision.dossier.version,
            data: decision.event.data,
            ...(input.correlationId ? { correlationId: input.correlationId } : {}),
          },
          at,
        );
        const dossierPut = store.dossierPut(stored, undefined);
        try {
          await transactWrite([
            dossierPut,
            ...store.companionPuts(stored),
            outboxPut(tableName, event),
            recordPut(response),
            ...usageItems(prepared.documents, code),
          ]);
          return response;
        } catch (error) {
          const failed = failedItems(error);
          // Only the code was taken (a counter lost and restarted): draw the next number.
          if (failed?.length === 1 && failed[0] === dossierPut) {
            logger.warn('dossier code already taken; drawing another', { code });
            continue;
          }
          throw error;
        }
      }
      throw new Error(`No free dossier code for ${body.agencyCode} on ${receptionDate}`);
    },
  );
}

// ---------------------------------------------------------------------------------------------------------
// Officials' actions

export interface ActionInput {
  identity: Identity;
  code: string;
  action: DossierAction;
  ifMatch: string | undefined;
  language: Language;
  at: Date;
  correlationId?: string;
}

export interface DossierResult {
  view: ReturnType<typeof dossierView>;
  version: number;
}

/**
 * An official's lifecycle action. Missing If-Match → 428; a version other than the current → 412 (also when
 * another official's change wins the race to the write); not allowed now → 409 naming the allowed actions.
 */
export async function actOnDossier(input: ActionInput): Promise<DossierResult> {
  const { identity, action, at, language } = input;
  const expected = parseIfMatch(input.ifMatch);
  if (expected === undefined) throw new PreconditionRequiredError();
  const stored = await loadVisible(identity, input.code);
  const d = stored.dossier;
  if (expected !== d.version) throw new PreconditionFailedError(d.version);
  if (action.type === 'transfer') {
    const target = await agencyFor(action.toAgencyCode);
    if (target?.active !== true) {
      throw new ValidationError(
        [
          {
            path: 'body.toAgencyCode',
            message: say(language, { vi: 'không phải cơ quan đang hoạt động', en: 'is not an active agency' }),
          },
        ],
        INVALID_DOSSIER,
      );
    }
  }
  const calendar = await workingCalendar();
  const decision = decideInBody(() => applyAction(d, action, { now: at, actor: officialActor(identity), calendar }));
  const next = await writeDecision(stored, decision, at, [], input.correlationId);
  return {
    view: dossierView(next, lifecycleRole(identity, next.dossier), at, calendar),
    version: next.dossier.version,
  };
}

// ---------------------------------------------------------------------------------------------------------
// The owner's actions

export interface OwnerInput {
  identity: Identity;
  code: string;
  ifMatch: string | undefined;
  language: Language;
  at: Date;
  correlationId?: string;
}

async function ownerAction(
  input: OwnerInput,
  type: 'supplement' | 'withdraw' | 'feedback',
  build: (stored: store.StoredDossier) => Promise<{ action: DossierAction; extra?: TransactItem[] }>,
): Promise<DossierResult> {
  const stored = await loadOwned(input.identity, input.code);
  const d = stored.dossier;
  checkOptionalIfMatch(input.ifMatch, d);
  assertAllowedNow(d, type, 'owner');
  const { action, extra } = await build(stored);
  const calendar = await workingCalendar();
  const decision = decideInBody(() =>
    applyAction(d, action, { now: input.at, actor: ownerActor(input.identity, d), calendar }),
  );
  const next = await writeDecision(stored, decision, input.at, extra ?? [], input.correlationId);
  return { view: dossierView(next, 'owner', input.at, calendar), version: next.dossier.version };
}

export interface SupplementBody {
  documents: { requirementCode: string; documentId: string }[];
  formData?: Record<string, unknown>;
  note?: string;
}

/**
 * The supplement action for a dossier, checked against the procedure version the dossier was submitted under:
 * each document a verified document of the applicant answering a requirement (once), with an accepted type and
 * size; form changes merged must pass the procedure's schema (400 otherwise). With the items that record the
 * documents' use. Shared by the owner's route and a supplement given on the national portal (forwarded.ts).
 */
export async function supplementAction(
  d: Dossier,
  body: SupplementBody,
  language: Language,
): Promise<{ action: DossierAction; extra: TransactItem[] }> {
  const [procedure, known] = await Promise.all([
    store.getProcedureVersion(d.procedureCode, d.procedureVersion),
    knownDocuments(body.documents.map((ref) => ref.documentId)),
  ]);
  if (!procedure) throw new Error(`Procedure ${d.procedureCode} v${d.procedureVersion} is missing from the read model`);
  const checked = checkDocuments(procedure, body.documents, known, {
    applicantIdNumber: d.applicant.idNumber,
    dossierCode: d.code,
    requireAll: false,
    language,
  });
  const errors = [...checked.errors];
  if (body.formData !== undefined) {
    const merged = { ...d.formData, ...body.formData };
    errors.push(...validateFormData(procedure.formSchema, merged, { pathPrefix: 'body.formData' }));
  }
  if (errors.length > 0) throw new ValidationError(errors, INVALID_DOSSIER);
  const action: DossierAction = {
    type: 'supplement',
    documents: checked.documents,
    ...(body.formData === undefined ? {} : { formData: body.formData }),
    ...(body.note === undefined ? {} : { note: body.note }),
  };
  return { action, extra: usageItems(checked.documents, d.code) };
}

/**
 * The owner supplements: corrected or added documents (verified, the applicant's, answering the procedure's
 * requirements) and form changes (the merged form must pass the procedure's schema). The clock resumes and the
 * appointment moves by the paused working time.
 */
export function supplementDossier(input: OwnerInput, body: SupplementBody): Promise<DossierResult> {
  return ownerAction(input, 'supplement', ({ dossier: d }) => supplementAction(d, body, input.language));
}

export function withdrawDossier(input: OwnerInput, body: { reason?: string } | undefined): Promise<DossierResult> {
  return ownerAction(input, 'withdraw', async () => ({
    action: { type: 'withdraw', ...(body?.reason === undefined ? {} : { reason: body.reason }) },
  }));
}

export function giveFeedback(
  input: OwnerInput,
  body: { rating: 'satisfied' | 'neutral' | 'dissatisfied'; comment?: string },
): Promise<DossierResult> {
  return ownerAction(input, 'feedback', async () => ({
    action: { type: 'feedback', rating: body.rating, ...(body.comment === undefined ? {} : { comment: body.comment }) },
  }));
}

// ---------------------------------------------------------------------------------------------------------
// Payments (consumer)

/**
 * Applies a completed payment as the system action `payment-completed`. A redelivered event, a dossier already
 * paid or with nothing due, and a dossier whose status no longer takes a payment (e.g. withdrawn: the payments
 * context refunds it) are no-ops; an amount other than the one due fails (and ends in the DLQ for operators).
 */
export async function applyPaymentCompleted(
  event: EventEnvelope<PaymentEventData>,
  consumer: string,
  at: Date,
): Promise<'applied' | 'no-op'> {
  const data = event.data;
  const stored = await store.getDossier(data.dossierCode);
  if (!stored) throw new Error(`payment ${data.paymentId} names an unknown dossier ${data.dossierCode}`);
  const d = stored.dossier;
  if (d.paymentStatus === 'paid' || d.feeTotal <= 0) {
    logger.info('payment for a dossier with nothing due; ignored', { dossier: d.code, paymentId: data.paymentId });
    return 'no-op';
  }
  const calendar = await workingCalendar();
  let decision: Decision;
  try {
    decision = applyAction(
      d,
      // Channel 0 is a fee taken at the desk (recorded by an official): paid, but not online (indicator 3.6).
      {
        type: 'payment-completed',
        paymentId: data.paymentId,
        amount: data.amount,
        paidOnline: data.channelCode !== 0,
        ...(data.receipt ? { receipt: { number: data.receipt.number, issuedAt: data.receipt.issuedAt } } : {}),
      },
      { now: at, actor: PAYMENTS_ACTOR, calendar },
    );
  } catch (error) {
    if (error instanceof ConflictError) {
      logger.warn('payment completed for a dossier that no longer takes it', {
        dossier: d.code,
        status: d.status,
        paymentId: data.paymentId,
      });
      return 'no-op';
    }
    throw error;
  }
  const write = decisionWrite(stored, decision, at, event.correlationId);
  const inbox = inboxPut(store.dossiersTableName(), consumer, event.id, at);
  try {
    await transactWrite([write.dossierPut, ...write.companions, write.eventPut, inbox]);
  } catch (error) {
    // The inbox record's condition: this event was applied already. Any other failure (the dossier changed
    // meanwhile) is retried by the queue, and the retry decides on the dossier as it is then.
    if (conditionFailed(error, inbox)) return 'no-op';
    throw error;
  }
  return 'applied';
}

// ---------------------------------------------------------------------------------------------------------
// Reads

/** The dossier for its owner or an official of the handling agency; timeliness as of `at`. */
export async function readDossier(identity: Identity, code: string, at: Date): Promise<DossierResult> {
  const stored = await loadVisible(identity, code);
  const calendar = await workingCalendar();
  return {
    view: dossierView(stored, lifecycleRole(identity, stored.dossier), at, calendar),
    version: stored.dossier.version,
  };
}

export interface ListQuery {
  cursor?: string;
  limit?: number;
}

const DEFAULT_LIMIT = 20;

function summaries(page: store.Page<DossierListing>, at: Date, calendar: WorkingCalendar) {
  return {
    items: page.items.map((listing) => dossierSummary(listing, at, calendar)),
    ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
  };
}

/** The citizen's own dossiers, newest first. */
export async function listMyDossiers(identity: Identity, query: ListQuery, at: Date) {
  const [page, calendar] = await Promise.all([
    store.queryOwnerDossiers(identity.sub, query.limit ?? DEFAULT_LIMIT, query.cursor),
    workingCalendar(),
  ]);
  return summaries(page, at, calendar);
}

/** `YYYY-MM-DD` is 00:00 GMT+7 of that day; a date-time is taken as is. */
function dueBeforeInstant(value: string): Date {
  return value.length === 10 ? startOfLocalDay(value) : new Date(value);
}

/** An agency's dossiers by appointment date (officials of that agency, or an admin). */
/** The queue's scope, for its lists and its counts alike: the agency's officials, leaders above it, admins. */
async function assertMayListAgency(identity: Identity, agencyCode: string): Promise<void> {
  if (!(await mayOversee(identity, [agencyCode]))) {
    throw new ForbiddenError({
      vi: 'Chỉ cán bộ của cơ quan này, lãnh đạo của cơ quan hoặc của cơ quan cấp trên được xem danh sách hồ sơ.',
      en: "Only the agency's own officials and the leaders of it or of an agency above it may list its dossiers.",
    });
  }
}

export async function listAgencyDossiers(
  identity: Identity,
  agencyCode: string,
  query: ListQuery & { status?: DossierStatus; dueBefore?: string },
  at: Date,
) {
  await assertMayListAgency(identity, agencyCode);
  const filter: { status?: DossierStatus; dueBefore?: Date } = {};
  if (query.status !== undefined) filter.status = query.status;
  if (query.dueBefore !== undefined) filter.dueBefore = dueBeforeInstant(query.dueBefore);
  const [page, calendar] = await Promise.all([
    store.queryAgencyDossiers(agencyCode, filter, query.limit ?? DEFAULT_LIMIT, query.cursor),
    workingCalendar(),
  ]);
  return summaries(page, at, calendar);
}

/**
 * How many dossiers the agency holds in each status, every status named (0 if none), and how many are unfinished
 * (the queue without a status filter): the counters kept with each transition (store.statusCounts), one Query.
 * A count below zero is known wrong (heads nobody counted: a recount is due, recount.ts): an official is shown 0,
 * and the log says where.
 */
export async function agencyStatusCounts(identity: Identity, agencyCode: string) {
  await assertMayListAgency(identity, agencyCode);
  const stored = await store.statusCounts(agencyCode);
  const counts = Object.fromEntries(
    DOSSIER_STATUSES.map((status) => {
      const count = stored.get(status) ?? 0;
      if (count < 0) logger.warn('status count below zero: recount due', { agencyCode, status, count });
      return [status, Math.max(0, count)];
    }),
  ) as Record<DossierStatus, number>;
  const unfinished = DOSSIER_STATUSES.filter((status) => !isFinal(status)).reduce((sum, s) => sum + counts[s], 0);
  return { agencyCode, counts, unfinished };
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Public status lookup: the same 404 for an unknown code and for a wrong identification number. */
export async function lookUpPublicStatus(code: string, idNumber: string) {
  if (parseDossierCode(code) === undefined) throw notFound();
  const stored = await store.getDossier(code, false);
  if (!stored || !sameText(stored.dossier.applicant.idNumber, idNumber)) throw notFound();
  return publicStatus(stored.dossier);
}
