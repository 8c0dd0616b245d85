import { agents, comments, memberships, mentions, users } from '@mc/db';
import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import { recordActivity } from '../activity/record-activity';
import { inTransaction, type Ctx } from '../context';
import { emitEvent } from '../events/emit-event';
import { newId } from '../shared/ids';
import { pageTotal, planPage, toPage, type PageQuery, type SortColumns, type TotalMode } from '../shared/pagination';
import { listStatement } from '../shared/per-workspace';
import { renewLeases } from './claim-ticket';
import { parseMentions } from './mentions';
import { assertCanWrite, requireTicketAccess } from './ticket-access';
import { recordPullRequestLinks } from './ticket-links';

type CommentRow = typeof comments.$inferSelect;

/** A person's handle for @mentions: the part of their e-mail before the @, lower-cased. */
export const userHandleSql = sql<string>`lower(split_part(${users.email}, '@', 1))`;

function toCommentDto(c: CommentRow, m: { kind: string; id: string | null; name: string }[] = []) {
  return {
    id: c.id,
    ticketId: c.ticketId,
    workspaceId: c.workspaceId,
    author: { kind: c.authorKind as 'user' | 'agent', id: c.authorId, name: c.authorName },
    body: c.body,
    mentions: m,
    createdAt: c.createdAt.toISOString(),
  };
}

/** Resolve `@names` to the workspace's live agents and its members, in one query each. */
async function resolveMentions(ctx: Ctx, workspaceId: string, names: string[]) {
  if (names.length === 0) return [];
  const agentRows = await ctx.db
    .select({ id: agents.id, name: agents.name })
    .from(agents)
    .where(and(eq(agents.workspaceId, workspaceId), ne(agents.status, 'deleted'), inArray(sql`lower(${agents.name})`, names)));
  const userRows = await ctx.db
    .select({ id: users.id, handle: userHandleSql, name: users.name })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.workspaceId, workspaceId), inArray(userHandleSql, names)));
  return [
    ...agentRows.map((a) => ({ kind: 'agent' as const, id: a.id, name: a.name })),
    ...userRows.map((u) => ({ kind: 'user' as const, id: u.id, name: u.handle })),
  ];
}

/**
 * POST /tickets/{id}/comments — markdown; `@name` mentions an agent or member of the workspace and `@all`
 * everyone (never inside code, never in e-mail addresses); PR references become links of the ticket. Each
 * mention is recorded for notifications. A comment by the holder renews its lease.
 */
export async function createComment(ctx: Ctx, ticketId: string, input: { body: string }) {
  return inTransaction(ctx, async (tx) => {
    const a = await requireTicketAccess(tx, ticketId);
    assertCanWrite(a);
    const me = tx.principal;
    const author =
      me.kind === 'agent'
        ? { kind: 'agent', id: me.agentId, name: me.name }
        : me.kind === 'user'
          ? { kind: 'user', id: me.userId, name: me.name }
          : { kind: 'system', id: null, name: 'system' };
    const now = tx.clock.now();
    const [comment] = await tx.db
      .insert(comments)
      .values({
        id: newId('cmt', now.getTime()),
        workspaceId: a.ticket.workspaceId,
        ticketId: a.ticket.id,
        authorKind: author.kind,
        authorId: author.id,
        authorName: author.name,
        body: input.body,
        createdAt: now,
      })
      .returning();
    const parsed = parseMentions(input.body);
    const resolved = await resolveMentions(tx, a.ticket.workspaceId, parsed.names);
    const targets = [...resolved, ...(parsed.all ? [{ kind: 'all' as const, id: null, name: 'all' }] : [])];
    if (targets.length) {
      await tx.db.insert(mentions).values(
        targets.map((t) => ({
          id: newId('mnt', now.getTime()),
          workspaceId: a.ticket.workspaceId,
          ticketId: a.ticket.id,
          commentId: comment.id,
          targetKind: t.kind,
          targetId: t.id,
          createdAt: now,
        })),
      );
    }
    const links = await recordPullRequestLinks(tx, {
      workspaceId: a.ticket.workspaceId,
      ticketId: a.ticket.id,
      commentId: comment.id,
      text: input.body,
      defaultRepository: a.access.workspace.defaultRepository,
    });
    if (me.kind === 'agent' && a.movers.includes('holder')) await renewLeases(tx, me.agentId);
    await recordActivity(tx, {
      workspaceId: a.ticket.workspaceId,
      action: 'comment.created',
      target: { kind: 'ticket', id: a.ticket.id },
      summary: `commented on #${a.ticket.number}`,
      metadata: { commentId: comment.id, mentions: targets.map((t) => `${t.kind}:${t.id ?? 'all'}`), links: links.map((l) => l.url) },
    });
    await emitEvent(
      tx,
      'comment.created',
      a.ticket.workspaceId,
      {
        ticket: { id: a.ticket.id, number: a.ticket.number, title: a.ticket.title, status: a.ticket.status },
        comment: { id: comment.id, excerpt: input.body.slice(0, 280), author },
        mentions: targets.map((t) => ({ kind: t.kind, id: t.id })),
      },
      { ticketId: a.ticket.id, commentId: comment.id },
    );
    return toCommentDto(comment, targets);
  });
}

