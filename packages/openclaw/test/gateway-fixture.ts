// A real OpenClaw gateway for the `*.gateway.test.ts` files (one gateway per file): installs nothing itself (run
// `node scripts/openclaw-install.mjs` first; the openclaw test step does), writes a config into a temp dir, starts a
// loopback stub model, runs `openclaw gateway run` with Node 24 and waits until an operator connection is accepted.
// `kill()` + `start()` restart the gateway on the same port (reconnect tests); `stop()` ends everything.
//
// Every bit of state (HOME, OPENCLAW_STATE_DIR, OPENCLAW_CONFIG_PATH, the log file) lives in the temp dir.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
// @ts-expect-error a plain .mjs script without type declarations
import { openclawEntry, openclawPaths, OPENCLAW_VERSION } from '../../../scripts/openclaw-install.mjs';
import { STUB_MODEL_ID, StubModelServer, type StubModelOptions } from './stub-model';

export interface GatewayAgentSpec {
  id: string;
  name: string;
}

export interface GatewayFixtureOptions {
  /** agents the gateway hosts (default: main and helper) */
  agents?: GatewayAgentSpec[];
  /** how the stub model answers at first (change later with fixture.stub.configure) */
  stub?: StubModelOptions;
  /** the gateway port; default: a free one (the environment variable MC_OPENCLAW_TEST_PORT overrides) */
  port?: number;
  /**
   * where the gateway listens: loopback (default), or lan (all interfaces: lets a test reach it through a
   * non-loopback address, as a remote Mission Control would, e.g. to exercise device pairing)
   */
  bind?: 'loopback' | 'lan';
  /** extra top-level config merged over the generated one (shallow per top-level key) */
  extraConfig?: Record<string, unknown>;
  /** how long to wait for the first operator connection (default 180 s: a cold start on 2 busy cores) */
  readyTimeoutMs?: number;
}

export interface GatewayFixture {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  readonly dir: string;
  readonly stub: StubModelServer;
  readonly agents: GatewayAgentSpec[];
  readonly version: string;
  /** ms from spawn to the first accepted operator connection, per start */
  readonly startTimesMs: number[];
  /** whether the gateway process is running */
  running(): boolean;
  /** the gateway process id (undefined when stopped) */
  pid(): number | undefined;
  /** (re)start the gateway on the same port and wait until an operator connection is accepted */
  start(): Promise<void>;
  /** stop the gateway process only (SIGKILL when `hard`, else SIGTERM then SIGKILL after a grace) */
  kill(opts?: { hard?: boolean }): Promise<void>;
  /** stop the gateway and the stub model, remove the temp dir */
  stop(): Promise<void>;
  /** the last lines of the gateway's stdout/stderr, for failure messages */
  output(): string;
  /** runs the openclaw CLI against this gateway's config and state (e.g. `devices approve <id>`) */
  cli(args: string[], opts?: { timeoutMs?: number }): Promise<{ code: number | null; stdout: string; stderr: string }>;
}

export const DEFAULT_AGENTS: GatewayAgentSpec[] = [
  { id: 'main', name: 'Main' },
  { id: 'helper', name: 'Helper' },
];

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * One operator handshake over a raw socket (independent of the client under test): resolves when `connect` is
 * answered with hello-ok, rejects on anything else. Used to know when the gateway is ready.
 */
export async function probeOperatorConnect(url: string, token: string, timeoutMs = 5000): Promise<{ protocol: number; version: string }> {
  return await new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { handshakeTimeout: timeoutMs });
    const timer = setTimeout(() => finish(new Error('probe timed out')), timeoutMs);
    const id = randomUUID();
    let done = false;
    function finish(err: Error | null, value?: { protocol: number; version: string }) {
      if (done) return;
      done = true;
      clearTimeout(timer);
      ws.removeAllListeners();
      ws.on('error', () => {});
      ws.terminate();
      if (err) reject(err);
      else resolve(value!);
    }
    ws.on('error', (e) => finish(e));
    ws.on('close', (code, reason) => finish(new Error(`closed ${code} ${reason.toString()}`)));
    ws.on('message', (data) => {
      let frame: { type?: string; event?: string; id?: string; ok?: boolean; payload?: any; error?: any };
      try {
        frame = JSON.parse(data.toString());
      } catch {
        return finish(new Error('non-JSON frame'));
      }
      if (frame.type === 'event' && frame.event === 'connect.challenge') {
        ws.send(
          JSON.stringify({
            type: 'req',
            id,
            method: 'connect',
            params: {
              minProtocol: 4,
              maxProtocol: 4,
              client: { id: 'gateway-client', version: 'fixture', platform: process.platform, mode: 'backend' },
              role: 'operator',
              scopes: ['operator.read'],
              auth: { token },
            },
          }),
        );
      } else if (frame.type === 'res' && frame.id === id) {
        if (frame.ok) finish(null, { protocol: frame.payload?.protocol, version: frame.payload?.server?.version });
        else finish(new Error(`connect refused: ${frame.error?.code} ${frame.error?.message}`));
      }
    });
  });
}

