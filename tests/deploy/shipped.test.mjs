// The deploy files as shipped, used the way an operator uses them: `make install` into a temp
// root, nginx with deploy/nginx.conf itself, the command lines of deploy/*.service and the cron
// file, the shipped config; `systemd-analyze verify` on the installed units; the .deb.
//
// The only changes made to shipped files are the rewrites in ROOTED (absolute paths moved
// under the temp root), the ports (nginxServerBlock() and the config's `listen`), and nothing
// else; nginxMain() stands in for Debian's /etc/nginx/nginx.conf around the server block.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT, NGINX, freePort, sql, tempDir, removeTemp } from '../lib/server.mjs';
import {
  httpRequest, openCityWideInitiative, radioIds, receiptId, session,
} from '../lib/vouchers.mjs';

const run = promisify(execFile);
const DEPLOY = path.join(ROOT, 'deploy');
const SERVICES = ['buurtsamen.service', 'buurtsamen-fcgi.service', 'buurtsamen-backup.service'];
const UNITS = [...SERVICES, 'buurtsamen-fcgi.socket', 'buurtsamen-backup.timer'];
const UNIT_DIR = 'lib/systemd/system';
const CONFIG = '/etc/buurtsamen/buurtsamen.ini';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The absolute paths the shipped files name, each moved under the temp root in the test.
const ROOTED = ['/etc/buurtsamen', '/var/lib/buurtsamen', '/var/backups/buurtsamen',
  '/run/buurtsamen', '/usr/share/buurtsamen', '/usr/bin/buurtsamen'];
const ROOTED_RE = new RegExp(`(?<![\\w./-])(${ROOTED.map((p) => p.replace(/[.]/g, '\\.'))
  .join('|')})(?![\\w.-])`, 'g');

let root; // the DESTDIR of `make install`, standing in for /
const rooted = (text) => text.replace(ROOTED_RE, (p) => root + p);

