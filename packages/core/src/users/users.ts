// Humans of the instance. Instance admins create and manage them; a user created without a password gets a
// one-time link to set one.
import { memberships, sessions, userTokens, users } from '@mc/db';
import { and, count, eq, gt, isNull } from 'drizzle-orm';
import { recordActivity } from '../activity/record-activity';
import { requireInstanceAdmin, requireUser } from '../shared/guards';
import { inTransaction, type Ctx } from '../context';
import { conflict, isUniqueViolation, notFound, staleVersion, validation } from '../errors';
import { hashPassword, newSecret, sha256 } from '../shared/crypto';
import { ID_PREFIX, newId } from '../shared/ids';
import { getDefaultWorkspaceId } from '../settings/settings';
import { countSoleOwnerships } from '../workspaces/members';
import { toUserDto } from './user-dto';
import { pageTotal, planPage, toPage, type PageQuery, type SortColumns, type TotalMode } from '../shared/pagination';
import { listStatement } from '../shared/per-workspace';
import { SET_PASSWORD_TOKEN_TTL_MS } from './users.rules';

/** GET /me */
export async function getMe(ctx: Ctx) {
  const me = requireUser(ctx);
  const [user] = await ctx.db.select().from(users).where(eq(users.id, me.userId)).limit(1);
  if (!user) throw notFound('user');
  return {
    kind: 'user' as const,
    user: toUserDto(user),
    defaultWorkspaceId: await getDefaultWorkspaceId(ctx),
    authenticatedBy: me.via === 'session' ? ('session' as const) : ('api_key' as const),
  };
}

export const USER_SORT_FIELDS = ['email', 'name', 'createdAt'] as const;
/** GET /users answers this many users when no `limit` is given (what it always answered: the whole list, up to this). */
export const USERS_PAGE_DEFAULT = 5000;

type UserRow = typeof users.$inferSelect;
const userSortColumns: SortColumns<UserRow> = {
  email: { column: users.email, value: (r) => r.email },
  name: { column: users.name, value: (r) => r.name },
  createdAt: { column: users.createdAt, value: (r) => r.createdAt },
};
const userIdColumn = { column: users.id, value: (r: UserRow) => r.id };

/**
 * The statement of GET /users: a walk of `users_sort_email_idx`, `users_name_idx` or `users_created_idx` (field, id)
 * that stops after `limit + 1` rows. Exported so that a test can EXPLAIN it.
 */
export function userListQuery(ctx: Ctx, input: PageQuery) {
  requireInstanceAdmin(ctx);
  const plan = planPage(input, userSortColumns, userIdColumn);
  const statement = listStatement<UserRow>(ctx.db.select().from(users).where(plan.where).orderBy(...plan.orderBy).limit(plan.limit).offset(plan.offset));
  return { plan, statement };
}

/** GET /users (instance admin), by e-mail unless sorted otherwise; `meta.total` as `input.total` asks (ADR 0016). */
export async function findUsers(ctx: Ctx, input: PageQuery & { total?: TotalMode }) {
  const { plan, statement } = userListQuery(ctx, input);
  const rowsOut = await statement.run();
  const total = await pageTotal(ctx.db, plan, input.total, rowsOut.length, users, undefined);
  return toPage(rowsOut, input, plan, userSortColumns, userIdColumn, toUserDto, total);
}

/**
 * POST /users (instance admin). New users join the default workspace as members, so they land somewhere.
 * Without a password the answer carries a one-time set-password link (valid 7 days).
 */
