// POST /tickets from the new-ticket form.
import { api } from '@/src/ui/api';
import type { NewTicket } from './new-ticket-dialog';
import type { Ticket } from './types';

export function createTicket(workspaceId: string, t: NewTicket): Promise<Ticket> {
  return api<Ticket>('POST', '/tickets', { workspaceId, ...t });
}
