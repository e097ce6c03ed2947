/**
 * The local S3 front at `/local-s3/<bucket>`: presigned URLs and POST forms handed to browsers name it.
 * It forwards to the emulator. (Owned by the documents context: it will enforce POST policies — the
 * emulator skips policy checks, real S3 does not.)
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export async function handleS3Front(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  body: Buffer,
  s3Endpoint: string,
): Promise<void> {
  const target = new URL(url.pathname.replace(/^\/local-s3/, '') + url.search, s3Endpoint);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined && k !== 'host' && k !== 'connection' && k !== 'content-length')
      headers[k] = Array.isArray(v) ? v.join(',') : v;
  }
  const response = await fetch(target, {
    method: req.method ?? 'GET',
    headers,
    ...(body.length > 0 && req.method !== 'GET' && req.method !== 'HEAD' ? { body } : {}),
    redirect: 'manual',
  });
  const out: Record<string, string> = {};
  response.headers.forEach((v, k) => {
    if (k !== 'content-encoding' && k !== 'transfer-encoding' && k !== 'connection') out[k] = v;
  });
  res.writeHead(response.status, out);
  res.end(Buffer.from(await response.arrayBuffer()));
}
