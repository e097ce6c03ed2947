/**
 * POST /portal/dvcqg/dossiers — the national portal's door into the province. The credential is checked before
 * the body is even read; nothing changes without it.
 */
import { now } from '#platform/clock.ts';
import { httpHandler } from '#platform/http.ts';
import { requirePortalCredential } from '../credential.ts';
import { routes } from '../topology.ts';
import { parseForwardedRecord, receiveForwarded } from '../use-cases/intake.ts';

export const handler = httpHandler(routes.receiveForwarded, async (req) => {
  await requirePortalCredential(req.headers.authorization);
  const outcome = await receiveForwarded(parseForwardedRecord(req.body), 'push', now());
  return { status: outcome.status, body: outcome.answer };
});
