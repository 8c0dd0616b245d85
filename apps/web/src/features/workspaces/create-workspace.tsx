'use client';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Button, Card, ErrorAlert } from '@/src/ui/components';
import { WORKSPACE_FIELD_NAMES, WorkspaceFieldset, type WorkspaceFields } from '@/src/ui/workspace-form';
import { useCreateWorkspace } from './queries';

const EMPTY: WorkspaceFields = { name: '', slug: '', mission: '', emoji: '🚀', color: '#6366f1' };

/** "New workspace": the caller becomes its owner and lands on it. */
export function CreateWorkspace() {
  const router = useRouter();
  const create = useCreateWorkspace();
  const [form, setForm] = useState<WorkspaceFields>(EMPTY);
  // Remount the fieldset after a create so the slug follows the name again.
  const [formKey, setFormKey] = useState(0);

  function submit(e: React.FormEvent) {
    e.preventDefault();
    create.mutate(
      { name: form.name, slug: form.slug, emoji: form.emoji || undefined, color: form.color, mission: form.mission || undefined },
      {
        onSuccess: (ws) => {
          setForm(EMPTY);
          setFormKey((k) => k + 1);
          router.push(`/w/${encodeURIComponent(ws.slug)}`);
        },
      },
    );
  }

  return (
    <Card title="New workspace" description="You become its owner.">
      <form onSubmit={submit} className="space-y-4">
        <WorkspaceFieldset key={formKey} idPrefix="new-ws" value={form} onChange={setForm} error={create.error} suggestSlug />
        <ErrorAlert error={create.error} fields={WORKSPACE_FIELD_NAMES} />
        <Button type="submit" loading={create.isPending} className="w-full">
          Create workspace
        </Button>
      </form>
    </Card>
  );
}
