/** GET /public/reports/index — the province's national index, aggregate only, without a token. */
import { httpHandler } from '#platform/http.ts';
import { ReadMeter } from '../store/table.ts';
import { routes } from '../topology.ts';
import { nationalIndex } from '../use-cases/reports.ts';

export const handler = httpHandler(routes.getPublicIndex, async (req) => {
  const meter = new ReadMeter();
  const index = await nationalIndex(req.query, { includeSubAgencies: false }, meter);
  return { body: index, headers: { 'x-read-units': String(meter.units), 'cache-control': 'public, max-age=300' } };
});
