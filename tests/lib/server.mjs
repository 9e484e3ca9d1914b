// Helpers for the black-box suites: temporary databases, the built-in HTTP server,
// nginx in front of the FastCGI front, raw HTTP requests and the sqlite3 CLI.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// BUURTSAMEN_BIN runs the suites against another build (a sanitizer build, say).
export const BIN = process.env.BUURTSAMEN_BIN || path.join(ROOT, 'build', 'buurtsamen');
export const NGINX = '/usr/sbin/nginx';

const READY_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;

// Every temporary directory made here; removed by cleanupTemp() or, at the latest, at exit.
// Every server process started here that has not exited yet; killed at exit at the latest,
// so that a test file that dies half-way leaves nothing running.
const tempDirs = new Set();
const running = new Set();
process.on('exit', () => {
  for (const child of running) child.kill('SIGTERM');
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

export async function tempDir(prefix = 'buurtsamen-') {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

export async function removeTemp(dir) {
  await fs.rm(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

/** Removes every temporary directory this process made. */
export async function cleanupTemp() {
  for (const dir of [...tempDirs]) await removeTemp(dir);
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Runs the binary with the given arguments; resolves with {code, signal, stdout, stderr}.
 * Never rejects on a non-zero exit: the exit status is what the CLI tests look at.
 */
export function runBin(args, { timeoutMs = 30_000, env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: env ?? { ...process.env, BUURTSAMEN_DB: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => { clearTimeout(timer); reject(err); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** A fresh database with the demo data in its own temporary directory; returns its path. */
export async function makeDemoDb() {
  const dir = await tempDir('buurtsamen-db-');
  const db = path.join(dir, 'demo.db');
  const r = await runBin(['--db', db, 'init', '--demo']);
  if (r.code !== 0) {
    throw new Error(`init --demo failed (exit ${r.code}):\n${r.stderr}${r.stdout}`);
  }
  return db;
}

/** Removes the temporary directory that makeDemoDb() made for db. */
export async function removeDb(db) {
  await removeTemp(path.dirname(db));
}

/** Runs one SQL statement (or several, separated by ';') with the sqlite3 CLI; returns stdout. */
export function sql(db, statement) {
  return execFileSync('sqlite3', ['-bail', db, statement], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Quotes a string as an SQL literal. */
export function sqlString(s) {
  return `'${String(s).replaceAll("'", "''")}'`;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A child process with its output collected and its exit awaited.
function launch(cmd, args, opts = {}) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  running.add(child);
  const proc = { child, output: '', exited: null };
  child.stdout.setEncoding('utf8').on('data', (d) => { proc.output += d; });
  child.stderr.setEncoding('utf8').on('data', (d) => { proc.output += d; });
  proc.exit = new Promise((resolve) => {
    child.on('error', (err) => {
      running.delete(child);
      proc.output += `\n${err.message}`;
      proc.exited = { code: null, signal: null, error: err };
      resolve(proc.exited);
    });
    child.on('exit', (code, signal) => {
      running.delete(child);
      proc.exited = { code, signal };
      resolve(proc.exited);
    });
  });
  return proc;
}

// Sends SIGTERM, waits for the exit (SIGKILL after a grace period); resolves with the exit.
async function terminate(proc, signal = 'SIGTERM') {
  if (proc.exited) return proc.exited;
  proc.child.kill(signal);
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  const exit = await proc.exit;
  clearTimeout(timer);
  return exit;
}

async function healthy(base) {
  try {
    const res = await fetch(new URL('/healthz', base), { signal: AbortSignal.timeout(1000) });
    const text = await res.text();
    return res.status === 200 && text.trim() === 'ok';
  } catch {
    return false;
  }
}

// Waits until /healthz answers "ok" through base while none of procs has exited.
async function waitHealthy(base, procs, what) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const dead = procs.find((p) => p.exited);
    if (dead) {
      throw new Error(`${what} exited early (${JSON.stringify(dead.exited)}):\n` +
        procs.map((p) => p.output).join('\n'));
    }
    if (await healthy(base)) return;
    await sleep(50);
  }
  throw new Error(`${what} did not answer /healthz at ${base} within ${READY_TIMEOUT_MS} ms:\n` +
    procs.map((p) => p.output).join('\n'));
}

/**
 * Starts `buurtsamen serve` on a free port (on {db}, or on what {config} names); resolves with
 * {base, port, pid, stop(), output()}.
 * stop() sends SIGTERM and resolves with {code, signal} once the process has exited.
 */
export async function startServe({ db, threads, config, ini } = {}) {
  if (!db && !config) throw new Error('startServe needs {db} or {config}');
  // {config}: the path of a config file (it may name the database and the key file);
  // {ini}: the text of one, written to a temporary file.
  const configArgs = [...(config ? ['--config', config] : []), ...(await configFile(ini))];
  let lastError;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const args = [...(db ? ['--db', db] : []), ...configArgs, 'serve', '--listen',
      `127.0.0.1:${port}`];
    if (threads) args.push('--threads', String(threads));
    const proc = launch(BIN, args);
    const base = `http://127.0.0.1:${port}`;
    try {
      await waitHealthy(base, [proc], 'buurtsamen serve');
    } catch (err) {
      await terminate(proc, 'SIGKILL');
      lastError = err;
      if (/in use/i.test(proc.output)) continue; // lost the race for the port: try another
      throw err;
    }
    return {
      base,
      port,
      pid: proc.child.pid,
      output: () => proc.output,
      alive: () => !proc.exited,
      stop: () => terminate(proc),
    };
  }
  throw lastError;
}

// `config` (INI text) in a file of its own: the arguments that name it, [] for none.
async function configFile(ini) {
  if (!ini) return [];
  const dir = await tempDir('buurtsamen-config-');
  const file = path.join(dir, 'buurtsamen.ini');
  await fs.writeFile(file, ini);
  return ['--config', file];
}

function nginxConfig(dir, port) {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  return `${root ? 'user root;\n' : ''}worker_processes 1;
error_log ${dir}/error.log;
pid ${dir}/nginx.pid;
events {}
http {
  access_log off;
  client_body_temp_path ${dir}/tmp;
  fastcgi_temp_path ${dir}/tmp;
  proxy_temp_path ${dir}/tmp;
  uwsgi_temp_path ${dir}/tmp;
  scgi_temp_path ${dir}/tmp;
  client_max_body_size 20m;
  server {
    listen 127.0.0.1:${port};
    location / {
      include /etc/nginx/fastcgi_params;
      fastcgi_param REQUEST_URI $request_uri;
      fastcgi_pass unix:${dir}/fcgi.sock;
    }
  }
}
`;
}

/**
 * Starts `buurtsamen fcgi` on a unix socket and a real nginx in front of it on a free port;
 * resolves with {base, port, stop(), output()}. stop() ends both and removes their directory.
 */
export async function startNginxFcgi({ db, ini, threads } = {}) {
  if (!db) throw new Error('startNginxFcgi needs {db}');
  const configArgs = await configFile(ini);
  const dir = await tempDir('buurtsamen-nginx-');
  await fs.mkdir(path.join(dir, 'tmp'));
  const sock = path.join(dir, 'fcgi.sock');
  const fcgi = launch(BIN, ['--db', db, ...configArgs, 'fcgi', '--socket', sock,
    ...(threads ? ['--threads', String(threads)] : [])]);

  const stopAll = async (procs) => {
    const exits = [];
    for (const p of procs) exits.push(await terminate(p));
    await removeTemp(dir);
    return exits;
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!existsSync(sock)) {
    if (fcgi.exited || Date.now() > deadline) {
      await stopAll([fcgi]);
      throw new Error(`buurtsamen fcgi did not create ${sock}:\n${fcgi.output}`);
    }
    await sleep(25);
  }

  let lastError;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    await fs.writeFile(path.join(dir, 'nginx.conf'), nginxConfig(dir, port));
    const nginx = launch(NGINX, ['-e', path.join(dir, 'error.log'), '-p', dir,
      '-c', path.join(dir, 'nginx.conf'), '-g', 'daemon off;']);
    const base = `http://127.0.0.1:${port}`;
    try {
      await waitHealthy(base, [nginx, fcgi], 'nginx + buurtsamen fcgi');
    } catch (err) {
      await terminate(nginx, 'SIGKILL');
      lastError = err;
      const log = await fs.readFile(path.join(dir, 'error.log'), 'utf8').catch(() => '');
      if (/in use/i.test(nginx.output + log) && !fcgi.exited) continue;
      await stopAll([fcgi]);
      throw new Error(`${err.message}\nnginx error.log:\n${log}`);
    }
    return {
      base,
      port,
      dir,
      output: () => `${nginx.output}\n${fcgi.output}`,
      alive: () => !nginx.exited && !fcgi.exited,
      fcgiAlive: () => !fcgi.exited,
      // The FastCGI process alone, nginx left running: resolves with its {code, signal}.
      stopFcgi: () => terminate(fcgi, 'SIGTERM'),
      // nginx first (SIGTERM: fast shutdown), then the FastCGI process.
      stop: async () => {
        const [nginxExit, fcgiExit] = await stopAll([nginx, fcgi]);
        return { nginx: nginxExit, fcgi: fcgiExit };
      },
    };
  }
  await stopAll([fcgi]);
  throw lastError;
}

/** The port of a base URL such as http://127.0.0.1:8080. */
export function portOf(base) {
  return Number(new URL(base).port);
}

function parseResponse(buf) {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const head = buf.subarray(0, end).toString('latin1');
  const [statusLine, ...lines] = head.split('\r\n');
  const m = /^HTTP\/(\d\.\d) (\d{3})(?: (.*))?$/.exec(statusLine);
  if (!m) throw new Error(`not an HTTP status line: ${JSON.stringify(statusLine)}`);
  const headers = {};
  for (const line of lines) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i).trim().toLowerCase();
    const value = line.slice(i + 1).trim();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  return {
    version: m[1],
    status: Number(m[2]),
    statusText: m[3] ?? '',
    headers,
    bodyStart: end + 4,
  };
}

/**
 * Sends exactly `text` (a string or a Buffer) to 127.0.0.1:port and resolves with
 * {status, statusText, headers (lower-case names), body (UTF-8 string), bodyBytes}.
 * Reads until the server closes the connection or Content-Length bytes of body arrived
 * (no body is awaited for a HEAD request or a 1xx/204/304 answer). Requests should carry
 * `Connection: close`. A connection reset after the response arrived is not an error.
 * `extra` (a Buffer) is sent after `text` unless the server answers first.
 */
export function rawRequest(port, text, { timeoutMs = 10_000, extra } = {}) {
  return new Promise((resolve, reject) => {
    const isHead = /^HEAD /.test(Buffer.isBuffer(text) ? text.toString('latin1', 0, 5) : text);
    const socket = net.connect({ host: '127.0.0.1', port });
    let buf = Buffer.alloc(0);
    let done = false;

    const finish = (err) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      let parsed = null;
      try {
        parsed = parseResponse(buf);
      } catch (e) {
        reject(e);
        return;
      }
      if (!parsed) {
        reject(err ?? new Error(`no complete HTTP response; got ${JSON.stringify(
          buf.toString('latin1').slice(0, 200))}`));
        return;
      }
      let bodyBytes = buf.subarray(parsed.bodyStart);
      const len = Number(parsed.headers['content-length']);
      if (Number.isFinite(len) && bodyBytes.length > len) bodyBytes = bodyBytes.subarray(0, len);
      resolve({
        status: parsed.status,
        statusText: parsed.statusText,
        version: parsed.version,
        headers: parsed.headers,
        bodyBytes,
        body: bodyBytes.toString('utf8'),
      });
    };

    const timer = setTimeout(() => finish(new Error(`rawRequest timed out after ${timeoutMs} ms`)),
      timeoutMs);
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      let parsed = null;
      try {
        parsed = parseResponse(buf);
      } catch {
        return; // finish() reports it
      }
      if (!parsed) return;
      const noBody = isHead || parsed.status === 304 || parsed.status === 204 ||
        (parsed.status >= 100 && parsed.status < 200);
      const len = Number(parsed.headers['content-length']);
      if (noBody || (Number.isFinite(len) && buf.length - parsed.bodyStart >= len)) finish();
    });
    socket.on('end', () => finish());
    socket.on('close', () => finish());
    socket.on('error', (err) => finish(err));
    socket.on('connect', async () => {
      socket.write(text);
      if (!extra) return;
      // More bytes after the head: a body the server may refuse as soon as it has the head.
      // Give it a moment to answer first, then stream in chunks and stop once it has.
      const answered = () => {
        try {
          return done || parseResponse(buf) !== null;
        } catch {
          return true;
        }
      };
      for (let i = 0; i < 10 && !answered(); i++) await sleep(10);
      for (let off = 0; off < extra.length && !answered() && !socket.destroyed; off += 65536) {
        await new Promise((r) => socket.write(extra.subarray(off, off + 65536), r));
      }
    });
  });
}
