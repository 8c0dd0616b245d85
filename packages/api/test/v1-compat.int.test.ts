// API v1 compatibility, part 2: recorded answers. A fixed scenario (compat/scenario.ts) calls the real app on a real
// database (PGlite, or PostgreSQL with TEST_DATABASE_URL) and each answer's status and body shape (field paths → JSON
// types; values vary) is compared with test/compat/v1-answers.baseline.json. Part 1, the OpenAPI document, is
// v1-compat.test.ts.
//
// Fails when an answer changes status (201 → 200, 409 → 400), or loses a field or changes a field's JSON type.
// New fields, and new calls in the scenario, pass.
//
// When a change is intended and reviewed, record the baseline again and commit the diff with the change:
//     pnpm compat:record        (= MC_COMPAT_RECORD=1 vitest run packages/api/test/v1-compat)
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { compareAnswers, formatBreaks, stableJson, type Answer } from './compat/contract';
import { runScenario } from './compat/scenario';
import { createHarness, type Harness } from './harness';

const BASELINE = fileURLToPath(new URL('./compat/v1-answers.baseline.json', import.meta.url));
const RECORD = process.env.MC_COMPAT_RECORD === '1';

describe('API v1 compatibility: recorded answers', () => {
  let h: Harness;
  // The scenario delivers its webhook to a receiver on loopback.
  beforeAll(async () => {
    h = await createHarness({ config: { allowPrivateNetwork: true } });
  });
  afterAll(async () => {
    await h?.close();
  });

  test('every recorded answer keeps its status, its fields and their JSON types', async () => {
    const { answers, stoppedBy } = await runScenario(h);
    if (RECORD) {
      if (stoppedBy) expect.fail(`the scenario stopped early, nothing recorded: ${stoppedBy}`);
      const previous = (() => {
        try {
          return JSON.parse(readFileSync(BASELINE, 'utf8')) as Record<string, Answer>;
        } catch {
          return null;
        }
      })();
      if (previous) console.warn(formatBreaks('Recording accepts', compareAnswers(previous, answers)) || 'Recording: no incompatible change.');
      writeFileSync(BASELINE, stableJson(answers));
      return;
    }
    let baseline = JSON.parse(readFileSync(BASELINE, 'utf8')) as Record<string, Answer>;
    // A scenario that stopped early is compared up to where it stopped, so that the break that stopped it is named.
    if (stoppedBy) baseline = Object.fromEntries(Object.entries(baseline).filter(([key]) => answers[key]));
    const breaks = compareAnswers(baseline, answers);
    const report = [stoppedBy && `The scenario stopped early: ${stoppedBy}`, formatBreaks('Recorded answers', breaks)].filter(Boolean).join('\n');
    if (report) expect.fail(`${report}\nKeep v1 compatible, or (if this change is intended and reviewed) record the baseline again: pnpm compat:record`);
  });
});
