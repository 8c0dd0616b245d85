// A tiny local WebSocket server speaking the gateway's framing, for the client's unit tests (protocol mechanics:
// handshake, id matching, retries, tick death, reconnect). Behaviour against a real OpenClaw is tested in
// *.gateway.test.ts.
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface FakeConnectReply {
  ok: boolean;
  error?: { code: string; message: string; details?: unknown; retryable?: boolean; retryAfterMs?: number };
}

export interface FakeGatewayOptions {
  /** decides the answer to each `connect` (default: hello-ok) */
  onConnect?: (params: any, attempt: number) => FakeConnectReply;
  /** answers requests other than connect; return undefined to never answer */
  onRequest?: (method: string, params: any, send: (frame: unknown) => void, id: string) => unknown;
  tickIntervalMs?: number;
  /** hello-ok `auth` (e.g. the granted scopes) */
  helloAuth?: (params: any) => unknown;
  /** send tick events every this many ms (default: never) */
  sendTicksEveryMs?: number;
  port?: number;
}

export class FakeGateway {
  readonly connects: any[] = [];
  readonly requests: Array<{ method: string; params: any; id: string }> = [];
  connections = 0;
  private wss: WebSocketServer | null = null;
  private sockets = new Set<WebSocket>();
  private timers = new Set<NodeJS.Timeout>();
  port = 0;

  constructor(private opts: FakeGatewayOptions = {}) {}

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: this.port || this.opts.port || 0 });
    this.wss = wss;
    await new Promise<void>((resolve, reject) => {
      wss.once('listening', () => resolve());
      wss.once('error', reject);
    });
    this.port = (wss.address() as AddressInfo).port;
    wss.on('connection', (ws) => this.onConnection(ws));
    return this;
  }

  /** Pushes an event to every open connection. */
  broadcast(event: string, payload: unknown): void {
    for (const ws of this.sockets) ws.send(JSON.stringify({ type: 'event', event, payload }));
  }

  /** Stops listening and drops every connection (like a killed gateway). */
  async kill(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers.clear();
    for (const ws of this.sockets) ws.terminate();
    this.sockets.clear();
    const wss = this.wss;
    this.wss = null;
    if (wss) await new Promise<void>((resolve) => wss.close(() => resolve()));
  }

  private onConnection(ws: WebSocket): void {
    this.connections++;
    this.sockets.add(ws);
    ws.on('close', () => this.sockets.delete(ws));
    ws.send(JSON.stringify({ type: 'event', event: 'connect.challenge', payload: { nonce: `nonce-${this.connections}`, ts: Date.now() } }));
    let open = false;
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      if (frame.type !== 'req') return;
      const send = (f: unknown) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(f));
      if (frame.method === 'connect') {
        this.connects.push(frame.params);
        const reply = this.opts.onConnect?.(frame.params, this.connects.length) ?? { ok: true };
        if (!reply.ok) {
          send({ type: 'res', id: frame.id, ok: false, error: reply.error });
          return;
        }
        open = true;
        send({
          type: 'res',
          id: frame.id,
          ok: true,
          payload: {
            type: 'hello-ok',
            protocol: 4,
            server: { version: 'fake-1.0' },
            features: { methods: ['health', 'agents.list', 'echo'], events: ['tick', 'agent'] },
            policy: { tickIntervalMs: this.opts.tickIntervalMs ?? 30_000 },
            ...(this.opts.helloAuth ? { auth: this.opts.helloAuth(frame.params) } : {}),
          },
        });
        if (this.opts.sendTicksEveryMs) {
          const t = setInterval(() => send({ type: 'event', event: 'tick', payload: { ts: Date.now() } }), this.opts.sendTicksEveryMs);
          this.timers.add(t);
          ws.on('close', () => {
            clearInterval(t);
            this.timers.delete(t);
          });
        }
        return;
      }
      if (!open) return;
      this.requests.push({ method: frame.method, params: frame.params, id: frame.id });
      const payload = this.opts.onRequest?.(frame.method, frame.params, send, frame.id);
      if (payload !== undefined) send({ type: 'res', id: frame.id, ok: true, payload });
    });
  }
}
