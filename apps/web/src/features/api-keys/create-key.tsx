'use client';
import { useState } from 'react';
import { Button, Card, CopyBox, ErrorAlert, Notice, TextField } from '@/src/ui/components';
import { SubmitButton } from '@/src/ui/form-footer';
import { useCreateApiKey, type CreatedApiKey } from './queries';

/** Tomorrow, as the earliest date a new key may expire (yyyy-mm-dd, local). */
function tomorrow(): string {
  const d = new Date();
  d.setDate(d.getDate() + 1);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** "Create a key": a name and an optional last day. */
export function CreateKey({ onCreated }: { onCreated: (k: CreatedApiKey) => void }) {
  const [name, setName] = useState('');
  const [expires, setExpires] = useState('');
  const create = useCreateApiKey();
  const error = create.error;
  const pending = create.isPending;

  function submit(e: React.FormEvent) {
    e.preventDefault();
    let expiresAt: string | undefined;
    if (expires) {
      // The end of the chosen local day.
      const [y, m, d] = expires.split('-').map(Number);
      expiresAt = new Date(y, m - 1, d, 23, 59, 59).toISOString();
    }
    create.mutate(
      { name, expiresAt },
      {
        onSuccess: (k) => {
          setName('');
          setExpires('');
          onCreated(k);
        },
      },
    );
  }

  return (
    <Card title="Create a key">
      <form onSubmit={submit} className="flex flex-wrap items-start gap-3">
        <TextField
          id="api-key-name"
          label="Key name"
          required
          maxLength={100}
          placeholder="e.g. deploy script"
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={error?.fieldError('name')}
          className="min-w-[16rem] flex-1"
        />
        <TextField
          id="api-key-expires"
          label="Expires (optional)"
          type="date"
          min={tomorrow()}
          value={expires}
          onChange={(e) => setExpires(e.target.value)}
          error={error?.fieldError('expiresAt')}
          hint="Empty: never expires."
          className="w-48"
        />
        <SubmitButton label="Create key" pending={pending} inline />
      </form>
      <ErrorAlert error={error} fields={['name', 'expiresAt']} className="mt-3" />
    </Card>
  );
}

/** The secret of a key just created, shown once. */
export function NewKey({ created, onDone }: { created: CreatedApiKey; onDone: () => void }) {
  return (
    <section aria-labelledby="new-key-heading" className="rounded-lg border border-emerald-300 bg-emerald-50 p-5 shadow-sm">
      <h2 id="new-key-heading" className="text-base font-semibold text-emerald-900">
        Your new key “{created.name}”
      </h2>
      <Notice tone="warning" className="my-3">
        <strong>Copy this key now. You won’t see it again:</strong> Mission Control stores only a hash of it. If you lose it, revoke it and create a new one.
      </Notice>
      {created.key ? (
        <CopyBox value={created.key} testId="new-api-key" label="New API key" />
      ) : (
        // Only a replayed request (same Idempotency-Key) answers without the secret; the dashboard sends none.
        <p className="text-sm text-emerald-900">The key was created, but its secret was already shown to an earlier request. Revoke it and create a new one if nobody saved it.</p>
      )}
      <div className="mt-4 flex justify-end">
        <Button onClick={onDone}>I’ve saved it — done</Button>
      </div>
    </section>
  );
}
