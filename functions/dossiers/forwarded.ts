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
 */
import { toLocalDate } from '#calendar/index.ts';
import { failedItems, transactWrite } from '#platform/dynamo.ts';
import type { EventEnvelope } from '#platform/events.ts';
import { runIdempotent } from '#platform/idempotency.ts';
import { logger } from '#platform/observability.ts';
import { envelope, outboxPut } from '#platform/outbox.ts';
import type { ForwardedSubmissionData } from '#portal/events.ts';
import { type SubmitBody, submitBodySchema } from './api/schemas.ts';
import { formatDossierCode } from './domain/codes.ts';
import { createDossier } from './domain/decide.ts';
import * as store from './store.ts';
import { plannedSteps, prepareSubmission, usageItems } from './use-cases.ts';

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
          procedure: {
            code: prepared.procedure.code,
            name: prepared.procedure.name.vi,
            version: prepared.procedure.version,
            field: prepared.procedure.field,
            processingTime: prepared.procedure.processingTime,
            payBeforeReception: prepared.procedure.payBeforeReception,
            resultType: prepared.procedure.resultType,
            fees: prepared.fees,
            steps: plannedSteps(prepared.procedure),
            ...(prepared.procedure.paymentPausesClock === true ? { paymentPausesClock: true } : {}),
            ...(prepared.procedure.legalMaxWorkingDays === undefined
              ? {}
              : { legalMaxWorkingDays: prepared.procedure.legalMaxWorkingDays }),
          },
        },
        { now: at, actor: portalActor(applicant.fullName) },
      );
      const origin = { source: 'dvcqg' as const, nationalDossierId: data.nationalId };
      Object.assign(decision.dossier, origin);
      Object.assign(decision.event.data.dossier, origin);
      const stored: store.StoredDossier = {
        dossier: decision.dossier,
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
