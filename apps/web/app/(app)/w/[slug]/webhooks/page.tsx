'use client';
// Webhooks of a workspace (workspace admins): the endpoints with their event filter and health, the admin's
// actions on them, and the deliveries — to one endpoint or to all, agents' notification pushes included.
// Reading takes `webhooks.read`; changing them `webhooks.manage`, which the server already refuses while the
// workspace is archived.
import { useRef, useState } from 'react';
import { Deliveries } from '@/src/features/webhooks/deliveries';
import { Endpoints } from '@/src/features/webhooks/endpoints';
import { EmptyState, useTitle } from '@/src/ui/components';
import { useWorkspace } from '@/src/ui/workspace-context';

export default function WebhooksPage() {
  const { workspace: w } = useWorkspace();
  useTitle(`Webhooks · ${w.name}`);
  const [endpointFilter, setEndpointFilter] = useState('');
  const deliveriesRef = useRef<HTMLDivElement>(null);

  if (!w.permissions['webhooks.read']) {
    return (
      <EmptyState icon="🔒" title="Webhooks are for workspace admins">
        Only owners and admins of this workspace can see and manage its webhooks.
      </EmptyState>
    );
  }

  return (
    <div className="space-y-6">
      <Endpoints
        canWrite={!!w.permissions['webhooks.manage']}
        onShowDeliveries={(id) => {
          setEndpointFilter(id);
          deliveriesRef.current?.scrollIntoView({ behavior: 'smooth', block: 'start' });
        }}
        render={(webhooks) => (
          <div ref={deliveriesRef}>
            <Deliveries webhooks={webhooks} endpoint={endpointFilter} onEndpointChange={setEndpointFilter} />
          </div>
        )}
      />
    </div>
  );
}
