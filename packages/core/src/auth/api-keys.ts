import { apiKeys } from '@mc/db';
import { and, desc, eq, isNull } from 'drizzle-orm';
import { recordActivity } from '../activity/record-activity';
import { inTransaction, type Ctx } from '../context';
import { conflict, notFound, validation } from '../errors';
import { newSecret, sha256 } from '../shared/crypto';
import { ID_PREFIX, newId } from '../shared/ids';
import { KEY_DISPLAY_CHARS, USER_KEY_PREFIX } from './auth.rules';
import { requireUser } from '../shared/guards';

type KeyRow = typeof apiKeys.$inferSelect;

function toApiKeyDto(k: KeyRow) {
  return {
    id: k.id,
    name: k.name,
    prefix: k.keyPrefix,
    createdAt: k.createdAt.toISOString(),
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    expiresAt: k.expiresAt?.toISOString() ?? null,
    revokedAt: k.revokedAt?.toISOString() ?? null,
  };
}

/** A user has at most this many live keys; more is almost always a leak in the making. */
export const MAX_KEYS_PER_USER = 50;

/** POST /me/api-keys — the key is returned once; only its hash is stored. */
export async function createApiKey(ctx: Ctx, input: { name: string; expiresAt?: Date | string }) {
  const me = requireUser(ctx);
  const now = ctx.clock.now();
  const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
  if (expiresAt && expiresAt <= now) {
    throw validation([{ field: 'expiresAt', in: 'body', message: 'must be in the future' }], 'expiresAt must be in the future');
  }
  return inTransaction(ctx, async (tx) => {
    const live = await tx.db
      .select({ id: apiKeys.id })
      .from(apiKeys)
      .where(and(eq(apiKeys.userId, me.userId), isNull(apiKeys.revokedAt)))
      .limit(MAX_KEYS_PER_USER);
    if (live.length >= MAX_KEYS_PER_USER) {
      throw conflict(`you already have ${MAX_KEYS_PER_USER} active keys; revoke one first`);
    }
    const key = newSecret(USER_KEY_PREFIX);
    const [row] = await tx.db
      .insert(apiKeys)
      .values({
        id: newId(ID_PREFIX.apiKey, now.getTime()),
        userId: me.userId,
        name: input.name,
        keyPrefix: key.slice(0, KEY_DISPLAY_CHARS),
        keyHash: sha256(key),
        createdAt: now,
        expiresAt,
      })
      .returning();
    await recordActivity(tx, {
      workspaceId: null,
      action: 'api_key.created',
      target: { kind: 'api_key', id: row.id },
      summary: `created API key "${row.name}"`,
    });
    return { ...toApiKeyDto(row), key };
  });
}

/** GET /me/api-keys — newest first, revoked ones included so the history stays visible. */
export async function findApiKeys(ctx: Ctx) {
  const me = requireUser(ctx);
  const rowsOut = await ctx.db.select().from(apiKeys).where(eq(apiKeys.userId, me.userId)).orderBy(desc(apiKeys.createdAt)).limit(500);
  return rowsOut.map(toApiKeyDto);
}

/** DELETE /me/api-keys/{id} — the key stops working at the next request. */
export async function revokeApiKey(ctx: Ctx, id: string) {
  const me = requireUser(ctx);
  return inTransaction(ctx, async (tx) => {
    const now = tx.clock.now();
    const [row] = await tx.db
      .update(apiKeys)
      .set({ revokedAt: now })
      .where(and(eq(apiKeys.id, id), eq(apiKeys.userId, me.userId), isNull(apiKeys.revokedAt)))
      .returning();
    if (!row) {
      const [existing] = await tx.db
        .select()
        .from(apiKeys)
        .where(and(eq(apiKeys.id, id), eq(apiKeys.userId, me.userId)))
        .limit(1);
      if (!existing) throw notFound('API key');
      return toApiKeyDto(existing); // already revoked: the same answer again
    }
    await recordActivity(tx, {
      workspaceId: null,
      action: 'api_key.revoked',
      target: { kind: 'api_key', id: row.id },
      summary: `revoked API key "${row.name}"`,
    });
    return toApiKeyDto(row);
  });
}
