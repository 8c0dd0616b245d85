// Issue #11's dashboard points in a real browser: a 200-character unbroken ticket title stays inside its board
// column at 1366 px; pickers and filters offer only the agents that can be chosen (the server filters by status);
// the default repository is set in Settings, validated, and makes a bare PR#12 a link; activity entries read as
// sentences and link to what they are about; the deliveries table fits at 1366 px and names agents.
import { expect, request as playwrightRequest, test, type APIRequestContext } from '@playwright/test';
import { adminApi, bearer, ok, registerAgent, signIn, uniq, type TestAgent } from './support';

test.describe.configure({ mode: 'serial' });
test.use({ viewport: { width: 1366, height: 900 } });

let admin: APIRequestContext;
let agentApi: APIRequestContext;
let ws: { id: string; slug: string };
let worker: TestAgent;
let retired: TestAgent;
const tag = uniq();
const names = { pending: `waiting-${tag}`, rejected: `refused-${tag}` };

test.beforeAll(async ({ baseURL }) => {
  admin = await adminApi(baseURL!);
  agentApi = await playwrightRequest.newContext({ baseURL });
  ws = await ok(await admin.post('/api/v1/workspaces', { data: { name: `Polish ${tag}`, slug: `polish-${tag}` } }), 201);
  worker = await registerAgent(admin, agentApi, ws.slug, `worker-${tag}`);
  retired = await registerAgent(admin, agentApi, ws.slug, `retired-${tag}`);
  await ok(await admin.post(`/api/v1/agents/${retired.id}/deactivate`));
  await ok(await agentApi.post('/api/v1/agents', { data: { workspace: ws.slug, name: names.pending } }), 202);
  const refused = await ok<{ agentId: string }>(await agentApi.post('/api/v1/agents', { data: { workspace: ws.slug, name: names.rejected } }), 202);
  await ok(await admin.post(`/api/v1/agents/${refused.agentId}/reject`, { data: { reason: 'Unknown operator' } }));
});

test.afterAll(async () => {
  await admin?.dispose();
  await agentApi?.dispose();
});

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

test('a 200-character unbroken title stays inside its board column at 1366 px', async ({ page }) => {
  const title = 'X'.repeat(190) + tag.slice(0, 10).padEnd(10, 'Y');
  expect(title).toHaveLength(200);
  await ok(await admin.post('/api/v1/tickets', { data: { workspaceId: ws.id, title } }), 201);
  await page.goto(`/w/${ws.slug}/board`);
  const card = page.getByTestId('ticket-card').filter({ hasText: title.slice(0, 40) });
  await expect(card).toBeVisible();

  const layout = await page.evaluate(() => {
    const columns = [...document.querySelectorAll<HTMLElement>('[data-testid^="column-"]')].filter((c) => c.tagName === 'SECTION');
    const cards = columns.flatMap((col) =>
      [...col.querySelectorAll<HTMLElement>('[data-testid="ticket-card"]')].map((c) => {
        const colBox = col.getBoundingClientRect();
        const box = c.getBoundingClientRect();
        return { id: c.dataset.ticketId, outside: box.left < colBox.left - 0.5 || box.right > colBox.right + 0.5, overflows: c.scrollWidth > c.clientWidth };
      }),
    );
    return { columns: columns.map((c) => c.getBoundingClientRect().width), cards, pageOverflow: document.documentElement.scrollWidth - document.documentElement.clientWidth };
  });
  expect(layout.cards.length).toBeGreaterThan(0);
  // Five columns of equal width: a long word does not widen its column.
  expect(Math.max(...layout.columns) - Math.min(...layout.columns)).toBeLessThan(1);
  expect(layout.cards.filter((c) => c.outside || c.overflows)).toEqual([]);
  expect(layout.pageOverflow).toBeLessThanOrEqual(0);
  if (process.env.MC_E2E_SCREENSHOTS) await page.screenshot({ path: `${process.env.MC_E2E_SCREENSHOTS}/board-long-title-1366.png` });
});

test('pickers offer active agents only; history filters add deactivated ones, marked', async ({ page }) => {
  await page.goto(`/w/${ws.slug}/board`);
  await page.getByRole('button', { name: 'New ticket' }).click();
  const picker = page.getByRole('dialog').getByLabel('Assignee');
  await expect(picker.locator('option', { hasText: worker.name })).toHaveCount(1);
  for (const name of [retired.name, names.pending, names.rejected]) await expect(picker.locator('option', { hasText: name })).toHaveCount(0);
  await page.keyboard.press('Escape');

  for (const path of ['activity', 'executions']) {
    await page.goto(`/w/${ws.slug}/${path}`);
    const filter = page.getByLabel('Agent', { exact: true });
    await expect(filter.locator('option', { hasText: worker.name })).toHaveText(worker.name);
    await expect(filter.locator('option', { hasText: retired.name })).toHaveText(`${retired.name} (deactivated)`);
    for (const name of [names.pending, names.rejected]) await expect(filter.locator('option', { hasText: name })).toHaveCount(0);
  }
});

