'use client';
// "New ticket": title, markdown description, priority, labels, required capabilities, epic (an epic can be
// created on the spot) and, for admins, an assignee.
import { TICKET_PRIORITY_VALUES } from '@mc/contracts/constants';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { toApiError, type ApiError } from '@/src/data/client';
import { Button, ErrorAlert, SelectField, TextArea, TextField } from '@/src/ui/components';
import { PRIORITY_LABEL } from '@/src/ui/ticket-status';
import { assigneeBody } from './ticket/assignee-picker';
import { EpicSelect } from './epic-select';
import { splitList } from './split-list';
import type { People } from './people';
import type { Epic, Ticket, TicketPriority } from './types';

export interface NewTicket {
  title: string;
  description: string;
  priority: TicketPriority;
  labels: string[];
  requiredCapabilities: string[];
  epicId: string | null;
  assignee?: { agentId: string } | { userId: string };
}

export function NewTicketDialog({
  open,
  epics,
  people,
  canAssign,
  onClose,
  onCreate,
  onCreateEpic,
}: {
  open: boolean;
  epics: Epic[];
  people: People;
  canAssign: boolean;
  onClose(): void;
  onCreate(t: NewTicket): Promise<Ticket>;
  onCreateEpic(title: string): Promise<Epic>;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [priority, setPriority] = useState<TicketPriority>('medium');
  const [labels, setLabels] = useState('');
  const [caps, setCaps] = useState('');
  const [epicId, setEpicId] = useState('');
  const [assignee, setAssignee] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [pending, setPending] = useState(false);

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      setTitle('');
      setDescription('');
      setPriority('medium');
      setLabels('');
      setCaps('');
      setEpicId('');
      setAssignee('');
      setError(null);
      d.showModal();
    } else if (!open && d.open) d.close();
  }, [open]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setPending(true);
    setError(null);
    try {
      const who = canAssign ? assigneeBody(assignee) : null;
      await onCreate({
        title,
        description,
        priority,
        labels: splitList(labels),
        requiredCapabilities: splitList(caps),
        epicId: epicId || null,
        ...(who ? { assignee: who } : {}),
      });
      onClose();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setPending(false);
    }
  }

  const fe = (f: string) => error?.fieldError(f);
  const listErr = (f: string) => error?.issues.find((i) => i.field === f || i.field.startsWith(`${f}.`))?.message;

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onClose={onClose}
      onCancel={(e) => pending && e.preventDefault()}
      className="m-auto w-full max-w-xl rounded-lg bg-white p-0 shadow-xl backdrop:bg-slate-900/40"
    >
      {open && (
        <form onSubmit={submit} className="space-y-4 p-5" data-testid="new-ticket-form">
          <h2 id={titleId} className="text-base font-semibold text-slate-900">
            New ticket
          </h2>
          <TextField id="ticket-title" label="Title" required maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} error={fe('title')} autoFocus />
          <TextArea
            id="ticket-description"
            label="Description"
            hint="Markdown: **bold**, `code`, lists, links. PR references become links: owner/repo#12 and PR URLs, and a bare PR#12 once Settings names a default repository."
            rows={6}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
            error={fe('description')}
          />
          <div className="grid gap-4 sm:grid-cols-2">
            <SelectField id="ticket-priority" label="Priority" value={priority} onChange={(e) => setPriority(e.target.value as TicketPriority)}>
              {TICKET_PRIORITY_VALUES.map((p) => (
                <option key={p} value={p}>
                  {PRIORITY_LABEL[p]}
                </option>
              ))}
            </SelectField>
            <EpicSelect epics={epics} value={epicId} onChange={setEpicId} error={fe('epicId')} onCreate={onCreateEpic} />
          </div>
          <div className="grid gap-4 sm:grid-cols-2">
            <TextField id="ticket-labels" label="Labels" placeholder="backend, bug" hint="Comma-separated" value={labels} onChange={(e) => setLabels(e.target.value)} error={listErr('labels')} />
            <TextField
              id="ticket-capabilities"
              label="Required capabilities"
              placeholder="typescript, postgres"
              hint="Only agents with all of these can take it"
              value={caps}
              onChange={(e) => setCaps(e.target.value)}
              error={listErr('requiredCapabilities')}
              spellCheck={false}
            />
          </div>
          {canAssign && (
            <SelectField id="ticket-assignee" label="Assignee" value={assignee} onChange={(e) => setAssignee(e.target.value)} hint="Optional: who should take it">
              <option value="">Nobody (any capable agent)</option>
              {people.activeAgents.length > 0 && (
                <optgroup label="Agents">
                  {people.activeAgents.map((a) => (
                    <option key={a.id} value={`agent:${a.id}`}>
                      {a.name}
                    </option>
                  ))}
                </optgroup>
              )}
              <optgroup label="Members">
                {people.members.map((m) => (
                  <option key={m.userId} value={`user:${m.userId}`}>
                    {m.name} ({m.email})
                  </option>
                ))}
              </optgroup>
            </SelectField>
          )}
          <ErrorAlert error={error} fields={['title', 'description', 'epicId', 'labels', 'requiredCapabilities']} />
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={onClose} disabled={pending}>
              Cancel
            </Button>
            <Button type="submit" loading={pending}>
              Create ticket
            </Button>
          </div>
        </form>
      )}
    </dialog>
  );
}
