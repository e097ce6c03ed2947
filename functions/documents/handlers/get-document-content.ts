/** GET /documents/{id}/content — 302 to a presigned URL valid for 5 minutes, after the access check. */
import { now } from '#platform/clock.ts';
import { httpHandler } from '#platform/http.ts';
import { requireRole } from '#platform/identity.ts';
import { routes } from '../topology.ts';
import { contentUrl } from '../use-cases.ts';

export const handler = httpHandler(routes.getDocumentContent, async (req) => {
  const who = requireRole(req.identity, 'citizen', 'officer', 'leader');
  const location = await contentUrl(who, req.params.id, now());
  return { status: 302, headers: { location, 'cache-control': 'no-store' } };
});
