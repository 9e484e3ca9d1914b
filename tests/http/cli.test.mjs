// The command line: exit status 0 ok, 1 failure, 2 wrong usage, each with a one-line reason.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import {
  freePort, makeDemoDb, removeDb, runBin, sql, startServe, tempDir, removeTemp,
} from '../lib/server.mjs';

let db;
let dir;

before(async () => {
  db = await makeDemoDb();
  dir = await tempDir('buurtsamen-cli-');
});

after(async () => {
  if (db) await removeDb(db);
  if (dir) await removeTemp(dir);
});

// A database's secret key (for voucher codes) lives beside it, outside the database and so
// outside its backup; restoring a backup means putting the key back beside it too.
async function restoreKey(from, to) {
  if (existsSync(`${from}.key`)) await fs.copyFile(`${from}.key`, `${to}.key`);
}

async function copyDb(name) {
  const copy = path.join(dir, name);
  const r = await runBin(['--db', db, 'backup', copy]);
  assert.equal(r.code, 0, r.stderr);
  await restoreKey(db, copy);
  return copy;
}

describe('help and usage', () => {
  test('--help prints the commands and exits 0', async () => {
    const r = await runBin(['--help']);
    assert.equal(r.code, 0, r.stderr);
    const out = r.stdout + r.stderr;
    assert.match(out, /usage: buurtsamen/);
    for (const cmd of ['init', 'serve', 'fcgi', 'verify', 'backup']) {
      assert.match(out, new RegExp(`\\b${cmd}\\b`), `mentions ${cmd}`);
    }
  });

  for (const cmd of ['init', 'serve', 'fcgi', 'verify', 'backup']) {
    test(`${cmd} --help exits 0 with a usage line`, async () => {
      const r = await runBin([cmd, '--help']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout + r.stderr, new RegExp(`usage: buurtsamen ${cmd}`));
    });
  }

  test('an unknown command exits 2 with one line that names it', async () => {
    const r = await runBin(['--db', db, 'frobnicate']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /frobnicate/);
    assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
  });

  test('no command at all exits 2', async () => {
    const r = await runBin(['--db', db]);
    assert.equal(r.code, 2);
  });

  test('a missing argument exits 2', async () => {
    const r = await runBin(['--db', db, 'backup']);
    assert.equal(r.code, 2);
    assert.match(r.stdout + r.stderr, /usage: buurtsamen backup/);
  });

  test('an unknown option exits 2', async () => {
    const r = await runBin(['--db', db, 'verify', '--frobnicate']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /frobnicate/);
  });
});

describe('verify and backup', () => {
  test('verify exits 0 on the demo database', async () => {
    const r = await runBin(['--db', db, 'verify']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /ok/);
  });

  test('verify takes the database from BUURTSAMEN_DB', async () => {
    const r = await runBin(['verify'], { env: { ...process.env, BUURTSAMEN_DB: db } });
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });

  test('backup writes a copy on which verify passes and the server runs', async () => {
    const copy = path.join(dir, 'backup.db');
    const r = await runBin(['--db', db, 'backup', copy]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(copy));
    const v = await runBin(['--db', copy, 'verify']);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    const count = sql(copy, 'SELECT count(*) FROM initiatives').trim();
    assert.equal(count, sql(db, 'SELECT count(*) FROM initiatives').trim());
    await restoreKey(db, copy);
    const server = await startServe({ db: copy });
    try {
      const res = await fetch(`${server.base}/initiatieven/5`);
      assert.equal(res.status, 200);
      assert.match(await res.text(), /Speeltuin aan de Rietstraat/);
    } finally {
      await server.stop();
    }
  });

  test('backup while the server runs gives a consistent copy', async () => {
    const server = await startServe({ db });
    try {
      const copy = path.join(dir, 'live.db');
      const r = await runBin(['--db', db, 'backup', copy]);
      assert.equal(r.code, 0, r.stderr);
      const v = await runBin(['--db', copy, 'verify']);
      assert.equal(v.code, 0, v.stdout + v.stderr);
      assert.equal((await fetch(`${server.base}/healthz`)).status, 200);
    } finally {
      await server.stop();
    }
  });

  test('backup to an unwritable place exits 1', async () => {
    const r = await runBin(['--db', db, 'backup', path.join(dir, 'no-such-dir', 'x.db')]);
    assert.equal(r.code, 1);
    assert.ok(r.stderr.trim().length > 0, 'says why');
  });

  test('verify exits 1 and names the breach when the budget does not add up', async () => {
    const broken = await copyDb('broken-budget.db');
    sql(broken, `UPDATE budget_lines SET amount_cents = amount_cents + 100
                 WHERE id = (SELECT min(id) FROM budget_lines WHERE initiative_id = 5)`);
    const r = await runBin(['--db', broken, 'verify']);
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stdout, /FAIL .*budget/);
  });

  test('verify exits 1 when a funded initiative is below its target', async () => {
    const broken = await copyDb('broken-funded.db');
    sql(broken, 'UPDATE initiatives SET raised_cents = 0 WHERE id = 17');
    const r = await runBin(['--db', broken, 'verify']);
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stdout, /FAIL /);
  });

  test('verify on a file that is not a database exits 1', async () => {
    const junk = path.join(dir, 'junk.db');
    await fs.writeFile(junk, 'dit is geen database\n'.repeat(100));
    const r = await runBin(['--db', junk, 'verify']);
    assert.equal(r.code, 1, r.stdout + r.stderr);
  });

  test('verify on a missing directory exits 1', async () => {
    const r = await runBin(['--db', path.join(dir, 'missing', 'x.db'), 'verify']);
    assert.equal(r.code, 1);
    assert.ok(r.stderr.trim().length > 0);
  });
});

