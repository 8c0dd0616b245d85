// Crons in the browser (issue 14): an admin creates a cron through the form, with the schedule's live preview
// (plain words and the next runs in the chosen zone; a bad expression is named on its field), runs it now, and
// sees the run history change without reloading as the run's ticket is worked on by the agent over the API
// (the cron_run.* events of the target's workspace refresh the page); then pauses and resumes it. The cron shows
// on the instance-wide page and on the workspace's tab; a member of the workspace sees it without the actions.
// A cron whose task creates no ticket dispatches the task to the agent's endpoint (a real receiver here, the
// server runs with MC_WEBHOOK_ALLOW_PRIVATE=1); its run shows the execution instead of a ticket and follows it.
import { expect, request as playwrightRequest, test, type APIRequestContext, type Page } from '@playwright/test';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { adminApi, bearer, ok, registerAgent, signIn, uniq, type TestAgent } from './support';

test.describe.configure({ mode: 'serial' });

let admin: APIRequestContext;
let agentApi: APIRequestContext;
let ws: { id: string; slug: string; name: string };
let coder: TestAgent;
let cronId = '';
const tag = uniq();
const cronName = `Morning triage ${tag}`;

test.beforeAll(async ({ baseURL }) => {
  admin = await adminApi(baseURL!);
  agentApi = await playwrightRequest.newContext({ baseURL });
  const made = await ok<{ id: string; slug: string; name: string }>(await admin.post('/api/v1/workspaces', { data: { name: `Crons ${tag}`, slug: `crons-${tag}` } }), 201);
  ws = made;
  coder = await registerAgent(admin, agentApi, ws.slug, `triager-${tag}`);
});

test.afterAll(async () => {
  await admin?.dispose();
  await agentApi?.dispose();
});

/** The run history's rows, newest first. */
const runRows = (page: Page) => page.getByTestId('run-row');

test('create a cron with the schedule preview', async ({ page }) => {
  await signIn(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Crons' }).click();
  await expect(page.getByRole('heading', { name: 'Crons', level: 1 })).toBeVisible();
  await page.getByRole('link', { name: 'New cron' }).click();
  await expect(page.getByRole('heading', { name: 'New cron' })).toBeVisible();

  await page.getByRole('textbox', { name: 'Name', exact: true }).fill(cronName);
  await page.getByRole('combobox', { name: 'Time zone' }).selectOption('Europe/Berlin');
  const schedule = page.getByRole('textbox', { name: 'Schedule', exact: true });

  // A bad expression is named on the field, from the server's answer.
  await schedule.fill('61 9 * * *');
  await expect(schedule).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#cron-schedule-error')).not.toBeEmpty();

  // A good one reads back in words, with the next three runs in Berlin time.
  await schedule.fill('0 9 * * 1-5');
  await expect(schedule).not.toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('schedule-description')).toContainText(/09:00|9:00/);
  const preview = page.getByTestId('preview-next-runs').locator('li');
  await expect(preview).toHaveCount(3);
  await expect(preview.first().locator('time')).toHaveText(/09:00/);
  // The hover gives the instant in UTC (09:00 in Berlin is 07:00 or 08:00 UTC).
  await expect(preview.first().locator('time')).toHaveAttribute('title', /0[78]:00 UTC$/);

  // Switching the zone re-reads the preview in that zone.
  await page.getByRole('combobox', { name: 'Time zone' }).selectOption('America/New_York');
  await expect(preview.first().locator('time')).toHaveAttribute('title', /1[34]:00 UTC$/);
  await page.getByRole('combobox', { name: 'Time zone' }).selectOption('Europe/Berlin');
  await expect(preview.first().locator('time')).toHaveAttribute('title', /0[78]:00 UTC$/);

  await page.getByRole('combobox', { name: 'Target 1: workspace' }).selectOption(ws.id);
  await page.getByRole('combobox', { name: 'Target 1: agent' }).selectOption(coder.id);
  await page.getByRole('textbox', { name: 'Task title' }).fill(`Triage the inbox ${tag}`);
  await page.getByRole('textbox', { name: 'Instructions' }).fill('Label every new issue and close the duplicates.');
  await page.getByRole('textbox', { name: 'Labels' }).fill('triage, daily');
  await page.getByRole('button', { name: 'Create cron' }).click();

  await expect(page.getByTestId('cron-heading')).toHaveText(cronName);
  cronId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
  expect(cronId).toMatch(/^crn_/);
  await expect(page.getByTestId('cron-status')).toHaveText('Active');
  await expect(page.getByTestId('next-runs').locator('li')).toHaveCount(3);
  await expect(page.getByTestId('cron-targets')).toContainText(coder.name);
  await expect(page.getByTestId('run-history')).toHaveCount(0);
  await expect(page.getByText('No runs yet')).toBeVisible();
});

