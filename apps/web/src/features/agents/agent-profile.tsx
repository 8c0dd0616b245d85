'use client';
// An agent's profile (description, capabilities, endpoint, registration, decision, id) and, for managers, editing
// it with optimistic concurrency: the save sends the version the edit started from, and a change made meanwhile is
// a 409 the form explains (reload to start again) instead of a silent overwrite.
import { useState, type FormEvent, type ReactNode } from 'react';
import { Capabilities, RelativeTime, type Agent } from '@/src/ui/agents';
import { api, toApiError, type ApiError, type BodyOf } from '@/src/data/client';
import { Button, Card, ErrorAlert, Notice, TextArea, TextField } from '@/src/ui/components';

interface ProfileForm {
  capabilities: string;
  description: string;
  endpoint: string;
}

function formOf(a: Agent): ProfileForm {
  return { capabilities: a.capabilities.join(', '), description: a.description, endpoint: a.endpoint ?? '' };
}

function parseCapabilities(s: string): string[] {
  return [...new Set(s.split(/[\s,]+/).map((c) => c.trim()).filter(Boolean))];
}

function isStale(err: ApiError | null): boolean {
  return !!err && err.status === 409 && err.details?.reason === 'stale_version';
}

/** The first field issue under `prefix` (`capabilities` also covers `capabilities.3`). */
function issueFor(err: ApiError | null, prefix: string): string | undefined {
  if (!err || isStale(err)) return undefined;
  const direct = err.fieldError(prefix);
  if (direct) return direct;
  const i = err.issues.find((x) => x.field.startsWith(`${prefix}.`) || x.field.startsWith(`${prefix}[`));
  return i ? `${i.field}: ${i.message}` : undefined;
}

export function AgentProfile({ agent, now, editable, onSaved, onReload }: { agent: Agent; now: number; editable: boolean; onSaved: (a: Agent) => void; onReload: () => Promise<void> }) {
  // Editing starts from a snapshot: its version is what the save sends, so a change made meanwhile by someone else
  // (or by the agent) is a 409 instead of being silently overwritten by the live refresh.
  const [editing, setEditing] = useState<{ base: Agent; form: ProfileForm } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [pending, setPending] = useState(false);
  const [saved, setSaved] = useState(false);

  function start(from: Agent) {
    setEditing({ base: from, form: formOf(from) });
    setError(null);
    setSaved(false);
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!editing) return;
    const { base, form } = editing;
    const caps = parseCapabilities(form.capabilities);
    const body: Record<string, unknown> = { version: base.version };
    if (caps.join('\n') !== base.capabilities.join('\n')) body.capabilities = caps;
    if (form.description !== base.description) body.description = form.description;
    const endpoint = form.endpoint.trim() === '' ? null : form.endpoint.trim();
    if (endpoint !== base.endpoint) body.endpoint = endpoint;
    if (Object.keys(body).length === 1) {
      setEditing(null);
      return;
    }
    setPending(true);
    setError(null);
    try {
      const updated = (await api.patch('/agents/{id}', { params: { path: { id: base.id } }, body: body as BodyOf<'/agents/{id}', 'patch'> })) as Agent;
      setEditing(null);
      setSaved(true);
      onSaved(updated);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setPending(false);
    }
  }

  const rows: [string, ReactNode][] = [
    ['Description', agent.description ? <span className="whitespace-pre-wrap">{agent.description}</span> : <span className="text-slate-500">—</span>],
    ['Capabilities', <Capabilities key="c" list={agent.capabilities} empty="none declared" />],
    ['Endpoint', agent.endpoint ? <span className="font-mono text-xs break-all">{agent.endpoint}</span> : <span className="text-slate-500">None: it polls for work</span>],
    ['Registered', <span key="r"><RelativeTime iso={agent.createdAt} now={now} />{agent.registrationIp && <> from <span className="font-mono text-xs">{agent.registrationIp}</span></>}</span>],
    ['Decided', agent.decidedAt ? <RelativeTime key="d" iso={agent.decidedAt} now={now} /> : <span className="text-slate-500">Not yet</span>],
    ['Id', <span key="i" className="font-mono text-xs">{agent.id}</span>],
  ];

  return (
    <Card
      title="Profile"
      description={editing ? 'Change what the agent declares. The agent can change these too.' : undefined}
      footer={
        editable && !editing ? (
          <Button variant="secondary" onClick={() => start(agent)}>
            Edit profile
          </Button>
        ) : undefined
      }
    >
      {editing ? (
        <form onSubmit={submit} className="space-y-4" data-testid="agent-profile-form">
          <TextField
            id="agent-capabilities"
            label="Capabilities"
            hint="Separated by commas or spaces: lowercase letters, digits, “.”, “_”, “:” and “-”."
            spellCheck={false}
            value={editing.form.capabilities}
            onChange={(e) => setEditing({ ...editing, form: { ...editing.form, capabilities: e.target.value } })}
            error={issueFor(error, 'capabilities')}
          />
          <TextArea
            id="agent-description"
            label="Description"
            rows={3}
            maxLength={2000}
            value={editing.form.description}
            onChange={(e) => setEditing({ ...editing, form: { ...editing.form, description: e.target.value } })}
            error={issueFor(error, 'description')}
          />
          <TextField
            id="agent-endpoint"
            label="Endpoint"
            type="url"
            placeholder="https://agent.example.com/mission-control"
            hint="Where Mission Control POSTs notifications to the agent. Empty: none."
            value={editing.form.endpoint}
            onChange={(e) => setEditing({ ...editing, form: { ...editing.form, endpoint: e.target.value } })}
            error={issueFor(error, 'endpoint')}
          />
          {isStale(error) ? (
            <div role="alert" className="rounded-md border border-amber-200 bg-amber-50 px-3.5 py-2.5 text-sm text-amber-900" data-testid="stale-agent">
              <p className="font-medium">This agent was changed after you started editing.</p>
              <p className="mt-0.5">Reload to start again from the latest version (your edits here are discarded).</p>
              <Button
                size="sm"
                variant="secondary"
                className="mt-2"
                onClick={async () => {
                  await onReload();
                  setEditing(null);
                  setError(null);
                }}
              >
                Reload
              </Button>
            </div>
          ) : (
            <ErrorAlert error={error} fields={['capabilities', 'description', 'endpoint']} />
          )}
          <div className="flex justify-end gap-2">
            <Button variant="ghost" onClick={() => (setEditing(null), setError(null))} disabled={pending}>
              Cancel
            </Button>
            <Button type="submit" loading={pending} disabled={isStale(error)}>
              Save profile
            </Button>
          </div>
        </form>
      ) : (
        <>
          {saved && (
            <Notice tone="success" className="mb-4">
              Profile saved.
            </Notice>
          )}
          <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-[8rem_1fr]">
            {rows.map(([label, value]) => (
              <div key={label} className="contents">
                <dt className="text-slate-500">{label}</dt>
                <dd className="min-w-0 text-slate-800">{value}</dd>
              </div>
            ))}
          </dl>
        </>
      )}
    </Card>
  );
}
