/** PUT /agencies/{code} — create or update an agency (admin). */
import { ValidationError } from '#platform/errors.ts';
import { httpHandler } from '#platform/http.ts';
import { requireRole } from '#platform/identity.ts';
import { routes } from '../topology.ts';
import { upsertAgency } from '../use-cases.ts';

export const handler = httpHandler(routes.putAgency, async (req) => {
  const admin = requireRole(req.identity, 'admin');
  if (req.body.code !== req.params.code) {
    throw new ValidationError([{ path: 'body.code', message: `must equal the code in the path (${req.params.code})` }]);
  }
  const result = await upsertAgency(req.body, { sub: admin.sub });
  return { status: result.created ? 201 : 200, body: result.agency };
});
