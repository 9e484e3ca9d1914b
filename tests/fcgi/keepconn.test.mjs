// Kept FastCGI connections (FCGI_KEEP_CONN, nginx's fastcgi_keep_conn with an upstream
// keepalive): several requests over one connection, a connection the web server closes between
// requests, idle kept connections that outnumber the workers (none may park a worker), a
// half-sent request that stalls no one else, a stop with idle kept connections open, and the
// same through a real nginx with more idle connections than the application has threads,
// stopped in the middle of a storm of donations.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { randomInt } from 'node:crypto';
import { donationStorm } from '../lib/front.mjs';
import {
  BIN, NGINX, freePort, makeDemoDb, removeDb, removeTemp, sql, tempDir,
} from '../lib/server.mjs';
import { issueCodes, openCityWideInitiative, receiptId, session } from '../lib/vouchers.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const THREADS = 2;

const BEGIN_REQUEST = 1;
const END_REQUEST = 3;
const PARAMS = 4;
const STDIN = 5;
const STDOUT = 6;
const KEEP_CONN = 1;

function record(type, id, content = Buffer.alloc(0)) {
  const h = Buffer.from([1, type, id >> 8, id & 255, content.length >> 8, content.length & 255,
    0, 0]);
  return Buffer.concat([h, content]);
}

function nameValue(name, value) {
  const len = (n) => (n < 128 ? Buffer.from([n])
    : Buffer.from([(n >> 24) | 0x80, (n >> 16) & 255, (n >> 8) & 255, n & 255]));
  const n = Buffer.from(name);
  const v = Buffer.from(value);
  return Buffer.concat([len(n.length), len(v.length), n, v]);
}

/** The records of one GET request for target, with or without FCGI_KEEP_CONN. */
function getRequest(id, target, keep) {
  const params = Buffer.concat([
    ['REQUEST_METHOD', 'GET'], ['REQUEST_URI', target], ['SCRIPT_NAME', target.split('?')[0]],
    ['QUERY_STRING', ''], ['SERVER_PROTOCOL', 'HTTP/1.1'], ['REMOTE_ADDR', '127.0.0.1'],
    ['HTTP_HOST', '127.0.0.1'],
  ].map(([n, v]) => nameValue(n, v)));
  return Buffer.concat([
    record(BEGIN_REQUEST, id, Buffer.from([0, 1, keep ? KEEP_CONN : 0, 0, 0, 0, 0, 0])),
    record(PARAMS, id, params), record(PARAMS, id), record(STDIN, id),
  ]);
}

/** A FastCGI connection to a unix socket, as a web server holds it. */
class Connection {
  constructor(sock) {
    this.socket = net.createConnection(sock);
    this.buffer = Buffer.alloc(0);
    this.waiters = [];
    this.ended = false;
    this.ready = new Promise((resolve, reject) => {
      this.socket.once('connect', resolve);
      this.socket.once('error', reject);
    });
    this.socket.on('data', (d) => {
      this.buffer = Buffer.concat([this.buffer, d]);
      this.waiters.forEach((w) => w());
    });
    this.socket.on('error', () => {});
    this.closed = new Promise((resolve) => this.socket.once('close', () => {
      this.ended = true;
      this.waiters.forEach((w) => w());
      resolve();
    }));
  }

  // The next whole record, or null once the connection has ended without one.
  async nextRecord(deadline) {
    for (;;) {
      if (this.buffer.length >= 8) {
        const len = this.buffer.readUInt16BE(4) + this.buffer[6];
        if (this.buffer.length >= 8 + len) {
          const rec = { type: this.buffer[1], id: this.buffer.readUInt16BE(2),
            content: this.buffer.subarray(8, 8 + this.buffer.readUInt16BE(4)) };
          this.buffer = this.buffer.subarray(8 + len);
          return rec;
        }
      }
      if (this.ended) return null;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no answer in time');
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters = [() => { clearTimeout(timer); resolve(); }];
      });
    }
  }

  /** One GET; resolves with {status, body} once the request's END_REQUEST arrived. */
  async get(target, { keep = true, id = 1, timeoutMs = 3000 } = {}) {
    await this.ready;
    this.socket.write(getRequest(id, target, keep));
    const deadline = Date.now() + timeoutMs;
    let out = Buffer.alloc(0);
    for (;;) {
      const rec = await this.nextRecord(deadline);
      if (!rec) throw new Error(`${target}: the connection ended before the answer`);
      assert.equal(rec.id, id, 'the answer to this request');
      if (rec.type === STDOUT) out = Buffer.concat([out, rec.content]);
      if (rec.type === END_REQUEST) break;
    }
    const text = out.toString('utf8');
    const end = text.indexOf('\r\n\r\n');
    const status = Number(/^Status: (\d{3})/m.exec(text.slice(0, end))?.[1] ?? 200);
    return { status, head: text.slice(0, end), body: text.slice(end + 4) };
  }

  close() {
    this.socket.destroy();
  }
}

