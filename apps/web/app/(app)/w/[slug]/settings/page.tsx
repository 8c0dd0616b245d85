'use client';
// Workspace settings: identity (with optimistic concurrency), budget, default workspace, archive/restore.
import { useState } from 'react';
import { api, toApiError, type ApiError } from '@/src/ui/api';
import { Button, Card, Checkbox, ConfirmDialog, ErrorAlert, Notice, TextField, useTitle } from '@/src/ui/components';
import { useSession } from '@/src/ui/session';
import type { Workspace } from '@/src/ui/types';
import { useWorkspace } from '@/src/ui/workspace-context';
import { WORKSPACE_FIELD_NAMES, WorkspaceFieldset, type WorkspaceFields } from '@/src/ui/workspace-form';

/** A 409 caused by a stale `version` (someone else saved first), as opposed to e.g. a taken slug. */
function isStale(err: ApiError | null): boolean {
  return !!err && err.status === 409 && err.details !== undefined && 'currentVersion' in err.details;
}

function StaleNotice({ onReload }: { onReload: () => Promise<void> }) {
  const [pending, setPending] = useState(false);
  return (
    <div role="alert" className="rounded-md border border-amber-200 bg-amber-50 px-3.5 py-2.5 text-sm text-amber-900">
      <p className="font-medium">Someone else changed this workspace after you opened it.</p>
      <p className="mt-0.5">Reload to get the latest version, then make your change again.</p>
      <Button
        size="sm"
        variant="secondary"
        className="mt-2"
        loading={pending}
        onClick={async () => {
          setPending(true);
          await onReload();
          setPending(false);
        }}
      >
        Reload
      </Button>
    </div>
  );
}

function fieldsOf(w: Workspace): WorkspaceFields {
  return { name: w.name, slug: w.slug, mission: w.mission, emoji: w.emoji, color: w.color };
}

export default function WorkspaceSettingsPage() {
  const { workspace: w } = useWorkspace();
  const { me } = useSession();
  useTitle(`Settings · ${w.name}`);
  // What the caller may do here comes with the workspace (computed from the rules in core; false while archived).
  const p = w.permissions;

  return (
    <div className="space-y-6">
      {!p['workspace.update'] && !w.archived && <Notice>Only owners and admins can change these settings. You can read them.</Notice>}
      <GeneralSettings key={w.id} editable={!!p['workspace.update']} />
      <PullRequestSettings key={`pr-${w.id}`} editable={!!p['workspace.update']} />
      <BudgetSettings key={`budget-${w.id}`} editable={!!p['workspace.budget']} />
      {me.user.isInstanceAdmin && <DefaultWorkspace />}
      {p['workspace.archive'] && <ArchiveWorkspace />}
    </div>
  );
}

function GeneralSettings({ editable }: { editable: boolean }) {
  const { workspace: w, setWorkspace, reload } = useWorkspace();
  const [form, setForm] = useState<WorkspaceFields>(() => fieldsOf(w));
  const [error, setError] = useState<ApiError | null>(null);
  const [pending, setPending] = useState(false);
  const [saved, setSaved] = useState(false);

  const original = fieldsOf(w);
  const changes = Object.fromEntries(Object.entries(form).filter(([k, v]) => v !== original[k as keyof WorkspaceFields]));
  const dirty = Object.keys(changes).length > 0;

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (!dirty) return;
    setPending(true);
    setError(null);
    setSaved(false);
    try {
      const updated = await api<Workspace>('PATCH', `/workspaces/${w.id}`, { ...changes, version: w.version });
      setForm(fieldsOf(updated));
      setSaved(true);
      setWorkspace(updated);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setPending(false);
    }
  }

  return (
    <Card title="General" description="How this workspace is named and shown.">
      <form onSubmit={submit} className="space-y-4">
        <WorkspaceFieldset
          idPrefix="ws-settings"
          value={form}
          onChange={(v) => {
            setForm(v);
            setSaved(false);
          }}
          error={isStale(error) ? null : error}
          disabled={!editable}
        />
        {isStale(error) ? (
          <StaleNotice
            onReload={async () => {
              const fresh = await reload();
              if (fresh) setForm(fieldsOf(fresh));
              setError(null);
            }}
          />
        ) : (
          <ErrorAlert error={error} fields={WORKSPACE_FIELD_NAMES} />
        )}
        {saved && !dirty && <Notice tone="success">Saved.</Notice>}
        {editable && (
          <div className="flex justify-end gap-2">
            {dirty && (
              <Button variant="ghost" onClick={() => (setForm(original), setError(null))}>
                Discard changes
              </Button>
            )}
            <Button type="submit" loading={pending} disabled={!dirty}>
              Save changes
            </Button>
          </div>
        )}
      </form>
    </Card>
  );
}

