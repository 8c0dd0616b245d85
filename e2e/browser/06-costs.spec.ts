// Issue #6 in a real browser: an agent reports executions over the API (start → cumulative report → finish), a
// person rates the work good or bad on the ticket and on the execution page and sees the agent's scorecard follow,
// the costs page's totals and chart move when another execution is reported, and an exhausted budget with hard
// stop shows as "blocked" on the costs page while the API refuses new runs.
import { expect, request as playwrightRequest, test, type APIRequestContext, type Page } from '@playwright/test';
import { adminApi, bearer, ok, registerAgent, signIn, uniq, type TestAgent } from './support';

test.describe.configure({ mode: 'serial' });
test.use({ viewport: { width: 1360, height: 1000 } });

let admin: APIRequestContext;
/** Without the admin's cookie: what an agent process sends. */
let agentApi: APIRequestContext;
let ws: { id: string; slug: string; version: number };
let agent: TestAgent;
let ticket: { id: string; number: number; title: string };
let firstRun: { id: string };

interface Execution {
  id: string;
  status: string;
  costUsd: number | null;
  costSource: string | null;
  continue?: boolean;
}

/** Start and finish one run as the agent; tokens priced by the seeded gpt-4o price unless `costUsd` is reported. */
async function reportRun(opts: { ticketId?: string; tokensIn: number; tokensOut: number; costUsd?: number; status?: 'success' | 'failed'; decisions?: { input: string; reasoning: string; output: string }[] }): Promise<Execution> {
  const started = await ok<Execution>(await agentApi.post('/api/v1/executions', { headers: bearer(agent.key), data: opts.ticketId ? { ticketId: opts.ticketId } : {} }), 201);
  // A progress report (cumulative figures so far), then the final one.
  await ok(
    await agentApi.patch(`/api/v1/executions/${started.id}`, {
      headers: bearer(agent.key),
      data: { tokensIn: Math.floor(opts.tokensIn / 2), tokensOut: 0, apiCalls: 1, model: 'gpt-4o' },
    }),
  );
  return ok<Execution>(
    await agentApi.patch(`/api/v1/executions/${started.id}`, {
      headers: bearer(agent.key),
      data: {
        status: opts.status ?? 'success',
        tokensIn: opts.tokensIn,
        tokensOut: opts.tokensOut,
        apiCalls: 3,
        ...(opts.costUsd === undefined ? {} : { costUsd: opts.costUsd }),
        decisions: opts.decisions ?? [],
        summary: 'Done.',
      },
    }),
  );
}

async function openScorecard(page: Page) {
  await page.goto(`/w/${ws.slug}/agents/${agent.id}/scorecard`);
  // Five charts of a month of days: slow to draw while the trace records every DOM snapshot.
  await expect(page.getByTestId('scorecard-totals')).toBeVisible({ timeout: 20_000 });
}

test.beforeAll(async ({ baseURL }) => {
  admin = await adminApi(baseURL!);
  agentApi = await playwrightRequest.newContext({ baseURL });
  const tag = uniq();
  ws = await ok(await admin.post('/api/v1/workspaces', { data: { name: `Costs ${tag}`, slug: `costs-${tag}` } }), 201);
  agent = await registerAgent(admin, agentApi, ws.slug, `coder-${tag}`, ['typescript']);
  // The agent claims a ticket and reports a run on it: the ticket's work is credited to the agent.
  ticket = await ok(await admin.post('/api/v1/tickets', { data: { workspaceId: ws.id, title: `Price the runs ${tag}` } }), 201);
  await ok(await agentApi.patch(`/api/v1/tickets/${ticket.id}/claim`, { headers: bearer(agent.key) }));
  const run = await reportRun({
    ticketId: ticket.id,
    tokensIn: 120_000,
    tokensOut: 30_000,
    decisions: [
      { input: 'Ticket: price the runs', reasoning: 'The price table is **versioned**; use the one in force at the start.', output: 'Wrote `costMicros()`' },
      { input: 'Tests failed on rounding', reasoning: 'Micro-dollars avoid float drift.\n\n'.repeat(40), output: 'All green' },
    ],
  });
  expect(run.status).toBe('success');
  // 120k in × $2.50/M + 30k out × $10/M, from the seeded gpt-4o price.
  expect(run).toMatchObject({ costSource: 'computed', costUsd: 0.6 });
  firstRun = run;
});