async function make(args, { timeout = 300_000 } = {}) {
  try {
    return await run('make', ['-C', ROOT, '--no-print-directory', ...args],
      { timeout, maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    throw new Error(`make ${args.join(' ')} failed:\n${err.stdout}\n${err.stderr}`);
  }
}

const has = async (cmd) => run('sh', ['-c', `command -v ${cmd}`]).then(() => true, () => false);

/** A unit file as {Section: {Key: [values]}} (continuation lines joined, comments dropped). */
export function parseUnit(text) {
  const out = {};
  let section = null;
  const lines = text.replace(/\\\n/g, ' ').split('\n');
  for (const raw of lines) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const s = /^\[(.+)\]$/.exec(line);
    if (s) {
      section = out[s[1]] ??= {};
      continue;
    }
    const i = line.indexOf('=');
    assert.ok(section && i > 0, `a key=value line in a section: ${line}`);
    const key = line.slice(0, i).trim();
    (section[key] ??= []).push(line.slice(i + 1).trim());
  }
  return out;
}

/**
 * A command line from a unit (systemd.service(5), "Command lines"): the prefixes of the
 * first word, then words split on blanks with '…' and "…" quoting and C escapes; the
 * specifier %% is %, any other specifier is refused (the shipped units do not use them).
 */
export function splitCommand(value) {
  let s = value.replace(/^[@\-:+!]+/, '');
  const words = [];
  let i = 0;
  const ESC = { n: '\n', t: '\t', s: ' ', '\\': '\\', '"': '"', "'": "'" };
  while (i < s.length) {
    while (i < s.length && /\s/.test(s[i])) i++;
    if (i >= s.length) break;
    let word = '';
    let quote = null;
    for (; i < s.length; i++) {
      const c = s[i];
      if (!quote && /\s/.test(c)) break;
      if (quote && c === quote) { quote = null; continue; }
      if (!quote && (c === '"' || c === "'")) { quote = c; continue; }
      if (c === '\\' && quote !== "'") {
        const e = s[++i];
        assert.ok(e in ESC, `unsupported escape \\${e} in ${value}`);
        word += ESC[e];
        continue;
      }
      if (c === '%') {
        assert.equal(s[i + 1], '%', `unsupported specifier %${s[i + 1]} in ${value}`);
        word += '%';
        i++;
        continue;
      }
      word += c;
    }
    assert.equal(quote, null, `unterminated quote in ${value}`);
    words.push(word);
  }
  return words;
}

async function readUnit(name) {
  return parseUnit(await fs.readFile(path.join(root, UNIT_DIR, name), 'utf8'));
}

// The command lines of a service (ExecStartPre, ExecStart, ExecStartPost), rewritten.
async function commands(name, key = 'ExecStart') {
  const unit = await readUnit(name);
  return (unit.Service[key] ?? []).map((v) => splitCommand(v).map(rooted));
}

// What systemd gives a service: no inherited environment (no BUURTSAMEN_DB from the tests).
const SERVICE_ENV = { PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8' };

function launch(argv, { stdin = 'ignore', env = SERVICE_ENV } = {}) {
  const child = spawn(argv[0], argv.slice(1), { stdio: [stdin, 'pipe', 'pipe'], env });
  const proc = { child, output: '', exited: null };
  child.stdout.setEncoding('utf8').on('data', (d) => { proc.output += d; });
  child.stderr.setEncoding('utf8').on('data', (d) => { proc.output += d; });
  proc.exit = new Promise((resolve) => {
    child.on('error', (err) => { proc.output += err.message; proc.exited = { err }; resolve(); });
    child.on('exit', (code, signal) => { proc.exited = { code, signal }; resolve(); });
  });
  proc.stop = async () => {
    if (!proc.exited) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await proc.exit;
      clearTimeout(t);
    }
    return proc.exited;
  };
  return proc;
}

async function runToEnd(argv, opts) {
  const proc = launch(argv, opts);
  await proc.exit;
  return { ...proc.exited, output: proc.output };
}

async function waitFor(url, procs, what) {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const dead = procs.find((p) => p.exited);
    if (dead) throw new Error(`${what} exited early (${JSON.stringify(dead.exited)}):\n${dead.output}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.status === 200) return;
    } catch { /* not up yet */ }
    await sleep(50);
  }
  throw new Error(`${what}: no answer at ${url}:\n${procs.map((p) => p.output).join('\n')}`);
}

// The shipped cron line: its command, with cron's \% unescaped.
async function cronCommand() {
  const text = await fs.readFile(path.join(DEPLOY, 'buurtsamen-backup.cron'), 'utf8');
  const jobs = text.split('\n').filter((l) => /^\s*[0-9*]/.test(l));
  assert.equal(jobs.length, 1, 'one job in the cron file');
  const fields = jobs[0].trim().split(/\s+/);
  assert.equal(fields[5], 'buurtsamen', 'runs as the buurtsamen user');
  const command = jobs[0].trim().replace(/^(\S+\s+){6}/, '');
  return rooted(command.replace(/\\%/g, '%'));
}

const today = () => new Date().toISOString().slice(0, 10).replace(/-/g, '');
const isoDate = (days) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

let prefix; // the units' `buurtsamen --config …` before the command
let cli; // runs `buurtsamen --config … ARGS` as a unit would; throws unless it exits 0
let db;
let printed = []; // the codes from `vouchers issue`
let initiative;

before(async () => {
  root = await tempDir('buurtsamen-root-');
  await make(['install', `DESTDIR=${root}`, 'PREFIX=/usr']);
});

after(async () => {
  if (root) await removeTemp(root);
});

describe('make install', () => {
  test('puts every file where the shipped files name it', async () => {
    for (const f of ['usr/bin/buurtsamen', 'usr/share/buurtsamen/static/site.css',
      'usr/share/buurtsamen/static/logo.svg', 'usr/share/man/man1/buurtsamen.1',
      'etc/buurtsamen/buurtsamen.ini', 'usr/share/doc/buurtsamen/examples/nginx.conf',
      'usr/share/doc/buurtsamen/examples/buurtsamen-backup.cron',
      ...UNITS.map((u) => `${UNIT_DIR}/${u}`)]) {
      assert.ok(existsSync(path.join(root, f)), `installed: ${f}`);
    }
    assert.equal(statSync(path.join(root, 'usr/bin/buurtsamen')).mode & 0o777, 0o755);
    const css = await fs.readFile(path.join(root, 'usr/share/buurtsamen/static/site.css'));
    assert.deepEqual(css, await fs.readFile(path.join(ROOT, 'static/site.css')));
  });

  test('the man page is valid roff and names every command', async () => {
    const page = path.join(root, 'usr/share/man/man1/buurtsamen.1');
    const { stdout, stderr } = await run('man', ['--warnings', '-E', 'UTF-8', '-l', page],
      { env: { ...process.env, MANWIDTH: '100', MAN_KEEP_FORMATTING: '' } });
    assert.equal(stderr.trim(), '', 'no warnings from groff');
    const help = (await run(path.join(ROOT, 'build/buurtsamen'), ['--help'])).stdout;
    const cmds = [...help.matchAll(/^ {2}([a-z]+)/gm)].map((m) => m[1]);
    assert.ok(cmds.length >= 10, `commands in --help: ${cmds}`);
    for (const cmd of cmds) assert.match(stdout, new RegExp(`\\b${cmd}\\b`), `man page: ${cmd}`);
    for (const opt of ['--config', '--db', '--listen', '--socket', '--round', '--demo']) {
      assert.ok(stdout.includes(opt), `man page: ${opt}`);
    }
  });

  test('an existing configuration is not overwritten', async () => {
    const ini = path.join(root, 'etc/buurtsamen/buurtsamen.ini');
    const before = await fs.readFile(ini, 'utf8');
    await fs.writeFile(ini, `${before}\n; changed by the operator\n`);
    await make(['install', `DESTDIR=${root}`, 'PREFIX=/usr']);
    assert.match(await fs.readFile(ini, 'utf8'), /changed by the operator/);
    await fs.writeFile(ini, before);
  });

  test('a /usr/local install names its own binary in the units', async () => {
    const other = await tempDir('buurtsamen-local-');
    try {
      await make(['install', `DESTDIR=${other}`]);
      assert.ok(existsSync(path.join(other, 'usr/local/bin/buurtsamen')));
      assert.ok(existsSync(path.join(other, 'usr/local/share/buurtsamen/static/site.css')));
      for (const s of SERVICES) {
        const text = await fs.readFile(path.join(other, 'usr/local/lib/systemd/system', s), 'utf8');
        const exec = parseUnit(text).Service.ExecStart.join(' ');
        assert.match(exec, /\/usr\/local\/bin\/buurtsamen /, `${s}: ${exec}`);
      }
      const conf = await fs.readFile(
        path.join(other, 'usr/local/share/doc/buurtsamen/examples/nginx.conf'), 'utf8');
      assert.match(conf, /alias \/usr\/local\/share\/buurtsamen\/static\/;/);
    } finally {
      await removeTemp(other);
    }
  });
});

describe('the shipped units and config, as an operator runs them', () => {
  before(async () => {
    // What the package's postinst (or the README, from source) creates.
    await fs.mkdir(path.join(root, 'var/lib/buurtsamen'), { recursive: true, mode: 0o750 });
    await fs.mkdir(path.join(root, 'var/backups/buurtsamen'), { recursive: true, mode: 0o750 });
    // The config as installed, paths under the temp root and a free port for `serve`.
    const ini = path.join(root, 'etc/buurtsamen/buurtsamen.ini');
    const text = await fs.readFile(ini, 'utf8');
    assert.match(text, /^listen = 127\.0\.0\.1:8080$/m);
    const port = await freePort();
    await fs.writeFile(ini, rooted(text).replace(/^listen = .*$/m, `listen = 127.0.0.1:${port}`));
    db = rooted('/var/lib/buurtsamen/buurtsamen.db');
  });

  test('every service runs the binary with the shipped config, never --db', async () => {
    const lines = [];
    for (const s of SERVICES) lines.push(...(await commands(s)));
    const serve = lines[0];
    prefix = serve.slice(0, serve.indexOf('serve'));
    assert.deepEqual(prefix, [rooted('/usr/bin/buurtsamen'), '--config', rooted(CONFIG)]);
    assert.deepEqual(lines[1], [...prefix, 'fcgi']);
    // The backup runs through sh for the date in the file name.
    assert.equal(lines[2][0], '/bin/sh');
    assert.ok(lines[2][2].includes(`${prefix.join(' ')} backup `), lines[2][2]);
    for (const file of [...UNITS, 'buurtsamen-backup.cron', 'nginx.conf']) {
      const text = await fs.readFile(path.join(DEPLOY, file), 'utf8');
      assert.doesNotMatch(text, /--db\b/, `${file} names no --db`);
      if (UNITS.includes(file)) {
        assert.doesNotMatch(text, /\/usr\/local\/bin/, `${file} names the packaged binary`);
      }
    }
    assert.match(await fs.readFile(path.join(DEPLOY, 'buurtsamen-backup.cron'), 'utf8'),
      /buurtsamen --config \/etc\/buurtsamen\/buurtsamen\.ini backup /);
    cli = async (args) => {
      const r = await runToEnd([...prefix, ...args]);
      assert.equal(r.code, 0, `buurtsamen ${args.join(' ')}:\n${r.output}`);
      return r.output;
    };
  });

  test('the servers may hold as many descriptors as connections', async () => {
    for (const s of ['buurtsamen.service', 'buurtsamen-fcgi.service']) {
      assert.deepEqual((await readUnit(s)).Service.LimitNOFILE, ['4096'], s);
    }
  });

  test('init creates the key the config names; a round is issued with the shipped config',
    async () => {
      await cli(['init']);
      const key = rooted('/var/lib/buurtsamen/buurtsamen.key');
      assert.ok(existsSync(key), 'the key file the config names');
      assert.equal(statSync(key).mode & 0o777, 0o600);
      assert.ok(!existsSync(`${db}.key`), 'no second key beside the database');

      sql(db, "INSERT INTO areas(kind, slug, name) VALUES ('wijk', 'proefwijk', 'Proefwijk')");
      // The shipped config's basis_url is the example buurtsamen.almelo.example, which issuing
      // refuses (every letter would point there): a real one is set as a council would.
      sql(db, "INSERT INTO settings(key, value) VALUES ('basis_url', 'https://buurtsamen.almelo.nl') " +
        'ON CONFLICT(key) DO UPDATE SET value = excluded.value');
      await cli(['round', 'add', 'Proefronde', '--opens', isoDate(-1), '--closes', isoDate(60)]);
      const round = sql(db, "SELECT id FROM rounds WHERE name = 'Proefronde'").trim();
      const work = path.join(root, 'work');
      await fs.mkdir(work);
      await fs.writeFile(path.join(work, 'adressen.csv'),
        'postcode;huisnummer;toevoeging;straat;woonplaats;wijk\n' +
        '7601AA;1;;Proefstraat;Almelo;proefwijk\n7601AA;2;;Proefstraat;Almelo;proefwijk\n' +
        '7601AA;3;;Proefstraat;Almelo;proefwijk\n');
      await cli(['households', 'import', path.join(work, 'adressen.csv')]);
      const out = path.join(work, 'drukker.csv');
      await cli(['vouchers', 'issue', '--round', round, '--out', out,
        '--letters', path.join(work, 'brieven.html')]);
      printed = (await fs.readFile(out, 'utf8')).split(/\r?\n/).slice(1).filter(Boolean)
        .map((l) => l.split(';')[5]);
      assert.equal(printed.length, 3);
      initiative = openCityWideInitiative(db, 'Proefinitiatief', 100_000);
    });

  test('nginx with the shipped nginx.conf serves /static/ from the installed files and ' +
    'passes a printed code to the socket-activated FastCGI service', async () => {
    assert.ok(printed.length, 'vouchers were issued');
    const dir = path.join(root, 'nginx');
    await fs.mkdir(path.join(dir, 'tmp'), { recursive: true });
    for (const f of ['fastcgi_params', 'mime.types']) {
      await fs.copyFile(path.join('/etc/nginx', f), path.join(dir, f));
    }
    const port = await freePort();
    const shipped = await fs.readFile(path.join(root,
      'usr/share/doc/buurtsamen/examples/nginx.conf'), 'utf8');
    await fs.writeFile(path.join(dir, 'buurtsamen.conf'), nginxServerBlock(shipped, port));
    await fs.writeFile(path.join(dir, 'nginx.conf'), nginxMain(dir));
    const base = `http://127.0.0.1:${port}`;

    // The socket unit's ListenStream, the same path nginx.conf passes to.
    const socketUnit = await readUnit('buurtsamen-fcgi.socket');
    const sock = rooted(socketUnit.Socket.ListenStream[0]);
    assert.ok(shipped.includes(`unix:${socketUnit.Socket.ListenStream[0]}`),
      'nginx.conf and the socket unit name the same socket');

    const nginx = launch([NGINX, '-p', dir, '-c', path.join(dir, 'nginx.conf'),
      '-e', path.join(dir, 'error.log'), '-g', 'daemon off;']);
    let fcgi;
    try {
      await waitFor(`${base}/static/site.css`, [nginx], 'nginx');
      // Served from disk: the FastCGI service is not even running yet.
      const css = await httpRequest(`${base}/static/site.css`);
      assert.equal(css.status, 200);
      assert.match(css.headers.get('content-type'), /^text\/css/);
      assert.equal(css.text, await fs.readFile(path.join(ROOT, 'static/site.css'), 'utf8'));
      assert.equal(css.headers.get('x-content-type-options'), 'nosniff');
      assert.equal((await httpRequest(`${base}/`)).status, 502, 'no backend yet');

      // Socket activation as systemd does it: the listening socket on standard input.
      await fs.mkdir(path.dirname(sock), { recursive: true });
      const listener = net.createServer();
      await new Promise((resolve, reject) => {
        listener.once('error', reject);
        listener.listen({ path: `${sock}.new`, backlog: 511 }, resolve);
      });
      // Node removes the path it listened on when it closes its copy: rename it first.
      await fs.rename(`${sock}.new`, sock);
      const [argv] = await commands('buurtsamen-fcgi.service');
      fcgi = launch(argv, { stdin: listener._handle.fd });
      await new Promise((resolve) => listener.close(resolve));
      await waitFor(`${base}/healthz`, [nginx, fcgi], 'nginx + buurtsamen fcgi');

      const page = await httpRequest(`${base}/`);
      assert.equal(page.status, 200);
      assert.match(page.text, /<link rel="stylesheet" href="\/static\/site.css">/);
      await donate(base, printed[0]);

      // nginx keeps its connections to the application open between requests (how many
      // depends on how the requests overlap; tests/fcgi/keepconn.test.mjs holds more idle
      // ones than there are threads), and they stay usable.
      const logBefore = (await fs.readFile(path.join(dir, 'error.log'), 'utf8')).length;
      const threads = Number(/^threads = (\d+)$/m.exec(await fs.readFile(rooted(CONFIG),
        'utf8'))[1]);
      const burst = () => burstAtOnce(port, '/initiatieven', 6 * threads);
      assert.deepEqual(await burst(), Array(6 * threads).fill(200));
      await sleep(200);
      const fds = `/proc/${fcgi.child.pid}/fd`;
      const links = await Promise.all((await fs.readdir(fds)).map((f) =>
        fs.readlink(path.join(fds, f)).catch(() => '')));
      const kept = links.filter((l) => l.startsWith('socket:')).length - 1; // less the listener
      assert.ok(kept >= 1, `${kept} idle kept connections`);
      assert.deepEqual(await burst(), Array(6 * threads).fill(200), 'answered all the same');
      const log = (await fs.readFile(path.join(dir, 'error.log'), 'utf8')).slice(logBefore);
      assert.doesNotMatch(log, /upstream|prematurely|timed out/,
        `nginx saw no backend trouble:\n${log}`);
      assert.deepEqual(await fcgi.stop(), { code: 0, signal: null }, 'a clean stop');
    } finally {
      await nginx.stop();
      if (fcgi) await fcgi.stop();
    }
  });

  test('the built-in server runs as buurtsamen.service says, with the same key', async () => {
    const [argv] = await commands('buurtsamen.service');
    const ini = await fs.readFile(rooted(CONFIG), 'utf8');
    const listen = /^listen = (.*)$/m.exec(ini)[1];
    const serve = launch(argv);
    try {
      const base = `http://${listen}`;
      await waitFor(`${base}/healthz`, [serve], 'buurtsamen serve');
      assert.equal((await httpRequest(`${base}/static/site.css`)).status, 200);
      await donate(base, printed[1]);
    } finally {
      await serve.stop();
    }
    assert.equal(sql(db, "SELECT count(*) FROM ledger WHERE kind = 'donation'").trim(), '2');
    await cli(['verify']);
  });

  test('the backup service and the cron job write a copy that verify passes', async () => {
    const copy = rooted(`/var/backups/buurtsamen/buurtsamen-${today()}.db`);
    for (const key of ['ExecStartPre', 'ExecStart', 'ExecStartPost']) {
      for (const argv of await commands('buurtsamen-backup.service', key)) {
        const r = await runToEnd(argv);
        assert.equal(r.code, 0, `${key} ${argv.join(' ')}:\n${r.output}`);
      }
    }
    assert.ok(existsSync(copy), `backup at ${copy}`);
    assert.equal(sql(copy, "SELECT count(*) FROM ledger WHERE kind = 'donation'").trim(), '2');
    const v = await runToEnd([prefix[0], '--config', prefix[2], '--db', copy, 'verify']);
    assert.equal(v.code, 0, v.output);

    await fs.rm(copy);
    const r = await runToEnd(['/bin/sh', '-c', await cronCommand()],
      { env: { ...SERVICE_ENV, PATH: `${path.join(root, 'usr/bin')}:${SERVICE_ENV.PATH}` } });
    assert.equal(r.code, 0, r.output);
    assert.ok(existsSync(copy), 'the cron job wrote the copy');
    assert.equal(statSync(copy).mode & 0o077, 0, 'a private copy (umask 077)');
  });
});

