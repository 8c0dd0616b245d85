'use client';
// "Close #12?": closing is for good, so it is confirmed, with an optional reason.
import { useEffect, useState } from 'react';
import { ConfirmDialog, TextArea } from '@/src/ui/components';
import type { Ticket } from '../types';

export function CloseDialog({ open, ticket, onClose, onConfirm }: { open: boolean; ticket: Ticket; onClose(): void; onConfirm(reason: string): Promise<void> }) {
  const [reason, setReason] = useState('');
  useEffect(() => {
    if (open) setReason('');
  }, [open]);
  return (
    <ConfirmDialog open={open} title={`Close #${ticket.number}?`} confirmLabel="Close ticket" tone="primary" onClose={onClose} onConfirm={() => onConfirm(reason.trim())}>
      <p>A closed ticket is finished for good (won&apos;t do, duplicate, or done and verified).</p>
      <TextArea id="closed-reason" label="Reason (optional)" rows={2} className="mt-3" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={1000} />
    </ConfirmDialog>
  );
}
