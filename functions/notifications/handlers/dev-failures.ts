/** GET /dev/outbox/failures — local only: the failures injected into the local channels. */
import { isLocal } from '#platform/env.ts';
import { NotFoundError } from '#platform/errors.ts';
import { httpHandler } from '#platform/http.ts';
import { listDevFailures } from '../store.ts';
import { routes } from '../topology.ts';

export const handler = httpHandler(routes.devFailures, async () => {
  if (!isLocal()) throw new NotFoundError({ vi: 'Chỉ có khi chạy cục bộ.', en: 'Local development only.' });
  return { body: await listDevFailures() };
});
