/** POST /dossiers — a citizen submits a dossier (Idempotency-Key). */
import { now } from '#platform/clock.ts';
import { etagOf, httpHandler } from '#platform/http.ts';
import { requireIdempotencyKey } from '#platform/idempotency.ts';
import { requireRole } from '#platform/identity.ts';
import { routes } from '../topology.ts';
import { submitDossier } from '../use-cases.ts';

export const handler = httpHandler(routes.submitDossier, async (req) => {
  const identity = requireRole(req.identity, 'citizen');
  const outcome = await submitDossier({
    identity,
    body: req.body,
    idempotencyKey: requireIdempotencyKey(req.headers['idempotency-key']),
    language: req.language,
    at: now(),
    correlationId: req.requestId,
  });
  const created = outcome.body as { code: string; version: number };
  return {
    status: outcome.status,
    body: outcome.body,
    headers: {
      etag: etagOf(created.version),
      location: `/dossiers/${created.code}`,
      ...(outcome.replayed ? { 'idempotent-replayed': 'true' } : {}),
    },
  };
});
