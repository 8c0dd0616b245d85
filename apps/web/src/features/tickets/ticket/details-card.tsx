// The ticket's facts: status (and why it was closed), priority, holder (with "Force release" for admins),
// assignee, labels, epic, required capabilities, wiki pages, created and updated.
import type { ReactNode } from 'react';
import { Button, Card, Time } from '@/src/ui/components';
import { LabelChips, PriorityBadge, StatusBadge } from '../badges';
import type { People } from '../people';
import type { Epic, Ticket } from '../types';
import { CodeList, DetailRow, None } from './detail-row';
import { Holder } from './holder';

function creatorName(t: Ticket, people: People): string {
  const c = t.createdBy;
  if (c.kind === 'agent') return people.agentName(c.id) ?? 'an agent';
  if (c.kind === 'user') return people.memberName(c.id) ?? 'a person';
  return c.kind;
}

export function DetailsCard({ ticket: t, people, epics, assignee, onForceRelease }: { ticket: Ticket; people: People; epics: Epic[]; assignee: ReactNode; onForceRelease?: () => void }) {
  const epic = t.epicId ? epics.find((e) => e.id === t.epicId) : undefined;
  return (
    <Card title="Details">
      <dl className="space-y-3 text-sm">
        <DetailRow label="Status">
          <StatusBadge status={t.status} />
          {t.closedReason && <p className="mt-1 text-xs text-slate-500">{t.closedReason}</p>}
        </DetailRow>
        <DetailRow label="Priority">
          <PriorityBadge priority={t.priority} />
        </DetailRow>
        <DetailRow label="Held by">
          <Holder ticket={t} people={people} />
          {onForceRelease && (
            <Button size="sm" variant="secondary" className="mt-2" onClick={onForceRelease}>
              Force release
            </Button>
          )}
        </DetailRow>
        <DetailRow label="Assignee">{assignee}</DetailRow>
        <DetailRow label="Labels">{t.labels.length ? <LabelChips labels={t.labels} /> : <None />}</DetailRow>
        <DetailRow label="Epic">{t.epicId ? (epic?.title ?? <span className="font-mono text-xs">{t.epicId}</span>) : <None />}</DetailRow>
        <DetailRow label="Required capabilities">
          <CodeList values={t.requiredCapabilities} />
        </DetailRow>
        <DetailRow label="Wiki">
          <CodeList values={t.wikiRefs} as="lines" />
        </DetailRow>
        <DetailRow label="Created">
          <Time iso={t.createdAt} /> by {creatorName(t, people)}
        </DetailRow>
        <DetailRow label="Updated">
          <Time iso={t.updatedAt} relative />
        </DetailRow>
      </dl>
    </Card>
  );
}
