// The message a gateway agent receives for a dispatched run (ADR 0023): the ticket, the task, the workspace context
// and how to report back (the base URL and a run token scoped to this run). Plain text: the agent is a model.
import type { DispatchedTask } from '@mc/contracts';
import type { TicketRow } from '../tickets/ticket-dto';

/** Bounds of the parts the message quotes (a long description is cut, not refused: the ticket is the ticket). */
const MAX_DESCRIPTION = 12_000;
const MAX_INSTRUCTIONS = 8_000;
const MAX_MISSION = 2_000;

export interface GatewayRunMessageInput {
  executionId: string;
  task: DispatchedTask | null;
  ticket: Pick<TicketRow, 'id' | 'number' | 'title' | 'description' | 'status' | 'labels'> | null;
  workspace: { name: string; slug: string; mission: string | null; defaultRepository: string | null };
  /** null: Mission Control has no public URL (MC_PUBLIC_URL), the agent reports through its reply only. */
  report: { baseUrl: string; token: string } | null;
}

const cut = (s: string, max: number) => (s.length > max ? `${s.slice(0, max)}\n[… cut at ${max} characters]` : s);

export function buildGatewayRunMessage(m: GatewayRunMessageInput): string {
  const out: string[] = [];
  const task = m.task;
  if (m.ticket) {
    out.push(`Mission Control dispatched ticket #${m.ticket.number} to you: ${task?.title ?? m.ticket.title}`);
    out.push(`Status: ${m.ticket.status}${m.ticket.labels.length ? ` · labels: ${m.ticket.labels.join(', ')}` : ''}${task?.priority ? ` · priority: ${task.priority}` : ''}`);
    if (m.ticket.description) out.push(`Description:\n${cut(m.ticket.description, MAX_DESCRIPTION)}`);
  } else if (task) {
    out.push(`Mission Control dispatched a task to you: ${task.title}`);
    if (task.labels.length || task.priority) out.push(`${task.labels.length ? `Labels: ${task.labels.join(', ')}` : ''}${task.priority ? ` · priority: ${task.priority}` : ''}`);
  }
  if (task?.instructions) out.push(`Instructions:\n${cut(task.instructions, MAX_INSTRUCTIONS)}`);
  const ws = [`Workspace: ${m.workspace.name} (${m.workspace.slug})`];
  if (m.workspace.mission) ws.push(`Mission: ${cut(m.workspace.mission, MAX_MISSION)}`);
  if (m.workspace.defaultRepository) ws.push(`Repository: ${m.workspace.defaultRepository}`);
  out.push(ws.join('\n'));
  if (m.report) {
    const { baseUrl, token } = m.report;
    const lines = [
      'Reporting back (optional — your final reply is recorded as the result either way):',
      `Base URL: ${baseUrl}`,
      `Send the header "Authorization: Bearer ${token}". This run token works for this run only and stops working when the run ends.`,
      `- Report the execution: PATCH ${baseUrl}/api/v1/executions/${m.executionId} with JSON {"status":"success"|"failed"|"blocked","summary":"…","tokensIn":…,"tokensOut":…}`,
    ];
    if (m.ticket) {
      lines.push(`- Comment on the ticket: POST ${baseUrl}/api/v1/tickets/${m.ticket.id}/comments with JSON {"body":"…"}`);
      lines.push(`- Move the ticket when your work is ready: PATCH ${baseUrl}/api/v1/tickets/${m.ticket.id} with JSON {"status":"pr_review"} (or "done")`);
    }
    out.push(lines.join('\n'));
  }
  out.push(`Execution: ${m.executionId}. Reply with the result of your work.`);
  return out.join('\n\n');
}
