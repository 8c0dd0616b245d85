// Tickets in the browser (issue #4): drag a ticket through the board, see a refused move explained, comment with
// an @mention picked from the autocomplete, and watch what agents do over the API appear live.
import { expect, request as playwrightRequest, test, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import { ADMIN, bearer, ensureAdmin, signIn, uniq } from './support';

interface Agent {
  id: string;
  name: string;
  key: string;
}

test.describe.configure({ mode: 'serial' });
// Tall enough that the whole board is in view: Chromium does not start a drag when the page scrolls between the
// mouse press and the first move (Playwright scrolls a drop target into view first).
test.use({ viewport: { width: 1360, height: 1000 } });

let admin: APIRequestContext;
/** Without the admin's cookie: what an agent process sends. */
let agentApi: APIRequestContext;
let ws: { id: string; slug: string };
let reviewer: Agent;
let builder: Agent;

async function ok<T = unknown>(res: Awaited<ReturnType<APIRequestContext['get']>>, status = 200): Promise<T> {
  expect(res.status(), `${res.url()} → ${await res.text()}`).toBe(status);
  return (await res.json()).data as T;
}

/** Register → approve (as the admin) → fetch the key with the registration secret, as a real agent would. */
async function createAgent(name: string, capabilities: string[]): Promise<Agent> {
  const reg = await ok<{ agentId: string; registrationSecret: string }>(await agentApi.post('/api/v1/agents', { data: { workspace: ws.slug, name, capabilities } }), 202);
  await ok(await admin.post(`/api/v1/agents/${reg.agentId}/approve`));
  const poll = await ok<{ apiKey: string | null }>(await agentApi.get(`/api/v1/agents/${reg.agentId}/registration`, { headers: bearer(reg.registrationSecret) }));
  expect(poll.apiKey).toBeTruthy();
  return { id: reg.agentId, name, key: poll.apiKey! };
}

async function createTicket(title: string, extra: Record<string, unknown> = {}): Promise<{ id: string; number: number }> {
  return ok(await admin.post('/api/v1/tickets', { data: { workspaceId: ws.id, title, ...extra } }), 201);
}

function column(page: Page, status: string): Locator {
  return page.getByTestId(`column-${status}`);
}

function card(page: Page, status: string, title: string): Locator {
  return column(page, status).getByTestId('ticket-card').filter({ hasText: title });
}

async function openBoard(page: Page) {
  await page.goto(`/w/${ws.slug}/board`);
  await expect(page.getByTestId('board')).toBeVisible();
  // Live updates only count once the event stream is connected.
  await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-state', 'live');
}

test.beforeAll(async ({ baseURL }) => {
  // The admin's own API session (cookie) for setting the scene; session writes must show the dashboard's origin.
  admin = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { Origin: baseURL! } });
  agentApi = await playwrightRequest.newContext({ baseURL });
  await ensureAdmin(admin);
  await ok(await admin.post('/api/v1/auth/login', { data: { email: ADMIN.email, password: ADMIN.password } }));
  const tag = uniq();
  ws = await ok(await admin.post('/api/v1/workspaces', { data: { name: `Tickets ${tag}`, slug: `tickets-${tag}` } }), 201);
  reviewer = await createAgent(`reviewer-${tag}`, ['review']);
  builder = await createAgent(`builder-${tag}`, ['typescript']);
});

test.afterAll(async () => {
  await admin?.dispose();
  await agentApi?.dispose();
});

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

test('a ticket dragged through the board: To-do → In Progress → PR Review → Done', async ({ page }) => {
  const title = `Ship the board ${uniq()}`;
  await openBoard(page);

  // Created through the board's "New ticket" form.
  await page.getByRole('button', { name: 'New ticket' }).click();
  const form = page.getByTestId('new-ticket-form');
  await form.getByLabel('Title').fill(title);
  await form.getByLabel('Description').fill('Five columns and **drag and drop**.');
  await form.getByLabel('Priority').selectOption('high');
  await form.getByLabel('Labels').fill('frontend, board');
  await form.getByRole('button', { name: 'Create ticket' }).click();
  await expect(form).toBeHidden();
  const todo = card(page, 'todo', title);
  await expect(todo).toBeVisible();
  const t = { id: (await todo.getAttribute('data-ticket-id'))!, number: Number(await todo.getAttribute('data-number')) };
  await expect(todo).toContainText(`#${t.number}`);
  await expect(todo).toContainText('High');
  await expect(todo).toContainText('frontend');

  for (const [from, to] of [
    ['todo', 'in_progress'],
    ['in_progress', 'pr_review'],
    ['pr_review', 'done'],
  ] as const) {
    await card(page, from, title).dragTo(column(page, to));
    await expect(card(page, to, title)).toBeVisible();
    await expect(card(page, from, title)).toHaveCount(0);
    // The move went through the API, not only the screen.
    await expect.poll(async () => (await ok<{ status: string }>(await admin.get(`/api/v1/tickets/${t.id}`))).status).toBe(to);
  }
  await expect(page.getByTestId('move-error')).toHaveCount(0);

  // And it stays there after a reload.
  await page.reload();
  await expect(card(page, 'done', title)).toBeVisible();
});