function startFcgi(db, sock) {
  const child = spawn(BIN, ['--db', db, 'fcgi', '--socket', sock, '--threads', String(THREADS)],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  const proc = { child, output: '', exited: null };
  child.stdout.setEncoding('utf8').on('data', (d) => { proc.output += d; });
  child.stderr.setEncoding('utf8').on('data', (d) => { proc.output += d; });
  proc.exit = new Promise((resolve) => child.on('exit', (code, signal) => {
    proc.exited = { code, signal };
    resolve(proc.exited);
  }));
  return proc;
}

async function stop(proc) {
  if (proc.exited) return proc.exited;
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), 20_000);
  const exit = await proc.exit;
  clearTimeout(timer);
  return exit;
}

let db;
let dir;

before(async () => {
  db = await makeDemoDb();
  dir = await tempDir('buurtsamen-keep-');
});

after(async () => {
  if (dir) await removeTemp(dir);
  if (db) await removeDb(db);
});

async function withFcgi(name, fn) {
  const sock = path.join(dir, `${name}.sock`);
  const fcgi = startFcgi(db, sock);
  const deadline = Date.now() + 10_000;
  while (!existsSync(sock)) {
    assert.ok(!fcgi.exited && Date.now() < deadline, `fcgi did not start:\n${fcgi.output}`);
    await sleep(25);
  }
  const opened = [];
  const connect = () => {
    const c = new Connection(sock);
    opened.push(c);
    return c;
  };
  try {
    await fn(connect, fcgi);
  } finally {
    opened.forEach((c) => c.close());
    await stop(fcgi);
  }
  return fcgi;
}

