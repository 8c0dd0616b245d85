'use client';
// OpenClaw gateways of a workspace (issue 15): every member reads them (state, version, hosted agents, last error);
// admins add, edit, delete, sync and link them.
import { Gateways } from '@/src/features/gateways/gateways';
import { useTitle } from '@/src/ui/components';
import { useWorkspace } from '@/src/ui/workspace-context';

export default function GatewaysPage() {
  const { workspace: w } = useWorkspace();
  useTitle(`Gateways · ${w.name}`);
  return (
    <div className="space-y-6">
      <Gateways />
    </div>
  );
}
