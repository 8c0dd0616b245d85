'use client';
// Home: straight to the default workspace if the caller can see it, else their first one, else the list — unless
// the person already chose where to go (clicked a link of the shell or pressed a key) before their workspaces
// arrived: a redirect landing after that click would take them away from what they asked for.
import { useRouter } from 'next/navigation';
import { useEffect, useRef } from 'react';
import { Loading } from '@/src/ui/components';
import { useSession } from '@/src/ui/session';

export default function Home() {
  const { me, workspaces } = useSession();
  const router = useRouter();
  const chose = useRef(false);

  useEffect(() => {
    const choose = () => {
      chose.current = true;
    };
    document.addEventListener('click', choose, true);
    document.addEventListener('keydown', choose, true);
    return () => {
      document.removeEventListener('click', choose, true);
      document.removeEventListener('keydown', choose, true);
    };
  }, []);

  useEffect(() => {
    if (workspaces === null || chose.current) return;
    const target = workspaces.find((w) => w.id === me.defaultWorkspaceId) ?? workspaces.find((w) => w.isDefault) ?? workspaces[0];
    router.replace(target ? `/w/${encodeURIComponent(target.slug)}` : '/workspaces');
  }, [workspaces, me.defaultWorkspaceId, router]);

  return <Loading label="Opening your workspace…" />;
}
