import { memberships, prLinks, tickets } from '@mc/db';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { requirePrincipal } from '../auth/guards';
import type { Ctx } from '../context';
import { DomainError } from '../errors';
import { canonicalPullRequestUrl } from './pr-refs';
import { requireTicketAccess, ticketAnswers } from './ticket-access';

function toLinkDto(l: typeof prLinks.$inferSelect) {
  return {
    id: l.id,
    ticketId: l.ticketId,
    provider: l.provider as 'github' | 'gitlab',
    repo: l.repo,
    number: l.number,
    url: l.url,
    commentId: l.commentId,
    createdAt: l.createdAt.toISOString(),
  };
}

/** GET /tickets/{id}/links — the PRs/MRs the ticket and its comments mention. */
export async function findTicketLinks(ctx: Ctx, ticketId: string) {
  const { ticket } = await requireTicketAccess(ctx, ticketId);
  const rowsOut = await ctx.db.select().from(prLinks).where(eq(prLinks.ticketId, ticket.id)).orderBy(asc(prLinks.createdAt)).limit(500);
  return rowsOut.map(toLinkDto);
}

/** GET /links/pull-requests?url=… — from a PR back to the tickets (that the caller can see) mentioning it. */
export async function findTicketsByPullRequest(ctx: Ctx, url: string) {
  const me = requirePrincipal(ctx);
  const canonical = canonicalPullRequestUrl(url);
  if (!canonical) {
    throw new DomainError('VALIDATION_ERROR', 'url is not a GitHub pull request or GitLab merge request URL', {
      issues: [{ field: 'url', in: 'query', message: 'expected https://github.com/o/r/pull/N or https://host/g/p/-/merge_requests/N' }],
    });
  }
  const scope =
    me.kind === 'agent'
      ? eq(tickets.workspaceId, me.workspaceId)
      : me.isInstanceAdmin
        ? undefined
        : inArray(tickets.workspaceId, ctx.db.select({ id: memberships.workspaceId }).from(memberships).where(eq(memberships.userId, me.userId)));
  const rowsOut = await ctx.db
    .selectDistinctOn([tickets.id], { ticket: tickets })
    .from(prLinks)
    .innerJoin(tickets, eq(tickets.id, prLinks.ticketId))
    .where(and(eq(prLinks.url, canonical), scope))
    .orderBy(tickets.id)
    .limit(200);
  return (await ticketAnswers(ctx, rowsOut.map((r) => r.ticket))).map((t) => ({ ...t, pullRequestUrl: canonical }));
}
