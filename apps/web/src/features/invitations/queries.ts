'use client';
// The signed-in person's own invitations (GET /me/invitations) and their answers. Answering refreshes the
// invitations, the workspaces (a join adds one) and the notifications (the invitation's is marked read).
import { useQuery } from '@tanstack/react-query';
import { api, type Schemas } from '@/src/data/client';
import { globalKey, keys } from '@/src/data/keys';
import { useApiMutation } from '@/src/data/mutations';

export type MyInvitation = Schemas['MyInvitation'];

export function useMyInvitations() {
  return useQuery({
    queryKey: keys.myInvitations(),
    queryFn: ({ signal }) => api.list('/me/invitations', { signal }).then((p) => p.items),
  });
}

export function useAnswerInvitation() {
  return useApiMutation({
    mutationFn: ({ invitation, answer }: { invitation: MyInvitation; answer: 'accept' | 'decline' }) =>
      answer === 'accept'
        ? api.post('/invitations/{id}/accept', { params: { path: { id: invitation.id } } })
        : api.post('/invitations/{id}/decline', { params: { path: { id: invitation.id } } }),
    invalidate: [keys.myInvitations(), globalKey('workspaces'), globalKey('notifications')],
  });
}
