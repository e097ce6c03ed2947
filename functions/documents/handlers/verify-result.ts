/** GET /results/{dossierCode}/verify — public verification of an electronic result. */
import { httpHandler } from '#platform/http.ts';
import { signatureVerifierFor, trustedKeysFromEnv } from '../signer.ts';
import { routes } from '../topology.ts';
import { verifyResult } from '../use-cases.ts';

export const handler = httpHandler(routes.verifyResult, async (req) => ({
  // Read per request (a Set of a few ARNs): the local cloud runs every function in one process.
  body: await verifyResult(req.params.dossierCode, signatureVerifierFor(trustedKeysFromEnv())),
  headers: { 'cache-control': 'no-store' },
}));
