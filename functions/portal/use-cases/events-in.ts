/**
 * The portal context's consumers: its copy of the local catalog (procedures, agencies) from catalog events,
 * and the progress of forwarded dossiers and of supplementation rounds answered on the portal from documents
 * and dossiers events. Each event is applied once: the inbox record goes in the same transaction as the effect;
 * a stale or replayed event changes nothing.
 */
import type { AgencyUpsertedData, ProcedurePublishedData, ProcedureRetiredData } from '#catalog/events.ts';
import type { DocumentEventData } from '#documents/events.ts';
import type { DossierEventData, ForwardedSupplementOutcomeData } from '#dossiers/events.ts';
import { conditionFailed, failedItems, type TransactItem, transactWrite } from '#platform/dynamo.ts';
import type { EventEnvelope } from '#platform/events.ts';
import { inboxPut } from '#platform/inbox.ts';
import { logger } from '#platform/observability.ts';
import { envelope, outboxPut } from '#platform/outbox.ts';
import { toForwardedSubmission } from '../adapter/forwarded.ts';
import { type Forward, type Intake, onDocumentVerdict, onDossierCreated } from '../domain/forward.ts';
import { onSupplementApplied, onSupplementRefused, type Supplement } from '../domain/supplement.ts';
import * as store from '../store.ts';
import { forwardedSubmission } from './intake.ts';
import { supplementForwardedPut } from './supplements.ts';

async function applyOnce(effect: TransactItem[], consumer: string, event: EventEnvelope, at: Date): Promise<boolean> {
  try {
    await transactWrite([...effect, inboxPut(store.portalTableName(), consumer, event.id, at)]);
    return true;
  } catch (error) {
    if (conditionFailed(error)) return false; // the inbox's (applied before) or the effect's own condition
    throw error;
  }
}

export async function applyCatalogEvent(consumer: string, event: EventEnvelope, at: Date): Promise<void> {
  if (event.type === 'catalog.procedure_published') {
    const { procedure } = event.data as ProcedurePublishedData;
    const current = await store.getProcedure(procedure.code);
    if (current && current.status === 'published' && current.version > procedure.version) return;
    await applyOnce(
      [
        store.procedurePut(
          {
            code: procedure.code,
            version: procedure.version,
            name: procedure.name.vi,
            status: 'published',
            mode: procedure.mode,
            agencyCodes: [...procedure.agencyCodes],
            requirements: procedure.requirements.map((r) => ({
              code: r.code,
              name: r.name.vi,
              required: r.required,
              contentTypes: [...r.contentTypes],
              maxBytes: r.maxBytes,
            })),
            formSchema: procedure.formSchema,
          },
          event.sequence,
        ),
      ],
      consumer,
      event,
      at,
    );
  } else if (event.type === 'catalog.procedure_retired') {
    const { code, version } = event.data as ProcedureRetiredData;
    const current = await store.getProcedure(code);
    if (!current || current.version !== version) return;
    await applyOnce([store.procedurePut({ ...current, status: 'retired' }, event.sequence)], consumer, event, at);
  } else if (event.type === 'catalog.agency_upserted') {
    const { agency } = event.data as AgencyUpsertedData;
    await applyOnce(
      [store.agencyPut({ code: agency.code, name: agency.name.vi, active: agency.active }, event.sequence)],
      consumer,
      event,
      at,
    );
  }
}

/**
 * Re-reads and re-applies while another writer wins the race on the forward or round (few writers, few retries).
 */
async function updateIntake<T extends Intake<unknown>>(
  load: () => Promise<T | undefined>,
  put: (next: T, expectedVersion: number) => TransactItem,
  consumer: string,
  event: EventEnvelope,
  at: Date,
  change: (f: T) => { next: T; extra: TransactItem[] } | undefined,
): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const f = await load();
    if (!f) return;
    const decided = change(f);
    if (!decided) return;
    const forwardPut = put(decided.next, f.version);
    try {
      await transactWrite([forwardPut, ...decided.extra, inboxPut(store.portalTableName(), consumer, event.id, at)]);
      return;
    } catch (error) {
      const failed = failedItems(error);
      if (failed === undefined) throw error;
      if (!failed.includes(forwardPut)) return; // not the forward's version: applied before (the inbox)
    }
  }
  throw new Error(`forwarded dossier ${event.subject} kept changing; the event will be retried`);
}

