'use client';
// How an agent got its keys, told from its activity: approval, the first key (delivered or fetched), rotations with
// their grace, deactivation, activation, deletion; and while a grace runs, until when the previous key works.
import { RelativeTime, type Agent } from '@/src/ui/agents';
import { Card, Loading, formatDateTime } from '@/src/ui/components';
import type { Activity } from '@/src/ui/types';

const KEY_ACTIONS = new Set(['agent.approved', 'agent.key_issued', 'agent.key_callback_failed', 'agent.key_rotated', 'agent.deactivated', 'agent.activated', 'agent.deleted']);

function graceText(seconds: number): string {
  if (seconds === 0) return 'no grace: the previous key stopped at once';
  if (seconds % 86400 === 0) return `previous key kept ${seconds / 86400} ${seconds === 86400 ? 'day' : 'days'}`;
  if (seconds % 3600 === 0) return `previous key kept ${seconds / 3600} ${seconds === 3600 ? 'hour' : 'hours'}`;
  return `previous key kept ${seconds} s`;
}

/** One line of the key story, from an activity entry. */
function keyEvent(a: Activity): { icon: string; text: string } {
  const m = a.metadata as Record<string, unknown>;
  switch (a.action) {
    case 'agent.approved':
      return { icon: '✅', text: `Approved by ${a.actor.name}` };
    case 'agent.key_issued':
      return m.delivery === 'endpoint_callback'
        ? { icon: '🔑', text: "First key delivered to the agent's endpoint" }
        : { icon: '🔑', text: 'First key fetched by the agent with its registration secret' };
    case 'agent.key_callback_failed':
      return { icon: '⚠️', text: `Its endpoint did not take the key${m.status ? ` (HTTP ${String(m.status)})` : ''}; the agent fetches it with its registration secret` };
    case 'agent.key_rotated': {
      const grace = typeof m.graceSeconds === 'number' ? m.graceSeconds : null;
      const who = m.by === 'self' ? 'by the agent itself' : `by ${a.actor.name}`;
      return { icon: '🔄', text: `Key rotated ${who}${grace === null ? '' : ` — ${graceText(grace)}`}` };
    }
    case 'agent.deactivated':
      return { icon: '⏸️', text: `Deactivated by ${a.actor.name}: keys refused` };
    case 'agent.activated':
      return { icon: '▶️', text: `Activated by ${a.actor.name}: keys work again` };
    case 'agent.deleted':
      return { icon: '🗑️', text: `Deleted by ${a.actor.name}: keys revoked` };
    default:
      return { icon: '•', text: a.summary };
  }
}

export function KeyStory({ agent, history, now }: { agent: Agent; history: Activity[] | null; now: number }) {
  const events = (history ?? []).filter((a) => KEY_ACTIONS.has(a.action));
  const rotations = events.filter((e) => e.action === 'agent.key_rotated');
  const lastRotation = rotations[0];
  const graceUntil =
    lastRotation && typeof lastRotation.metadata.graceSeconds === 'number'
      ? new Date(new Date(lastRotation.createdAt).getTime() + (lastRotation.metadata.graceSeconds as number) * 1000)
      : null;
  return (
    <Card title="Keys" description="How this agent got its keys. Keys themselves are never shown again.">
      <dl className="mb-4 grid grid-cols-[7rem_1fr] gap-y-2 text-sm">
        <dt className="text-slate-500">First key</dt>
        <dd className="text-slate-800">
          {agent.keyIssuedAt ? (
            <RelativeTime iso={agent.keyIssuedAt} now={now} />
          ) : agent.status === 'active' ? (
            <span className="text-amber-700">not fetched yet</span>
          ) : (
            <span className="text-slate-500">none</span>
          )}
        </dd>
        <dt className="text-slate-500">Rotations</dt>
        <dd className="text-slate-800">{history === null ? '…' : rotations.length}</dd>
        {graceUntil && graceUntil.getTime() > now && (
          <>
            <dt className="text-slate-500">Grace</dt>
            <dd className="text-slate-800">
              the previous key works until <time dateTime={graceUntil.toISOString()}>{formatDateTime(graceUntil.toISOString())}</time>
            </dd>
          </>
        )}
      </dl>
      {history === null ? (
        <Loading />
      ) : events.length === 0 ? (
        <p className="text-sm text-slate-500">No key has been issued yet.</p>
      ) : (
        <ol className="space-y-3 border-l border-slate-200 pl-4" data-testid="key-story">
          {events.map((e) => {
            const k = keyEvent(e);
            return (
              <li key={e.id} className="relative text-sm">
                <span className="absolute top-0 -left-[1.6rem] flex h-5 w-5 items-center justify-center rounded-full bg-white text-xs" aria-hidden="true">
                  {k.icon}
                </span>
                <p className="text-slate-800">{k.text}</p>
                <p className="text-xs text-slate-500">
                  <RelativeTime iso={e.createdAt} now={now} />
                </p>
              </li>
            );
          })}
        </ol>
      )}
    </Card>
  );
}
