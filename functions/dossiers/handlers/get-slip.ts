/** GET /dossiers/{code}/slips/{kind} — a slip of the one-stop mechanism as a PDF (the applicant, officials of the dossier). */
import { httpHandler } from '#platform/http.ts';
import { requireIdentity } from '#platform/identity.ts';
import { issueSlip } from '../slips/issue.ts';
import { routes } from '../topology.ts';

export const handler = httpHandler(routes.getSlip, async (req) => {
  const slip = await issueSlip(requireIdentity(req.identity), req.params.code, req.params.kind);
  return {
    rawBody: slip.pdf.toString('base64'),
    base64: true,
    contentType: 'application/pdf',
    headers: {
      'content-disposition': `inline; filename="${slip.fileName}"`,
      digest: `sha-256=${Buffer.from(slip.sha256, 'hex').toString('base64')}`,
      'cache-control': 'private, no-store',
    },
  };
});
