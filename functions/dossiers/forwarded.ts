/**
 * Dossiers forwarded by the national portal (DVCQG): the portal context announces a forwarded submission once
 * its files are the applicant's verified documents (portal.dossier_forwarded); this creates the dossier through
 * the same submission rules as `POST /dossiers` (prepareSubmission: procedure in effect, agency, form, required
 * documents; fees assessed), with channel online, source `dvcqg` and the portal's id. It then lives the normal
 * lifecycle (status submitted, in the agency's queue; the appointment is fixed at reception).
 *
 * Idempotent by the portal's id (MaHoSo): the idempotency record `dossiers.dvcqg / <MaHoSo>` goes in the
 * dossier's transaction, so a redelivered event finds it and creates nothing. A document not yet in this
 * context's read model (document.verified travels on another queue) makes the event fail and be retried.
 *
 * A supplement the citizen gave on the portal (portal.supplement_forwarded) is applied here too, as the owner's
 * supplement action with the same checks (`supplementAction`); the answer goes back to the portal context in
 * the same transaction: dossier.forwarded_supplement_applied (beside dossier.supplemented), or
 * dossier.forwarded_supplement_refused with the reason when the dossier is unknown, not waiting for a
 * supplement, or the documents do not answer the procedure — nothing is dropped.
 */
import { toLocalDate } from '#calendar/index.ts';
import { failedItems, type TransactItem, transactWrite } from '#platform/dynamo.ts';
import { ConflictError, ValidationError } from '#platform/errors.ts';
import type { EventEnvelope } from '#platform/events.ts';
import { runIdempotent } from '#platform/idempotency.ts';
import { logger } from '#platform/observability.ts';
import { envelope, outboxPut } from '#platform/outbox.ts';
import type { ForwardedSubmissionData, SupplementForwardedData } from '#portal/events.ts';
import { type SubmitBody, submitBodySchema } from './api/schemas.ts';
import { formatDossierCode } from './domain/codes.ts';
import { applyAction, createDossier, type Decision } from './domain/decide.ts';
import type { DossierAction } from './domain/model.ts';
import { blockedReason } from './domain/transitions.ts';
import type { ForwardedSupplementEventType, ForwardedSupplementOutcomeData } from './events.ts';
import { workingCalendar } from './read-models.ts';
import * as store from './store.ts';
import { prepareSubmission, procedureTerms, supplementAction, usageItems, writeDecision } from './use-cases.ts';

const CODE_ATTEMPTS = 5;

/** The national portal, as the dossier's history records who submitted through it. */
const portalActor = (fullName: string) => ({
  sub: 'dvcqg',
  name: `${fullName} (qua Cổng DVCQG)`,
  role: 'citizen' as const,
});

export async function createForwardedDossier(event: EventEnvelope, at: Date): Promise<void> {
  const data = event.data as ForwardedSubmissionData;
  const missing = (await store.getDocuments(data.documents.map((d) => d.documentId))).size;
  if (missing < new Set(data.documents.map((d) => d.documentId)).size) {
    // document.verified has not reached this context's read model yet: retried through SQS visibility.
    throw new Error(`documents of forwarded dossier ${data.nationalId} are not all known here yet`);
  }
  // The same request schema as POST /dossiers (shapes, limits, defaults: an online submission).
  const body: SubmitBody = submitBodySchema.parse({
    procedureCode: data.procedureCode,
    agencyCode: data.agencyCode,
    applicant: data.applicant,
    formData: data.formData,
    documents: data.documents,
    resultDelivery: data.resultDelivery,
  });
  const tableName = store.dossiersTableName();
  await runIdempotent({ tableName, scope: 'dossiers.dvcqg', key: data.nationalId, body, at }, async (recordPut) => {
    const prepared = await prepareSubmission(body, 'vi', at);
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
          applicant: { ...applicant, type, language: 'vi' },
          // DVCQG logs citizens in with VNeID only (Decree 59/2022).
          authenticatedWithVneid: true,
          formData: body.formData,
          documents: prepared.documents,
          resultDelivery: body.resultDelivery,
          procedure: procedureTerms(prepared),
        },
        { now: at, actor: portalActor(applicant.fullName) },
      );
      const origin = { source: 'dvcqg' as const, nationalDossierId: data.nationalId };
      Object.assign(decision.dossier, origin);
      Object.assign(decision.event.data.dossier, origin);
      const stored: store.StoredDossier = {
        dossier: decision.dossier,
        storedHistory: 0,
        ...(address === undefined ? {} : { applicantAddress: address }),
      };
      const outcome = { status: 201, body: { code } };
      const submitted = envelope(
        'dossiers',
        {
          type: decision.event.type,
          subject: code,
          sequence: decision.dossier.version,
          data: decision.event.data,
          correlationId: data.nationalId,
        },
        at,
      );
      const dossierPut = store.dossierPut(stored, undefined);
      try {
        await transactWrite([
          dossierPut,
          ...store.companionPuts(stored),
          outboxPut(tableName, submitted),
          recordPut(outcome),
          ...usageItems(prepared.documents, code),
        ]);
        logger.info('forwarded dossier created', { nationalId: data.nationalId, code });
        return outcome;
      } catch (error) {
        // Only the code taken (not a document's usage): draw another code.
        const failed = failedItems(error);
        if (failed?.length === 1 && failed[0] === dossierPut) continue;
        throw error;
      }
    }
    throw new Error(`No free dossier code for ${body.agencyCode} on ${receptionDate}`);
  });
}

