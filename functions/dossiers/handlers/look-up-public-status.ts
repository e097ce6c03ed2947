/** GET /public/dossiers/{code}?idNumber= — status only, 404 unless the ID number matches. */
import { httpHandler } from '#platform/http.ts';
import { routes } from '../topology.ts';
import { lookUpPublicStatus } from '../use-cases.ts';

export const handler = httpHandler(routes.lookUpPublicStatus, async (req) => ({
  body: await lookUpPublicStatus(req.params.code, req.query.idNumber),
  headers: { 'cache-control': 'no-store' },
}));
