/** GET /reports/index — the national index of a period for officials (their agency) and leaders/admins (any). */
import { httpHandler } from '#platform/http.ts';
import { ReadMeter } from '../store/table.ts';
import { routes } from '../topology.ts';
import { allowedReportScope } from '../use-cases/access.ts';
import { nationalIndex } from '../use-cases/reports.ts';

export const handler = httpHandler(routes.getIndexReport, async (req) => {
  const { from, to, agencyCode, includeSubAgencies } = req.query;
  const scope = await allowedReportScope(req.identity, { agencyCode, includeSubAgencies });
  const meter = new ReadMeter();
  const index = await nationalIndex({ from, to }, scope, meter);
  return { body: index, headers: { 'x-read-units': String(meter.units), 'cache-control': 'private, no-store' } };
});
