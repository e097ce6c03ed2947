/**
 * GET /dossiers/{code}/notifications — the dossier's delivery log, for officials of the agency that received
 * it or holds it now (from this context's read model of the dossier), and admins.
 */
import { ForbiddenError, NotFoundError } from '#platform/errors.ts';
import { httpHandler } from '#platform/http.ts';
import { isOfficialOf, requireRole } from '#platform/identity.ts';
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
  if (dossier === undefined) {
    throw new NotFoundError({
      vi: `Không có thông báo nào về hồ sơ ${req.params.code}.`,
      en: `No notifications about dossier ${req.params.code}.`,
    });
  }
  if (!isOfficialOf(who, dossier.agencyCode) && !isOfficialOf(who, dossier.currentAgencyCode)) {
    throw new ForbiddenError({
      vi: 'Chỉ cán bộ của cơ quan tiếp nhận hoặc đang giải quyết hồ sơ được xem nhật ký thông báo.',
      en: 'Only officials of the agency that received or holds the dossier may see its notifications.',
    });
  }
  const records = await deliveryLog(dossier.code);
  return { body: { dossierCode: dossier.code, items: records.map(entry) } };
});
