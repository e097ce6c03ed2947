/** GET /dev/outbox?to=&dossierCode= — local only: what the local channels "sent". */
import { isLocal } from '#platform/env.ts';
import { NotFoundError } from '#platform/errors.ts';
import { httpHandler } from '#platform/http.ts';
import { listDevOutbox } from '../store.ts';
import { routes } from '../topology.ts';

export const handler = httpHandler(routes.devOutbox, async (req) => {
  if (!isLocal()) throw new NotFoundError({ vi: 'Chỉ có khi chạy cục bộ.', en: 'Local development only.' });
  const filter: { to?: string; dossierCode?: string } = {};
  if (req.query.to !== undefined) filter.to = req.query.to;
  if (req.query.dossierCode !== undefined) filter.dossierCode = req.query.dossierCode;
  return { body: await listDevOutbox(filter) };
});
