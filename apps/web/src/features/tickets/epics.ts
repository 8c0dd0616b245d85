'use client';
// The workspace's epics (filters, the new-ticket form, the ticket's details), and creating one.
import { useCallback, useEffect, useState } from 'react';
import { api, apiList, qs } from '@/src/ui/api';
import type { Epic } from './types';

export function useEpics(workspaceId: string) {
  const [epics, setEpics] = useState<Epic[]>([]);
  useEffect(() => {
    apiList<Epic>(`/epics${qs({ workspaceId })}`)
      .then(({ items }) => setEpics(items))
      .catch(() => setEpics([]));
  }, [workspaceId]);
  const create = useCallback(
    async (title: string) => {
      const e = await api<Epic>('POST', '/epics', { workspaceId, title });
      setEpics((list) => [...list, e]);
      return e;
    },
    [workspaceId],
  );
  return { epics, create };
}