export const COMMENT_SORT_FIELDS = ['createdAt'] as const;
const sortColumns: SortColumns<CommentRow> = { createdAt: { column: comments.createdAt, value: (r) => r.createdAt } };
const idColumn = { column: comments.id, value: (r: CommentRow) => r.id };

/**
 * The statement of GET /tickets/{id}/comments for a ticket the caller may see: a walk of `comments_ticket_idx`
 * (ticket, created_at, id) that stops after `limit + 1` rows. Exported so that a test can EXPLAIN it.
 */
export function commentListQuery(ctx: Ctx, ticketId: string, input: PageQuery) {
  const plan = planPage(input, sortColumns, idColumn);
  const filter = eq(comments.ticketId, ticketId);
  const statement = listStatement<CommentRow>(ctx.db.select().from(comments).where(and(filter, plan.where)).orderBy(...plan.orderBy).limit(plan.limit).offset(plan.offset));
  return { plan, filter, statement };
}

/**
 * GET /tickets/{id}/comments — oldest first by default, with their mentions; `meta.total` as `input.total` asks
 * (docs/adr/0016-list-totals.md).
 */
export async function findComments(ctx: Ctx, ticketId: string, input: PageQuery & { total?: TotalMode }) {
  const { ticket } = await requireTicketAccess(ctx, ticketId);
  const { plan, filter, statement } = commentListQuery(ctx, ticket.id, input);
  const rowsOut = await statement.run();
  const ids = rowsOut.map((c) => c.id);
  const mentionRows = ids.length
    ? await ctx.db
        .select({ commentId: mentions.commentId, kind: mentions.targetKind, id: mentions.targetId, agentName: agents.name, userHandle: userHandleSql })
        .from(mentions)
        .leftJoin(agents, and(eq(mentions.targetKind, 'agent'), eq(agents.id, mentions.targetId)))
        .leftJoin(users, and(eq(mentions.targetKind, 'user'), eq(users.id, mentions.targetId)))
        .where(inArray(mentions.commentId, ids))
        .orderBy(asc(mentions.createdAt))
    : [];
  const byComment = new Map<string, { kind: string; id: string | null; name: string }[]>();
  for (const m of mentionRows) {
    const list = byComment.get(m.commentId) ?? [];
    // The same names the create answer gives: an agent's name, a member's handle (their name as of now).
    list.push({ kind: m.kind, id: m.id, name: m.kind === 'all' ? 'all' : (m.agentName ?? m.userHandle ?? m.id ?? '') });
    byComment.set(m.commentId, list);
  }
  const total = await pageTotal(ctx.db, plan, input.total, rowsOut.length, comments, filter);
  return toPage(rowsOut, input, plan, sortColumns, idColumn, (c) => toCommentDto(c, byComment.get(c.id) ?? []), total);
}
