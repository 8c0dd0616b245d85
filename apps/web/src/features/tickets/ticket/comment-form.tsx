'use client';
// "Add a comment": markdown with @mention autocomplete; Ctrl+Enter sends.
import { useMemo, useState, type FormEvent } from 'react';
import { toApiError, type ApiError } from '@/src/data/client';
import { Button, ErrorAlert } from '@/src/ui/components';
import { MentionTextarea, type MentionCandidate } from '../mention-textarea';
import { memberHandle, type People } from '../people';

export function CommentForm({ people, onPost }: { people: People; onPost(body: string): Promise<unknown> }) {
  const [body, setBody] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const candidates = useMemo<MentionCandidate[]>(
    () => [
      ...people.agents.map((a) => ({ handle: a.name, label: a.name, kind: 'agent' as const, hint: a.status === 'active' ? 'agent' : `agent (${a.status})` })),
      ...people.members.map((m) => ({ handle: memberHandle(m), label: m.name, kind: 'user' as const, hint: `${m.name} · ${m.email}` })),
      { handle: 'all', label: 'all', kind: 'all' as const, hint: 'everyone in this workspace' },
    ],
    [people.agents, people.members],
  );

  async function submit(e?: FormEvent) {
    e?.preventDefault();
    if (!body.trim()) return;
    setPending(true);
    setError(null);
    try {
      await onPost(body);
      setBody('');
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setPending(false);
    }
  }

  return (
    <form onSubmit={submit} className="mt-5 space-y-2 border-t border-slate-100 pt-4">
      <label htmlFor="comment-body" className="block text-sm font-medium text-slate-700">
        Add a comment
      </label>
      <MentionTextarea
        id="comment-body"
        rows={4}
        value={body}
        onValueChange={setBody}
        candidates={candidates}
        placeholder="Markdown; type @ to mention an agent or a member, @all for everyone"
        maxLength={20000}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) {
            e.preventDefault();
            void submit();
          }
        }}
      />
      <ErrorAlert error={error} />
      <div className="flex items-center justify-between gap-2">
        <p className="text-xs text-slate-500">Ctrl+Enter to send</p>
        <Button type="submit" loading={pending} disabled={!body.trim()}>
          Comment
        </Button>
      </div>
    </form>
  );
}
