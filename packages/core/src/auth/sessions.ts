import { sessions, users } from '@mc/db';
import { eq } from 'drizzle-orm';
import { recordActivity } from '../activity/record-activity';
import { inTransaction, type Ctx } from '../context';
import { unauthenticated } from '../errors';
import { dummyPasswordHash, newSecret, sha256, verifyPassword } from '../shared/crypto';
import { ID_PREFIX, newId } from '../shared/ids';
import { toUserDto } from '../users/user-dto';

const invalidLogin = () => unauthenticated('email or password is incorrect');

/**
 * POST /auth/login — check the password and open a session. The answer is the same for an unknown e-mail and a
 * wrong password, and takes as long (a dummy hash is verified).
 */
export async function login(ctx: Ctx, input: { email: string; password: string; ip?: string | null; userAgent?: string | null }) {
  const email = input.email.toLowerCase();
  const [user] = await ctx.db.select().from(users).where(eq(users.email, email)).limit(1);
  const ok = await verifyPassword(input.password, user?.passwordHash ?? (await dummyPasswordHash()));
  if (!user || !user.passwordHash || !ok || user.disabledAt) throw invalidLogin();
  const token = newSecret('mcs_');
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + ctx.config.sessionTtlMs);
  return inTransaction(
    { ...ctx, principal: { kind: 'user', userId: user.id, name: user.name, email: user.email, isInstanceAdmin: user.isInstanceAdmin, via: 'session', credentialId: '' } },
    async (tx) => {
      const id = newId(ID_PREFIX.session, now.getTime());
      await tx.db.insert(sessions).values({
        id,
        tokenHash: sha256(token),
        userId: user.id,
        createdAt: now,
        expiresAt,
        ip: input.ip?.slice(0, 64) ?? null,
        userAgent: input.userAgent?.slice(0, 300) ?? null,
      });
      await recordActivity(tx, {
        workspaceId: null,
        action: 'user.logged_in',
        target: { kind: 'user', id: user.id },
        summary: `${user.email} signed in`,
        metadata: { ip: input.ip ?? null },
      });
      return { token, expiresAt, user: toUserDto(user) };
    },
  );
}

/** POST /auth/logout — end the session the caller came with (idempotent). */
export async function logout(ctx: Ctx, sessionToken: string | null): Promise<void> {
  if (!sessionToken) return;
  await ctx.db.delete(sessions).where(eq(sessions.tokenHash, sha256(sessionToken)));
}