/**
 * The repository a bare `PR#12` in a ticket or comment refers to (`owner/repo`, on GitHub). Without it, only
 * `owner/repo#12` and PR/MR URLs become links. A pasted repository URL is taken for its `owner/repo`; the API
 * checks the form and its message is shown under the field.
 */
function PullRequestSettings({ editable }: { editable: boolean }) {
  const { workspace: w, setWorkspace, reload } = useWorkspace();
  const [value, setValue] = useState(w.defaultRepository ?? '');
  const [error, setError] = useState<ApiError | null>(null);
  const [pending, setPending] = useState(false);
  const [saved, setSaved] = useState(false);
  const next = repositoryOf(value);
  const dirty = next !== (w.defaultRepository ?? null);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (!dirty) return;
    setPending(true);
    setError(null);
    setSaved(false);
    try {
      const updated = await api<Workspace>('PATCH', `/workspaces/${w.id}`, { defaultRepository: next, version: w.version });
      setValue(updated.defaultRepository ?? '');
      setSaved(true);
      setWorkspace(updated);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setPending(false);
    }
  }

  return (
    <Card
      title="Pull request links"
      description={
        <>
          PR references in tickets and comments become links: <code className="text-xs">owner/repo#12</code> and PR or MR URLs always, a bare{' '}
          <code className="text-xs">PR#12</code> only with a default repository.
        </>
      }
    >
      <form onSubmit={submit} className="space-y-4" data-testid="pr-settings">
        <TextField
          id="ws-default-repository"
          label="Default repository"
          placeholder="owner/repo"
          maxLength={200}
          spellCheck={false}
          autoCapitalize="none"
          disabled={!editable}
          value={value}
          onChange={(e) => {
            setValue(e.target.value);
            setSaved(false);
            setError(null);
          }}
          hint={
            next ? (
              <>
                PR#12 will link to <span className="font-mono">https://github.com/{next}/pull/12</span>.
              </>
            ) : (
              'A GitHub repository as owner/repo (e.g. acme/rocket), or its URL. Empty: a bare PR#12 stays plain text.'
            )
          }
          error={isStale(error) ? undefined : error?.fieldError('defaultRepository')}
        />
        {isStale(error) ? (
          <StaleNotice
            onReload={async () => {
              const fresh = await reload();
              if (fresh) setValue(fresh.defaultRepository ?? '');
              setError(null);
            }}
          />
        ) : (
          <ErrorAlert error={error} fields={['defaultRepository']} />
        )}
        {saved && !dirty && <Notice tone="success">Saved. Links already made stay as they are; new mentions use this repository.</Notice>}
        {editable && (
          <div className="flex justify-end">
            <Button type="submit" loading={pending} disabled={!dirty}>
              Save repository
            </Button>
          </div>
        )}
      </form>
    </Card>
  );
}

