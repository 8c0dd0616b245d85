// Swagger UI at /api-docs, from the swagger-ui-dist package on disk (no CDN: the dashboard must work offline).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

let dir: string | undefined;
function assetDir() {
  if (!dir) {
    const require = createRequire(import.meta.url);
    dir = path.dirname(require.resolve('swagger-ui-dist/package.json'));
  }
  return dir;
}

const cache = new Map<string, Buffer>();

export function swaggerAsset(file: string): Response {
  const type = ASSETS[file];
  if (!type) return new Response('not found', { status: 404 });
  let body = cache.get(file);
  if (!body) {
    body = readFileSync(path.join(assetDir(), file));
    cache.set(file, body);
  }
  return new Response(new Uint8Array(body), { headers: { 'content-type': type, 'cache-control': 'public, max-age=86400' } });
}

export function swaggerHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <title>Mission Control API</title>
  <link rel="stylesheet" href="/api-docs/assets/swagger-ui.css" />
  <link rel="icon" href="/api-docs/assets/favicon-32x32.png" />
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/api-docs/assets/swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({ url: '/api/openapi', dom_id: '#swagger-ui', deepLinking: true, persistAuthorization: true });
  </script>
</body>
</html>`;
}
