/** GET /sync/resyncs/{id} — a national re-sync's progress (the province's admin). */
import { NotFoundError } from '#platform/errors.ts';
import { httpHandler } from '#platform/http.ts';
import { routes } from '../topology.ts';
import { requireProvinceAdmin } from '../use-cases/access.ts';
import { findResync } from '../use-cases/resync.ts';

const NOT_FOUND = { vi: 'Không có yêu cầu đồng bộ lại này.', en: 'No such re-sync.' };

export const handler = httpHandler(routes.getResync, async (req) => {
  requireProvinceAdmin(req.identity);
  const job = await findResync(req.params.id);
  if (!job) throw new NotFoundError(NOT_FOUND);
  return { body: job, headers: { 'cache-control': 'private, no-store' } };
});
