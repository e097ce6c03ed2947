/**
 * Uploading a file the way the documents context wants it: register it (POST /documents, which answers with a
 * presigned POST whose conditions enforce type and size), send the bytes straight to storage, then ask for
 * verification (POST /documents/{id}/complete). Resolves to the document id once the file is clean.
 */
import { type Api, ProblemError, unwrap } from './client.ts';

export async function uploadDocument(
  api: Api,
  file: File,
  purpose: {
    dossierCode?: string;
    procedureCode?: string;
    requirementCode?: string;
    digitized?: boolean;
    /** An official scanning for an applicant: the applicant's ID number; the file goes to their store. */
    onBehalfOf?: string;
  },
): Promise<string> {
  const created = unwrap(
    await api.POST('/documents', {
      body: { fileName: file.name, contentType: file.type || 'application/octet-stream', size: file.size, ...purpose },
    }),
  );
  const form = new FormData();
  for (const [name, value] of Object.entries(created.upload.fields)) form.append(name, value);
  form.append('file', file);
  const stored = await fetch(created.upload.url, { method: 'POST', body: form });
  if (!stored.ok) {
    throw new ProblemError({ type: 'about:blank', title: `upload: HTTP ${stored.status}`, status: stored.status });
  }
  const verdict = unwrap(await api.POST('/documents/{id}/complete', { params: { path: { id: created.documentId } } }));
  if (verdict.status !== 'clean') {
    throw new ProblemError({
      type: 'about:blank',
      title: verdict.status,
      status: 422,
      ...(verdict.detail ? { detail: verdict.detail } : {}),
    });
  }
  return created.documentId;
}