export async function createUser(
  ctx: Ctx,
  input: { email: string; name: string; password?: string; isInstanceAdmin?: boolean },
  baseUrl: string,
) {
  requireInstanceAdmin(ctx);
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  try {
    return await inTransaction(ctx, async (tx) => {
      const now = tx.clock.now();
      const [user] = await tx.db
        .insert(users)
        .values({
          id: newId(ID_PREFIX.user, now.getTime()),
          email: input.email.toLowerCase(),
          name: input.name,
          passwordHash,
          isInstanceAdmin: input.isInstanceAdmin ?? false,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      const setPasswordUrl = passwordHash ? null : await insertPasswordLink(tx, user.id, baseUrl);
      const defaultWorkspaceId = await getDefaultWorkspaceId(tx);
      if (defaultWorkspaceId) {
        await tx.db
          .insert(memberships)
          .values({ workspaceId: defaultWorkspaceId, userId: user.id, role: 'member', createdAt: now, updatedAt: now })
          .onConflictDoNothing();
      }
      await recordActivity(tx, {
        workspaceId: null,
        action: 'user.created',
        target: { kind: 'user', id: user.id },
        summary: `created user ${user.email}`,
        metadata: { isInstanceAdmin: user.isInstanceAdmin, joinedWorkspaceId: defaultWorkspaceId },
      });
      return { ...toUserDto(user), setPasswordUrl };
    });
  } catch (err) {
    if (isUniqueViolation(err, 'users_email_key')) {
      throw conflict(`a user with e-mail ${input.email} exists`, { issues: [{ field: 'email', in: 'body', message: 'already used' }] });
    }
    throw err;
  }
}

/** Store a one-time set-password token (hash only) and return the link that carries it. */
async function insertPasswordLink(ctx: Ctx, userId: string, baseUrl: string): Promise<string> {
  const now = ctx.clock.now();
  const token = newSecret('mcp_');
  await ctx.db.insert(userTokens).values({
    id: newId(ID_PREFIX.userToken, now.getTime()),
    userId,
    purpose: 'set_password',
    tokenHash: sha256(token),
    expiresAt: new Date(now.getTime() + SET_PASSWORD_TOKEN_TTL_MS),
    createdAt: now,
  });
  return `${(ctx.config.publicUrl ?? baseUrl).replace(/\/$/, '')}/set-password?token=${encodeURIComponent(token)}`;
}

/**
 * POST /users/{id}/password-link (instance admin) — a new one-time set-password link, for a lost link or a
 * forgotten password. Earlier unused links stop working; the current password keeps working until the new one is set.
 */
export async function issuePasswordLink(ctx: Ctx, userId: string, baseUrl: string) {
  requireInstanceAdmin(ctx);
  return inTransaction(ctx, async (tx) => {
    const [user] = await tx.db.select().from(users).where(eq(users.id, userId)).limit(1);
    if (!user) throw notFound('user');
    const now = tx.clock.now();
    await tx.db
      .update(userTokens)
      .set({ usedAt: now })
      .where(and(eq(userTokens.userId, userId), eq(userTokens.purpose, 'set_password'), isNull(userTokens.usedAt)));
    const setPasswordUrl = await insertPasswordLink(tx, userId, baseUrl);
    await recordActivity(tx, {
      workspaceId: null,
      action: 'user.password_link_issued',
      target: { kind: 'user', id: userId },
      summary: `issued a set-password link for ${user.email}`,
    });
    return { userId, setPasswordUrl, expiresAt: new Date(now.getTime() + SET_PASSWORD_TOKEN_TTL_MS).toISOString() };
  });
}

async function countActiveAdmins(ctx: Ctx) {
  const [{ n }] = await ctx.db
    .select({ n: count() })
    .from(users)
    .where(and(eq(users.isInstanceAdmin, true), isNull(users.disabledAt)));
  return Number(n);
}

/** PATCH /users/{id} (instance admin): name, admin flag, disabled. The last active admin stays an admin. */
export async function updateUser(ctx: Ctx, id: string, input: { name?: string; isInstanceAdmin?: boolean; disabled?: boolean; version?: number }) {
  requireInstanceAdmin(ctx);
  return inTransaction(ctx, async (tx) => {
    const [user] = await tx.db.select().from(users).where(eq(users.id, id)).for('update').limit(1);
    if (!user) throw notFound('user');
    if (input.version !== undefined && input.version !== user.version) {
      throw staleVersion('user', user.version, input.version);
    }
    const losesAdmin = user.isInstanceAdmin && !user.disabledAt && (input.isInstanceAdmin === false || input.disabled === true);
    if (losesAdmin && (await countActiveAdmins(tx)) <= 1) throw conflict('the instance must keep at least one active admin');
    const now = tx.clock.now();
    const [row] = await tx.db
      .update(users)
      .set({
        name: input.name ?? user.name,
        isInstanceAdmin: input.isInstanceAdmin ?? user.isInstanceAdmin,
        disabledAt: input.disabled === undefined ? user.disabledAt : input.disabled ? (user.disabledAt ?? now) : null,
        updatedAt: now,
        version: user.version + 1,
      })
      .where(eq(users.id, id))
      .returning();
    if (input.disabled) await tx.db.delete(sessions).where(eq(sessions.userId, id));
    await recordActivity(tx, {
      workspaceId: null,
      action: 'user.updated',
      target: { kind: 'user', id },
      summary: `updated user ${row.email}`,
      metadata: { changes: input },
    });
    return toUserDto(row);
  });
}

/** DELETE /users/{id} (instance admin). Refused for yourself, the last admin, and sole owners of workspaces. */
export async function deleteUser(ctx: Ctx, id: string) {
  const me = requireInstanceAdmin(ctx);
  if (me.userId === id) throw conflict('you cannot delete yourself');
  return inTransaction(ctx, async (tx) => {
    const [user] = await tx.db.select().from(users).where(eq(users.id, id)).for('update').limit(1);
    if (!user) throw notFound('user');
    if (user.isInstanceAdmin && !user.disabledAt && (await countActiveAdmins(tx)) <= 1) {
      throw conflict('the instance must keep at least one active admin');
    }
    const sole = await countSoleOwnerships(tx, id);
    if (sole > 0) throw conflict(`${user.email} is the only owner of ${sole} workspace(s); transfer ownership first`);
    await tx.db.delete(users).where(eq(users.id, id));
    await recordActivity(tx, {
      workspaceId: null,
      action: 'user.deleted',
      target: { kind: 'user', id },
      summary: `deleted user ${user.email}`,
    });
    return toUserDto(user);
  });
}

/** POST /auth/set-password {token, password} — redeem a one-time link. */
export async function setPasswordWithToken(ctx: Ctx, input: { token: string; password: string }) {
  const passwordHash = await hashPassword(input.password);
  return inTransaction(ctx, async (tx) => {
    const now = tx.clock.now();
    const [tok] = await tx.db
      .update(userTokens)
      .set({ usedAt: now })
      .where(
        and(
          eq(userTokens.tokenHash, sha256(input.token)),
          eq(userTokens.purpose, 'set_password'),
          isNull(userTokens.usedAt),
          gt(userTokens.expiresAt, now),
        ),
      )
      .returning();
    if (!tok) {
      throw validation([{ field: 'token', in: 'body', message: 'invalid, used or expired' }], 'this link is invalid, used or expired; ask an admin for a new one');
    }
    const [user] = await tx.db.update(users).set({ passwordHash, updatedAt: now }).where(eq(users.id, tok.userId)).returning();
    await recordActivity(
      { ...tx, principal: { kind: 'user', userId: user.id, name: user.name, email: user.email, isInstanceAdmin: user.isInstanceAdmin, via: 'session', credentialId: '' } },
      { workspaceId: null, action: 'user.password_set', target: { kind: 'user', id: user.id }, summary: `${user.email} set a password` },
    );
    return toUserDto(user);
  });
}
