/**
 * GET /dossiers/{code}/notifications — the dossier's delivery log, for officials in scope of the agency that
 * received it or holds it now (from this context's read model of the dossier; #platform/agency-scope.ts), and
 * admins; anyone else is told there is none, as for an unknown dossier.
 */
import { mayOversee } from '#platform/agency-scope.ts';
import { NotFoundError } from '#platform/errors.ts';
import { httpHandler } from '#platform/http.ts';
import { requireRole } from '#platform/identity.ts';
import type { DeliveryLogEntry } from '../api/schemas.ts';
import { type DeliveryRecord, deliveryLog, getDossier } from '../store.ts';
import { routes } from '../topology.ts';

function entry({ facts, state }: DeliveryRecord): DeliveryLogEntry {
  const value: DeliveryLogEntry = {
    messageId: facts.messageId,
    event: facts.event,
    eventId: facts.eventId,
    audience: facts.audience,
    recipient: facts.recipient,
    channel: facts.channel,
    to: facts.to,
    templateId: facts.templateId,
    templateVersion: facts.templateVersion,
    language: facts.language,
    status: state.status,
    attempts: state.attempts,
    queuedAt: state.queuedAt,
  };
  for (const field of ['lastAttemptAt', 'nextAttemptAt', 'sentAt', 'deliveredAt', 'failedAt'] as const) {
    if (state[field] !== undefined) value[field] = state[field];
  }
  if (state.lastError !== undefined) {
    value.lastError = {
      class: state.lastError.class,
      message: state.lastError.message,
      ...(state.lastError.name === undefined ? {} : { name: state.lastError.name }),
    };
  }
  if (facts.fallbackOf !== undefined) value.fallbackOf = facts.fallbackOf;
  return value;
}

export const handler = httpHandler(routes.dossierLog, async (req) => {
  const who = requireRole(req.identity, 'officer', 'leader', 'admin');
  const dossier = await getDossier(req.params.code);
  // A dossier of another agency is answered as an unknown one: its existence is not confirmed.
  if (dossier === undefined || !(await mayOversee(who, [dossier.agencyCode, dossier.currentAgencyCode]))) {
    throw new NotFoundError({
      vi: `Không có thông báo nào về hồ sơ ${req.params.code}.`,
      en: `No notifications about dossier ${req.params.code}.`,
    });
  }
  const records = await deliveryLog(dossier.code);
  return { body: { dossierCode: dossier.code, items: records.map(entry) } };
});
