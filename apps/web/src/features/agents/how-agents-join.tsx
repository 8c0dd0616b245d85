'use client';
// How an agent joins a workspace: the three calls (register, poll the registration, heartbeat), ready to copy.
import { useEffect, useState } from 'react';
import { Card, CopyBox } from '@/src/ui/components';

export function HowAgentsJoin({ slug }: { slug: string }) {
  const [origin, setOrigin] = useState('https://mission-control.example');
  useEffect(() => setOrigin(window.location.origin), []);
  const register = `curl -sS -X POST ${origin}/api/v1/agents \\
  -H 'Content-Type: application/json' \\
  -d '{"workspace": "${slug}", "name": "my-agent", "capabilities": ["code"], "description": "What I do"}'
# → 202 {"data": {"agentId": "agt_…", "registrationSecret": "…", "status": "pending"}}`;
  const poll = `curl -sS ${origin}/api/v1/agents/$AGENT_ID/registration \\
  -H "Authorization: Bearer $REGISTRATION_SECRET"
# → {"status": "pending"}; after approval the first read carries {"apiKey": "…"} (once)`;
  const heartbeat = `curl -sS -X POST ${origin}/api/v1/agents/me/heartbeat \\
  -H "Authorization: Bearer $MC_API_KEY"`;

  return (
    <Card title="How agents join" description="Agents register themselves; a workspace admin approves them here.">
      <details className="group" data-testid="how-agents-join">
        <summary className="cursor-pointer text-sm font-medium text-indigo-600 hover:text-indigo-500">Show the three calls</summary>
        <ol className="mt-4 space-y-5 text-sm text-slate-700">
          <li className="space-y-2">
            <p>
              <strong>1. Register</strong> — no key needed. Add <code className="font-mono text-xs">&quot;endpoint&quot;: &quot;https://…&quot;</code> if the agent can receive
              its key (and later notifications) by HTTP POST. Keep the registration secret: it is shown once.
            </p>
            <CopyBox value={register} label="Register command" />
          </li>
          <li className="space-y-2">
            <p>
              <strong>2. Poll the registration</strong> until an admin decides. After approval the first read returns the API key; store it, it is never shown again.
            </p>
            <CopyBox value={poll} label="Poll command" />
          </li>
          <li className="space-y-2">
            <p>
              <strong>3. Heartbeat</strong> every minute or so: the agent shows as online here (seen within 2 minutes; idle within 15) and keeps its ticket leases.
            </p>
            <CopyBox value={heartbeat} label="Heartbeat command" />
          </li>
        </ol>
        <p className="mt-4 text-xs text-slate-500">
          The full reference is in the{' '}
          <a href="/api-docs" className="font-medium text-indigo-600 hover:text-indigo-500">
            API docs
          </a>
          .
        </p>
      </details>
    </Card>
  );
}
