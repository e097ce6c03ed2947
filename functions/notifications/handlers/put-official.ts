/** PUT /notifications/officials/{sub} — create or update an official's directory entry (admin). */
import { now } from '#platform/clock.ts';
import { httpHandler } from '#platform/http.ts';
import { requireRole } from '#platform/identity.ts';
import { routes } from '../topology.ts';
import { saveOfficial } from '../use-cases/directory.ts';

export const handler = httpHandler(routes.putOfficial, async (req) => {
  const admin = requireRole(req.identity, 'admin');
  const { official, created } = await saveOfficial(req.params.sub, req.body, admin.sub, now());
  return { status: created ? 201 : 200, body: official };
});
