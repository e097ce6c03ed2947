/** GET /notifications/officials?agencyCode= — an agency's directory entries (admin). */
import { httpHandler } from '#platform/http.ts';
import { requireRole } from '#platform/identity.ts';
import { officialsOfAgency } from '../store.ts';
import { routes } from '../topology.ts';

export const handler = httpHandler(routes.listOfficials, async (req) => {
  requireRole(req.identity, 'admin');
  return { body: await officialsOfAgency(req.query.agencyCode) };
});