test('a refused move is explained and the card stays where it was', async ({ page }) => {
  const title = `Not so fast ${uniq()}`;
  const t = await createTicket(title);
  await openBoard(page);

  await card(page, 'todo', title).dragTo(column(page, 'done'));
  const alert = page.getByTestId('move-error');
  await expect(alert).toContainText(`Can't move #${t.number} from To-do to Done`);
  await expect(alert).toContainText('allowed: In Progress, Closed');
  await expect(card(page, 'todo', title)).toBeVisible();
  await expect(card(page, 'done', title)).toHaveCount(0);
  expect((await ok<{ status: string }>(await admin.get(`/api/v1/tickets/${t.id}`))).status).toBe('todo');

  // The keyboard way (the card's "Move to…" menu) moves it where it may go.
  await card(page, 'todo', title).getByRole('button', { name: `Move #${t.number} to…` }).click();
  await page.getByRole('menuitem', { name: 'In Progress' }).click();
  await expect(card(page, 'in_progress', title)).toBeVisible();
  await expect(alert).toHaveCount(0);
});

test('a comment with an @mention picked from the autocomplete', async ({ page }) => {
  const title = `Review the parser ${uniq()}`;
  const t = await createTicket(title, { description: 'Parse **mentions** in `code`-free text.\n\n- one\n- two\n\n<script>window.__xss = 1</script>' });
  // The short link a PR can carry finds the ticket's workspace.
  await page.goto(`/t/${t.id}`);
  await expect(page).toHaveURL(`/w/${ws.slug}/tickets/${t.id}`);
  await expect(page.getByTestId('ticket-heading')).toHaveText(title);
  // Markdown is rendered, HTML in it is only text.
  await expect(page.getByText('mentions', { exact: true })).toHaveJSProperty('tagName', 'STRONG');
  await expect(page.getByText('<script>window.__xss = 1</script>')).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();

  const box = page.getByLabel('Add a comment');
  await box.click();
  await box.pressSequentially('Please have a look @' + reviewer.name.slice(0, 5));
  const list = page.getByTestId('mention-suggestions');
  await expect(list).toBeVisible();
  await expect(list.getByRole('option').first()).toContainText(`@${reviewer.name}`);
  await box.press('Enter'); // picks the highlighted suggestion
  await expect(list).toBeHidden();
  await box.pressSequentially('and @ad');
  await list.getByRole('option', { name: /@ada/ }).click(); // the admin, by e-mail local part
  await expect(box).toHaveValue(`Please have a look @${reviewer.name} and @ada `);
  await page.getByRole('button', { name: 'Comment', exact: true }).click();

  const comment = page.getByTestId('comment').last();
  await expect(comment.getByTestId('mention')).toHaveText([`@${reviewer.name}`, '@ada']);
  await expect(box).toHaveValue('');
  const comments = await ok<{ mentions: { kind: string; id: string }[] }[]>(await admin.get(`/api/v1/tickets/${t.id}/comments`));
  expect(comments.at(-1)?.mentions.map((m) => m.id)).toContain(reviewer.id);

  // An agent's comment over the API appears without a reload.
  await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-state', 'live');
  await ok(await agentApi.post(`/api/v1/tickets/${t.id}/comments`, { headers: bearer(reviewer.key), data: { body: 'On it — see PR#7' } }), 201);
  await expect(page.getByTestId('comment').filter({ hasText: 'On it' })).toBeVisible({ timeout: 5_000 });
});

test('a claim made by an agent over the API appears on the open board', async ({ page }) => {
  const title = `Claim me ${uniq()}`;
  const t = await createTicket(title, { requiredCapabilities: ['typescript'] });
  await openBoard(page);
  await expect(card(page, 'todo', title)).toBeVisible();

  const started = Date.now();
  await ok(await agentApi.patch(`/api/v1/tickets/${t.id}/claim`, { headers: bearer(builder.key) }));
  const claimed = card(page, 'in_progress', title);
  await expect(claimed).toBeVisible({ timeout: 5_000 });
  console.log(`claim visible on the board after ${Date.now() - started} ms`);
  await expect(claimed.getByTestId('holder')).toContainText(builder.name);
  await expect(claimed.getByTestId('lease')).toContainText(/\d+:\d\d/);
  await expect(card(page, 'todo', title)).toHaveCount(0);

  // The agent moves it on over the API; the board follows.
  await ok(await agentApi.patch(`/api/v1/tickets/${t.id}`, { headers: bearer(builder.key), data: { status: 'pr_review' } }));
  await expect(card(page, 'pr_review', title)).toBeVisible({ timeout: 5_000 });
});