// count GET requests for target sent at the same instant, each on its own connection (so that
// nginx needs that many connections to the application at once); resolves with the statuses.
async function burstAtOnce(port, target, count) {
  const sockets = await Promise.all(Array.from({ length: count }, () => new Promise(
    (resolve, reject) => {
      const s = net.createConnection({ host: '127.0.0.1', port }, () => resolve(s));
      s.once('error', reject);
    })));
  const answers = sockets.map((s) => new Promise((resolve, reject) => {
    const chunks = [];
    s.on('data', (c) => chunks.push(c));
    s.once('error', reject);
    s.once('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(
      Buffer.concat(chunks).toString('latin1'))?.[1])));
  }));
  for (const s of sockets) {
    s.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
  }
  return Promise.all(answers);
}

// The resident's path: code → choice → confirmation → receipt.
async function donate(base, code) {
  const s = await session(base);
  const choice = await s.post('/doneren', { code });
  assert.equal(choice.status, 200, `the printed code is known: ${choice.text.slice(0, 2000)}`);
  assert.ok(radioIds(choice.text).includes(initiative), 'the initiative is offered');
  const confirm = await s.post('/doneren/kiezen', { code, initiatief: initiative });
  assert.equal(confirm.status, 200);
  const done = await s.post('/doneren/bevestigen', { code, initiatief: initiative });
  assert.equal(done.status, 303);
  const location = done.headers.get('location');
  assert.ok(receiptId(location), `a receipt: ${location}`);
  assert.equal((await s.get(location)).status, 200);
}

