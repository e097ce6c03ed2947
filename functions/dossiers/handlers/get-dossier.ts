/** GET /dossiers/{code} — the owner or an official of the handling agency; ETag = version. */
import { now } from '#platform/clock.ts';
import { etagOf, httpHandler } from '#platform/http.ts';
import { requireIdentity } from '#platform/identity.ts';
import { routes } from '../topology.ts';
import { readDossier } from '../use-cases.ts';

export const handler = httpHandler(routes.getDossier, async (req) => {
  const result = await readDossier(requireIdentity(req.identity), req.params.code, now());
  return { body: result.view, headers: { etag: etagOf(result.version), 'cache-control': 'private, no-cache' } };
});
