// First start: the instance admin is created either headless (MC_INIT_ADMIN_*) or through the one-time setup page.
import { apiKeys, settings, users } from '@mc/db';
import { count } from 'drizzle-orm';
import { recordActivity } from '../activity/record-activity';
import { asSystem, inTransaction, type Ctx } from '../context';
import { conflict, DomainError } from '../errors';
import { hashPassword, sha256 } from '../shared/crypto';
import { ID_PREFIX, newId } from '../shared/ids';
import { SETTING } from '../settings/settings';
import { toUserDto } from '../users/user-dto';
import { KEY_DISPLAY_CHARS } from './auth.rules';

export async function getSetupStatus(ctx: Pick<Ctx, 'db'>): Promise<{ needsSetup: boolean }> {
  const [row] = await ctx.db.select({ n: count() }).from(users);
  return { needsSetup: Number(row.n) === 0 };
}

const alreadySetUp = () => conflict('this instance is already set up; sign in instead');

interface AdminInput {
  email: string;
  name: string;
  password: string;
}

/**
 * Create the instance admin, once. The `setup_completed_at` row is the lock: of two racing setups, only the
 * one that inserts it goes on; the other gets 409.
 */
async function createFirstAdmin(ctx: Ctx, input: AdminInput, apiKey?: string) {
  // A set-up instance answers at once: hashing the password first made every anonymous POST /setup cost ~0.8 s of
  // CPU. The check in the transaction below still decides races.
  if (!(await getSetupStatus(ctx)).needsSetup) throw alreadySetUp();
  const passwordHash = await hashPassword(input.password);
  return inTransaction(asSystem(ctx, 'setup'), async (tx) => {
    const now = tx.clock.now();
    const claimed = await tx.db
      .insert(settings)
      .values({ key: SETTING.setupCompletedAt, value: now.toISOString(), updatedAt: now })
      .onConflictDoNothing()
      .returning({ key: settings.key });
    const [{ n }] = await tx.db.select({ n: count() }).from(users);
    if (claimed.length === 0 || Number(n) > 0) {
      throw alreadySetUp();
    }
    const [user] = await tx.db
      .insert(users)
      .values({
        id: newId(ID_PREFIX.user, now.getTime()),
        email: input.email.toLowerCase(),
        name: input.name,
        passwordHash,
        isInstanceAdmin: true,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    if (apiKey) {
      await tx.db.insert(apiKeys).values({
        id: newId(ID_PREFIX.apiKey, now.getTime()),
        userId: user.id,
        name: 'initial admin key (MC_INIT_ADMIN_API_KEY)',
        keyPrefix: apiKey.slice(0, KEY_DISPLAY_CHARS),
        keyHash: sha256(apiKey),
        createdAt: now,
      });
    }
    await recordActivity(tx, {
      workspaceId: null,
      action: 'instance.setup_completed',
      target: { kind: 'user', id: user.id },
      summary: `created the instance admin ${user.email}`,
      metadata: { headless: !!apiKey },
    });
    return toUserDto(user);
  });
}

/** POST /setup — the dashboard's one-time setup page. */
export async function completeSetup(ctx: Ctx, input: AdminInput) {
  return createFirstAdmin(ctx, input);
}

/**
 * Headless first start from MC_INIT_ADMIN_EMAIL / _PASSWORD / _API_KEY. Does nothing when users exist, so
 * restarts with the same environment are harmless.
 */
export async function bootstrapInstance(
  ctx: Ctx,
  input: { email: string; password: string; name?: string; apiKey?: string },
): Promise<'created' | 'skipped'> {
  if (!(await getSetupStatus(ctx)).needsSetup) return 'skipped';
  if (input.apiKey !== undefined && input.apiKey.length < 20) {
    throw new Error('MC_INIT_ADMIN_API_KEY must be at least 20 characters');
  }
  try {
    await createFirstAdmin(ctx, { email: input.email, password: input.password, name: input.name ?? 'Admin' }, input.apiKey);
    return 'created';
  } catch (err) {
    if (err instanceof DomainError && err.code === 'CONFLICT') return 'skipped';
    throw err;
  }
}
