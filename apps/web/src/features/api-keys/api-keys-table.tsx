'use client';
import { Badge, Button, EmptyState, Time } from '@/src/ui/components';
import { Table, type Column } from '@/src/ui/table';
import type { ApiKey } from './queries';

export function status(k: ApiKey): { label: string; tone: 'emerald' | 'rose' | 'amber' } {
  if (k.revokedAt) return { label: 'Revoked', tone: 'rose' };
  if (k.expiresAt && new Date(k.expiresAt).getTime() <= Date.now()) return { label: 'Expired', tone: 'amber' };
  return { label: 'Active', tone: 'emerald' };
}

export function summarize(keys: ApiKey[]): string {
  const counts = { Active: 0, Expired: 0, Revoked: 0 };
  for (const k of keys) counts[status(k).label as keyof typeof counts]++;
  const parts = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([label, n]) => `${n} ${label.toLowerCase()}`);
  return parts.length ? parts.join(' · ') : 'None yet';
}

/** The keys with their state; Revoke on the live ones. */
export function ApiKeysTable({ keys, error, onRevoke }: { keys: ApiKey[] | undefined; error: unknown; onRevoke: (k: ApiKey) => void }) {
  const never = <span className="text-slate-500">Never</span>;
  const columns: Column<ApiKey>[] = [
    { id: 'name', header: 'Name', className: 'font-medium text-slate-900', cell: (k) => k.name },
    {
      id: 'key',
      header: 'Key',
      cell: (k) => <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-700">{k.prefix}…</code>,
    },
    { id: 'created', header: 'Created', className: 'whitespace-nowrap', cell: (k) => <Time iso={k.createdAt} /> },
    { id: 'used', header: 'Last used', className: 'whitespace-nowrap', cell: (k) => (k.lastUsedAt ? <Time iso={k.lastUsedAt} relative /> : never) },
    { id: 'expires', header: 'Expires', className: 'whitespace-nowrap', cell: (k) => (k.expiresAt ? <Time iso={k.expiresAt} /> : never) },
    {
      id: 'status',
      header: 'Status',
      cell: (k) => {
        const s = status(k);
        return (
          <>
            <Badge tone={s.tone}>{s.label}</Badge>
            {k.revokedAt && (
              <span className="ml-1 text-xs">
                <Time iso={k.revokedAt} relative />
              </span>
            )}
          </>
        );
      },
    },
    {
      id: 'actions',
      header: 'Actions',
      srOnlyHeader: true,
      align: 'right',
      cell: (k) =>
        !k.revokedAt && (
          <Button size="sm" variant="secondary" onClick={() => onRevoke(k)} aria-label={`Revoke ${k.name}`}>
            Revoke
          </Button>
        ),
    },
  ];
  return (
    <Table
      label="API keys"
      testId="api-keys-table"
      columns={columns}
      rows={keys}
      rowKey={(k) => k.id}
      rowProps={(k) => ({ 'data-testid': `api-key-${k.id}`, className: k.revokedAt ? 'text-slate-500' : undefined })}
      error={error}
      className="-mx-5 -mb-4"
      empty={
        <EmptyState icon="🔑" title="No API keys">
          Create a key for each script or machine, so you can revoke one without breaking the others.
        </EmptyState>
      }
    />
  );
}
