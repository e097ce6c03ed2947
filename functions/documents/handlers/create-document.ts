/** POST /documents — open an upload: a presigned POST form into quarantine (citizen, or official). */
import { now } from '#platform/clock.ts';
import { httpHandler } from '#platform/http.ts';
import { requireRole } from '#platform/identity.ts';
import { routes } from '../topology.ts';
import { createUpload } from '../use-cases.ts';

export const handler = httpHandler(routes.createDocument, async (req) => {
  const who = requireRole(req.identity, 'citizen', 'officer', 'leader');
  return { status: 201, body: await createUpload(who, req.body, now()) };
});
