import type { RatingTargetKind, RatingValue } from '@mc/contracts';
import { ratings } from '@mc/db';
import { and, eq, sql } from 'drizzle-orm';
import { recordActivity } from '../activity/record-activity';
import { requireUser } from '../shared/guards';
import { inTransaction, type Ctx } from '../context';
import { notFound } from '../errors';
import { emitEvent } from '../events/emit-event';
import { newId } from '../shared/ids';
import { requireRatingTarget, type RatingTarget } from './rating-target';

type RatingRow = typeof ratings.$inferSelect;

export function toRatingDto(r: RatingRow) {
  return {
    id: r.id,
    workspaceId: r.workspaceId,
    target: { kind: r.targetKind as RatingTargetKind, id: r.targetId },
    agentId: r.agentId,
    userId: r.userId,
    rating: r.rating as RatingValue,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

const mineWhere = (kind: RatingTargetKind, targetId: string, userId: string) =>
  and(eq(ratings.targetKind, kind), eq(ratings.targetId, targetId), eq(ratings.userId, userId));

/**
 * POST /tickets/{id}/rating, POST /executions/{id}/rating — a person's verdict on the work, credited to the agent
 * that did it. One per person and item: rating again replaces it (`created: false`); the same verdict again
 * changes nothing (no write, no event, the bucket it counts in stays). Members and above; viewers and agents 403.
 */
export async function rateWork(ctx: Ctx, kind: RatingTargetKind, targetId: string, rating: RatingValue) {
  const me = requireUser(ctx);
  return inTransaction(ctx, async (tx) => {
    const target = await requireRatingTarget(tx, kind, targetId, 'ratings.write');
    const now = tx.clock.now();
    let [existing] = await tx.db.select().from(ratings).where(mineWhere(kind, target.id, me.userId)).for('update');
    if (!existing) {
      const [inserted] = await tx.db
        .insert(ratings)
        .values({ id: newId('rtg', now.getTime()), workspaceId: target.workspaceId, targetKind: kind, targetId: target.id, agentId: target.agentId, userId: me.userId, rating, createdAt: now, updatedAt: now })
        .onConflictDoNothing()
        .returning();
      if (inserted) {
        await audit(tx, target, 'created', inserted, null);
        return { rating: toRatingDto(inserted), created: true };
      }
      // A concurrent request of the same person inserted first: replace theirs like any second rating.
      [existing] = await tx.db.select().from(ratings).where(mineWhere(kind, target.id, me.userId)).for('update');
    }
    if (existing.rating === rating) return { rating: toRatingDto(existing), created: false };
    const [updated] = await tx.db
      .update(ratings)
      // Credit follows the work as it stands now (a ticket handed to another agent credits the new holder).
      .set({ rating, agentId: target.agentId, updatedAt: now })
      .where(eq(ratings.id, existing.id))
      .returning();
    await audit(tx, target, 'changed', updated, existing.rating as RatingValue);
    return { rating: toRatingDto(updated), created: false };
  });
}

/** DELETE …/rating — take back my rating of the item; 404 when I have none. */
export async function retractRating(ctx: Ctx, kind: RatingTargetKind, targetId: string): Promise<void> {
  const me = requireUser(ctx);
  await inTransaction(ctx, async (tx) => {
    const target = await requireRatingTarget(tx, kind, targetId, 'ratings.write');
    const [removed] = await tx.db.delete(ratings).where(mineWhere(kind, target.id, me.userId)).returning();
    if (!removed) throw notFound('rating');
    await audit(tx, target, 'removed', removed, removed.rating as RatingValue);
  });
}

/** GET …/rating — how the item was rated: counts of good and bad, and the caller's own verdict. */
export async function getRatingSummary(ctx: Ctx, kind: RatingTargetKind, targetId: string) {
  const target = await requireRatingTarget(ctx, kind, targetId, 'metrics.read');
  const me = ctx.principal.kind === 'user' ? ctx.principal.userId : null;
  const [row] = await ctx.db
    .select({
      good: sql<string>`count(*) FILTER (WHERE ${ratings.rating} = 'good')::text`.mapWith(Number),
      bad: sql<string>`count(*) FILTER (WHERE ${ratings.rating} = 'bad')::text`.mapWith(Number),
      mine: sql<RatingValue | null>`max(${ratings.rating}) FILTER (WHERE ${ratings.userId} = ${me})`,
    })
    .from(ratings)
    .where(and(eq(ratings.workspaceId, target.workspaceId), eq(ratings.targetKind, kind), eq(ratings.targetId, target.id)));
  return { good: row?.good ?? 0, bad: row?.bad ?? 0, mine: row?.mine ?? null };
}

const VERB = { created: 'rated', changed: 'changed the rating of', removed: 'took back the rating of' } as const;

/** The activity entry and the outbox event of a rating change, in its transaction. */
async function audit(ctx: Ctx, target: RatingTarget, change: 'created' | 'changed' | 'removed', row: RatingRow, previous: RatingValue | null) {
  const now = change === 'removed' ? null : (row.rating as RatingValue);
  await recordActivity(ctx, {
    workspaceId: target.workspaceId,
    action: `rating.${change}`,
    target: { kind: target.kind, id: target.id },
    summary: change === 'removed' ? `${VERB[change]} ${target.label}` : `${VERB[change]} ${target.label} ${now}`,
    metadata: { ratingId: row.id, rating: now, previous, agentId: row.agentId },
    status: now,
  });
  await emitEvent(
    ctx,
    'rating.recorded',
    target.workspaceId,
    { target: { kind: target.kind, id: target.id }, agentId: row.agentId, change, rating: now, previous },
    { ...(target.kind === 'ticket' ? { ticketId: target.id } : {}), ...(row.agentId ? { agentId: row.agentId } : {}) },
  );
}
