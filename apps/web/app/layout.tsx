import type { Metadata } from 'next';
import { QueryProvider } from '@/src/data/query-client';
import './globals.css';

export const metadata: Metadata = { title: 'Mission Control', description: 'The control plane for autonomous AI agents' };

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased">
        <QueryProvider>{children}</QueryProvider>
      </body>
    </html>
  );
}