test.afterAll(async () => {
  await admin?.dispose();
  await agentApi?.dispose();
});

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

test('the execution list and page show the run: tokens, cost and its source, the decision timeline', async ({ page }) => {
  await page.goto(`/w/${ws.slug}`);
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Executions' }).click();
  const row = page.getByTestId('execution-row').filter({ hasText: agent.name });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(`#${ticket.number}`);
  await expect(row.getByTestId('execution-status')).toHaveText('Success');
  await expect(row.getByTestId('execution-cost')).toHaveText('$0.60');
  await expect(row.getByTestId('cost-source')).toHaveText('computed');

  // Filters narrow the list and say so when nothing matches.
  await page.getByLabel('Status').selectOption('failed');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page.getByText('No executions match these filters')).toBeVisible();
  await page.getByRole('button', { name: 'Clear' }).click();
  await expect(row).toHaveCount(1);

  await row.getByRole('link').first().click();
  await expect(page.getByTestId('execution-page')).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`/executions/${firstRun.id}$`));
  const facts = page.getByTestId('execution-facts');
  await expect(facts.getByTestId('execution-tokens-in')).toHaveText('120,000');
  await expect(facts.getByTestId('execution-tokens-out')).toHaveText('30,000');
  await expect(facts.getByTestId('execution-api-calls')).toHaveText('3');
  await expect(facts.getByTestId('execution-price')).toContainText('$2.50 in / $10.00 out per million tokens');
  await expect(facts.getByTestId('execution-ticket')).toContainText(ticket.title);
  // Markdown in decisions is rendered (as elements, not HTML), long parts are folded.
  const timeline = page.getByTestId('decision-timeline');
  await expect(timeline.locator('strong', { hasText: 'versioned' })).toBeVisible();
  await expect(timeline.getByRole('button', { name: 'Show all of the reasoning' })).toBeVisible();
  await timeline.getByRole('button', { name: 'Show all of the reasoning' }).click();
  await expect(timeline.getByRole('button', { name: 'Show less' })).toBeVisible();
});

test('the activity feed filters by agent and status, and its execution entries link to the run', async ({ page }) => {
  await page.goto(`/w/${ws.slug}/activity`);
  await expect(page.getByTestId('activity-list')).toBeVisible();
  await page.getByLabel('Agent').selectOption({ label: agent.name });
  await page.getByLabel('Status').selectOption('success');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  const entries = page.getByTestId('activity-list').getByTestId('activity-entry');
  await expect(entries).toHaveCount(1);
  await expect(entries.first()).toHaveAttribute('data-action', 'execution.finished');
  await expect(entries.first().getByTestId('activity-status')).toHaveText('Success');

  await page.getByLabel('Status').selectOption('failed');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page.getByText('No activity matches these filters')).toBeVisible();

  await page.getByLabel('Status').selectOption('');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  // Everything the agent did: the run's start as well as its end.
  await expect(page.locator('[data-action="execution.started"]')).toHaveCount(1);
  await page.locator('[data-action="execution.finished"]').getByTestId('activity-execution-link').click();
  await expect(page).toHaveURL(new RegExp(`/executions/${firstRun.id}$`));
  await expect(page.getByTestId('execution-page')).toBeVisible();
});

