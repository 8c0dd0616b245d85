'use client';
// "Edit ticket": title, description, priority, epic, labels, required capabilities and wiki pages, saved at the
// version the form was opened on (a stale save says so and the page reloads the ticket).
import { TICKET_PRIORITY_VALUES } from '@mc/contracts/constants';
import { useState, type FormEvent } from 'react';
import { toApiError, type ApiError } from '@/src/data/client';
import { Button, Card, ErrorAlert, SelectField, TextArea, TextField } from '@/src/ui/components';
import { PRIORITY_LABEL } from '@/src/ui/ticket-status';
import { splitList } from '../split-list';
import type { Epic, Ticket, TicketPriority } from '../types';

export interface TicketEdit {
  title: string;
  description: string;
  priority: TicketPriority;
  labels: string[];
  requiredCapabilities: string[];
  wikiRefs: string[];
  epicId: string | null;
  version: number;
}

export function EditTicketForm({ ticket: t, epics, onCancel, onSave }: { ticket: Ticket; epics: Epic[]; onCancel(): void; onSave(edit: TicketEdit): Promise<unknown> }) {
  const [title, setTitle] = useState(t.title);
  const [description, setDescription] = useState(t.description);
  const [priority, setPriority] = useState<TicketPriority>(t.priority);
  const [labels, setLabels] = useState(t.labels.join(', '));
  const [caps, setCaps] = useState(t.requiredCapabilities.join(', '));
  const [wiki, setWiki] = useState(t.wikiRefs.join('\n'));
  const [epicId, setEpicId] = useState(t.epicId ?? '');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  async function save(e: FormEvent) {
    e.preventDefault();
    setPending(true);
    setError(null);
    try {
      await onSave({ title, description, priority, labels: splitList(labels), requiredCapabilities: splitList(caps), wikiRefs: splitList(wiki), epicId: epicId || null, version: t.version });
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setPending(false);
    }
  }

  const fe = (f: string) => error?.fieldError(f);
  return (
    <Card title="Edit ticket">
      <form onSubmit={save} className="space-y-4">
        <TextField id="edit-title" label="Title" value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={200} error={fe('title')} />
        <TextArea id="edit-description" label="Description (markdown)" rows={10} value={description} onChange={(e) => setDescription(e.target.value)} error={fe('description')} />
        <div className="grid gap-4 sm:grid-cols-2">
          <SelectField id="edit-priority" label="Priority" value={priority} onChange={(e) => setPriority(e.target.value as TicketPriority)}>
            {TICKET_PRIORITY_VALUES.map((p) => (
              <option key={p} value={p}>
                {PRIORITY_LABEL[p]}
              </option>
            ))}
          </SelectField>
          <SelectField id="edit-epic" label="Epic" value={epicId} onChange={(e) => setEpicId(e.target.value)} error={fe('epicId')}>
            <option value="">None</option>
            {epics.map((ep) => (
              <option key={ep.id} value={ep.id}>
                {ep.title}
              </option>
            ))}
          </SelectField>
          <TextField id="edit-labels" label="Labels" hint="Comma-separated" value={labels} onChange={(e) => setLabels(e.target.value)} />
          <TextField id="edit-capabilities" label="Required capabilities" hint="Comma-separated" value={caps} onChange={(e) => setCaps(e.target.value)} spellCheck={false} />
        </div>
        <TextArea id="edit-wiki" label="Wiki pages" hint="One path per line, e.g. runbooks/deploy.md" rows={2} value={wiki} onChange={(e) => setWiki(e.target.value)} spellCheck={false} />
        <ErrorAlert error={error} fields={['title', 'description', 'epicId']} />
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onCancel} disabled={pending}>
            Cancel
          </Button>
          <Button type="submit" loading={pending}>
            Save
          </Button>
        </div>
      </form>
    </Card>
  );
}
