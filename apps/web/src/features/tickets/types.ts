// The ticket feature's answer types, as the typed client (@mc/client, generated from the served OpenAPI
// document) names them.
import type { Schemas } from '@/src/data/client';

export type { TicketPriority, TicketStatus } from '@/src/ui/ticket-status';
export type Ticket = Schemas['Ticket'];
export type Comment = Schemas['Comment'];
export type Epic = Schemas['Epic'];
export type PullRequestLink = Schemas['PullRequestLink'];
export type AgentInfo = Schemas['Agent'];
export type Member = Schemas['Member'];
