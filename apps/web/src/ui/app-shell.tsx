'use client';
// The chrome of every signed-in page: the top bar (product, workspace switcher, navigation, user) and the page body.
import Link from 'next/link';
import { useParams, usePathname, useRouter } from 'next/navigation';
import { useState, type ReactNode } from 'react';
import { cx } from './components';
import { InvitationsBanner } from '../features/invitations/my-invitations';
import { NotificationBell } from '../features/notifications/notification-bell';
import { SessionProvider, useSession } from './session';

export function AppShell({ children }: { children: ReactNode }) {
  return (
    <SessionProvider>
      <TopBar />
      <main className="mx-auto w-full max-w-6xl px-4 py-8 sm:px-6">
        <InvitationsBanner />
        {children}
      </main>
    </SessionProvider>
  );
}

export function Logo({ className }: { className?: string }) {
  return (
    <span className={cx('inline-flex items-center gap-2 font-semibold tracking-tight', className)}>
      <svg viewBox="0 0 24 24" className="h-6 w-6" aria-hidden="true">
        <rect width="24" height="24" rx="6" fill="#6366f1" />
        <path d="M6 16.5V8l6 5 6-5v8.5" stroke="white" strokeWidth="2" fill="none" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
      Mission Control
    </span>
  );
}

function NavLink({ href, children, active }: { href: string; children: ReactNode; active: boolean }) {
  return (
    <Link
      href={href}
      aria-current={active ? 'page' : undefined}
      className={cx(
        'rounded-md px-2.5 py-1.5 text-sm font-medium transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-400',
        active ? 'bg-slate-800 text-white' : 'text-slate-300 hover:bg-slate-800 hover:text-white',
      )}
    >
      {children}
    </Link>
  );
}

function WorkspaceSwitcher() {
  const { workspaces } = useSession();
  const router = useRouter();
  const params = useParams<{ slug?: string }>();
  const pathname = usePathname();
  const current = pathname.startsWith('/w/') && typeof params.slug === 'string' ? decodeURIComponent(params.slug) : '';
  const list = workspaces ?? [];
  const known = list.some((w) => w.slug === current);

  return (
    <div className="flex items-center">
      <label htmlFor="workspace-switcher" className="sr-only">
        Workspace
      </label>
      <select
        id="workspace-switcher"
        aria-label="Workspace"
        value={current}
        disabled={workspaces === null}
        onChange={(e) => {
          const slug = e.target.value;
          if (slug === '__all') router.push('/workspaces');
          else if (slug) router.push(`/w/${encodeURIComponent(slug)}`);
        }}
        className="max-w-[14rem] rounded-md border-0 bg-slate-800 py-1.5 pr-8 pl-2.5 text-sm text-white ring-1 ring-slate-700 ring-inset focus:ring-2 focus:ring-indigo-400"
      >
        {!current && (
          <option value="" disabled>
            {workspaces === null ? 'Loading workspaces…' : list.length ? 'Choose a workspace…' : 'No workspaces yet'}
          </option>
        )}
        {current && !known && <option value={current}>/w/{current}</option>}
        {list.map((w) => (
          <option key={w.id} value={w.slug}>
            {w.emoji} {w.name}
          </option>
        ))}
        <option value="__all">All workspaces…</option>
      </select>
    </div>
  );
}

function TopBar() {
  const { me, signOut } = useSession();
  const pathname = usePathname();
  const [signingOut, setSigningOut] = useState(false);
  const isAdmin = me.user.isInstanceAdmin;

  return (
    <header className="sticky top-0 z-20 bg-slate-900 text-white shadow">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-2.5 sm:px-6">
        <Link href="/" className="rounded-md focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-400">
          <Logo />
        </Link>
        <WorkspaceSwitcher />
        <nav aria-label="Main" className="flex flex-wrap items-center gap-1">
          <NavLink href="/workspaces" active={pathname === '/workspaces'}>
            Workspaces
          </NavLink>
          <NavLink href="/crons" active={pathname === '/crons' || pathname.startsWith('/crons/')}>
            Crons
          </NavLink>
          <NavLink href="/settings/api-keys" active={pathname.startsWith('/settings/api-keys')}>
            API keys
          </NavLink>
          {isAdmin && (
            <>
              <NavLink href="/admin/users" active={pathname.startsWith('/admin/users')}>
                Users
              </NavLink>
              <NavLink href="/admin/prices" active={pathname.startsWith('/admin/prices')}>
                Prices
              </NavLink>
            </>
          )}
        </nav>
        <div className="ml-auto flex items-center gap-3">
          <NotificationBell />
          <span className="text-sm text-slate-300" title={me.user.email}>
            <span className="sr-only">Signed in as </span>
            <span data-testid="current-user" className="font-medium text-white">
              {me.user.name}
            </span>
            {isAdmin && <span className="ml-1.5 rounded bg-slate-700 px-1.5 py-0.5 text-[10px] font-semibold tracking-wide text-slate-200 uppercase">admin</span>}
          </span>
          <button
            type="button"
            disabled={signingOut}
            onClick={() => {
              setSigningOut(true);
              void signOut();
            }}
            className="rounded-md px-2.5 py-1.5 text-sm font-medium text-slate-300 ring-1 ring-slate-700 ring-inset hover:bg-slate-800 hover:text-white focus-visible:outline-2 focus-visible:outline-indigo-400 disabled:opacity-60"
          >
            Sign out
          </button>
        </div>
      </div>
    </header>
  );
}
