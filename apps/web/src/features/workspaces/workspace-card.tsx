'use client';
import Link from 'next/link';
import { Badge, RoleBadge, WorkspaceAvatar } from '@/src/ui/components';
import type { Workspace } from './queries';

/** One workspace of the list: a link with its avatar, name, slug, mission and the caller's role. */
export function WorkspaceCard({ workspace: w }: { workspace: Workspace }) {
  return (
    <Link
      href={`/w/${encodeURIComponent(w.slug)}`}
      className="group flex h-full flex-col rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200 transition hover:shadow-md hover:ring-slate-300 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
      style={{ borderTop: `4px solid ${w.color}` }}
    >
      <div className="flex items-start gap-3">
        <WorkspaceAvatar emoji={w.emoji} color={w.color} />
        <div className="min-w-0 flex-1">
          <h3 className="truncate font-semibold text-slate-900 group-hover:text-indigo-700">{w.name}</h3>
          <p className="truncate font-mono text-xs text-slate-500">/w/{w.slug}</p>
        </div>
      </div>
      <p className="mt-3 line-clamp-2 flex-1 text-sm text-slate-600">{w.mission || <span className="text-slate-500 italic">No mission yet</span>}</p>
      <div className="mt-3 flex flex-wrap gap-1.5">
        <RoleBadge role={w.role} />
        {w.isDefault && <Badge tone="sky">Default</Badge>}
        {w.archived && <Badge tone="amber">Archived</Badge>}
      </div>
    </Link>
  );
}
