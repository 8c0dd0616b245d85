// Issue #2 in a real browser: first-run setup, signing out and in, workspaces, a second user as a member, the
// workspace switcher, and a personal API key that is shown exactly once and works.
import { expect, test } from '@playwright/test';
import { ADMIN, bearer, needsSetup, signIn, uniq } from './support';

test('first run: setup, sign in again, workspaces, a member, the switcher and an API key shown once', async ({ page, request, browser }) => {
  test.setTimeout(120_000);
  const run = uniq();
  const apollo = { name: `Apollo ${run}`, slug: `apollo-${run}` };
  const gemini = { name: `Gemini ${run}`, slug: `gemini-${run}` };
  const bob = { name: `Bob ${run}`, email: `bob-${run}@e2e.test`, password: 'bob-password-123' };

  await test.step('a fresh instance sends the first visitor to the setup page', async () => {
    // Only a fresh server can show this; the config starts one on an empty data directory for every run.
    expect(await needsSetup(request)).toBe(true);
    await page.goto('/');
    await expect(page).toHaveURL(/\/setup$/);
    await expect(page.getByRole('heading', { name: 'Welcome to Mission Control' })).toBeVisible();
  });

  await test.step('setup creates the instance admin and signs them in', async () => {
    await page.getByLabel('Name').fill(ADMIN.name);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Complete setup' }).click();
    await expect(page.getByTestId('current-user')).toHaveText(ADMIN.name);
    // No workspace yet: the home page leads to the list with the create form.
    await expect(page).toHaveURL(/\/workspaces$/);
    expect(await needsSetup(request)).toBe(false);
  });

  await test.step('sign out, then sign in again', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    // The session is gone: a signed-in page sends us back to the login page.
    await page.goto('/settings/api-keys');
    await expect(page).toHaveURL(/\/login\?next=/);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByText(/invalid|incorrect|wrong/i)).toBeVisible();
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Back where we wanted to go.
    await expect(page).toHaveURL(/\/settings\/api-keys$/);
    await expect(page.getByTestId('current-user')).toHaveText(ADMIN.name);
  });

  await test.step('create two workspaces', async () => {
    for (const ws of [apollo, gemini]) {
      await page.goto('/workspaces');
      await page.locator('#new-ws-name').fill(ws.name);
      await expect(page.locator('#new-ws-slug')).toHaveValue(ws.slug);
      await page.getByRole('button', { name: 'Create workspace' }).click();
      await expect(page).toHaveURL(new RegExp(`/w/${ws.slug}$`));
      await expect(page.getByTestId('workspace-name')).toHaveText(ws.name);
    }
  });

  await test.step('create a second user in Users', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    await expect(page).toHaveURL(/\/admin\/users$/);
    await page.getByLabel('Name').fill(bob.name);
    await page.getByLabel('Email').fill(bob.email);
    await page.getByLabel('Password (optional)').fill(bob.password);
    await page.getByRole('button', { name: 'Create user' }).click();
    await expect(page.getByText(`${bob.name} can now sign in as ${bob.email}.`)).toBeVisible();
    await expect(page.getByTestId(`user-${bob.email}`)).toContainText(bob.name);
  });

  await test.step('add them to a workspace as a member', async () => {
    await page.goto(`/w/${apollo.slug}/members`);
    await page.getByLabel('Email').fill(bob.email);
    await page.locator('#add-member-role').selectOption('member');
    await page.getByRole('button', { name: 'Add member' }).click();
    await expect(page.getByText(`${bob.name} was added as member.`)).toBeVisible();
    await expect(page.getByTestId(`member-${bob.email}`)).toContainText('Member');
  });

  await test.step('the new member signs in and sees that workspace only', async () => {
    const context = await browser.newContext();
    const bobPage = await context.newPage();
    try {
      await signIn(bobPage, bob);
      await expect(bobPage).toHaveURL(new RegExp(`/w/${apollo.slug}$`));
      await expect(bobPage.getByTestId('workspace-name')).toHaveText(apollo.name);
      const options = bobPage.getByLabel('Workspace').locator('option');
      await expect(options.filter({ hasText: apollo.name })).toHaveCount(1);
      await expect(options.filter({ hasText: gemini.name })).toHaveCount(0);
      // A member neither adds people nor approves agents.
      await bobPage.goto(`/w/${apollo.slug}/members`);
      await expect(bobPage.getByTestId(`member-${bob.email}`)).toBeVisible();
      await expect(bobPage.getByRole('button', { name: 'Add member' })).toHaveCount(0);
      await bobPage.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Agents' }).click();
      await expect(bobPage.getByText('No agents yet')).toBeVisible();
      await expect(bobPage.getByText('Waiting for approval')).toHaveCount(0);
    } finally {
      await context.close();
    }
  });

  await test.step('switch workspaces with the switcher', async () => {
    await page.goto(`/w/${apollo.slug}`);
    await expect(page.getByTestId('workspace-name')).toHaveText(apollo.name);
    await page.getByLabel('Workspace').selectOption(gemini.slug);
    await expect(page).toHaveURL(new RegExp(`/w/${gemini.slug}$`));
    await expect(page.getByTestId('workspace-name')).toHaveText(gemini.name);
    await expect(page.getByLabel('Workspace')).toHaveValue(gemini.slug);
  });

  await test.step('an API key is shown exactly once and works', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API keys' }).click();
    await expect(page).toHaveURL(/\/settings\/api-keys$/);
    await page.getByLabel('Key name').fill(`e2e script ${run}`);
    await page.getByRole('button', { name: 'Create key' }).click();
    const shown = page.getByTestId('new-api-key');
    await expect(shown).toBeVisible();
    const key = (await shown.textContent())?.trim() ?? '';
    expect(key.length).toBeGreaterThan(20);

    const me = await request.get('/api/v1/me', { headers: bearer(key) });
    expect(me.status()).toBe(200);
    expect((await me.json()).data.user.email).toBe(ADMIN.email);

    await page.reload();
    await expect(page.getByRole('cell', { name: `e2e script ${run}`, exact: true })).toBeVisible();
    await expect(page.getByTestId('new-api-key')).toHaveCount(0);
    await expect(page.getByText(key)).toHaveCount(0);

    const bad = await request.get('/api/v1/me', { headers: bearer(`${key}x`) });
    expect(bad.status()).toBe(401);
  });
});
