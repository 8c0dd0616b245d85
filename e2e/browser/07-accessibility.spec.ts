// Accessibility of every dashboard page, signed in, with data in it: axe-core (WCAG 2.x A/AA rules and best
// practices) finds no serious or critical violation at desktop (1366 px) and phone (390 px) widths, and no page
// scrolls sideways on a phone. The page list is built from the app's routes (every page.tsx under apps/web/app),
// so a page added later is checked without editing this file — and the spec fails if it cannot fill in one of the
// page's dynamic segments, instead of silently skipping it.
import AxeBuilder from '@axe-core/playwright';
import { expect, request as playwrightRequest, test, type APIRequestContext, type Page } from '@playwright/test';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ADMIN, adminApi, bearer, ok, registerAgent, signIn, uniq, type TestAgent } from './support';

test.describe.configure({ mode: 'serial' });

const APP_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../apps/web/app');
const VIEWPORTS = [
  { name: 'desktop', width: 1366, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const;
/** Set to a directory to keep a full-page screenshot of every page view (for looking at the pages, not compared). */
const SCREENSHOT_DIR = process.env.MC_E2E_SCREENSHOTS;
/** What the spec holds a page to; moderate and minor findings are reported, not failed. */
const FAILING_IMPACTS = new Set(['serious', 'critical']);

interface Route {
  /** The route as Next.js serves it: `/w/[slug]/agents/[agentId]` (route groups dropped). */
  pattern: string;
  /** The route group the page lives in: `(app)` pages need a session, `(auth)` pages are for signed-out visitors. */
  group: string | null;
}

/** Every page of the dashboard, from the files Next.js routes. */
function appRoutes(dir = APP_DIR, segments: string[] = [], group: string | null = null): Route[] {
  const routes: Route[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      // Private folders (`_x`) and parallel/intercepting routes are not pages of their own.
      if (entry.name.startsWith('_') || entry.name.startsWith('@') || entry.name.startsWith('(.')) continue;
      const isGroup = /^\(.+\)$/.test(entry.name);
      routes.push(...appRoutes(path.join(dir, entry.name), isGroup ? segments : [...segments, entry.name], isGroup && group === null ? entry.name : group));
    } else if (/^page\.(tsx|ts|jsx|js|mdx)$/.test(entry.name)) {
      routes.push({ pattern: `/${segments.join('/')}`, group });
    }
  }
  return routes.sort((a, b) => a.pattern.localeCompare(b.pattern));
}

/** Fill `[segment]`s from seeded data; a segment the spec does not know fails the run (add it to `values`). */
function fill(pattern: string, values: Record<string, string>): string {
  return pattern.replace(/\[([^\]]+)\]/g, (_, name: string) => {
    if (name.startsWith('...') || name.startsWith('[')) throw new Error(`catch-all segment ${name} in ${pattern}: teach the accessibility spec how to fill it`);
    const v = values[name];
    if (!v) throw new Error(`no seeded value for [${name}] in ${pattern}: add one to the accessibility spec's segment values`);
    return encodeURIComponent(v);
  });
}

interface Finding {
  page: string;
  viewport: string;
  rule: string;
  impact: string;
  nodes: number;
  example: string;
}

/** Wait until the page has drawn its data: no spinner (every <Loading> and busy button shows one) for a moment. */
async function settle(page: Page, expectUnread: boolean) {
  await page.waitForLoadState('load');
  await expect(page.locator('main')).toBeVisible();
  await expect(page.locator('.animate-spin')).toHaveCount(0, { timeout: 20_000 });
  // The bell's count is part of every signed-in page; wait for it so that it is checked too.
  if (expectUnread) await expect(page.getByTestId('notification-count')).toBeVisible();
  // Charts and late lists render a frame after their data arrives.
  await page.waitForTimeout(300);
  await expect(page.locator('.animate-spin')).toHaveCount(0, { timeout: 20_000 });
}

async function audit(page: Page, label: string, viewport: string, findings: Finding[]) {
  const result = await new AxeBuilder({ page }).analyze();
  for (const v of result.violations) {
    findings.push({
      page: label,
      viewport,
      rule: v.id,
      impact: v.impact ?? 'unknown',
      nodes: v.nodes.length,
      example: `${v.nodes[0]?.target.join(' ')} — ${v.nodes[0]?.failureSummary?.split('\n').slice(0, 2).join(' ')}`,
    });
  }
}