test('the default repository: validated in Settings, then a bare PR#12 links to it', async ({ page }) => {
  await page.goto(`/w/${ws.slug}/settings`);
  const field = page.getByLabel('Default repository');
  await expect(field).toHaveValue('');
  await field.fill('not a repository');
  await page.getByRole('button', { name: 'Save repository' }).click();
  await expect(page.getByTestId('pr-settings').getByText('Use the form owner/repo (a GitHub repository), e.g. acme/rocket')).toBeVisible();
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  // A pasted URL is taken for its owner/repo.
  await field.fill('https://github.com/acme/rocket.git');
  await expect(page.getByTestId('pr-settings')).toContainText('PR#12 will link to https://github.com/acme/rocket/pull/12');
  await page.getByRole('button', { name: 'Save repository' }).click();
  await expect(page.getByText('Saved. Links already made stay as they are')).toBeVisible();
  await expect(field).toHaveValue('acme/rocket');
  const saved = await ok<{ defaultRepository: string | null }>(await admin.get(`/api/v1/workspaces/${ws.id}`));
  expect(saved.defaultRepository).toBe('acme/rocket');

  const ticket = await ok<{ id: string }>(await admin.post('/api/v1/tickets', { data: { workspaceId: ws.id, title: `Link it ${tag}`, description: 'Fixed in PR#12.' } }), 201);
  await page.goto(`/w/${ws.slug}/tickets/${ticket.id}`);
  await expect(page.getByTestId('ticket-links').getByRole('link', { name: 'acme/rocket#12' })).toHaveAttribute('href', 'https://github.com/acme/rocket/pull/12');
});

test('activity reads as sentences: status labels, durations, names, and a link to what each entry is about', async ({ page }) => {
  const ticket = await ok<{ id: string; number: number }>(await admin.post('/api/v1/tickets', { data: { workspaceId: ws.id, title: `Say it in words ${tag}` } }), 201);
  await ok(await agentApi.patch(`/api/v1/tickets/${ticket.id}/claim`, { headers: bearer(worker.key) }));
  await ok(await agentApi.patch(`/api/v1/tickets/${ticket.id}`, { headers: bearer(worker.key), data: { status: 'pr_review' } }));
  const run = await ok<{ id: string }>(await agentApi.post('/api/v1/executions', { headers: bearer(worker.key), data: { ticketId: ticket.id } }), 201);
  await ok(await agentApi.patch(`/api/v1/executions/${run.id}`, { headers: bearer(worker.key), data: { status: 'success', tokensIn: 12_000, tokensOut: 345, apiCalls: 1, model: 'gpt-4o' } }));

  await page.goto(`/w/${ws.slug}/activity`);
  const moved = page.locator('[data-testid="activity-entry"][data-action="ticket.moved"]').first();
  await expect(moved).toContainText(`moved #${ticket.number} from In Progress to PR Review`);
  await expect(moved).not.toContainText('pr_review');
  await expect(moved.getByTestId('activity-target-link')).toHaveAttribute('href', `/w/${ws.slug}/tickets/${ticket.id}`);

  const finished = page.locator('[data-testid="activity-entry"][data-action="execution.finished"]').first();
  await expect(finished).toContainText('finished an execution: success in');
  await expect(finished).toContainText('12,345 tokens');
  // Under a second a run reads "93 ms"; longer ones in s or min, never "10126 ms" (activity-text.test.ts has the cases).
  await expect(finished).not.toContainText(/\d{4,} ms/);
  await expect(finished.getByTestId('activity-execution-link')).toHaveAttribute('href', `/w/${ws.slug}/executions/${run.id}`);

  const deactivated = page.locator('[data-testid="activity-entry"][data-action="agent.deactivated"]').first();
  await expect(deactivated.getByTestId('activity-target-link')).toHaveAttribute('href', `/w/${ws.slug}/agents/${retired.id}`);
  // No raw agent id anywhere in the sentences.
  await expect(page.getByTestId('activity-list')).not.toContainText('agt_');
});
