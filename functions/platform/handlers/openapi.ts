import { httpHandler } from '#platform/http.ts';
import { buildOpenApi } from '#platform/openapi.ts';
import { allTopologies } from '#topology/index.ts';
import { routes } from '../topology.ts';

// Built once per container: the document depends only on the code.
let document: unknown;

export const handler = httpHandler(routes.openapi, async () => {
  document ??= buildOpenApi(
    allTopologies(),
    { title: 'motcua API', version: process.env.MOTCUA_VERSION ?? '0.1.0' },
    process.env.API_URL ? { serverUrl: process.env.API_URL.replace(/\/+$/, '') } : {},
  );
  return { body: document, headers: { 'cache-control': 'public, max-age=300' } };
});
