import { AppShell } from '@/src/ui/app-shell';

export default function SignedInLayout({ children }: { children: React.ReactNode }) {
  return <AppShell>{children}</AppShell>;
}
