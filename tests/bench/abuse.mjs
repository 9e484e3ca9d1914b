// Part of make bench: what one client's heavy requests cost everyone else. Eight parallel
// uploads of a 40 megapixel PNG (refused from its header) and of a 20 megapixel one (decoded)
// while /healthz is asked every 20 ms from another address, under serve and under
// nginx + FastCGI; and the memory of serve while 150 uploads of 10 MB stop just short of
// their end; and donations through serve's writer lane while another process holds the
// database's write lock, with GET / beside them. Prints the figures; asserts nothing.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import zlib from 'node:zlib';
import { removeDb, startNginxFcgi, startServe } from '../lib/server.mjs';
import { initiativeFields, makeDemoDbWithStaff, submitInitiative } from '../lib/staff.mjs';
import { httpRequest, issueCodes, makeDemoDbWithCodes, session } from '../lib/vouchers.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function crc32(buf) {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xEDB88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** A black greyscale PNG of width × height: small on disk, big once decoded. */
function blackPng(width, height) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(Buffer.alloc((width + 1) * height), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const ms = (x) => `${x.toFixed(1)} ms`;
const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};

/** /healthz latencies (ms) asked every 20 ms until done resolves. */
async function healthWhile(base, done) {
  const times = [];
  let finished = false;
  done.then(() => { finished = true; });
  while (!finished) {
    const t = performance.now();
    const res = await httpRequest(new URL('/healthz', base), { localAddress: '127.0.0.250' });
    if (res.status !== 200) throw new Error(`/healthz answered ${res.status}`);
    times.push(performance.now() - t);
    await sleep(20);
  }
  return times;
}

let nextAddress = 1;
async function uploads(base, png, label) {
  const quiet = await healthWhile(base, sleep(1000));
  const t = performance.now();
  const running = Promise.all(Array.from({ length: 8 }, (_, i) => submitInitiative(base,
    initiativeFields({ titel: `Bench foto ${nextAddress}`, email: `bench${nextAddress}@example.org` }),
    { foto: { data: png, filename: 'groot.png', type: 'image/png' } },
    { localAddress: `127.0.3.${nextAddress++}` })));
  const times = await healthWhile(base, running);
  const statuses = {};
  for (const { res } of await running) statuses[res.status] = (statuses[res.status] ?? 0) + 1;
  const wall = performance.now() - t;
  console.log(`${label}: uploads done in ${ms(wall)} (${JSON.stringify(statuses)}); /healthz ` +
    `p50 ${ms(percentile(times, 0.5))}, max ${ms(Math.max(...times))} over ${times.length} ` +
    `(quiet: p50 ${ms(percentile(quiet, 0.5))}, max ${ms(Math.max(...quiet))})`);
}

