'use client';
// Workspace overview: its mission, budget, members and latest activity, with the way to each.
import { BudgetCard, MembersCard, MissionCard, RecentActivityCard } from '@/src/features/workspace-home/overview-cards';
import { useTitle } from '@/src/ui/components';
import { useWorkspace } from '@/src/ui/workspace-context';

export default function WorkspaceOverview() {
  const { workspace: w } = useWorkspace();
  useTitle(w.name);
  const base = `/w/${encodeURIComponent(w.slug)}`;
  return (
    <div className="grid gap-6 lg:grid-cols-3">
      <div className="space-y-6 lg:col-span-2">
        <MissionCard workspace={w} base={base} />
        <RecentActivityCard workspace={w} base={base} />
      </div>
      <div className="space-y-6">
        <MembersCard workspace={w} base={base} />
        <BudgetCard workspace={w} base={base} />
      </div>
    </div>
  );
}
