// A loopback stand-in for an OpenAI-compatible model provider, for the real-gateway tests: the gateway's agents are
// configured to use it (`api: "openai-completions"`), so a run needs no network and its reply and usage are known.
// Only `POST /v1/chat/completions` (JSON, or SSE chunks when `stream: true`) and `GET /v1/models` are served.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type StubMode =
  /** answer with the configured reply */
  | 'ok'
  /** answer HTTP 500 with an OpenAI-style error body */
  | 'error'
  /** accept the request and never answer (until the server closes) */
  | 'hang';

export interface StubUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface StubRequest {
  at: number;
  model: string;
  stream: boolean;
  /** the text of the last user message */
  lastUserText: string;
  /** the text of every message of the request (system prompt, history, user turn), joined */
  allText: string;
}

export interface StubModelOptions {
  /** the reply text, or a function of the request (default "stub reply") */
  reply?: string | ((req: StubRequest) => string);
  mode?: StubMode;
  usage?: StubUsage;
  /** delay before answering, ms (default 0) */
  delayMs?: number;
}

export const STUB_MODEL_ID = 'stub-model';

type Message = { role?: string; content?: unknown };

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p: { text?: string }) => (typeof p?.text === 'string' ? p.text : '')).join('');
  return '';
}

function messagesOf(body: unknown): Message[] {
  const m = (body as { messages?: unknown })?.messages;
  return Array.isArray(m) ? (m as Message[]) : [];
}

function lastUserText(body: unknown): string {
  const messages = messagesOf(body);
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]?.role === 'user') return contentText(messages[i].content);
  }
  return '';
}

export class StubModelServer {
  readonly requests: StubRequest[] = [];
  private server: http.Server | null = null;
  private hanging = new Set<http.ServerResponse>();
  private requestWaiters: Array<(r: StubRequest) => void> = [];
  private opts: Required<Omit<StubModelOptions, 'reply'>> & { reply: StubModelOptions['reply'] };

  constructor(opts: StubModelOptions = {}) {
    this.opts = {
      reply: opts.reply ?? 'stub reply',
      mode: opts.mode ?? 'ok',
      usage: opts.usage ?? { prompt_tokens: 42, completion_tokens: 7, total_tokens: 49 },
      delayMs: opts.delayMs ?? 0,
    };
  }

  /** Resolves with the next request the stub receives (the caller's test timeout bounds the wait). */
  nextRequest(): Promise<StubRequest> {
    return new Promise((resolve) => this.requestWaiters.push(resolve));
  }

  /** Change how the next requests are answered. */
  configure(opts: StubModelOptions): void {
    this.opts = { ...this.opts, ...opts };
  }

  get usage(): StubUsage {
    return this.opts.usage;
  }

  get port(): number {
    const addr = this.server?.address() as AddressInfo | null;
    if (!addr) throw new Error('stub model server is not listening');
    return addr.port;
  }

  /** The provider base URL to put in the gateway config (OpenAI style, ending in /v1). */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  async start(port = 0): Promise<void> {
    const server = http.createServer((req, res) => void this.handle(req, res));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    if (req.method === 'GET' && url.startsWith('/v1/models')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [{ id: STUB_MODEL_ID, object: 'model', owned_by: 'stub' }] }));
      return;
    }
    if (req.method !== 'POST' || !url.startsWith('/v1/chat/completions')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'not found' } }));
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body: { model?: string; stream?: boolean } = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'invalid JSON' } }));
      return;
    }
    const request: StubRequest = {
      at: Date.now(),
      model: String(body.model ?? ''),
      stream: body.stream === true,
      lastUserText: lastUserText(body),
      allText: messagesOf(body).map((m) => contentText(m.content)).join('\n'),
    };
    this.requests.push(request);
    for (const w of this.requestWaiters.splice(0)) w(request);
    const { mode, delayMs, usage } = this.opts;
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    if (mode === 'hang') {
      this.hanging.add(res);
      res.on('close', () => this.hanging.delete(res));
      return;
    }
    if (mode === 'error') {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'stub model failure', type: 'server_error', code: 'stub_failure' } }));
      return;
    }
    const text = typeof this.opts.reply === 'function' ? this.opts.reply(request) : String(this.opts.reply);
    const id = `chatcmpl-stub-${this.requests.length}`;
    const created = Math.floor(Date.now() / 1000);
    const model = request.model || STUB_MODEL_ID;
    if (!request.stream) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id,
          object: 'chat.completion',
          created,
          model,
          choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
          usage,
        }),
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const send = (obj: unknown) => res.write(`data: ${JSON.stringify(obj)}\n\n`);
    const base = { id, object: 'chat.completion.chunk', created, model };
    send({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
    // Two content chunks, so the gateway sees a real stream of deltas.
    const mid = Math.ceil(text.length / 2);
    for (const part of [text.slice(0, mid), text.slice(mid)]) {
      if (part) send({ ...base, choices: [{ index: 0, delta: { content: part }, finish_reason: null }] });
    }
    send({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
    send({ ...base, choices: [], usage });
    res.write('data: [DONE]\n\n');
    res.end();
  }
}
