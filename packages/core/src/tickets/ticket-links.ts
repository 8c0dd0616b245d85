import { prLinks } from '@mc/db';
import type { Ctx } from '../context';
import { newId } from '../shared/ids';
import { parsePullRequestRefs } from './pr-refs';

/** Record the PR/MR references found in `text` as links of the ticket (duplicates are ignored). */
export async function recordPullRequestLinks(
  ctx: Ctx,
  input: { workspaceId: string; ticketId: string; commentId: string | null; text: string; defaultRepository: string | null },
) {
  const refs = parsePullRequestRefs(input.text, input.defaultRepository);
  if (refs.length === 0) return [];
  const now = ctx.clock.now();
  return ctx.db
    .insert(prLinks)
    .values(
      refs.map((r) => ({
        id: newId('prl', now.getTime()),
        workspaceId: input.workspaceId,
        ticketId: input.ticketId,
        commentId: input.commentId,
        provider: r.provider,
        repo: r.repo,
        number: r.number,
        url: r.url,
        createdAt: now,
      })),
    )
    .onConflictDoNothing()
    .returning();
}
