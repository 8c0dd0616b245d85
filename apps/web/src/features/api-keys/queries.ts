'use client';
// The caller's personal API keys: list (never the secrets), create (the answer holds the secret: it is not kept in
// the mutation cache, only in the page's state until "done"), revoke.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Schemas } from '@/src/data/client';
import { globalKey } from '@/src/data/keys';
import { useApiMutation } from '@/src/data/mutations';

export type ApiKey = Schemas['ApiKey'];
export type CreatedApiKey = Schemas['CreatedApiKey'];

const keysKey = () => globalKey('api-keys', 'list');

export function useApiKeys() {
  return useQuery({ queryKey: keysKey(), queryFn: ({ signal }) => api.list('/me/api-keys', { signal }).then((p) => p.items) });
}

export function useCreateApiKey() {
  return useApiMutation({
    mutationFn: (body: { name: string; expiresAt?: string }) => api.post('/me/api-keys', { body }),
    invalidate: [keysKey()],
    gcTime: 0,
  });
}

export function useRevokeApiKey() {
  const queryClient = useQueryClient();
  return useApiMutation({
    mutationFn: (key: ApiKey) => api.delete('/me/api-keys/{id}', { params: { path: { id: key.id } } }),
    onSuccess: (revoked) => {
      queryClient.setQueryData<ApiKey[]>(keysKey(), (list) => list?.map((k) => (k.id === revoked.id ? revoked : k)));
    },
  });
}