describe('kept FastCGI connections', () => {
  test('several requests over one connection with FCGI_KEEP_CONN', async () => {
    await withFcgi('several', async (connect) => {
      const c = connect();
      for (const [i, target] of ['/healthz', '/', '/initiatieven', '/healthz', '/'].entries()) {
        const r = await c.get(target, { id: i + 1 });
        assert.equal(r.status, 200, target);
        assert.match(r.head, /^Content-Length: \d+$/m);
        assert.equal(Buffer.byteLength(r.body), Number(/^Content-Length: (\d+)$/m
          .exec(r.head)[1]), `${target}: the whole body`);
      }
      await sleep(100);
      assert.equal(c.ended, false, 'the kept connection stays open');
    });
  });

  test('without FCGI_KEEP_CONN the application closes the connection after the answer',
    async () => {
      await withFcgi('close', async (connect) => {
        const c = connect();
        assert.equal((await c.get('/healthz', { keep: false })).status, 200);
        await Promise.race([c.closed, sleep(3000)]);
        assert.equal(c.ended, true, 'closed by the application');
      });
    });

  test('idle kept connections outnumbering the workers hold none of them', async () => {
    await withFcgi('idle', async (connect) => {
      const idle = [];
      for (let i = 0; i < 4 * THREADS; i++) {
        const c = connect();
        assert.equal((await c.get('/healthz')).status, 200, `kept connection ${i}`);
        idle.push(c);
      }
      // Every idle connection open: a new one is still answered, at once.
      const fresh = connect();
      const started = Date.now();
      assert.equal((await fresh.get('/', { timeoutMs: 2000 })).status, 200);
      assert.ok(Date.now() - started < 2000);
      // And so is every idle one again, in any order.
      const again = await Promise.all(idle.reverse().map((c, i) =>
        c.get('/healthz', { id: 7 + i })));
      assert.deepEqual(again.map((r) => r.status), idle.map(() => 200));
    });
  });

  test('a connection closed by the web server between requests is dropped, the rest go on',
    async () => {
      const fcgi = await withFcgi('dropped', async (connect, proc) => {
        const steady = connect();
        for (let round = 0; round < 10; round++) {
          const c = connect();
          assert.equal((await c.get('/healthz')).status, 200);
          c.close();
          await c.closed;
          assert.equal((await steady.get('/healthz', { id: round + 1 })).status, 200,
            `round ${round}: the steady connection`);
        }
        // More than the workers, all closed: the next ones are answered.
        const closers = Array.from({ length: 3 * THREADS }, connect);
        await Promise.all(closers.map((c) => c.get('/healthz')));
        closers.forEach((c) => c.close());
        await Promise.all(closers.map((c) => c.closed));
        assert.equal((await connect().get('/')).status, 200);
        assert.equal(proc.exited, null, 'still running');
      });
      assert.deepEqual(fcgi.exited, { code: 0, signal: null });
    });

  test('a half-sent request on one kept connection does not stall the others', async () => {
    await withFcgi('half', async (connect) => {
      const slow = connect();
      await slow.ready;
      // The begin record and part of the parameters, then nothing.
      slow.socket.write(getRequest(1, '/', true).subarray(0, 30));
      await sleep(100);
      const others = Array.from({ length: 3 }, connect);
      for (let i = 0; i < 5; i++) {
        const rs = await Promise.all(others.map((c) => c.get('/healthz', { id: i + 1,
          timeoutMs: 2000 })));
        assert.deepEqual(rs.map((r) => r.status), [200, 200, 200]);
      }
    });
  });

  test('a stop with idle kept connections open ends promptly and cleanly', async () => {
    let stoppedIn;
    const fcgi = await withFcgi('stop', async (connect, proc) => {
      const idle = Array.from({ length: 3 * THREADS }, connect);
      await Promise.all(idle.map((c) => c.get('/healthz')));
      const started = Date.now();
      const exit = await stop(proc);
      stoppedIn = Date.now() - started;
      assert.deepEqual(exit, { code: 0, signal: null });
    });
    assert.ok(stoppedIn < 3000, `stopped in ${stoppedIn} ms, not after the drain deadline`);
    assert.match(fcgi.output, /buurtsamen stopped/);
    assert.doesNotMatch(fcgi.output, /still busy/);
  });
});

