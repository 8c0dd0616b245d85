'use client';
// The PRs and MRs the ticket's description and comments link to (live).
import { Card } from '@/src/ui/components';
import { useTicketLinks } from '../queries';

export function PullRequestsCard({ workspaceId, ticketId, defaultRepository }: { workspaceId: string; ticketId: string; defaultRepository: string | null }) {
  // A failure shows as "none": the ticket itself reports real problems.
  const links = useTicketLinks(workspaceId, ticketId).data ?? [];
  return (
    <Card title="Pull requests">
      {links.length === 0 ? (
        <p className="text-sm text-slate-500">
          None yet. Mention a PR in the description or a comment: owner/repo#12 or its URL
          {defaultRepository ? <>, or PR#12 for {defaultRepository}</> : <> (a bare PR#12 links once Settings names a default repository)</>}.
        </p>
      ) : (
        <ul className="space-y-1.5 text-sm" data-testid="ticket-links">
          {links.map((l) => (
            <li key={l.id}>
              <a href={l.url} target="_blank" rel="noopener noreferrer nofollow" className="font-medium text-indigo-600 hover:text-indigo-500">
                {l.repo}#{l.number}
              </a>{' '}
              <span className="text-xs text-slate-500">{l.provider === 'gitlab' ? 'GitLab MR' : 'GitHub PR'}</span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
