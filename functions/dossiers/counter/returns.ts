/**
 * Returning the result (trả kết quả): `return-result` with `returnedTo` counter (the official records who collected
 * it, from the identity document checked), post (a shipment with the postal provider; its tracking number is kept
 * and its delivery reported later) or online. The returned time is the dossier's `returnedAt`, which timeliness and
 * the reports read. The postal hand-over is created before the dossier is written, under a reference derived from
 * the dossier and its version, so a retry after a lost write reuses the same shipment.
 */
import { toLocalIso } from '#calendar/index.ts';
import { lostRace, transactWrite } from '#platform/dynamo.ts';
import {
  ConflictError,
  NotFoundError,
  PreconditionFailedError,
  PreconditionRequiredError,
  ValidationError,
} from '#platform/errors.ts';
import { parseIfMatch } from '#platform/http.ts';
import { envelope, outboxPut } from '#platform/outbox.ts';
import { dossierView } from '../api/views.ts';
import { applyAction, type Decision } from '../domain/decide.ts';
import { toSnapshot } from '../domain/model.ts';
import type { HistoryEntry, PostalShipment } from '../events.ts';
import { workingCalendar } from '../read-models.ts';
import * as store from '../store.ts';
import {
  type ActionInput,
  type DossierResult,
  decideInBody,
  lifecycleRole,
  loadVisible,
  officialActor,
  writeDecision,
} from '../use-cases.ts';
import { postalProvider } from './postal.ts';

type ReturnAction = Extract<ActionInput['action'], { type: 'return-result' }>;

export async function returnResult(input: ActionInput & { action: ReturnAction }): Promise<DossierResult> {
  const { identity, action, at, language } = input;
  const expected = parseIfMatch(input.ifMatch);
  if (expected === undefined) throw new PreconditionRequiredError();
  const stored = await loadVisible(identity, input.code);
  const d = stored.dossier;
  if (expected !== d.version) throw new PreconditionFailedError(d.version);
  const calendar = await workingCalendar();
  const decision: Decision = decideInBody(() =>
    applyAction(d, action, { now: at, actor: officialActor(identity), calendar }),
  );
  if (decision.dossier.returned?.to === 'post') {
    const address = stored.applicantAddress;
    if (address === undefined) {
      throw new ValidationError(
        [
          {
            path: 'body.returnedTo',
            message:
              language === 'vi'
                ? 'hồ sơ không có địa chỉ của người nộp để gửi qua bưu điện'
                : "the dossier has no applicant's address to post the result to",
          },
        ],
        { vi: 'Không thể gửi kết quả qua bưu điện.', en: 'The result cannot be sent by post.' },
      );
    }
    const provider = postalProvider();
    const shipment = await provider.createShipment(
      {
        reference: `${d.code}#v${d.version}`,
        dossierCode: d.code,
        recipient: {
          name: d.applicant.fullName,
          address,
          ...(d.applicant.phone === undefined ? {} : { phone: d.applicant.phone }),
        },
        contents: `Kết quả giải quyết hồ sơ ${d.code}`,
      },
      at,
    );
    const recorded: PostalShipment = {
      provider: shipment.provider,
      trackingNumber: shipment.trackingNumber,
      status: 'in_transit',
      handedOverAt: toLocalIso(at),
    };
    decision.dossier.returned = { ...decision.dossier.returned, shipment: recorded };
    decision.event.data.dossier = toSnapshot(decision.dossier);
  }
  const next = await writeDecision(stored, decision, at, [], input.correlationId);
  return {
    view: dossierView(next, lifecycleRole(identity, next.dossier), at, calendar),
    version: next.dossier.version,
  };
}

const POSTAL_ACTOR = { sub: 'post', name: 'Dịch vụ bưu chính', role: 'system' as const };

/**
 * The provider reports a shipment delivered or returned to the sender: recorded on the dossier (a new version and
 * a `dossier.delivery_updated` event). A repeated report of the same outcome changes nothing.
 */
export async function recordDeliveryOutcome(
  dossierCode: string,
  trackingNumber: string,
  status: 'delivered' | 'returned_to_sender',
  at: Date,
): Promise<'applied' | 'no-op'> {
  const stored = await store.getDossier(dossierCode);
  const shipment = stored?.dossier.returned?.shipment;
  if (!stored || shipment?.trackingNumber !== trackingNumber) {
    throw new NotFoundError({ vi: 'Không có bưu gửi này.', en: 'No such shipment.' });
  }
  if (shipment.status === status) return 'no-op';
  if (shipment.status !== 'in_transit') {
    throw new ConflictError('shipment-settled', {
      vi: 'Bưu gửi đã có kết quả phát.',
      en: 'The shipment was already settled.',
    });
  }
  const d = structuredClone(stored.dossier);
  const iso = toLocalIso(at);
  d.returned = { ...d.returned!, shipment: { ...shipment, status, settledAt: iso } };
  d.version += 1;
  const entry: HistoryEntry = {
    at: iso,
    action: 'delivery-updated',
    by: POSTAL_ACTOR,
    from: d.status,
    to: d.status,
    note: status === 'delivered' ? `Đã phát: ${trackingNumber}` : `Chuyển hoàn: ${trackingNumber}`,
  };
  d.history.push(entry);
  const event = envelope(
    'dossiers',
    {
      type: 'dossier.delivery_updated',
      subject: d.code,
      sequence: d.version,
      data: { dossier: toSnapshot(d), entry },
    },
    at,
  );
  try {
    const next: store.StoredDossier = { ...stored, dossier: d };
    await transactWrite([
      store.dossierPut(next, stored.dossier.version),
      ...store.companionPuts(next),
      outboxPut(store.dossiersTableName(), event),
    ]);
  } catch (error) {
    // The dossier changed since it was read (its version) or was held by another writer: nothing was written.
    if (lostRace(error)) throw new PreconditionFailedError();
    throw error;
  }
  return 'applied';
}
