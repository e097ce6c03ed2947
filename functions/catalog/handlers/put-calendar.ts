/** PUT /calendar/{year} — set one year of the working-day calendar (admin). */
import { ValidationError } from '#platform/errors.ts';
import { httpHandler } from '#platform/http.ts';
import { requireRole } from '#platform/identity.ts';
import { routes } from '../topology.ts';
import { putCalendar } from '../use-cases.ts';

export const handler = httpHandler(routes.putCalendar, async (req) => {
  const admin = requireRole(req.identity, 'admin');
  if (req.body.year !== req.params.year) {
    throw new ValidationError([{ path: 'body.year', message: `must equal the year in the path (${req.params.year})` }]);
  }
  const result = await putCalendar(req.body, { sub: admin.sub });
  return { body: result.calendar };
});