/** Sideways scrolling of the whole page (a wide table may scroll inside its own box; the page may not). */
async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/** A webhook receiver on loopback that accepts everything, so the deliveries table has rows. */
function startReceiver(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      }),
    ),
  );
}

let admin: APIRequestContext;
let agentApi: APIRequestContext;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const segmentValues: Record<string, string> = {};
/** Signed-out pages need something to show: a set-password token. */
let setPasswordPath = '';

test.beforeAll(async ({ baseURL }) => {
  test.setTimeout(120_000);
  receiver = await startReceiver();
  admin = await adminApi(baseURL!);
  agentApi = await playwrightRequest.newContext({ baseURL });
  const tag = uniq();

  // A workspace with a bit of everything: agents in every state, tickets in most columns (one column stays empty),
  // a mention of the admin (unread notifications), a PR link, runs, a budget, a webhook with deliveries, a member,
  // a cron with a run.
  const ws = await ok<{ id: string; slug: string; version: number }>(await admin.post('/api/v1/workspaces', { data: { name: `Axe ${tag}`, slug: `axe-${tag}` } }), 201);
  await ok(await admin.patch(`/api/v1/workspaces/${ws.id}`, { data: { defaultRepository: 'acme/rocket', mission: 'Ship accessible dashboards.' } }));
  const hook = await ok<{ id: string }>(await admin.post('/api/v1/webhooks', { data: { workspaceId: ws.id, url: receiver.url, description: 'axe receiver' } }), 201);

  const coder: TestAgent = await registerAgent(admin, agentApi, ws.slug, `coder-${tag}`, ['typescript', 'review']);
  const retired = await registerAgent(admin, agentApi, ws.slug, `retired-${tag}`);
  await ok(await admin.post(`/api/v1/agents/${retired.id}/deactivate`));
  await ok(await agentApi.post('/api/v1/agents', { data: { workspace: ws.slug, name: `waiting-${tag}`, capabilities: ['docs'] } }), 202);
  const refused = await ok<{ agentId: string }>(await agentApi.post('/api/v1/agents', { data: { workspace: ws.slug, name: `refused-${tag}` } }), 202);
  await ok(await admin.post(`/api/v1/agents/${refused.agentId}/reject`, { data: { reason: 'Unknown operator' } }));

  // An agent with its own endpoint (the receiver): its notifications are deliveries too, named by the agent.
  const pusher = await ok<{ agentId: string }>(await agentApi.post('/api/v1/agents', { data: { workspace: ws.slug, name: `pusher-${tag}`, endpoint: `${receiver.url}/agent` } }), 202);
  await ok(await admin.post(`/api/v1/agents/${pusher.agentId}/approve`));

  const member = { name: `Mo ${tag}`, email: `mo-${tag}@e2e.test`, password: 'member-password-1' };
  await ok(await admin.post('/api/v1/users', { data: member }), 201);
  await admin.post(`/api/v1/workspaces/${ws.id}/members`, { data: { email: member.email, role: 'member' } });
  // A user without a password: the response holds a one-time set-password link (for the signed-out page).
  const invited = await ok<{ setPasswordUrl: string }>(await admin.post('/api/v1/users', { data: { name: `Nia ${tag}`, email: `nia-${tag}@e2e.test` } }), 201);
  const link = new URL(invited.setPasswordUrl, 'http://placeholder');
  setPasswordPath = `${link.pathname}${link.search}${link.hash}`;
  await ok(await admin.post('/api/v1/me/api-keys', { data: { name: `axe-${tag}` } }), 201);

  const ticket = async (title: string, extra: Record<string, unknown> = {}) =>
    ok<{ id: string; number: number }>(await admin.post('/api/v1/tickets', { data: { workspaceId: ws.id, title, ...extra } }), 201);
  const todo = await ticket(`Write the onboarding guide ${tag}`, { priority: 'high', labels: ['docs'], description: 'See PR#12 and acme/rocket#7.' });
  const doing = await ticket(`Fix the login redirect ${tag}`, { labels: ['bug'] });
  const review = await ticket(`Add keyboard shortcuts ${tag}`);
  await ticket(`Archive old runs ${tag}`, { priority: 'low' });
  await ok(await agentApi.patch(`/api/v1/tickets/${doing.id}/claim`, { headers: bearer(coder.key) }));
  await ok(await agentApi.patch(`/api/v1/tickets/${review.id}/claim`, { headers: bearer(coder.key) }));
  await ok(await agentApi.patch(`/api/v1/tickets/${review.id}`, { headers: bearer(coder.key), data: { status: 'pr_review' } }));
  await ok(await agentApi.post(`/api/v1/tickets/${todo.id}/comments`, { headers: bearer(coder.key), data: { body: `@${ADMIN.email.split('@')[0]} could you check PR#12 before I start?` } }), 201);
  await ok(await admin.post(`/api/v1/tickets/${todo.id}/comments`, { data: { body: `Sure — **looking** now. @pusher-${tag} take notes.` } }), 201);

  const run = await ok<{ id: string }>(await agentApi.post('/api/v1/executions', { headers: bearer(coder.key), data: { ticketId: doing.id } }), 201);
  await ok(
    await agentApi.patch(`/api/v1/executions/${run.id}`, {
      headers: bearer(coder.key),
      data: {
        status: 'success',
        tokensIn: 12_000,
        tokensOut: 3_400,
        apiCalls: 4,
        model: 'gpt-4o',
        decisions: [{ input: 'The redirect loses ?next', reasoning: 'Keep the query string through the login form.', output: 'Patched `login/page.tsx`' }],
        summary: 'Fixed it.',
      },
    }),
  );
  await ok(await agentApi.post('/api/v1/executions', { headers: bearer(coder.key), data: { ticketId: review.id } }), 201);
  await ok(await admin.put(`/api/v1/workspaces/${ws.id}/budget`, { data: { monthlyTokenLimit: 1_000_000, monthlyCostLimitUsd: 50, hardStop: false } }));

  // The webhook sees the events above; wait for a delivery to exist.
  let deliveryId = '';
  await expect
    .poll(
      async () => {
        const res = await admin.get(`/api/v1/webhook-deliveries?workspaceId=${ws.id}&webhookId=${hook.id}&limit=1`);
        deliveryId = (await res.json()).data?.[0]?.id ?? '';
        return deliveryId;
      },
      { timeout: 20_000 },
    )
    .not.toBe('');

  // A cron targeting the coder, run once now, so the cron pages have details, next runs and a run history.
  const cron = await ok<{ id: string }>(
    await admin.post('/api/v1/crons', {
      data: { name: `Nightly digest ${tag}`, schedule: '0 2 * * *', timezone: 'Europe/Berlin', targets: [{ workspaceId: ws.id, agentId: coder.id }], task: { title: `Digest ${tag}`, labels: ['digest'] } },
    }),
    201,
  );
  await ok(await admin.post(`/api/v1/crons/${cron.id}/run`), 202);

  Object.assign(segmentValues, { slug: ws.slug, agentId: coder.id, ticketId: todo.id, executionId: run.id, deliveryId, cronId: cron.id });
});