// The shipped server block with its port moved: `listen 80` becomes the free port on
// 127.0.0.1, `listen [::]:80` goes, and the documented paths move under the temp root.
function nginxServerBlock(text, port) {
  const out = rooted(text)
    .replace(/^(\s*)listen 80;$/m, `$1listen 127.0.0.1:${port};`)
    .replace(/^\s*listen \[::\]:80;\n/m, '');
  assert.notEqual(out, text);
  return out;
}

// What Debian's /etc/nginx/nginx.conf gives a site, in the temp prefix (pid, logs, temp paths).
function nginxMain(dir) {
  const asRoot = process.getuid?.() === 0;
  return `${asRoot ? 'user root;\n' : ''}worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
events {}
http {
  include mime.types;
  default_type application/octet-stream;
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/tmp/body;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  proxy_temp_path ${dir}/tmp/proxy;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
  include buurtsamen.conf;
}
`;
}

describe('systemd-analyze verify', () => {
  test('passes on the installed units', async (t) => {
    if (!(await has('systemd-analyze'))) {
      t.skip('systemd-analyze is missing (apt-get install systemd)');
      return;
    }
    // The installed units with their paths under the temp root, so that verify finds the
    // binary they run; MANPATH lets it find the installed man page their Documentation= names.
    const dir = path.join(root, 'verify');
    await fs.mkdir(dir, { recursive: true });
    const units = [];
    for (const u of UNITS) {
      units.push(path.join(dir, u));
      await fs.writeFile(units.at(-1),
        rooted(await fs.readFile(path.join(root, UNIT_DIR, u), 'utf8')));
    }
    try {
      const r = await run('systemd-analyze', ['verify', ...units], {
        env: { ...process.env, SYSTEMD_LOG_COLOR: '0',
          MANPATH: path.join(root, 'usr/share/man') },
      });
      assert.equal(r.stderr.trim(), '', `no complaints:\n${r.stderr}`);
    } catch (err) {
      assert.fail(`systemd-analyze verify failed:\n${err.stdout}\n${err.stderr}`);
    }
  });
});

