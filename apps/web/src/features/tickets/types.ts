// The ticket feature's response types: inferred from the contracts, as types only (no zod in the bundle).
import type { ZAgent, ZComment, ZEpic, ZPullRequestLink, ZTicket } from '@mc/contracts';
import type { z } from 'zod';

export type { TicketPriority, TicketStatus } from '@/src/ui/ticket-status';
export type Ticket = z.infer<typeof ZTicket>;
export type Comment = z.infer<typeof ZComment>;
export type Epic = z.infer<typeof ZEpic>;
export type PullRequestLink = z.infer<typeof ZPullRequestLink>;
export type AgentInfo = z.infer<typeof ZAgent>;
