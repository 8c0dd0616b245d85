import { Logo } from '@/src/ui/app-shell';

/** Pages for visitors without a session: one centered card, in the page's landmarks (banner, main, footer). */
export default function AuthLayout({ children }: { children: React.ReactNode }) {
  return (
    <div className="flex min-h-screen flex-col items-center justify-center bg-gradient-to-b from-slate-100 to-slate-200 px-4 py-12">
      <header className="mb-6 text-slate-900">
        <Logo className="text-lg" />
      </header>
      <main className="w-full max-w-md rounded-xl bg-white p-8 shadow-lg ring-1 ring-slate-200">{children}</main>
      <footer className="mt-6 text-xs text-slate-600">The control plane for autonomous AI agents</footer>
    </div>
  );
}
