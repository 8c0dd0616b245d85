'use client';
// Personal API keys: list (never the secrets), create (the secret is shown once, here, and kept only in memory),
// revoke.
import { useState } from 'react';
import { ApiKeysTable, summarize } from '@/src/features/api-keys/api-keys-table';
import { CreateKey, NewKey } from '@/src/features/api-keys/create-key';
import { useApiKeys, useRevokeApiKey, type ApiKey, type CreatedApiKey } from '@/src/features/api-keys/queries';
import { Card, ConfirmDialog, PageHeader, useTitle } from '@/src/ui/components';

export default function ApiKeysPage() {
  useTitle('API keys');
  const { data: keys, error } = useApiKeys();
  const revoke = useRevokeApiKey();
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const [showRevoked, setShowRevoked] = useState(false);

  const visible = (keys ?? []).filter((k) => showRevoked || !k.revokedAt);
  const revokedCount = (keys ?? []).filter((k) => k.revokedAt).length;

  return (
    <>
      <PageHeader title="API keys" description="Personal keys let your scripts call the API as you, with your permissions. Send one as Authorization: Bearer <key>." />
      <div className="space-y-6">
        {created ? (
          <NewKey created={created} onDone={() => setCreated(null)} />
        ) : (
          <CreateKey onCreated={setCreated} />
        )}
        <Card title="Your keys" description={keys ? summarize(keys) : undefined}>
          {revokedCount > 0 && (
            <label className="mb-3 flex items-center gap-2 text-sm text-slate-600">
              <input type="checkbox" className="h-4 w-4 accent-indigo-600" checked={showRevoked} onChange={(e) => setShowRevoked(e.target.checked)} />
              Show revoked keys
            </label>
          )}
          <ApiKeysTable keys={keys === undefined ? undefined : visible} error={error} onRevoke={setRevoking} />
        </Card>
      </div>
      <ConfirmDialog
        open={revoking !== null}
        title={`Revoke “${revoking?.name ?? ''}”?`}
        confirmLabel="Revoke key"
        onClose={() => setRevoking(null)}
        onConfirm={async () => {
          if (!revoking) return;
          await revoke.mutateAsync(revoking);
        }}
      >
        Anything using this key stops working at once. This cannot be undone.
      </ConfirmDialog>
    </>
  );
}
