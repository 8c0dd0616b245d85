// Writes src/openapi.d.ts from the OpenAPI document the API serves (see render.ts).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderOpenApiTypes } from './render';

const target = fileURLToPath(new URL('../src/openapi.d.ts', import.meta.url));
writeFileSync(target, await renderOpenApiTypes());
console.log(`wrote ${target}`);
