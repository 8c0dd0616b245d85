// bench/node-http-408 — which connections Node's HTTP server answers 408 Request Timeout (Node 20, no app involved).
//
//   node bench/node-http-408.mjs        (about 10 s, no CPU: the "busy" server is blocked with Atomics.wait)
//
// A bare `node:http` server in a child process, with Node's timeouts scaled down (headersTimeout 2 s, requestTimeout
// 4 s, checked every 0.5 s — the defaults are 60 s, 300 s and 30 s). GET /block answers, then blocks the server's event
// loop for 5 s (longer than headersTimeout) in the check phase, so that the timers phase (the timeout check) runs before
// the poll phase reads what arrived meanwhile — a server saturated for longer than headersTimeout. Three clients:
//   A  a new connection, accepted before the block, whose first request is written during the block;
//   B  a keep-alive connection that already had one request, whose NEXT request is written during the block;
//   C  a long-poll: a complete request the server holds 9 s (> requestTimeout) before answering.
// Expected on Node 20.20: A 408 (its request never reaches the handler), B 204, C 204 after 9 s. Node starts the clock
// of a connection at accept (Parser::Initialize sets last_message_start_) and of each request at its first byte
// parsed (on_message_begin); a request parsed to its end is off the list the check walks (on_message_complete), so
// neither a held long-poll nor a keep-alive connection waiting between requests is ever timed.
import { fork } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';

const PORT = Number(process.env.PORT ?? 3665);

if (process.argv[2] === 'server') {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const server = http.createServer(
    { headersTimeout: 2000, requestTimeout: 4000, connectionsCheckingInterval: 500, keepAliveTimeout: 65_000 },
    (req, res) => {
      req.resume();
      if (req.url === '/hold') return void setTimeout(() => (res.writeHead(204), res.end()), 9000);
      res.writeHead(204);
      res.end();
      // Blocked 5 s, ending in the check phase: the next loop turn runs timers (the timeout check) before reading.
      if (req.url === '/block') setTimeout(() => setImmediate(() => Atomics.wait(flag, 0, 0, 5000)), 50);
    },
  );
  server.listen(PORT, '127.0.0.1', () => process.send('listening'));
} else {
  const child = fork(new URL(import.meta.url).pathname, ['server']);
  await new Promise((r) => child.once('message', r));
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const get = (agent, path) =>
    new Promise((resolve) => {
      const t = Date.now();
      const req = http.get({ host: '127.0.0.1', port: PORT, path, agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(`${res.statusCode} after ${Date.now() - t} ms`));
      });
      req.on('error', (e) => resolve(`error ${e.code}`));
    });
  const agentB = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const agentC = new http.Agent({ keepAlive: true, maxSockets: 1 });
  console.log(`node ${process.version}; B's first request: ${await get(agentB, '/')}`);
  const c = get(agentC, '/hold').then((s) => `C  long-poll, complete request held 9 s (> requestTimeout 4 s): ${s}`);
  const a = new Promise((resolve) => {
    const s = net.connect(PORT, '127.0.0.1');
    let t = 0;
    let got = '';
    s.on('data', (d) => (got += d));
    s.on('close', () => resolve(`${got.split('\r\n')[0] || '(nothing)'} after ${Date.now() - t} ms`));
    setTimeout(() => ((t = Date.now()), s.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')), 400);
  }).then((s) => `A  new connection, first request written while the server was busy: ${s}`);
  await sleep(100);
  await get(undefined, '/block');
  await sleep(300);
  const b = get(agentB, '/').then((s) => `B  keep-alive connection, NEXT request written while the server was busy: ${s}`);
  for (const line of await Promise.all([a, b, c])) console.log(line);
  child.kill();
  process.exit(0);
}