describe('database newer than the program', () => {
  test('serve refuses it with a clear message and exit 1', async () => {
    const future = await copyDb('future.db');
    sql(future, "INSERT INTO schema_migrations (version, name) VALUES (999, '999_future.sql')");
    const port = await freePort();
    const r = await runBin(['--db', future, 'serve', '--listen', `127.0.0.1:${port}`],
      { timeoutMs: 10_000 });
    assert.equal(r.signal, null, 'exits by itself instead of serving');
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /999/);
    assert.match(r.stderr, /newer|nieuwer/i);
    // It did not start listening.
    await assert.rejects(fetch(`http://127.0.0.1:${port}/healthz`));
  });

  test('fcgi refuses it too', async () => {
    const future = await copyDb('future-fcgi.db');
    sql(future, "INSERT INTO schema_migrations (version, name) VALUES (999, '999_future.sql')");
    const r = await runBin(['--db', future, 'fcgi', '--socket', path.join(dir, 'f.sock')],
      { timeoutMs: 10_000 });
    assert.equal(r.signal, null, 'exits by itself');
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /999/);
  });

  test('verify reports it as a breach', async () => {
    const future = await copyDb('future-verify.db');
    sql(future, "INSERT INTO schema_migrations (version, name) VALUES (999, '999_future.sql')");
    const r = await runBin(['--db', future, 'verify']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /schema version/);
  });
});

describe('serve', () => {
  test('logs where it listens and which database, and stops cleanly on SIGTERM', async () => {
    const server = await startServe({ db, threads: 3 });
    const exit = await server.stop();
    assert.deepEqual(exit, { code: 0, signal: null }, server.output());
    assert.match(server.output(), /buurtsamen serving http:\/\/127\.0\.0\.1:\d+/);
    assert.ok(server.output().includes(db), 'names the database');
    assert.match(server.output(), /3 threads/);
  });

  test('a port held by another program is a failure with exit 1', async () => {
    const holder = net.createServer();
    await new Promise((r) => holder.listen(0, '127.0.0.1', r));
    try {
      const { port } = holder.address();
      const r = await runBin(['--db', db, 'serve', '--listen', `127.0.0.1:${port}`],
        { timeoutMs: 3000 });
      assert.equal(r.signal, null, 'exits by itself');
      assert.equal(r.code, 1, r.stderr);
      assert.ok(r.stderr.trim().length > 0, 'says why');
    } finally {
      await new Promise((r) => holder.close(r));
    }
  });

  test('a port held by another buurtsamen serve is a failure with exit 1', async () => {
    // Two servers sharing one port (each with its own database) would split the traffic.
    const server = await startServe({ db });
    try {
      const r = await runBin(['--db', db, 'serve', '--listen', `127.0.0.1:${server.port}`],
        { timeoutMs: 3000 });
      assert.equal(r.signal, null, 'exits by itself instead of sharing the port');
      assert.equal(r.code, 1, r.stderr);
    } finally {
      await server.stop();
    }
  });

  test('a malformed --listen is wrong usage', async () => {
    for (const listen of ['nonsense', '127.0.0.1:99999', '127.0.0.1:']) {
      const r = await runBin(['--db', db, 'serve', '--listen', listen], { timeoutMs: 10_000 });
      assert.equal(r.signal, null, `${listen}: exits by itself`);
      assert.ok(r.code === 2 || r.code === 1, `${listen}: exit ${r.code}`);
    }
  });
});
