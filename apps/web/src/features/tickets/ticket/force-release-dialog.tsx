// "Force-release #12?": an admin takes the claim away from the agent holding it.
import { ConfirmDialog } from '@/src/ui/components';
import type { Ticket } from '../types';

export function ForceReleaseDialog({ open, ticket, holderName, onClose, onConfirm }: { open: boolean; ticket: Ticket; holderName: string | null; onClose(): void; onConfirm(): Promise<void> }) {
  return (
    <ConfirmDialog open={open} title={`Force-release #${ticket.number}?`} confirmLabel="Force release" onClose={onClose} onConfirm={onConfirm}>
      {holderName ?? 'The agent'} loses its claim and the ticket goes back to To-do for anyone to take. This is recorded in the activity log.
    </ConfirmDialog>
  );
}
