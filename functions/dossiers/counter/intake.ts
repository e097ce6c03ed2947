/**
 * Counter and postal intake (tiếp nhận trực tiếp / qua bưu chính): an official of a one-stop desk registers a
 * dossier on behalf of the applicant who walked up to the desk or whose papers arrived by post. It is the same
 * submission as online (`POST /dossiers`, Idempotency-Key, validated against the procedure in effect), with:
 * - the channel the papers came by (`in_person` or `post`);
 * - the receiving desk (`receivingAgencyCode`, the official's own agency; any desk of the province may receive for
 *   a procedure of another agency — boundary-free — and the result comes back to it);
 * - optionally `receive: true`: received at once, so that the appointment date is fixed while the applicant waits.
 *   Both events (submitted, then received) are written with the dossier in one transaction.
 * The documents are the scans the official uploaded with `POST /documents` (`onBehalfOf`, `digitized: true`): the
 * desk's scans for the applicant, which this dossier carries into the applicant's store (the documents context puts
 * them there on dossier.submitted), or the applicant's own verified documents, as for an online submission.
 */
import { toLocalDate } from '#calendar/index.ts';
import { failedItems, transactWrite } from '#platform/dynamo.ts';
import { ForbiddenError, ValidationError } from '#platform/errors.ts';
import { runIdempotent } from '#platform/idempotency.ts';
import type { Identity } from '#platform/identity.ts';
import { logger } from '#platform/observability.ts';
import { envelope, outboxPut } from '#platform/outbox.ts';
import { dossierView } from '../api/views.ts';
import { formatDossierCode } from '../domain/codes.ts';
import { applyAction, createDossier, type Decision } from '../domain/decide.ts';
import { agencyFor, workingCalendar } from '../read-models.ts';
import * as store from '../store.ts';
import {
  lifecycleRole,
  officialActor,
  prepareSubmission,
  procedureTerms,
  type SubmitInput,
  type SubmitOutcome,
  usageItems,
} from '../use-cases.ts';

const CODE_ATTEMPTS = 5;

/** The desk an official registers for: their own agency; naming another is refused. */
export function receivingDeskOf(identity: Identity, requested: string | undefined): string {
  const own = identity.agencyCode;
  const isDeskOfficial =
    identity.issuer === 'official' && identity.roles.some((r) => r === 'officer' || r === 'leader');
  if (!isDeskOfficial || own === undefined) {
    throw new ForbiddenError({
      vi: 'Chỉ cán bộ của một cơ quan (Bộ phận Một cửa) mới tiếp nhận hồ sơ tại quầy.',
      en: 'Only officials of an agency (its one-stop desk) take dossiers in at the counter.',
    });
  }
  if (requested !== undefined && requested !== own) {
    throw new ForbiddenError({
      vi: 'Chỉ được tiếp nhận hồ sơ cho cơ quan của mình.',
      en: 'You can only take dossiers in for your own agency.',
    });
  }
  return own;
}

/**
 * Registers a dossier at the counter or from the post. Refused (403) for a desk that is not the official's and
 * for a citizen; 400 for an online channel (that is the citizen's own submission) or an invalid dossier.
 */
export async function registerAtCounter(input: SubmitInput): Promise<SubmitOutcome> {
  const { identity, body, language, at } = input;
  const desk = receivingDeskOf(identity, body.receivingAgencyCode);
  if (body.channel === 'online') {
    throw new ValidationError(
      [
        {
          path: 'body.channel',
          message:
            language === 'vi'
              ? 'cán bộ tiếp nhận hồ sơ trực tiếp (in_person) hoặc qua bưu chính (post)'
              : 'an official registers in_person or post dossiers',
        },
      ],
      { vi: 'Hồ sơ chưa hợp lệ; xem danh sách lỗi.', en: 'The dossier is not valid; see the list of errors.' },
    );
  }
  const tableName = store.dossiersTableName();
  return runIdempotent(
    { tableName, scope: `dossiers.intake.${identity.sub}`, key: input.idempotencyKey, body, at },
    async (recordPut) => {
      const [prepared, deskAgency, calendar] = await Promise.all([
        prepareSubmission(body, language, at, { atCounter: true, receivingDesk: desk }),
        agencyFor(desk),
        workingCalendar(),
      ]);
      if (deskAgency?.active !== true) {
        throw new ForbiddenError({
          vi: 'Cơ quan của bạn không phải cơ quan đang hoạt động.',
          en: 'Your agency is not an active agency.',
        });
      }
      const actor = officialActor(identity);
      const receptionDate = toLocalDate(at);
      const { address, type, ...applicant } = body.applicant;
      const decide = (code: string): Decision[] => {
        const decisions: Decision[] = [
          createDossier(
            {
              code,
              agencyCode: body.agencyCode,
              receivingAgencyCode: desk,
              channel: body.channel,
              applicant: { ...applicant, type, language },
              authenticatedWithVneid: false,
              formData: body.formData,
              documents: prepared.documents,
              resultDelivery: body.resultDelivery,
              idempotencyKey: input.idempotencyKey,
              procedure: procedureTerms(prepared),
            },
            { now: at, actor },
          ),
        ];
        if (body.receive) {
          decisions.push(applyAction(decisions[0]!.dossier, { type: 'receive' }, { now: at, actor, calendar }));
        }
        return decisions;
      };
      // Whether the desk may take it in as asked (received at once needs the fee paid first, where the procedure
      // says so) is decided before a number is drawn: a refused registration uses up no number of the day's series.
      decide(formatDossierCode(body.agencyCode, receptionDate, 1));
      for (let attempt = 0; attempt < CODE_ATTEMPTS; attempt++) {
        const sequence = await store.nextSequence(body.agencyCode, receptionDate);
        const code = formatDossierCode(body.agencyCode, receptionDate, sequence);
        const decisions = decide(code);
        const last = decisions.at(-1)!;
        const stored: store.StoredDossier = {
          dossier: last.dossier,
          storedHistory: 0,
          ...(address === undefined ? {} : { applicantAddress: address }),
        };
        const response = {
          status: 201,
          body: dossierView(stored, lifecycleRole(identity, stored.dossier), at, calendar),
        };
        const events = decisions.map((decision) =>
          envelope(
            'dossiers',
            {
              type: decision.event.type,
              subject: code,
              sequence: decision.dossier.version,
              data: decision.event.data,
              ...(input.correlationId ? { correlationId: input.correlationId } : {}),
            },
            at,
          ),
        );
        const dossierPut = store.dossierPut(stored, undefined);
        try {
          await transactWrite([
            dossierPut,
            ...store.companionPuts(stored),
            recordPut(response),
            ...events.map((event) => outboxPut(tableName, event)),
            ...usageItems(prepared.documents, code),
          ]);
          return response;
        } catch (error) {
          const failed = failedItems(error);
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