// ---------------------------------------------------------------------------------------------------------
// A supplement given on the national portal

type Refusal = NonNullable<ForwardedSupplementOutcomeData['reason']>;

const validationRefusal = (error: ValidationError): Refusal => ({
  code: 'invalid-data',
  detail: `${error.errors.length} problem(s) with the supplement's documents`,
  errors: error.errors.map((e) => ({ field: e.path, message: e.message })),
});

function outcomePut(
  type: ForwardedSupplementEventType,
  data: ForwardedSupplementOutcomeData,
  sequence: number,
  at: Date,
): TransactItem {
  return outboxPut(
    store.dossiersTableName(),
    envelope('dossiers', { type, subject: data.dossierCode, sequence, data, correlationId: data.nationalId }, at),
  );
}

/**
 * Applies a supplement the citizen gave on the national portal: the owner's supplement action, as the citizen
 * acting through the portal (authenticated there with VNeID). Idempotent by the event (an official's retry on
 * the portal's side is a new event, decided anew).
 */
export async function applyForwardedSupplement(event: EventEnvelope, at: Date): Promise<void> {
  const data = event.data as SupplementForwardedData;
  const ids = new Set(data.documents.map((d) => d.documentId));
  if ((await store.getDocuments([...ids])).size < ids.size) {
    // document.verified has not reached this context's read model yet: retried through SQS visibility.
    throw new Error(
      `documents of the supplement ${data.supplementId} of ${data.nationalId} are not all known here yet`,
    );
  }
  const tableName = store.dossiersTableName();
  const answer: Omit<ForwardedSupplementOutcomeData, 'reason'> = {
    nationalId: data.nationalId,
    supplementId: data.supplementId,
    dossierCode: data.dossierCode,
  };
  await runIdempotent(
    { tableName, scope: 'dossiers.dvcqg-supplement', key: event.id, body: data, at },
    async (recordPut) => {
      const stored = await store.getDossier(data.dossierCode);
      const refuse = async (reason: Refusal, sequence: number) => {
        const outcome = { status: 409, body: { refused: reason.code } };
        await transactWrite([
          outcomePut('dossier.forwarded_supplement_refused', { ...answer, reason }, sequence, at),
          recordPut(outcome),
        ]);
        logger.warn('supplement from the national portal refused', {
          nationalId: data.nationalId,
          supplementId: data.supplementId,
          reason: reason.code,
        });
        return outcome;
      };
      if (!stored || stored.dossier.nationalDossierId !== data.nationalId) {
        return refuse(
          {
            code: 'unknown-dossier',
            detail: `no dossier ${data.dossierCode} forwarded under ${data.nationalId}`,
          },
          0,
        );
      }
      const d = stored.dossier;
      if (blockedReason(d, 'supplement')) {
        return refuse(
          {
            code: 'not-awaiting-supplement',
            detail: `the dossier ${d.code} is ${d.status}, not waiting for a supplement`,
          },
          d.version,
        );
      }
      const note = `Bổ sung trên Cổng DVCQG (${data.supplementId})${data.note ? `: ${data.note}` : ''}`;
      let prepared: { action: DossierAction; extra: TransactItem[] };
      let decision: Decision;
      try {
        prepared = await supplementAction(d, { documents: data.documents, note }, 'en');
        decision = applyAction(d, prepared.action, {
          now: at,
          actor: { sub: d.applicant.idNumber, name: `${d.applicant.fullName} (qua Cổng DVCQG)`, role: 'citizen' },
          calendar: await workingCalendar(),
        });
      } catch (error) {
        if (error instanceof ValidationError) return refuse(validationRefusal(error), d.version);
        if (error instanceof ConflictError) {
          return refuse({ code: 'not-awaiting-supplement', detail: error.detail.en }, d.version);
        }
        throw error;
      }
      const outcome = { status: 200, body: { applied: decision.dossier.version } };
      // A lost race with another change of the dossier (412) fails the event: the retry decides on it as it is.
      await writeDecision(
        stored,
        decision,
        at,
        [
          ...prepared.extra,
          outcomePut('dossier.forwarded_supplement_applied', answer, decision.dossier.version, at),
          recordPut(outcome),
        ],
        data.nationalId,
      );
      logger.info('supplement from the national portal applied', {
        nationalId: data.nationalId,
        supplementId: data.supplementId,
        code: d.code,
      });
      return outcome;
    },
  );
}
