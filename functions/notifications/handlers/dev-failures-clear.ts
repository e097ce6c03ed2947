/** DELETE /dev/outbox/failures — local only: the local channels work again. */
import { isLocal } from '#platform/env.ts';
import { NotFoundError } from '#platform/errors.ts';
import { httpHandler } from '#platform/http.ts';
import { clearDevFailures } from '../store.ts';
import { routes } from '../topology.ts';

export const handler = httpHandler(routes.devFailuresDelete, async () => {
  if (!isLocal()) throw new NotFoundError({ vi: 'Chỉ có khi chạy cục bộ.', en: 'Local development only.' });
  await clearDevFailures();
  return {};
});
