// The committed types must be what the served OpenAPI document gives today: a contract change that is not
// regenerated fails here (run `npx -y pnpm@10 --filter @mc/client generate`).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderOpenApiTypes } from '../scripts/render';

describe('@mc/client generated types', () => {
  it('match the OpenAPI document the API serves', async () => {
    const committed = readFileSync(new URL('../src/openapi.d.ts', import.meta.url), 'utf8');
    const fresh = await renderOpenApiTypes();
    expect(committed === fresh, 'packages/client/src/openapi.d.ts is stale: run `npx -y pnpm@10 --filter @mc/client generate`').toBe(true);
  });
});
