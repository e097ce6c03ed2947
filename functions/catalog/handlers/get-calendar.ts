/** GET /calendar/{year} — one year of the working-day calendar (public, cacheable). */
import { httpHandler } from '#platform/http.ts';
import { routes } from '../topology.ts';
import { getCalendar } from '../use-cases.ts';

export const handler = httpHandler(routes.getCalendar, async (req) => ({
  body: await getCalendar(req.params.year),
  headers: { 'cache-control': 'public, max-age=60' },
}));
