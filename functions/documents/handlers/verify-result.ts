/** GET /results/{dossierCode}/verify — public verification of an electronic result. */
import { httpHandler } from '#platform/http.ts';
import { signatureVerifier } from '../signer.ts';
import { routes } from '../topology.ts';
import { verifyResult } from '../use-cases.ts';

export const handler = httpHandler(routes.verifyResult, async (req) => ({
  body: await verifyResult(req.params.dossierCode, signatureVerifier),
  headers: { 'cache-control': 'no-store' },
}));
