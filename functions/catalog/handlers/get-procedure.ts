/** GET /procedures/{code} — the version in effect today, or `?version=` (public, cacheable). */
import { etagOf, httpHandler } from '#platform/http.ts';
import { routes } from '../topology.ts';
import { getProcedure, procedureView } from '../use-cases.ts';

export const handler = httpHandler(routes.getProcedure, async (req) => {
  const procedure = await getProcedure(req.params.code, req.query.version);
  return {
    body: procedureView(procedure),
    headers: { 'cache-control': 'public, max-age=60', etag: etagOf(procedure.version) },
  };
});