function buildConfig(p: {
  port: number;
  bind: 'loopback' | 'lan';
  token: string;
  dir: string;
  stubBaseUrl: string;
  agents: GatewayAgentSpec[];
  extra?: Record<string, unknown>;
}): Record<string, unknown> {
  const entries: Record<string, unknown> = {};
  for (const a of p.agents) entries[a.id] = { name: a.name };
  return {
    gateway: { mode: 'local', port: p.port, bind: p.bind, auth: { mode: 'token', token: p.token } },
    logging: { file: path.join(p.dir, 'logs', 'openclaw.log') },
    models: {
      mode: 'merge',
      providers: {
        stub: {
          baseUrl: p.stubBaseUrl,
          apiKey: 'stub-key',
          api: 'openai-completions',
          models: [
            {
              id: STUB_MODEL_ID,
              name: 'Stub model',
              reasoning: false,
              input: ['text'],
              cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
              contextWindow: 32768,
              maxTokens: 1024,
            },
          ],
        },
      },
    },
    agents: {
      defaults: { model: { primary: `stub/${STUB_MODEL_ID}` } },
      entries,
    },
    ...(p.extra ?? {}),
  };
}

export async function startGatewayFixture(opts: GatewayFixtureOptions = {}): Promise<GatewayFixture> {
  const paths = openclawPaths();
  if (!existsSync(paths.marker)) {
    throw new Error(`OpenClaw is not installed at ${paths.dir}: run \`node scripts/openclaw-install.mjs\` first`);
  }
  const entry: string = openclawEntry(paths);
  const agents = opts.agents ?? DEFAULT_AGENTS;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mc-openclaw-'));
  const token = randomBytes(24).toString('hex');
  const stub = new StubModelServer(opts.stub);
  await stub.start();
  const envPort = Number(process.env.MC_OPENCLAW_TEST_PORT);
  const port = opts.port ?? (Number.isInteger(envPort) && envPort > 0 ? envPort : await freePort());
  const bind = opts.bind ?? 'loopback';
  const configPath = path.join(dir, 'openclaw.json');
  writeFileSync(
    configPath,
    JSON.stringify(buildConfig({ port, bind, token, dir, stubBaseUrl: stub.baseUrl, agents, extra: opts.extraConfig }), null, 2),
  );
  const url = `ws://127.0.0.1:${port}`;
  const readyTimeoutMs = opts.readyTimeoutMs ?? 180_000;
  const startTimesMs: number[] = [];
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  let out: string[] = [];

  // (an assertion, not an annotation: apps/web's Next types make NODE_ENV required, and the gateway gets none)
  const env = {
    PATH: `${paths.nodeBinDir}${path.delimiter}${process.env.PATH ?? ''}`,
    HOME: dir,
    OPENCLAW_STATE_DIR: path.join(dir, 'state'),
    OPENCLAW_CONFIG_PATH: configPath,
    TMPDIR: dir,
    LANG: 'C.UTF-8',
    NO_COLOR: '1',
    // no update checks, statistics or update notices (documented in OpenClaw's gateway/config-runtime.md)
    OPENCLAW_NO_AUTO_UPDATE: '1',
    DO_NOT_TRACK: '1',
  } as unknown as NodeJS.ProcessEnv;

  async function start(): Promise<void> {
    if (child) throw new Error('gateway already running');
    out = [];
    const t0 = Date.now();
    const proc = spawn(paths.node, [entry, 'gateway', 'run', '--port', String(port), '--bind', bind], {
      cwd: dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    const keep = (b: Buffer) => {
      out.push(b.toString('utf8'));
      if (out.length > 400) out.splice(0, out.length - 400);
    };
    proc.stdout!.on('data', keep);
    proc.stderr!.on('data', keep);
    exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.once('exit', () => {
      if (child === proc) child = null;
    });
    const deadline = t0 + readyTimeoutMs;
    let lastErr: unknown = null;
    while (Date.now() < deadline) {
      if (child !== proc) {
        throw new Error(`gateway exited during start-up (code ${proc.exitCode}, signal ${proc.signalCode}):\n${tail()}`);
      }
      try {
        await probeOperatorConnect(url, token, 5000);
        startTimesMs.push(Date.now() - t0);
        return;
      } catch (err) {
        lastErr = err;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    await kill({ hard: true });
    throw new Error(`gateway not ready after ${readyTimeoutMs} ms (last: ${String(lastErr)}):\n${tail()}`);
  }

  async function kill({ hard = false } = {}): Promise<void> {
    const proc = child;
    if (!proc) return;
    proc.kill(hard ? 'SIGKILL' : 'SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
    // the gateway may have spawned helpers of its own in its process group; none should outlive it
    child = null;
  }

  function tail(): string {
    return out.join('').split('\n').slice(-60).join('\n');
  }

  async function cli(args: string[], { timeoutMs = 120_000 } = {}) {
    return await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const proc = spawn(paths.node, [entry, ...args], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      proc.stdout!.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
      proc.stderr!.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        reject(new Error(`openclaw ${args.join(' ')} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      proc.once('error', reject);
      proc.once('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });
  }

  const fixture: GatewayFixture = {
    url,
    port,
    token,
    dir,
    stub,
    agents,
    version: OPENCLAW_VERSION,
    startTimesMs,
    running: () => child !== null,
    pid: () => child?.pid,
    start,
    kill,
    async stop() {
      await kill();
      await stub.close();
      if (process.env.MC_OPENCLAW_KEEP_DIR !== '1') rmSync(dir, { recursive: true, force: true });
    },
    output: tail,
    cli,
  };
  try {
    await start();
  } catch (err) {
    await stub.close();
    if (process.env.MC_OPENCLAW_KEEP_DIR !== '1') rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return fixture;
}

/** Reads the gateway's own log file (JSON lines), for diagnostics in failing tests. */
export function readGatewayLog(fixture: GatewayFixture): string {
  const file = path.join(fixture.dir, 'logs', 'openclaw.log');
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}
