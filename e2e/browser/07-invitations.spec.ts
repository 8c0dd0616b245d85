// Invitations in the browser (issue 11 point 9, ADR 0013): an owner adds someone they share no workspace with and
// sees "Invitation sent" — the same for an address without an account — with the pending invitations listed and
// revocable; the invitee sees the invitation (bell, banner, Workspaces page) and accepts it. Screenshots at desktop
// and phone widths go to the test's output folder.
import { expect, request as playwrightRequest, test, type Page } from '@playwright/test';
import { adminApi, ok, signIn, uniq } from './support';

const WIDTHS = [
  { name: 'desktop', width: 1366, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const;

async function shoot(page: Page, name: string) {
  for (const w of WIDTHS) {
    await page.setViewportSize({ width: w.width, height: w.height });
    // No horizontal overflow at either width.
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), `${name} at ${w.width}px overflows`).toBeLessThanOrEqual(0);
    await page.screenshot({ path: test.info().outputPath(`${name}-${w.name}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1366, height: 900 });
}

test('an owner invites, revokes, and the invitee accepts from the workspaces page', async ({ browser, baseURL }) => {
  const admin = await adminApi(baseURL!);
  const tag = uniq();
  const owner = { name: `Olga ${tag}`, email: `olga-${tag}@e2e.test`, password: 'owner-password-1' };
  const invitee = { name: `Ivan ${tag}`, email: `ivan-${tag}@e2e.test`, password: 'invitee-password-1' };
  for (const u of [owner, invitee]) await ok(await admin.post('/api/v1/users', { data: u }), 201);
  const ownerApi = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { Origin: baseURL! } });
  await ok(await ownerApi.post('/api/v1/auth/login', { data: { email: owner.email, password: owner.password } }));
  const ws = await ok<{ id: string; slug: string; name: string }>(
    await ownerApi.post('/api/v1/workspaces', { data: { name: `Orbit ${tag}`, slug: `orbit-${tag}`, emoji: '🛰️' } }),
    201,
  );
  const stranger = `nobody-${tag}@e2e.test`;

  const ownerContext = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const ownerPage = await ownerContext.newPage();
  const inviteeContext = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const inviteePage = await inviteeContext.newPage();
  try {
    await test.step('the owner invites a user and an address without an account: both read "Invitation sent"', async () => {
      await signIn(ownerPage, owner);
      await ownerPage.goto(`/w/${ws.slug}/members`);
      await expect(ownerPage.getByText('No pending invitations.')).toBeVisible();
      for (const email of [invitee.email, stranger]) {
        await ownerPage.getByLabel('Email').fill(email);
        await ownerPage.locator('#add-member-role').selectOption('member');
        await ownerPage.getByRole('button', { name: 'Add member' }).click();
        await expect(ownerPage.getByText(`Invitation sent to ${email}.`, { exact: false })).toBeVisible();
        await expect(ownerPage.getByTestId(`invitation-${email}`)).toContainText('Pending');
      }
      // Not a member yet: the members table still has the owner only.
      await expect(ownerPage.getByTestId(`member-${invitee.email}`)).toHaveCount(0);
      await shoot(ownerPage, 'members-invitations');
    });

    await test.step('the owner revokes the invitation of the unknown address', async () => {
      await ownerPage.getByRole('button', { name: `Revoke the invitation of ${stranger}` }).click();
      await expect(ownerPage.getByText(`The invitation of ${stranger} was revoked.`)).toBeVisible();
      await expect(ownerPage.getByTestId(`invitation-${stranger}`)).toHaveCount(0);
      await expect(ownerPage.getByTestId(`invitation-${invitee.email}`)).toBeVisible();
    });

    await test.step('the invitee sees it (bell, workspaces page) and accepts', async () => {
      await signIn(inviteePage, invitee);
      // No workspace yet: the home page sends them to the workspaces page, where the invitation waits.
      await expect(inviteePage).toHaveURL(/\/workspaces$/);
      await expect(inviteePage.getByTestId('notification-count')).toHaveText('1');
      const row = inviteePage.getByTestId(`my-invitation-${ws.slug}`);
      await expect(row).toContainText(ws.name);
      await expect(row).toContainText(owner.name);
      await shoot(inviteePage, 'workspaces-invitation');
      await row.getByRole('button', { name: `Accept the invitation to ${ws.name}` }).click();
      await expect(inviteePage.getByText(`You joined ${ws.name}.`)).toBeVisible();
      await expect(inviteePage.getByTestId('workspace-list')).toContainText(ws.name);
      await expect(inviteePage.getByTestId('notification-count')).toBeHidden();
    });

    await test.step('the owner sees the new member, and no pending invitation', async () => {
      await ownerPage.reload();
      await expect(ownerPage.getByTestId(`member-${invitee.email}`)).toContainText('Member');
      await expect(ownerPage.getByText('No pending invitations.')).toBeVisible();
    });

    await test.step('elsewhere, a banner points to a waiting invitation', async () => {
      // Someone who shares nothing with the invitee invites him: 202, and a banner shows on his workspace's pages.
      const loner = { name: `Leo ${tag}`, email: `leo-${tag}@e2e.test`, password: 'loner-password-1' };
      await ok(await admin.post('/api/v1/users', { data: loner }), 201);
      const lonerApi = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { Origin: baseURL! } });
      await ok(await lonerApi.post('/api/v1/auth/login', { data: { email: loner.email, password: loner.password } }));
      const lonely = await ok<{ id: string; name: string }>(await lonerApi.post('/api/v1/workspaces', { data: { name: `Lonely ${tag}`, slug: `lonely-${tag}` } }), 201);
      await ok(await lonerApi.post(`/api/v1/workspaces/${lonely.id}/members`, { data: { email: invitee.email, role: 'member' } }), 202);
      await lonerApi.dispose();
      await inviteePage.goto(`/w/${ws.slug}`);
      const banner = inviteePage.getByTestId('invitations-banner');
      await expect(banner).toContainText(lonely.name);
      await shoot(inviteePage, 'banner');
      await banner.getByRole('link', { name: /Review the invitation/ }).click();
      await expect(inviteePage).toHaveURL(/\/workspaces#invitations$/);
      await inviteePage.getByRole('button', { name: `Decline the invitation to ${lonely.name}` }).click();
      await expect(inviteePage.getByText(`You declined the invitation to ${lonely.name}.`)).toBeVisible();
    });
  } finally {
    await ownerContext.close();
    await inviteeContext.close();
    await ownerApi.dispose();
    await admin.dispose();
  }
});
