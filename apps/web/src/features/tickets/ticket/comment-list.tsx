// The ticket's comments, oldest first, markdown with the @mentions highlighted.
import { Time } from '@/src/ui/components';
import { Markdown } from '@/src/ui/markdown';
import { memberHandle, type People } from '../people';
import type { Comment } from '../types';

const AUTHOR_ICON: Record<Comment['author']['kind'], string> = { user: '👤', agent: '🤖', system: '⚙️' };

/** The handles a comment mentions (as the markdown highlights them). */
function mentionSet(c: Comment, people: People): Set<string> {
  const s = new Set<string>();
  for (const m of c.mentions) {
    if (m.kind === 'all') s.add('all');
    else if (m.kind === 'agent') s.add((people.agentName(m.id) ?? m.name).toLowerCase());
    else {
      const member = people.members.find((x) => x.userId === m.id);
      s.add((member ? memberHandle(member) : m.name).toLowerCase());
    }
  }
  return s;
}

export function CommentList({ comments, people }: { comments: Comment[]; people: People }) {
  if (comments.length === 0) return <p className="text-sm text-slate-500">No comments yet.</p>;
  return (
    <ol className="space-y-4" data-testid="comments">
      {comments.map((c) => (
        <li key={c.id} className="flex gap-3" data-testid="comment">
          <span aria-hidden="true" className="mt-0.5 flex h-7 w-7 shrink-0 items-center justify-center rounded-full bg-slate-100 text-sm">
            {AUTHOR_ICON[c.author.kind] ?? '•'}
          </span>
          <div className="min-w-0 flex-1">
            <p className="text-xs text-slate-500">
              <span className="font-medium text-slate-900">{c.author.name}</span> · <Time iso={c.createdAt} relative />
            </p>
            <Markdown text={c.body} mentions={mentionSet(c, people)} className="mt-1" />
          </div>
        </li>
      ))}
    </ol>
  );
}