// buurtsamen fcgi on a unix socket behind an nginx that keeps up to 8 × THREADS idle
// connections to it per worker process (two of them).
async function startKeptNginx(threads = THREADS) {
  const ndir = await tempDir('buurtsamen-keep-nginx-');
  await fs.mkdir(path.join(ndir, 'tmp'));
  const sock = path.join(ndir, 'fcgi.sock');
  const child = spawn(BIN, ['--db', db, 'fcgi', '--socket', sock, '--threads', String(threads)],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  const fcgi = { child, output: '', exited: null };
  child.stdout.setEncoding('utf8').on('data', (d) => { fcgi.output += d; });
  child.stderr.setEncoding('utf8').on('data', (d) => { fcgi.output += d; });
  fcgi.exit = new Promise((resolve) => child.on('exit', (code, signal) => {
    fcgi.exited = { code, signal };
    resolve(fcgi.exited);
  }));
  while (!existsSync(sock)) {
    assert.ok(!fcgi.exited, fcgi.output);
    await sleep(25);
  }
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const root = process.getuid?.() === 0 ? 'user root;\n' : '';
  await fs.writeFile(path.join(ndir, 'nginx.conf'), `${root}worker_processes 2;
error_log ${ndir}/error.log;
pid ${ndir}/nginx.pid;
events {}
http {
  access_log off;
  client_body_temp_path ${ndir}/tmp;
  fastcgi_temp_path ${ndir}/tmp;
  proxy_temp_path ${ndir}/tmp;
  uwsgi_temp_path ${ndir}/tmp;
  scgi_temp_path ${ndir}/tmp;
  upstream buurtsamen { server unix:${sock}; keepalive ${8 * THREADS}; }
  server {
    listen 127.0.0.1:${port};
    location / {
      include /etc/nginx/fastcgi_params;
      fastcgi_param REQUEST_URI $request_uri;
      fastcgi_keep_conn on;
      fastcgi_pass buurtsamen;
    }
  }
}
`);
  const nchild = spawn(NGINX, ['-e', path.join(ndir, 'error.log'), '-p', ndir, '-c',
    path.join(ndir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore' });
  const nginxExit = new Promise((resolve) => nchild.on('exit', resolve));
  const front = {
    base, dir: ndir, fcgi,
    log: () => fs.readFile(path.join(ndir, 'error.log'), 'utf8').catch(() => ''),
    stopFcgi: () => stop(fcgi),
    stop: async () => {
      nchild.kill('SIGTERM');
      await nginxExit;
      const exit = await stop(fcgi);
      await removeTemp(ndir);
      return exit;
    },
  };
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
    if (ok) return front;
    await sleep(50);
  }
  await front.stop();
  throw new Error('nginx did not come up');
}

describe('through nginx with an upstream keepalive larger than the threads', () => {
  test('bursts of requests, then idle kept connections, then more: every one answered',
    { timeout: 60_000 }, async () => {
      const front = await startKeptNginx();
      try {
        const paths = ['/', '/initiatieven', '/healthz', '/api/v1/initiatieven', '/berichten'];
        for (let round = 0; round < 4; round++) {
          const statuses = await Promise.all(Array.from({ length: 40 }, (_, i) =>
            fetch(front.base + paths[i % paths.length], { signal: AbortSignal.timeout(5000) })
              .then(async (r) => { await r.arrayBuffer(); return r.status; })));
          assert.deepEqual(statuses, Array(40).fill(200), `round ${round}`);
          await sleep(300); // nginx's idle connections wait in the application's set meanwhile
        }
        assert.doesNotMatch(await front.log(), /upstream|prematurely|timed out/,
          'nginx saw no backend trouble');
      } finally {
        assert.deepEqual(await front.stop(), { code: 0, signal: null });
      }
    });

  test('3 times: SIGTERM during a donation storm over kept connections cuts off no answer',
    { timeout: 180_000 }, async (t) => {
      const initiative = openCityWideInitiative(db, 'Proef: stop met vaste verbindingen',
        10_000_000);
      for (let round = 1; round <= 3; round++) {
        const codes = await issueCodes(db, 1000);
        const front = await startKeptNginx(8);
        let stopped = false;
        try {
          const s = await session(front.base);
          const storm = donationStorm(s, codes, initiative);
          await sleep(200 + randomInt(400));
          const exit = await front.stopFcgi();
          stopped = true;
          const { acked, statuses, lost } = await storm;
          const where = `round ${round} (${acked.size} acknowledged, ${JSON.stringify(statuses)})`;
          t.diagnostic(where);
          assert.deepEqual(exit, { code: 0, signal: null }, `${where}: fcgi exits 0`);
          assert.match(front.fcgi.output, /buurtsamen stopped/, `${where}: a clean stop`);
          assert.doesNotMatch(front.fcgi.output, /still busy/, `${where}: no worker left`);
          assert.deepEqual(lost, [], `${where}: no request went unanswered`);
          assert.ok(acked.size > 0 && acked.size < codes.length, `${where}: stopped mid-storm`);
          // A request nginx sent on a kept connection just as the stop closed it was never
          // read (nginx gets no byte of an answer, and answers 502): that is no cut-off.
          // One cut off would break while the answer was already coming.
          const log = await front.log();
          const broken = log.split('\n').filter((l) =>
            /prematurely closed|reset by peer|Broken pipe/.test(l));
          const unread = /while (reading response header from|sending request to) upstream/;
          assert.deepEqual(broken.filter((l) => !unread.test(l)), [],
            `${where}: nginx saw no answer cut off:\n${log}`);
          const failed = new Set(broken.map((l) => /\*(\d+)/.exec(l)?.[1]));
          assert.ok(failed.size <= (statuses[502] ?? 0),
            `${where}: each request nginx saw fail was answered 502:\n${log}`);
          const ids = [...acked.values()].map(receiptId);
          const found = Number(sql(db, `SELECT count(*) FROM ledger WHERE id IN
            (${ids.join(',')}) AND kind = 'donation'`));
          assert.equal(found, ids.length, `${where}: every acknowledged donation is in the ledger`);
        } finally {
          if (!stopped) await front.stopFcgi();
          await front.stop();
        }
      }
    });
});