/** What the field sends: empty → null; a pasted https://github.com/owner/repo(.git) URL → owner/repo; else as typed. */
function repositoryOf(text: string): string | null {
  const t = text.trim();
  if (!t) return null;
  const url = /^(?:https?:\/\/)?(?:www\.)?github\.com\/([^/\s]+)\/([^/\s#?]+?)(?:\.git)?\/?(?:[#?].*)?$/i.exec(t);
  return url ? `${url[1]}/${url[2]}` : t;
}

function numberOrNull(s: string): number | null {
  const t = s.trim();
  return t === '' ? null : Number(t);
}

function BudgetSettings({ editable }: { editable: boolean }) {
  const { workspace: w, setWorkspace, reload } = useWorkspace();
  const init = (ws: Workspace) => ({
    tokens: ws.budget.monthlyTokenLimit === null ? '' : String(ws.budget.monthlyTokenLimit),
    cost: ws.budget.monthlyCostLimitUsd === null ? '' : String(ws.budget.monthlyCostLimitUsd),
    hardStop: ws.budget.hardStop,
  });
  const [form, setForm] = useState(() => init(w));
  const [error, setError] = useState<ApiError | null>(null);
  const [pending, setPending] = useState(false);
  const [saved, setSaved] = useState(false);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setPending(true);
    setError(null);
    setSaved(false);
    try {
      const updated = await api<Workspace>('PUT', `/workspaces/${w.id}/budget`, {
        monthlyTokenLimit: numberOrNull(form.tokens),
        monthlyCostLimitUsd: numberOrNull(form.cost),
        hardStop: form.hardStop,
        version: w.version,
      });
      setForm(init(updated));
      setSaved(true);
      setWorkspace(updated);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setPending(false);
    }
  }

  return (
    <Card title="Monthly budget" description="Limits per calendar month (UTC). Admins are notified at 80%. Leave a limit empty for none.">
      <form id="budget" onSubmit={submit} className="space-y-4">
        <fieldset disabled={!editable} className="grid gap-4 sm:grid-cols-2">
          <TextField
            id="budget-tokens"
            label="Monthly token limit"
            type="number"
            min={0}
            step={1}
            inputMode="numeric"
            placeholder="No limit"
            value={form.tokens}
            onChange={(e) => (setForm({ ...form, tokens: e.target.value }), setSaved(false))}
            error={isStale(error) ? undefined : error?.fieldError('monthlyTokenLimit')}
          />
          <TextField
            id="budget-cost"
            label="Monthly cost limit (USD)"
            type="number"
            min={0}
            step={0.01}
            inputMode="decimal"
            placeholder="No limit"
            value={form.cost}
            onChange={(e) => (setForm({ ...form, cost: e.target.value }), setSaved(false))}
            error={isStale(error) ? undefined : error?.fieldError('monthlyCostLimitUsd')}
          />
          <div className="sm:col-span-2">
            <Checkbox
              id="budget-hard-stop"
              label="Hard stop at 100%"
              hint="Refuse claims, dispatches, cron runs and workflow steps once a limit is reached, until the month rolls over or a limit is raised."
              checked={form.hardStop}
              onChange={(e) => (setForm({ ...form, hardStop: e.target.checked }), setSaved(false))}
            />
          </div>
        </fieldset>
        {isStale(error) ? (
          <StaleNotice
            onReload={async () => {
              const fresh = await reload();
              if (fresh) setForm(init(fresh));
              setError(null);
            }}
          />
        ) : (
          <ErrorAlert error={error} fields={['monthlyTokenLimit', 'monthlyCostLimitUsd']} />
        )}
        {saved && <Notice tone="success">Budget saved.</Notice>}
        {editable && (
          <div className="flex justify-end">
            <Button type="submit" loading={pending}>
              Save budget
            </Button>
          </div>
        )}
      </form>
    </Card>
  );
}

function DefaultWorkspace() {
  const { workspace: w, reload } = useWorkspace();
  const { refreshMe, refreshWorkspaces } = useSession();
  const [error, setError] = useState<ApiError | null>(null);
  const [pending, setPending] = useState(false);

  async function set(workspaceId: string | null) {
    setPending(true);
    setError(null);
    try {
      await api('PUT', '/settings/default-workspace', { workspaceId });
      await Promise.all([reload(), refreshMe(), refreshWorkspaces()]);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setPending(false);
    }
  }

  return (
    <Card title="Default workspace" description="Where people land after signing in when they can see it. Instance admins only.">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="text-sm text-slate-700">
          {w.isDefault ? (
            <>
              <strong>{w.name}</strong> is the default workspace.
            </>
          ) : w.archived ? (
            'An archived workspace cannot be the default.'
          ) : (
            'This is not the default workspace.'
          )}
        </p>
        {w.isDefault ? (
          <Button variant="secondary" loading={pending} onClick={() => void set(null)}>
            Clear default
          </Button>
        ) : (
          <Button loading={pending} disabled={w.archived} onClick={() => void set(w.id)}>
            Make default workspace
          </Button>
        )}
      </div>
      <ErrorAlert error={error} className="mt-3" />
    </Card>
  );
}

function ArchiveWorkspace() {
  const { workspace: w, setWorkspace } = useWorkspace();
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [pending, setPending] = useState(false);

  async function restore() {
    setPending(true);
    setError(null);
    try {
      setWorkspace(await api<Workspace>('PATCH', `/workspaces/${w.id}`, { archived: false, version: w.version }));
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setPending(false);
    }
  }

  return (
    <Card tone="danger" title={w.archived ? 'Restore' : 'Archive'} description="Owners only.">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="max-w-xl text-sm text-slate-700">
          {w.archived
            ? 'This workspace is archived. Restoring it makes it active again for its members.'
            : 'Archiving keeps the history but makes the workspace read-only and hides it from the workspace list. You can restore it later.'}
        </p>
        {w.archived ? (
          <Button loading={pending} onClick={() => void restore()}>
            Restore workspace
          </Button>
        ) : (
          <Button variant="danger" onClick={() => setConfirming(true)}>
            Archive workspace
          </Button>
        )}
      </div>
      <ErrorAlert error={error} className="mt-3" />
      <ConfirmDialog
        open={confirming}
        title={`Archive ${w.name}?`}
        confirmLabel="Archive workspace"
        onClose={() => setConfirming(false)}
        onConfirm={async () => {
          setWorkspace(await api<Workspace>('DELETE', `/workspaces/${w.id}`));
        }}
      >
        Members keep read access to its history; nothing in it can change until an owner restores it.
      </ConfirmDialog>
    </Card>
  );
}
