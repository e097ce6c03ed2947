/** GET /reports/dossiers — the dossier report of a period (JSON, or CSV for Accept: text/csv). */
import { httpHandler } from '#platform/http.ts';
import { ReadMeter } from '../store/table.ts';
import { routes } from '../topology.ts';
import { allowedReportScope } from '../use-cases/access.ts';
import { dossierReport, dossierReportCsv } from '../use-cases/reports.ts';

export const handler = httpHandler(routes.getDossierReport, async (req) => {
  const { from, to, groupBy, procedureCode, agencyCode, includeSubAgencies, format } = req.query;
  const scope = await allowedReportScope(req.identity, { agencyCode, includeSubAgencies });
  const meter = new ReadMeter();
  const report = await dossierReport({ from, to, groupBy, ...(procedureCode ? { procedureCode } : {}) }, scope, meter);
  const headers = {
    'x-read-units': String(meter.units),
    'cache-control': 'private, no-store',
    vary: 'accept, accept-language',
  };
  const wantsCsv = format === 'csv' || (format === undefined && /\btext\/csv\b/i.test(req.headers.accept ?? ''));
  if (!wantsCsv) return { body: report, headers };
  return {
    rawBody: dossierReportCsv(report, req.language),
    contentType: 'text/csv; charset=utf-8',
    headers: {
      ...headers,
      'content-language': req.language,
      'content-disposition': `attachment; filename="dossiers-${from}-${to}-${groupBy}.csv"`,
    },
  };
});
