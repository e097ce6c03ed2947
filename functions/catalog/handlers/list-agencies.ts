/** GET /agencies — every agency of the province (public, cacheable). */
import { httpHandler } from '#platform/http.ts';
import { routes } from '../topology.ts';
import { listAgencies } from '../use-cases.ts';

export const handler = httpHandler(routes.listAgencies, async () => ({
  body: await listAgencies(),
  headers: { 'cache-control': 'public, max-age=60' },
}));