test.afterAll(async () => {
  await admin?.dispose();
  await agentApi?.dispose();
  await receiver?.close();
});

test('the routes walked here are the pages the app has', () => {
  const routes = appRoutes();
  // Sanity: the walk finds the app's pages (a moved app directory must not make this spec check nothing).
  expect(routes.length).toBeGreaterThan(20);
  expect(routes.map((r) => r.pattern)).toEqual(expect.arrayContaining(['/w/[slug]/board', '/notifications', '/login']));
  for (const r of routes) expect(r.group, `${r.pattern} is in no route group: is it signed-in or signed-out?`).toMatch(/^\((app|auth)\)$/);
});

test('every signed-in page: no serious or critical axe violation at 1366 and 390 px, no sideways scroll on a phone', async ({ page }) => {
  const routes = appRoutes().filter((r) => r.group === '(app)');
  test.setTimeout(60_000 + routes.length * VIEWPORTS.length * 15_000);
  const findings: Finding[] = [];
  const overflow: string[] = [];
  const timings: string[] = [];
  await signIn(page);
  const unread = async () => ((await (await page.request.get('/api/v1/notifications?limit=1')).json()).meta?.unreadCount ?? 0) > 0;
  // The notifications page is visited last: a visit may mark them read, and the bell is checked on every page.
  const ordered = [...routes.filter((r) => r.pattern !== '/notifications'), ...routes.filter((r) => r.pattern === '/notifications')];

  for (const vp of VIEWPORTS) {
    await page.setViewportSize({ width: vp.width, height: vp.height });
    for (const route of ordered) {
      const url = fill(route.pattern, segmentValues);
      await test.step(`${route.pattern} at ${vp.width} px`, async () => {
        const t0 = Date.now();
        await page.goto(url);
        await settle(page, await unread());
        const t1 = Date.now();
        await audit(page, route.pattern, vp.name, findings);
        timings.push(`${route.pattern} @${vp.width}: load ${t1 - t0} ms, axe ${Date.now() - t1} ms`);
        if (SCREENSHOT_DIR) await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${route.pattern.replace(/[^a-z0-9]+/gi, '_') || 'home'}-${vp.width}.png`), fullPage: true });
        if (vp.name === 'phone') {
          const extra = await horizontalOverflow(page);
          if (extra > 0) overflow.push(`${route.pattern}: ${extra} px wider than the phone`);
        }
      });
    }
  }
  report(findings, routes.length * VIEWPORTS.length);
  if (process.env.MC_E2E_TIMINGS) console.log(timings.join('\n'));
  const failing = findings.filter((f) => FAILING_IMPACTS.has(f.impact));
  expect.soft(failing.map((f) => `${f.page} @${f.viewport}: ${f.impact} ${f.rule} (${f.nodes}) ${f.example}`)).toEqual([]);
  expect(overflow).toEqual([]);
});

test('every signed-out page: no serious or critical axe violation at 1366 and 390 px', async ({ browser }) => {
  const routes = appRoutes().filter((r) => r.group === '(auth)');
  const findings: Finding[] = [];
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    for (const vp of VIEWPORTS) {
      await page.setViewportSize({ width: vp.width, height: vp.height });
      for (const route of routes) {
        // /setup is done on this instance and sends the visitor on; /set-password needs its token.
        const url = route.pattern === '/set-password' && setPasswordPath ? setPasswordPath : fill(route.pattern, segmentValues);
        await page.goto(url);
        await page.waitForLoadState('load');
        await expect(page.locator('.animate-spin')).toHaveCount(0, { timeout: 20_000 });
        await audit(page, route.pattern, vp.name, findings);
        if (vp.name === 'phone') expect(await horizontalOverflow(page), `${route.pattern} scrolls sideways on a phone`).toBeLessThanOrEqual(0);
      }
    }
  } finally {
    await context.close();
  }
  report(findings, routes.length * VIEWPORTS.length);
  expect(findings.filter((f) => FAILING_IMPACTS.has(f.impact)).map((f) => `${f.page} @${f.viewport}: ${f.rule} ${f.example}`)).toEqual([]);
});

/** The figures, in the test output and as an attachment: what was checked and what axe found. */
function report(findings: Finding[], views: number) {
  const serious = findings.filter((f) => FAILING_IMPACTS.has(f.impact));
  const byRule = new Map<string, number>();
  for (const f of findings) byRule.set(`${f.impact} ${f.rule}`, (byRule.get(`${f.impact} ${f.rule}`) ?? 0) + 1);
  const lines = [
    `axe-core: ${views} page views, ${serious.length} serious/critical violations on ${new Set(serious.map((f) => `${f.page}@${f.viewport}`)).size} page views, ${findings.length - serious.length} moderate/minor`,
    ...[...byRule].map(([rule, n]) => `  ${rule}: ${n} page views`),
    ...findings.map((f) => `  ${f.page} @${f.viewport}: ${f.impact} ${f.rule} (${f.nodes} nodes) ${f.example}`),
  ];
  console.log(lines.join('\n'));
  test.info().annotations.push({ type: 'axe', description: lines[0] });
}
