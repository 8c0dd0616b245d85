'use client';
// Signing in, first-run setup, setting a password. A 401 is an answer here (quiet401), not an expired session.
// A session that starts drops every cached answer: nothing read before belongs to the one signing in.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type BodyOf } from '@/src/data/client';
import { keys } from '@/src/data/keys';
import { useApiMutation } from '@/src/data/mutations';

/** Whether this instance still needs its first-run setup. */
export function useSetupStatus() {
  return useQuery({ queryKey: keys.setup(), queryFn: ({ signal }) => api.get('/setup', { signal, quiet401: true }), retry: false });
}

/** The signed-in user, when there is a session (for pages that move a signed-in visitor on). */
export function useCurrentUser(enabled: boolean) {
  return useQuery({ queryKey: keys.me(), queryFn: ({ signal }) => api.get('/me', { signal, quiet401: true }), retry: false, enabled });
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useApiMutation({
    mutationFn: (body: BodyOf<'/auth/login', 'post'>) => api.post('/auth/login', { body, quiet401: true }),
    onSuccess: () => queryClient.clear(),
  });
}

export function useSetup() {
  const queryClient = useQueryClient();
  return useApiMutation({
    mutationFn: (body: BodyOf<'/setup', 'post'>) => api.post('/setup', { body, quiet401: true }),
    onSuccess: () => queryClient.clear(),
  });
}

export function useSetPassword() {
  return useApiMutation({
    mutationFn: (body: BodyOf<'/auth/set-password', 'post'>) => api.post('/auth/set-password', { body, quiet401: true }),
  });
}