test('run it now and see the history update live', async ({ page }) => {
  await signIn(page);
  await page.goto(`/crons/${encodeURIComponent(cronId)}`);
  await expect(page.getByTestId('cron-heading')).toHaveText(cronName);

  await page.getByRole('button', { name: 'Run now' }).click();
  await expect(runRows(page)).toHaveCount(1);
  const row = runRows(page).first();
  await expect(row).toContainText('Run now');
  // The run made its ticket for the agent; it is running until the ticket reaches Done.
  await expect(row).toHaveAttribute('data-status', 'running');
  await expect(row.getByTestId('run-ticket')).toHaveCount(1);
  // The history names the ticket by its number and title, and links to it; the cron says its run goes.
  const runs = await ok<{ ticketIds: string[]; tickets: { id: string; number: number; title: string }[] }[]>(await admin.get(`/api/v1/crons/${cronId}/runs`));
  const ticketId = runs[0].ticketIds[0];
  expect(runs[0].tickets.map((t) => t.id)).toEqual([ticketId]);
  await expect(row.getByTestId('run-ticket')).toHaveText(`#${runs[0].tickets[0].number} ${runs[0].tickets[0].title}`);
  await expect(row.getByTestId('run-ticket')).toHaveAttribute('href', `/t/${encodeURIComponent(ticketId)}`);
  await expect(page.getByTestId('cron-running')).toContainText('Running…');

  // The agent works the ticket over the API; the page follows through the workspace's live events, no reload.
  await ok(await agentApi.patch(`/api/v1/tickets/${ticketId}/claim`, { headers: bearer(coder.key) }));
  await ok(await agentApi.patch(`/api/v1/tickets/${ticketId}`, { headers: bearer(coder.key), data: { status: 'pr_review' } }));
  await ok(await admin.patch(`/api/v1/tickets/${ticketId}`, { data: { status: 'done' } }));
  await expect(row).toHaveAttribute('data-status', 'success');
  await expect(row.getByTestId('run-status')).toHaveText('Success');
  await expect(page.getByTestId('cron-last-result')).toHaveText('Success');
  await expect(page.getByTestId('cron-running')).toHaveCount(0);

  // Its attempts unfold under the row.
  await row.getByTestId('run-attempts-toggle').click();
  await expect(page.getByTestId('run-attempts').locator('li')).toHaveCount(1);
  await expect(page.getByTestId('run-attempts')).toContainText('Attempt 1');
});

test('pause it and resume it', async ({ page }) => {
  await signIn(page);
  await page.goto(`/crons/${encodeURIComponent(cronId)}`);
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByTestId('cron-status')).toHaveText('Paused');
  await expect(page.getByRole('button', { name: 'Resume' })).toBeVisible();
  await expect(page.getByTestId('next-runs')).toHaveCount(0);

  // The global list and the workspace's tab agree.
  await page.getByRole('link', { name: '← Crons' }).click();
  const listed = page.locator(`[data-cron-id="${cronId}"]`);
  await expect(listed.getByTestId('cron-status')).toHaveText('Paused');
  await expect(listed.getByTestId('cron-last-result')).toHaveText('Success');
  await page.goto(`/w/${ws.slug}/crons`);
  await expect(page.locator(`[data-cron-id="${cronId}"]`).getByTestId('cron-status')).toHaveText('Paused');

  await page.goto(`/crons/${encodeURIComponent(cronId)}`);
  await page.getByRole('button', { name: 'Resume' }).click();
  await expect(page.getByTestId('cron-status')).toHaveText('Active');
  await expect(page.getByTestId('next-runs').locator('li')).toHaveCount(3);
});