test('rating the ticket and the execution moves the agent scorecard', async ({ page }) => {
  await openScorecard(page);
  await expect(page.getByTestId('total-attempted-value')).toHaveText('1');
  await expect(page.getByTestId('total-completed-value')).toHaveText('1');
  await expect(page.getByTestId('total-success-rate-value')).toHaveText('100%');
  await expect(page.getByTestId('ratings-good')).toContainText('0');
  await expect(page.getByTestId('ratings-bad')).toContainText('0');

  // Good on the ticket page, where the run is listed too.
  await page.goto(`/w/${ws.slug}/tickets/${ticket.id}`);
  await expect(page.getByTestId('ticket-executions').getByTestId('ticket-execution')).toHaveCount(1);
  const rating = page.getByTestId('rating');
  await expect(rating.getByTestId('rate-good')).toHaveAttribute('aria-pressed', 'false');
  await rating.getByTestId('rate-good').click();
  await expect(rating.getByTestId('rate-good')).toHaveAttribute('aria-pressed', 'true');
  await expect(rating.getByTestId('rating-good-count')).toHaveText(/1/);

  await openScorecard(page);
  await expect(page.getByTestId('ratings-good')).toContainText('1');
  await expect(page.getByTestId('ratings-bad')).toContainText('0');

  // Bad on the execution page.
  await page.goto(`/w/${ws.slug}/executions/${firstRun.id}`);
  const execRating = page.getByTestId('rating');
  await execRating.getByTestId('rate-bad').click();
  await expect(execRating.getByTestId('rate-bad')).toHaveAttribute('aria-pressed', 'true');
  await expect(execRating.getByTestId('rating-bad-count')).toHaveText(/1/);

  await openScorecard(page);
  await expect(page.getByTestId('ratings-good')).toContainText('1');
  await expect(page.getByTestId('ratings-bad')).toContainText('1');
  // Each period shows the same totals over its own range, with charts.
  await page.getByTestId('period-week').click();
  await expect(page.getByTestId('period-week')).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByTestId('ratings-bad')).toContainText('1');
  await expect(page.getByTestId('chart-attempted-completed').locator('.recharts-bar-rectangle').first()).toBeVisible();

  // Clicking one's own rating again takes it back.
  await page.goto(`/w/${ws.slug}/executions/${firstRun.id}`);
  await page.getByTestId('rating').getByTestId('rate-bad').click();
  await expect(page.getByTestId('rating').getByTestId('rate-bad')).toHaveAttribute('aria-pressed', 'false');
  await openScorecard(page);
  await expect(page.getByTestId('ratings-bad')).toContainText('0');
  await expect(page.getByTestId('ratings-good')).toContainText('1');
});

test('the costs page follows a newly reported execution: totals, chart, by agent and by model', async ({ page }) => {
  await page.goto(`/w/${ws.slug}/costs`);
  await expect(page.getByTestId('total-cost-value')).toHaveText('$0.60');
  await expect(page.getByTestId('total-executions-value')).toHaveText('1');
  const byDay = page.getByTestId('chart-cost-by-day');
  await expect(byDay.locator('.recharts-bar-rectangle').first()).toBeVisible();
  await expect(page.getByTestId('costs-by-model')).toContainText('gpt-4o');
  await expect(page.getByTestId('gauge-tokens-percent')).toHaveText('no limit');

  // Another run, with a cost the agent reports itself: the open page updates when it finishes.
  await reportRun({ tokensIn: 10_000, tokensOut: 2_000, costUsd: 1.25 });
  await expect(page.getByTestId('total-cost-value')).toHaveText('$1.85');
  await expect(page.getByTestId('total-executions-value')).toHaveText('2');
  await expect(page.getByTestId('costs-by-agent')).toContainText('$1.85');

  // The chart's numbers, as a table.
  await byDay.getByRole('button', { name: 'Table' }).click();
  await expect(byDay.getByRole('table')).toContainText('$1.85');
  await byDay.getByRole('button', { name: 'Chart' }).click();
  await expect(byDay.getByRole('img')).toBeVisible();
});

