'use client';
// Register or edit a gateway. The token is write-only: an edit leaves the field empty and keeps the stored token
// unless a new one is typed. The server decides which addresses are allowed; its refusal is shown on the field.
import { useEffect, useState } from 'react';
import { api, toApiError, type ApiError } from '@/src/data/client';
import { Button, ErrorAlert, TextField } from '@/src/ui/components';
import { Modal } from '@/src/ui/modal';
import type { Gateway } from './gateway-parts';

export function GatewayFormDialog({
  open,
  workspaceId,
  gateway,
  onClose,
  onSaved,
}: {
  open: boolean;
  workspaceId: string;
  gateway: Gateway | null;
  onClose: () => void;
  onSaved: (g: Gateway) => void;
}) {
  const editing = gateway !== null;
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [token, setToken] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [pending, setPending] = useState(false);

  useEffect(() => {
    if (!open) return;
    setName(gateway?.name ?? '');
    setUrl(gateway?.url ?? '');
    setToken('');
    setError(null);
  }, [open, gateway]);

  function close() {
    if (pending) return;
    setToken('');
    onClose();
  }

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setPending(true);
    setError(null);
    try {
      const saved = editing
        ? ((await api.patch('/gateways/{id}', {
            params: { path: { id: gateway.id } },
            body: { name: name.trim(), url: url.trim(), token: token === '' ? undefined : token, version: gateway.version },
          })) as Gateway)
        : ((await api.post('/gateways', { body: { workspaceId, name: name.trim(), url: url.trim(), token } })) as Gateway);
      setToken('');
      onSaved(saved);
      onClose();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setPending(false);
    }
  }

  return (
    <Modal open={open} title={editing ? 'Edit gateway' : 'Add a gateway'} onClose={close} busy={pending} size="lg">
      <form onSubmit={submit} className="space-y-4" noValidate>
        <TextField id="gateway-name" label="Name" required autoFocus maxLength={100} placeholder="e.g. Home lab" value={name} onChange={(e) => setName(e.target.value)} error={error?.fieldError('name')} />
        <TextField
          id="gateway-url"
          label="WebSocket URL"
          required
          maxLength={2000}
          placeholder="wss://gateway.example.com or ws://10.0.0.5:18789"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          error={error?.fieldError('url')}
          hint="ws:// or wss://. Private and loopback addresses: instance admins, or hosts the instance allows (MC_GATEWAY_ALLOWED_HOSTS)."
        />
        <TextField
          id="gateway-token"
          label={editing ? 'New token (optional)' : 'Token'}
          type="password"
          autoComplete="off"
          required={!editing}
          maxLength={4096}
          placeholder={editing ? 'Leave empty to keep the stored token' : "The gateway's gateway.auth.token"}
          value={token}
          onChange={(e) => setToken(e.target.value)}
          error={error?.fieldError('token')}
          hint="Stored encrypted and never shown again, not even to admins."
        />
        <ErrorAlert error={error} fields={['name', 'url', 'token']} />
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={close} disabled={pending}>
            Cancel
          </Button>
          <Button type="submit" loading={pending} disabled={name.trim() === '' || url.trim() === '' || (!editing && token === '')}>
            {editing ? 'Save changes' : 'Add gateway'}
          </Button>
        </div>
      </form>
    </Modal>
  );
}
