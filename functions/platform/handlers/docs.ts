/**
 * Swagger UI from the swagger-ui-dist npm package, served by this function (no CDN: provinces may run
 * behind networks that block third-party hosts, and a CDN script is a supply-chain risk on an admin page).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { NotFoundError } from '#platform/errors.ts';
import { httpHandler } from '#platform/http.ts';
import { routes } from '../topology.ts';

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

/** On Lambda the assets are copied next to the bundle; locally they are read from node_modules. */
function assetDir(): string {
  if (process.env.DOCS_ASSET_DIR) return process.env.DOCS_ASSET_DIR;
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('swagger-ui-dist/package.json'));
}

const PAGE = `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>motcua API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/swagger-ui-standalone-preset.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>`;

const INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout' });`;

export const handler = httpHandler(routes.docsAsset, async (req) => {
  const asset = (req.params as { asset?: string } | undefined)?.asset;
  if (asset === undefined) return { rawBody: PAGE, contentType: 'text/html; charset=utf-8' };
  if (asset === 'init.js') return { rawBody: INIT, contentType: 'application/javascript; charset=utf-8' };
  // Own keys only: `constructor`, `toString`, … are on every object's prototype, and no file.
  const contentType = Object.hasOwn(ASSETS, asset) ? ASSETS[asset] : undefined;
  if (!contentType) throw new NotFoundError({ vi: 'Không có tài nguyên này.', en: 'No such asset.' });
  const bytes = await readFile(join(assetDir(), asset));
  return {
    rawBody: bytes.toString('base64'),
    contentType,
    headers: { 'cache-control': 'public, max-age=86400' },
    base64: true,
  };
});
