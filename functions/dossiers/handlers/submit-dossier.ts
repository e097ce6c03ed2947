/** POST /dossiers — a citizen submits a dossier, or an official registers one at the counter (Idempotency-Key). */
import { now } from '#platform/clock.ts';
import { etagOf, httpHandler } from '#platform/http.ts';
import { requireIdempotencyKey } from '#platform/idempotency.ts';
import { requireRole } from '#platform/identity.ts';
import { registerAtCounter } from '../counter/intake.ts';
import { routes } from '../topology.ts';
import { submitDossier } from '../use-cases.ts';

export const handler = httpHandler(routes.submitDossier, async (req) => {
  const identity = requireRole(req.identity, 'citizen', 'officer', 'leader');
  const submit = identity.issuer === 'official' ? registerAtCounter : submitDossier;
  const outcome = await submit({
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
