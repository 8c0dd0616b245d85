'use client';
// The workspace's OpenClaw gateways: the list with each one's live state (polled), and the admin's actions — add,
// edit (the token write-only), delete, sync, link a hosted agent or add it as an agent. Who may do what comes with
// each gateway (`can`) and with the workspace (`gateways.manage`).
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '@/src/data/client';
import { wsKey } from '@/src/data/keys';
import { Button, Card, ConfirmDialog, EmptyState, ErrorAlert, Loading, Notice } from '@/src/ui/components';
import { useNow } from '@/src/ui/live';
import { useWorkspace } from '@/src/ui/workspace-context';
import { GatewayCard } from './gateway-card';
import { GatewayFormDialog } from './gateway-form';
import type { Gateway } from './gateway-parts';
import { LinkAgentDialog } from './link-dialog';
import { useGateways, useGatewaysChanged } from './queries';

export function Gateways() {
  const { workspace: w } = useWorkspace();
  const canCreate = !!w.permissions['gateways.manage'];
  const now = useNow(5000);
  const query = useGateways(w.id);
  const gateways = query.data ?? (query.isError ? [] : null);
  const changed = useGatewaysChanged(w.id);
  const queryClient = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Gateway | null>(null);
  const [deleting, setDeleting] = useState<Gateway | null>(null);
  const [linking, setLinking] = useState<{ gateway: Gateway; hosted: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const upsert = (g: Gateway) => {
    void queryClient.cancelQueries({ queryKey: wsKey(w.id, 'gateways') });
    queryClient.setQueryData<Gateway[]>(wsKey(w.id, 'gateways', 'list'), (list) => (list?.some((x) => x.id === g.id) ? list.map((x) => (x.id === g.id ? g : x)) : [...(list ?? []), g]));
    changed();
  };

  return (
    <Card
      title="Gateways"
      description="OpenClaw gateways this workspace's agents run on. Mission Control keeps one connection to each, reads the agents it hosts, and dispatches work to them."
    >
      <div className="mb-4 flex flex-wrap items-center justify-between gap-3">
        <p className="text-sm text-slate-500" data-testid="gateways-summary">
          {gateways === null ? '' : `${gateways.length} ${gateways.length === 1 ? 'gateway' : 'gateways'}`}
        </p>
        {canCreate && <Button onClick={() => setCreating(true)}>Add gateway</Button>}
      </div>
      {notice && (
        <Notice tone="success" className="mb-4">
          <div className="flex items-start justify-between gap-3">
            <span data-testid="gateways-notice">{notice}</span>
            <button type="button" className="text-xs font-medium underline" onClick={() => setNotice(null)}>
              Dismiss
            </button>
          </div>
        </Notice>
      )}
      <ErrorAlert error={query.error} className="mb-4" />
      {gateways === null ? (
        <Loading />
      ) : gateways.length === 0 ? (
        <EmptyState icon="🦞" title="No gateways yet">
          {canCreate ? 'Add the WebSocket URL and token of an OpenClaw gateway to see its agents here.' : 'An admin can add gateways here.'}
        </EmptyState>
      ) : (
        <ul className="-mx-5 -mb-4 divide-y divide-slate-100 border-t border-slate-100" data-testid="gateways-list">
          {gateways.map((g) => (
            <GatewayCard
              key={g.id}
              gateway={g}
              workspaceSlug={w.slug}
              now={now}
              onEdit={setEditing}
              onDelete={setDeleting}
              onLink={(gateway, hosted) => setLinking({ gateway, hosted })}
              onChanged={(text) => {
                setNotice(text);
                changed();
              }}
            />
          ))}
        </ul>
      )}
      <GatewayFormDialog
        open={creating || editing !== null}
        workspaceId={w.id}
        gateway={editing}
        onClose={() => (setCreating(false), setEditing(null))}
        onSaved={(g) => {
          upsert(g);
          setNotice(editing ? `${g.name} was saved.` : `${g.name} was added; it shows Connected once its connection is made.`);
        }}
      />
      <LinkAgentDialog
        workspaceId={w.id}
        gateway={linking?.gateway ?? null}
        hostedAgentId={linking?.hosted ?? null}
        onClose={() => setLinking(null)}
        onLinked={() => {
          setNotice(`${linking?.hosted} is linked.`);
          changed();
        }}
      />
      <ConfirmDialog
        open={deleting !== null}
        title="Delete this gateway?"
        confirmLabel="Delete gateway"
        onClose={() => setDeleting(null)}
        onConfirm={async () => {
          if (!deleting) return;
          await api.delete('/gateways/{id}', { params: { path: { id: deleting.id } } });
          void queryClient.cancelQueries({ queryKey: wsKey(w.id, 'gateways') });
          queryClient.setQueryData<Gateway[]>(wsKey(w.id, 'gateways', 'list'), (list) => list?.filter((x) => x.id !== deleting.id));
          changed();
          setNotice(`${deleting.name} was deleted.`);
        }}
      >
        Mission Control disconnects from <span className="font-medium">{deleting?.name}</span> and forgets its token. Agents linked to it stay, unlinked.
      </ConfirmDialog>
    </Card>
  );
}