function rss(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)[1]);
  return { now: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** 150 uploads of 10 MB, each from its own address, sent but for their last 100 kB. */
async function halfSent(server) {
  const before = rss(server.pid);
  const length = 10_000_000;
  const part = Buffer.alloc(length - 100_000, 'a');
  const conns = [];
  for (let i = 0; i < 150; i++) {
    const socket = net.connect({ host: '127.0.0.1', port: server.port,
      localAddress: `127.0.${4 + Math.floor(i / 200)}.${1 + (i % 200)}` });
    let answer = '';
    socket.on('data', (d) => { answer += d.toString('latin1'); });
    socket.on('error', () => {});
    const c = { socket, answer: () => answer, closed: false };
    socket.on('close', () => { c.closed = true; });
    conns.push(c);
  }
  await Promise.all(conns.map((c) => new Promise((resolve) => {
    c.socket.write('POST /initiatief-indienen HTTP/1.1\r\nHost: localhost\r\n' +
      `Content-Type: application/octet-stream\r\nContent-Length: ${length}\r\n\r\n`);
    c.socket.write(part, () => resolve());
    c.socket.on('close', resolve);
  })));
  await sleep(1000);
  const held = rss(server.pid);
  const t = performance.now();
  const res = await httpRequest(new URL('/', server.base), { localAddress: '127.0.0.251' });
  const home = performance.now() - t;
  const refused = conns.filter((c) => / 503 /.test(c.answer().slice(0, 20))).length;
  const dropped = conns.filter((c) => c.closed).length;
  console.log(`serve, 150 half-sent 10 MB uploads: RSS ${before.now.toFixed(0)} MiB before, ` +
    `${held.now.toFixed(0)} MiB while held, peak ${held.peak.toFixed(0)} MiB; ${refused} told ` +
    `503 at once, ${dropped} closed; GET / meanwhile ${res.status} in ${ms(home)}`);
  for (const c of conns) c.socket.destroy();
}

/**
 * Eight residents donate as fast as they are answered for 5 s while sqlite3 holds the write
 * lock, then 5 s after it let go; GET / is asked every 50 ms from another address all along.
 */
async function heldLock() {
  const { db: lockDb } = await makeDemoDbWithCodes();
  // An initiative with room for every donation of the run.
  const initiative = execFileSync('sqlite3', [lockDb, `INSERT INTO initiatives(area_id, title,
    summary, description, target_cents, initiator_name, initiator_email, state, published_at)
    VALUES (NULL, 'Bench', '', '', 1000000000, 'B', 'b@example.org', 'open', datetime('now'))
    RETURNING id;`]).toString().trim();
  execFileSync('sqlite3', [lockDb, `INSERT INTO budget_lines(initiative_id, position, item,
    amount_cents) VALUES (${initiative}, 1, 'Alles', 1000000000);`]);
  const codes = await issueCodes(lockDb, 3000);
  const server = await startServe({ db: lockDb });
  try {
    const residents = await Promise.all(Array.from({ length: 8 }, () => session(server.base)));
    const phase = async (label, durationMs) => {
      const counts = {};
      const reads = [];
      const end = Date.now() + durationMs;
      const donor = async (s) => {
        while (Date.now() < end && codes.length) {
          const res = await s.post('/doneren/bevestigen', { code: codes.pop(), initiatief: initiative });
          counts[res.status] = (counts[res.status] ?? 0) + 1;
        }
      };
      const reader = async () => {
        while (Date.now() < end) {
          const t = performance.now();
          await httpRequest(new URL('/', server.base), { localAddress: '127.0.0.252' });
          reads.push(performance.now() - t);
          await sleep(50);
        }
      };
      const begun = performance.now();
      let donating = 0;
      await Promise.all([Promise.all(residents.map(donor)).then(() => {
        donating = performance.now() - begun; // the codes may run out first
      }), reader()]);
      reads.sort((a, b) => a - b);
      console.log(`serve, ${label}: ${((counts[303] ?? 0) / (donating / 1000)).toFixed(0)} donations/s ` +
        `(${JSON.stringify(counts)}); GET / p50 ${ms(reads[reads.length >> 1])}, ` +
        `max ${ms(reads[reads.length - 1])} over ${reads.length}`);
    };
    const holder = spawn('sqlite3', [lockDb], { stdio: ['pipe', 'pipe', 'inherit'] });
    await new Promise((resolve) => {
      holder.stdout.on('data', (d) => { if (String(d).includes('locked')) resolve(); });
      holder.stdin.write("BEGIN IMMEDIATE;\nSELECT 'locked';\n");
    });
    await phase('another process holds the write lock', 5_000);
    holder.stdin.end('ROLLBACK;\n');
    await new Promise((resolve) => holder.on('exit', resolve));
    await phase('once it let go', 5_000);
  } finally {
    await server.stop();
    await removeDb(lockDb);
  }
}

await heldLock();
const { db } = await makeDemoDbWithStaff();
const big40 = blackPng(8000, 5000);
const big20 = blackPng(5000, 4000);
try {
  const serve = await startServe({ db }); // the default threads: one per core
  try {
    await halfSent(serve);
    await sleep(11_000); // the connection timeout: the held uploads are dropped
    const after = rss(serve.pid);
    console.log(`serve, once they are dropped: RSS ${after.now.toFixed(0)} MiB`);
    await uploads(serve.base, big40, 'serve, 8 parallel 40 MP PNG uploads');
    await uploads(serve.base, big20, 'serve, 8 parallel 20 MP PNG uploads');
    const last = rss(serve.pid);
    console.log(`serve, after the uploads: RSS ${last.now.toFixed(0)} MiB, peak ${last.peak.toFixed(0)} MiB`);
  } finally {
    await serve.stop();
  }
  const fcgi = await startNginxFcgi({ db });
  try {
    await uploads(fcgi.base, big40, 'nginx + fcgi, 8 parallel 40 MP PNG uploads');
    await uploads(fcgi.base, big20, 'nginx + fcgi, 8 parallel 20 MP PNG uploads');
  } finally {
    await fcgi.stop();
  }
} finally {
  await removeDb(db);
}
