'use client';
// The instance's users (instance admins only): list, create, edit (admin flag, disabled), delete.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type BodyOf, type Schemas } from '@/src/data/client';
import { globalKey, keys } from '@/src/data/keys';
import { useApiMutation } from '@/src/data/mutations';

export type User = Schemas['User'];
export type CreatedUser = Schemas['CreatedUser'];

const usersKey = () => globalKey('users', 'list');

export function useUsers(enabled: boolean) {
  return useQuery({
    queryKey: usersKey(),
    queryFn: ({ signal }) => api.list('/users', { signal }).then((p) => p.items),
    enabled,
  });
}

export function useCreateUser() {
  return useApiMutation({
    mutationFn: (body: BodyOf<'/users', 'post'>) => api.post('/users', { body }),
    invalidate: [usersKey()],
  });
}

/** Change one user; the row takes the answer at once, and your own account is re-read (what you may see changes). */
export function useUpdateUser(selfId: string) {
  const queryClient = useQueryClient();
  return useApiMutation({
    mutationFn: ({ user, change }: { user: User; change: Partial<Pick<User, 'isInstanceAdmin' | 'disabled'>> }) =>
      api.patch('/users/{id}', { params: { path: { id: user.id } }, body: { ...change, version: user.version } }),
    onSuccess: (updated) => {
      queryClient.setQueryData<User[]>(usersKey(), (list) => list?.map((x) => (x.id === updated.id ? updated : x)));
    },
    invalidate: (updated) => (updated?.id === selfId ? [keys.me()] : []),
  });
}

export function useDeleteUser() {
  return useApiMutation({
    mutationFn: (user: User) => api.delete('/users/{id}', { params: { path: { id: user.id } } }),
    optimistic: { queryKey: usersKey(), update: (list: User[], user) => list.filter((x) => x.id !== user.id) },
  });
}