describe('two checkouts build the same binary', () => {
  test('byte for byte', async () => {
    // The checkout's own build (make rebuilds it when the flags differ) against a copy of
    // the sources built in another directory with the same make command line.
    await make(['build/buurtsamen']);
    const copy = await tempDir('buurtsamen-other-checkout-');
    try {
      for (const f of ['Makefile', 'src', 'sql', 'static', 'templates']) {
        await fs.cp(path.join(ROOT, f), path.join(copy, f), { recursive: true });
      }
      await run('make', ['-C', copy, '--no-print-directory', '-j2', 'build/buurtsamen'],
        { timeout: 600_000, maxBuffer: 64 * 1024 * 1024 });
      const [a, b] = await Promise.all([path.join(ROOT, 'build/buurtsamen'),
        path.join(copy, 'build/buurtsamen')].map((f) => fs.readFile(f)));
      assert.ok(a.equals(b), `the same bytes from ${ROOT} and ${copy}`);
    } finally {
      await removeTemp(copy);
    }
  });
});

describe('make deb', () => {
  test('builds a package that lintian accepts and that holds every file', async (t) => {
    if (!(await has('dpkg-buildpackage'))) {
      t.skip('dpkg-buildpackage is missing (deploy/install-deps test installs it)');
      return;
    }
    await make(['deb'], { timeout: 900_000 });
    const debs = (await fs.readdir(path.join(ROOT, 'build/deb')))
      .filter((f) => /^buurtsamen_.*\.deb$/.test(f));
    assert.equal(debs.length, 1, `one package: ${debs}`);
    const deb = path.join(ROOT, 'build/deb', debs[0]);

    // The .changes: both packages (with -dbgsym) and the .buildinfo.
    const changes = deb.replace(/\.deb$/, '.changes');
    const lintian = await run('lintian', ['--tag-display-limit', '0', changes])
      .catch((err) => err);
    assert.equal(typeof lintian.stdout, 'string', `lintian ran: ${lintian.message ?? ''}`);
    const tags = lintian.stdout.split('\n').filter(Boolean);
    const errors = tags.filter((l) => /^E: /.test(l));
    assert.deepEqual(errors, [], `lintian errors:\n${tags.join('\n')}`);

    const list = (await run('dpkg-deb', ['-c', deb])).stdout;
    for (const f of ['./usr/bin/buurtsamen', './usr/share/buurtsamen/static/site.css',
      './usr/share/man/man1/buurtsamen.1.gz', './etc/buurtsamen/buurtsamen.ini',
      './usr/share/doc/buurtsamen/copyright', ...UNITS.map((u) => `./${UNIT_DIR}/${u}`)]) {
      assert.ok(list.split('\n').some((l) => l.endsWith(` ${f}`)), `the package holds ${f}`);
    }
    const conffiles = (await run('dpkg-deb', ['-I', deb, 'conffiles'])).stdout;
    assert.match(conffiles, /^\/etc\/buurtsamen\/buurtsamen\.ini$/m);
    const postinst = (await run('dpkg-deb', ['-I', deb, 'postinst'])).stdout;
    assert.match(postinst, /adduser --system/);
    assert.match(postinst, /\/var\/lib\/buurtsamen/);
    // dh_installsystemd --no-enable --no-start: symlinks only for units the operator enabled.
    assert.doesNotMatch(postinst, /was-enabled defaults to true|deb-systemd-invoke start/,
      'the units are shipped disabled');
  });
});
