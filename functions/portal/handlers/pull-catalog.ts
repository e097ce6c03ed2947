/** POST /portal/national-catalog/pull — an admin pulls the national catalog now (the portal down → 503 problem). */
import { now } from '#platform/clock.ts';
import { DependencyError } from '#platform/errors.ts';
import { httpHandler } from '#platform/http.ts';
import { requireRole } from '#platform/identity.ts';
import { PortalUnavailable } from '../adapter/services.ts';
import { routes } from '../topology.ts';
import { pullNationalCatalog } from '../use-cases/pull.ts';

export const handler = httpHandler(routes.pullCatalog, async (req) => {
  requireRole(req.identity, 'admin');
  try {
    return { body: await pullNationalCatalog(now()) };
  } catch (error) {
    if (error instanceof PortalUnavailable) {
      throw new DependencyError({
        vi: `Cổng DVCQG không trả lời: ${error.message}`,
        en: `The national portal did not answer: ${error.message}`,
      });
    }
    throw error;
  }
});