test('an exhausted budget with hard stop shows as blocked on the costs page, and new runs are refused', async ({ page }) => {
  const current = await ok<{ version: number }>(await admin.get(`/api/v1/workspaces/${ws.id}`));
  // 162,000 tokens used so far (150k + 12k): a 200,000 limit is at 81% — past the warning.
  await ok(await admin.put(`/api/v1/workspaces/${ws.id}/budget`, { data: { monthlyTokenLimit: 200_000, monthlyCostLimitUsd: null, hardStop: true, version: current.version } }));
  await page.goto(`/w/${ws.slug}/costs`);
  await expect(page.getByTestId('gauge-tokens')).toHaveAttribute('data-level', 'warning');
  await expect(page.getByTestId('gauge-tokens-percent')).toContainText('81');
  await expect(page.getByTestId('budget-blocked')).toHaveCount(0);

  // One more run goes past 100%.
  await reportRun({ tokensIn: 40_000, tokensOut: 0 });
  await expect(page.getByTestId('budget')).toHaveAttribute('data-blocked', 'true');
  await expect(page.getByTestId('gauge-tokens')).toHaveAttribute('data-level', 'exceeded');
  const blocked = page.getByTestId('budget-blocked');
  await expect(blocked).toContainText('Blocked');
  await expect(blocked).toContainText('402 BUDGET_EXCEEDED');
  const refused = await agentApi.post('/api/v1/executions', { headers: bearer(agent.key), data: {} });
  expect(refused.status()).toBe(402);
  expect((await refused.json()).error.code).toBe('BUDGET_EXCEEDED');

  // The way out: raise the limit in the settings page it links to.
  await blocked.getByTestId('raise-limit').click();
  await expect(page).toHaveURL(new RegExp(`/w/${ws.slug}/settings#budget$`));
  await page.getByLabel('Monthly token limit').fill('1000000');
  await page.getByRole('button', { name: 'Save budget' }).click();
  await expect(page.getByText('Budget saved.')).toBeVisible();
  await page.goto(`/w/${ws.slug}/costs`);
  await expect(page.getByTestId('budget')).toHaveAttribute('data-blocked', 'false');
  await expect(page.getByTestId('gauge-tokens')).toHaveAttribute('data-level', 'ok');
  await ok(await agentApi.post('/api/v1/executions', { headers: bearer(agent.key), data: {} }), 201);
});

test('an instance admin adds a model price version; the API refuses bad values on the fields', async ({ page }) => {
  const model = `e2e-model-${uniq()}`;
  await page.goto('/');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Prices' }).click();
  await expect(page.getByTestId('prices-table')).toContainText('gpt-4o');

  const form = page.getByTestId('add-price-form');
  await form.getByLabel('Model').fill(model);
  await form.getByLabel('Input USD / million tokens').fill('-1');
  await form.getByLabel('Output USD / million tokens').fill('4');
  await form.getByRole('button', { name: 'Add price' }).click();
  await expect(form.getByLabel('Input USD / million tokens')).toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByText('Must be at least 0')).toBeVisible();

  await form.getByLabel('Input USD / million tokens').fill('1.5');
  await form.getByLabel('Note').fill('e2e price');
  await form.getByRole('button', { name: 'Add price' }).click();
  await expect(page.getByText(`New price for ${model}`)).toBeVisible();
  const row = page.getByTestId('price-row').filter({ hasText: model });
  await expect(row.getByTestId('price-input')).toHaveText('$1.50');
  await expect(row.getByTestId('price-output')).toHaveText('$4.00');

  // A second version: the history lists both, the newest in force.
  await form.getByLabel('Model').fill(model);
  await form.getByLabel('Input USD / million tokens').fill('2');
  await form.getByLabel('Output USD / million tokens').fill('5');
  await form.getByRole('button', { name: 'Add price' }).click();
  await expect(row.getByTestId('price-input')).toHaveText('$2.00');
  const history = page.getByTestId('price-history');
  await expect(history.getByTestId('price-version')).toHaveCount(2);
  await expect(history.getByTestId('price-version').first()).toContainText('In force');
});
