'use client';
// Adding someone to the workspace by e-mail: 201 adds a person at once, 202 sends an invitation (the same answer for
// every address). The roles offered are the ones the server says the caller may grant.
import { useState } from 'react';
import { api, toApiError, type ApiError } from '@/src/data/client';
import { Card, ErrorAlert, SelectField, TextField } from '@/src/ui/components';
import { SubmitButton } from '@/src/ui/form-footer';
import { ROLE_LABEL, type InvitationSent, type Member, type WorkspaceRole } from '@/src/ui/types';

export function AddMember({
  workspaceId,
  grantable,
  onAdded,
  onInvited,
}: {
  workspaceId: string;
  grantable: WorkspaceRole[];
  onAdded: (m: Member) => void;
  onInvited: (sent: InvitationSent) => void;
}) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<WorkspaceRole>('member');
  const [error, setError] = useState<ApiError | null>(null);
  const [pending, setPending] = useState(false);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setPending(true);
    setError(null);
    try {
      // 201 is the member (added at once); 202 is an invitation, the same answer for every address.
      const answer = (await api.post('/workspaces/{id}/members', { params: { path: { id: workspaceId } }, body: { email, role } })) as Member | InvitationSent;
      setEmail('');
      setRole('member');
      if ('status' in answer && answer.status === 'invited') onInvited(answer);
      else onAdded(answer as Member);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setPending(false);
    }
  }

  return (
    <Card
      title="Add a member"
      description="People you already share a workspace with are added at once; anyone else gets an invitation to accept. An address without an account waits until an instance admin creates it."
    >
      <form onSubmit={submit} className="flex flex-wrap items-start gap-3">
        <TextField
          id="add-member-email"
          label="Email"
          type="email"
          required
          placeholder="name@example.com"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={error?.fieldError('email')}
          className="min-w-[16rem] flex-1"
        />
        <SelectField id="add-member-role" label="Role" value={role} onChange={(e) => setRole(e.target.value as WorkspaceRole)} error={error?.fieldError('role')} className="w-36">
          {grantable.map((r) => (
            <option key={r} value={r}>
              {ROLE_LABEL[r]}
            </option>
          ))}
        </SelectField>
        <SubmitButton label="Add member" pending={pending} inline />
      </form>
      <ErrorAlert error={error} fields={['email', 'role']} className="mt-3" />
    </Card>
  );
}
