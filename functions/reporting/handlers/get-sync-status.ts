/** GET /sync/status?code= — a dossier's sync to the national portal (officials in scope of its agencies, admins). */
import { NotFoundError } from '#platform/errors.ts';
import { httpHandler } from '#platform/http.ts';
import { requireRole } from '#platform/identity.ts';
import { getSyncRecord } from '../store/sync.ts';
import { routes } from '../topology.ts';
import { maySeeDossierOf } from '../use-cases/access.ts';
import { syncStatusView } from '../use-cases/sync.ts';

const NOT_FOUND = { vi: 'Chưa có thông tin đồng bộ của hồ sơ này.', en: 'No sync state for this dossier.' };

export const handler = httpHandler(routes.getSyncStatus, async (req) => {
  requireRole(req.identity, 'officer', 'leader', 'admin');
  const record = await getSyncRecord(req.query.code, false);
  // An official out of scope learns no more than "not found" would tell: the same answer.
  if (!record || !(await maySeeDossierOf(req.identity, [record.agencyCode, record.currentAgencyCode]))) {
    throw new NotFoundError(NOT_FOUND);
  }
  return { body: syncStatusView(record), headers: { 'cache-control': 'private, no-store' } };
});