test('the moves offered are the ones the server allows the caller: an admin may close a held ticket, a member only an unheld one, a viewer none', async ({ page, baseURL }) => {
  test.slow(); // three people, each on the ticket page and the board
  const LABEL: Record<string, string> = { todo: 'To-do', in_progress: 'In Progress', pr_review: 'PR Review', done: 'Done', closed: 'Closed' };
  const tag = uniq();
  const people = {
    member: { name: `Max Member ${tag}`, email: `max-${tag}@e2e.test`, password: 'member-password-1' },
    viewer: { name: `Vic Viewer ${tag}`, email: `vic-${tag}@e2e.test`, password: 'viewer-password-1' },
  };
  for (const [role, who] of Object.entries(people)) {
    await ok(await admin.post('/api/v1/users', { data: who }), 201);
    await ok(await admin.post(`/api/v1/workspaces/${ws.id}/members`, { data: { email: who.email, role } }), 201);
  }
  const held = await createTicket(`Held by an agent ${tag}`, { requiredCapabilities: ['typescript'] });
  await ok(await agentApi.patch(`/api/v1/tickets/${held.id}/claim`, { headers: bearer(builder.key) }));
  const free = await createTicket(`Free to move ${tag}`);

  /** What the server says `who` may do with a ticket (its own session). */
  async function allowed(who: { email: string; password: string } | null, ticketId: string): Promise<string[]> {
    if (!who) return (await ok<{ allowedMoves: string[] }>(await admin.get(`/api/v1/tickets/${ticketId}`))).allowedMoves;
    const ctx = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { Origin: baseURL! } });
    try {
      await ok(await ctx.post('/api/v1/auth/login', { data: { email: who.email, password: who.password } }));
      return (await ok<{ allowedMoves: string[] }>(await ctx.get(`/api/v1/tickets/${ticketId}`))).allowedMoves;
    } finally {
      await ctx.dispose();
    }
  }

  /** The ticket page's move buttons and the board card's menu both show exactly `moves`. */
  async function expectMoves(ticket: { id: string; number: number }, status: string, moves: string[]) {
    await page.goto(`/w/${ws.slug}/tickets/${ticket.id}`);
    await expect(page.getByTestId('ticket-heading')).toBeVisible();
    const group = page.getByRole('group', { name: 'Move ticket' });
    if (moves.length) await expect(group.getByRole('button')).toHaveText(moves.map((s) => LABEL[s]));
    else await expect(group).toHaveCount(0);

    await openBoard(page);
    const c = column(page, status).locator(`[data-ticket-id="${ticket.id}"]`);
    await expect(c).toBeVisible();
    const menu = c.getByRole('button', { name: `Move #${ticket.number} to…` });
    if (moves.length) {
      await expect(c).toHaveAttribute('draggable', 'true');
      await menu.click();
      await expect(page.getByRole('menu', { name: `Move #${ticket.number} to` }).getByRole('menuitem')).toHaveText(moves.map((s) => LABEL[s]));
      await page.keyboard.press('Escape');
    } else {
      await expect(menu).toHaveCount(0);
      await expect(c).toHaveAttribute('draggable', 'false');
    }
  }

  // The admin (signed in): a held ticket can still be closed (and more), exactly as the server lists.
  const adminHeld = await allowed(null, held.id);
  expect(adminHeld).toContain('closed');
  await expectMoves(held, 'in_progress', adminHeld);

  // A member: nothing while an agent holds the ticket; the moves the server gives on a ticket nobody holds.
  await page.context().clearCookies();
  await signIn(page, people.member);
  expect(await allowed(people.member, held.id)).toEqual([]);
  await expectMoves(held, 'in_progress', []);
  const memberFree = await allowed(people.member, free.id);
  expect(memberFree.length).toBeGreaterThan(0);
  await expectMoves(free, 'todo', memberFree);

  // A viewer: no moves anywhere.
  await page.context().clearCookies();
  await signIn(page, people.viewer);
  expect(await allowed(people.viewer, free.id)).toEqual([]);
  await expectMoves(free, 'todo', []);
});
