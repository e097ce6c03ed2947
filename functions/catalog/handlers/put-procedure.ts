/** PUT /procedures/{code} — save a draft or publish a new version (admin). */
import { ValidationError } from '#platform/errors.ts';
import { etagOf, httpHandler } from '#platform/http.ts';
import { requireRole } from '#platform/identity.ts';
import { routes } from '../topology.ts';
import { procedureView, saveProcedure } from '../use-cases.ts';

export const handler = httpHandler(routes.putProcedure, async (req) => {
  const admin = requireRole(req.identity, 'admin');
  const { code, version: _version, processingDays: _days, sameDay: _sameDay, ...procedure } = req.body;
  if (code !== undefined && code !== req.params.code) {
    throw new ValidationError([{ path: 'body.code', message: `must equal the code in the path (${req.params.code})` }]);
  }
  const result = await saveProcedure({ ...procedure, code: req.params.code }, { sub: admin.sub });
  return {
    status: result.created ? 201 : 200,
    body: procedureView(result.procedure),
    headers: { etag: etagOf(result.procedure.version) },
  };
});
