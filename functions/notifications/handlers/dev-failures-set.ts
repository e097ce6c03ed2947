/** POST /dev/outbox/failures {channel, mode, count?} — local only: make a local channel fail. */
import { isLocal } from '#platform/env.ts';
import { NotFoundError } from '#platform/errors.ts';
import { httpHandler } from '#platform/http.ts';
import { type DevFailure, putDevFailure } from '../store.ts';
import { routes } from '../topology.ts';

export const handler = httpHandler(routes.devFailuresPost, async (req) => {
  if (!isLocal()) throw new NotFoundError({ vi: 'Chỉ có khi chạy cục bộ.', en: 'Local development only.' });
  const failure: DevFailure = { channel: req.body.channel, mode: req.body.mode };
  if (req.body.count !== undefined) failure.remaining = req.body.count;
  await putDevFailure(failure);
  return { body: failure };
});
