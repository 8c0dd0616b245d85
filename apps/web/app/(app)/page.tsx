'use client';
// Home: straight to the default workspace if the caller can see it, else their first one, else the list.
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { Loading } from '@/src/ui/components';
import { useSession } from '@/src/ui/session';

export default function Home() {
  const { me, workspaces } = useSession();
  const router = useRouter();

  useEffect(() => {
    if (workspaces === null) return;
    const target = workspaces.find((w) => w.id === me.defaultWorkspaceId) ?? workspaces.find((w) => w.isDefault) ?? workspaces[0];
    router.replace(target ? `/w/${encodeURIComponent(target.slug)}` : '/workspaces');
  }, [workspaces, me.defaultWorkspaceId, router]);

  return <Loading label="Opening your workspace…" />;
}
