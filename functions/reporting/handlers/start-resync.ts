/** POST /sync/resyncs — the province's admin asks for a range of dossiers to be sent to the national portal again. */
import { httpHandler } from '#platform/http.ts';
import { routes } from '../topology.ts';
import { requireProvinceAdmin } from '../use-cases/access.ts';
import { startResync } from '../use-cases/resync.ts';

export const handler = httpHandler(routes.startResync, async (req) => {
  const who = requireProvinceAdmin(req.identity);
  const { reason, ...range } = req.body;
  const { created, job } = await startResync(
    range.scope === 'all'
      ? {
          scope: 'all',
          ...(range.agencyCode ? { agencyCode: range.agencyCode } : {}),
          ...(range.procedureCode ? { procedureCode: range.procedureCode } : {}),
        }
      : {
          scope: 'received',
          receivedFrom: range.receivedFrom!,
          receivedTo: range.receivedTo!,
          ...(range.agencyCode ? { agencyCode: range.agencyCode } : {}),
          ...(range.procedureCode ? { procedureCode: range.procedureCode } : {}),
        },
    reason,
    who,
  );
  return {
    status: 202,
    body: job,
    headers: {
      location: `/sync/resyncs/${job.id}`,
      'x-resync-created': String(created),
      'cache-control': 'private, no-store',
    },
  };
});