const updateForward = (
  nationalId: string,
  consumer: string,
  event: EventEnvelope,
  at: Date,
  change: (f: Forward) => { next: Forward; extra: TransactItem[] } | undefined,
) => updateIntake(() => store.getForward(nationalId), store.putForwardVersion, consumer, event, at, change);

const updateSupplement = (
  nationalId: string,
  supplementId: string,
  consumer: string,
  event: EventEnvelope,
  at: Date,
  change: (s: Supplement) => { next: Supplement; extra: TransactItem[] } | undefined,
) =>
  updateIntake(
    () => store.getSupplement(nationalId, supplementId),
    store.putSupplementVersion,
    consumer,
    event,
    at,
    change,
  );

export async function applyIntakeEvent(consumer: string, event: EventEnvelope, at: Date): Promise<void> {
  const iso = at.toISOString();
  if (event.type === 'document.verified' || event.type === 'document.rejected') {
    const data = event.data as DocumentEventData;
    const ref = await store.getDocRef(data.documentId);
    if (!ref) return; // not a file of a forwarded dossier
    const verdict =
      event.type === 'document.verified'
        ? ({ status: 'clean' } as const)
        : ({ status: 'rejected', reason: data.reason ?? 'rejected' } as const);
    if (ref.supplementId !== undefined) {
      await updateSupplement(ref.nationalId, ref.supplementId, consumer, event, at, (s) => {
        const next = onDocumentVerdict(s, data.documentId, verdict, iso);
        if (!next) return undefined;
        return { next, extra: next.status === 'forwarded' ? [supplementForwardedPut(next, at)] : [] };
      });
      return;
    }
    const nationalId = ref.nationalId;
    await updateForward(nationalId, consumer, event, at, (f) => {
      const next = onDocumentVerdict(f, data.documentId, verdict, iso);
      if (!next) return undefined;
      const extra: TransactItem[] = [];
      if (next.status === 'forwarded') {
        const converted = toForwardedSubmission(f.record);
        if (!converted.ok) throw new Error(`forwarded record ${f.nationalId} no longer converts`);
        extra.push(
          outboxPut(
            store.portalTableName(),
            envelope(
              'portal',
              {
                type: 'portal.dossier_forwarded',
                subject: f.nationalId,
                sequence: next.version,
                data: forwardedSubmission(next, converted.value),
              },
              at,
            ),
          ),
        );
      }
      return { next, extra };
    });
  } else if (event.type === 'dossier.submitted') {
    const { dossier } = event.data as DossierEventData;
    const nationalId = (dossier as { nationalDossierId?: string }).nationalDossierId;
    if (!nationalId) return;
    await updateForward(nationalId, consumer, event, at, (f) => {
      const next = onDossierCreated(f, dossier.code, iso);
      return next ? { next, extra: [] } : undefined;
    });
    logger.info('forwarded dossier accepted', { nationalId, dossierCode: dossier.code });
  } else if (
    event.type === 'dossier.forwarded_supplement_applied' ||
    event.type === 'dossier.forwarded_supplement_refused'
  ) {
    const data = event.data as ForwardedSupplementOutcomeData;
    await updateSupplement(data.nationalId, data.supplementId, consumer, event, at, (s) => {
      const next =
        event.type === 'dossier.forwarded_supplement_applied'
          ? onSupplementApplied(s, data.dossierCode, iso)
          : onSupplementRefused(
              s,
              data.reason ?? { code: 'not-awaiting-supplement', detail: 'refused by the dossiers context' },
              iso,
            );
      return next ? { next, extra: [] } : undefined;
    });
    if (event.type === 'dossier.forwarded_supplement_refused') {
      logger.warn('supplement from the national portal refused by the dossiers context; held for an official', {
        nationalId: data.nationalId,
        supplementId: data.supplementId,
        reason: data.reason?.code,
      });
    }
  }
}
