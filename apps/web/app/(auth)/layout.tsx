import { Logo } from '@/src/ui/app-shell';

/** Pages for visitors without a session: one centered card. */
export default function AuthLayout({ children }: { children: React.ReactNode }) {
  return (
    <div className="flex min-h-screen flex-col items-center justify-center bg-gradient-to-b from-slate-100 to-slate-200 px-4 py-12">
      <div className="mb-6 text-slate-900">
        <Logo className="text-lg" />
      </div>
      <div className="w-full max-w-md rounded-xl bg-white p-8 shadow-lg ring-1 ring-slate-200">{children}</div>
      <p className="mt-6 text-xs text-slate-500">The control plane for autonomous AI agents</p>
    </div>
  );
}