test('a member sees the cron but not the actions', async ({ page }) => {
  const member = { name: `Mia ${tag}`, email: `mia-${tag}@e2e.test`, password: 'member-password-1' };
  await ok(await admin.post('/api/v1/users', { data: member }), 201);
  await ok(await admin.post(`/api/v1/workspaces/${ws.id}/members`, { data: { email: member.email, role: 'member' } }), 201);
  await signIn(page, member);
  await page.goto(`/crons/${encodeURIComponent(cronId)}`);
  await expect(page.getByTestId('cron-heading')).toHaveText(cronName);
  await expect(page.getByRole('group', { name: 'Cron actions' })).toHaveCount(0);
  await expect(runRows(page)).toHaveCount(1);
});

test('a cron without a ticket dispatches its task; the run shows its execution and follows it', async ({ page }) => {
  const received: { type: string; data: { ticket: unknown; cronRunId: string; execution: { id: string; reportPath: string }; task: { title: string } } }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const payload = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      if (payload.type === 'dispatch') received.push(payload);
      res.writeHead(200).end('on it');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const sweeper = await registerAgent(admin, agentApi, ws.slug, `sweeper-${tag}`);
    await ok(await admin.patch(`/api/v1/agents/${sweeper.id}`, { data: { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/mc` } }));
    const cron = await ok<{ id: string }>(
      await admin.post('/api/v1/crons', {
        data: {
          name: `Branch sweep ${tag}`,
          schedule: '0 3 * * *',
          timezone: 'UTC',
          targets: [{ workspaceId: ws.id, agentId: sweeper.id }],
          task: { title: `Sweep stale branches ${tag}`, instructions: 'Delete merged branches', createTicket: false },
        },
      }),
      201,
    );
    await signIn(page);
    await page.goto(`/crons/${encodeURIComponent(cron.id)}`);
    await expect(page.getByText('Dispatches the task without a ticket')).toBeVisible();
    await page.getByRole('button', { name: 'Run now' }).click();
    const row = runRows(page).first();
    await expect(row).toHaveAttribute('data-status', 'running');
    await expect(row.getByTestId('run-ticket')).toHaveCount(0);

    // The agent's endpoint gets the task alone (no ticket), with the run and the execution to report on.
    await expect.poll(() => received.length, { timeout: 15_000 }).toBe(1);
    const [got] = received;
    expect(got.data.ticket).toBeNull();
    expect(got.data.task.title).toBe(`Sweep stale branches ${tag}`);
    const link = row.getByTestId('run-execution');
    await expect(link).toHaveAttribute('href', `/w/${ws.slug}/executions/${got.data.execution.id}`);

    // The agent reports over REST with its own key; the run follows its execution, live.
    await ok(await agentApi.patch(got.data.execution.reportPath, { headers: bearer(sweeper.key), data: { status: 'success', tokensIn: 800, tokensOut: 90, summary: 'three branches deleted' } }));
    await expect(row).toHaveAttribute('data-status', 'success', { timeout: 15_000 });
    await row.getByTestId('run-attempts-toggle').click();
    await expect(page.getByText('three branches deleted')).toBeVisible();
    await expect(page.getByTestId('attempt-execution')).toHaveAttribute('href', `/w/${ws.slug}/executions/${got.data.execution.id}`);
    await page.screenshot({ path: test.info().outputPath('cron-ticketless-run.png'), fullPage: true });
    await link.click();
    await expect(page).toHaveURL(`/w/${ws.slug}/executions/${got.data.execution.id}`);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});
