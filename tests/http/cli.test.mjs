// The command line: exit status 0 ok, 1 failure, 2 wrong usage, each with a one-line reason.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import {
  ROOT, freePort, makeDemoDb, removeDb, runBin, sql, startServe, tempDir, removeTemp,
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

  // Every command that --help lists answers --help itself and has its section in the man page.
  test('--help, each command\'s --help and the man page name the same commands', async () => {
    const top = (await runBin(['--help'])).stdout;
    const commands = [...top.matchAll(/^ {2}([a-z]+)\b/gm)].map((m) => m[1]);
    assert.ok(commands.includes('area'), 'area is a command');
    assert.ok(commands.length >= 12, commands.join(' '));
    const man = readFileSync(path.join(ROOT, 'doc', 'buurtsamen.1'), 'utf8');
    for (const cmd of commands) {
      const r = await runBin([cmd, '--help']);
      assert.equal(r.code, 0, `${cmd} --help: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`usage: buurtsamen ${cmd}`), `${cmd} --help`);
      assert.match(man, new RegExp(`^\\.(B|BI|TP\\n\\.B) "?${cmd}\\b`, 'm'), `${cmd} in the man page`);
    }
  });

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
    await restoreKey(db, copy);
    const v = await runBin(['--db', copy, 'verify']);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    const count = sql(copy, 'SELECT count(*) FROM initiatives').trim();
    assert.equal(count, sql(db, 'SELECT count(*) FROM initiatives').trim());
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
      await restoreKey(db, copy);
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

describe('the key file', () => {
  // A database made by a plain `init` (no vouchers yet), in its own folder.
  async function plainDb(name) {
    const sub = path.join(dir, name);
    await fs.mkdir(sub);
    const file = path.join(sub, 'site.db');
    const r = await runBin(['--db', file, 'init']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.ok(existsSync(`${file}.key`), 'init makes the key beside the database');
    return file;
  }

  // One line on stderr, exit 1, naming the key file.
  function refused(r, keyFile, what) {
    assert.equal(r.signal, null, `${what}: exits by itself`);
    assert.equal(r.code, 1, `${what}: exit 1\n${r.stdout}${r.stderr}`);
    assert.ok(r.stderr.includes(keyFile), `${what}: names ${keyFile}:\n${r.stderr}`);
    const lines = r.stderr.trim().split('\n').filter((l) => !/applied migration/.test(l));
    assert.equal(lines.length, 1, `${what}: one line:\n${r.stderr}`);
  }

  test('serve and fcgi refuse a database without its key file and make none', async () => {
    const file = await plainDb('nokey');
    await fs.rm(`${file}.key`);
    const port = await freePort();
    const r = await runBin(['--db', file, 'serve', '--listen', `127.0.0.1:${port}`],
      { timeoutMs: 10_000 });
    refused(r, `${file}.key`, 'serve');
    assert.match(r.stderr, /missing/);
    assert.ok(!existsSync(`${file}.key`), 'serve made no key file');
    const f = await runBin(['--db', file, 'fcgi', '--socket', path.join(dir, 'nokey.sock')],
      { timeoutMs: 10_000 });
    refused(f, `${file}.key`, 'fcgi');
    assert.ok(!existsSync(`${file}.key`), 'fcgi made no key file');
  });

  test('every other command refuses to run without the key file', async () => {
    const copy = await copyDb('nokey-demo.db');
    await fs.rm(`${copy}.key`);
    const commands = [
      ['verify'], ['backup', path.join(dir, 'nokey-backup.db')], ['user', 'list'],
      ['round', 'list'], ['export', 'totals', '--format', 'csv'], ['housekeeping'],
      ['mail', 'send'], ['vouchers', 'issue', '--round', '1', '--out', path.join(dir, 'x.csv')],
    ];
    for (const cmd of commands) {
      const r = await runBin(['--db', copy, ...cmd], { timeoutMs: 20_000 });
      refused(r, `${copy}.key`, cmd.join(' '));
    }
    assert.ok(!existsSync(`${copy}.key`), 'no command made a key file');
    assert.ok(!existsSync(path.join(dir, 'nokey-backup.db')));
  });

  test('init makes no new key for a database that was set up with one', async () => {
    const file = await plainDb('lostkey');
    await fs.rm(`${file}.key`);
    const r = await runBin(['--db', file, 'init']);
    refused(r, `${file}.key`, 'init');
    assert.match(r.stderr, /restore/);
    assert.ok(!existsSync(`${file}.key`));
  });

  test('the key file of another database is refused by every command', async () => {
    const a = await plainDb('keya');
    const b = await plainDb('keyb');
    await fs.copyFile(`${b}.key`, `${a}.key`);
    const port = await freePort();
    for (const cmd of [['serve', '--listen', `127.0.0.1:${port}`], ['init'], ['user', 'list'],
      ['verify'], ['backup', path.join(dir, 'wrongkey.db')]]) {
      const r = await runBin(['--db', a, ...cmd], { timeoutMs: 10_000 });
      refused(r, `${a}.key`, cmd[0]);
      assert.match(r.stderr, /does not match this database/, cmd[0]);
    }
    // The demo database's vouchers were hashed with its own key: another one is refused.
    const demoCopy = await copyDb('wrongkey-demo.db');
    await fs.copyFile(`${b}.key`, `${demoCopy}.key`);
    const r = await runBin(['--db', demoCopy, 'vouchers', 'issue', '--round', '1',
      '--out', path.join(dir, 'wrongkey.csv')]);
    refused(r, `${demoCopy}.key`, 'vouchers issue');
    assert.match(r.stderr, /does not match/);
  });

  test('--config alone finds the database and the key file for every command', async () => {
    const sub = path.join(dir, 'configured');
    await fs.mkdir(sub);
    const ini = path.join(sub, 'buurtsamen.ini');
    const file = path.join(sub, 'buurtsamen.db');
    const key = path.join(sub, 'geheim.key');
    await fs.writeFile(ini, `[server]\ndb = ${file}\nkey_file = ${key}\n`);
    const init = await runBin(['--config', ini, 'init']);
    assert.equal(init.code, 0, init.stderr);
    assert.ok(existsSync(key), 'init made the configured key file');
    assert.ok(!existsSync(`${file}.key`), 'and no second one beside the database');
    for (const cmd of [['user', 'list'], ['round', 'list'], ['verify'],
      ['backup', path.join(sub, 'copy.db')], ['housekeeping']]) {
      const r = await runBin(['--config', ini, ...cmd]);
      assert.equal(r.code, 0, `${cmd.join(' ')}: ${r.stderr}${r.stdout}`);
    }
    const viaEnv = await runBin(['user', 'list'],
      { env: { ...process.env, BUURTSAMEN_DB: '', BUURTSAMEN_CONFIG: ini } });
    assert.equal(viaEnv.code, 0, viaEnv.stderr);
    // --db wins over the config's db; the key stays the configured one, which must match.
    const other = await plainDb('configured-other');
    const r = await runBin(['--config', ini, '--db', other, 'user', 'list']);
    refused(r, key, '--db with --config');
    assert.match(r.stderr, /does not match/);
    const envDb = await runBin(['--config', ini, 'user', 'list'],
      { env: { ...process.env, BUURTSAMEN_DB: other } });
    refused(envDb, key, 'BUURTSAMEN_DB with --config');
    // serve on the configured paths, and still no key file beside the database.
    const server = await startServe({ config: ini });
    try {
      assert.equal((await fetch(`${server.base}/healthz`)).status, 200);
      assert.ok(server.output().includes(file), 'serves the configured database');
    } finally {
      await server.stop();
    }
    assert.ok(!existsSync(`${file}.key`));
  });

  test('a database from before key fingerprints gets one from the first command', async () => {
    const copy = await copyDb('legacy.db');
    sql(copy, 'DELETE FROM key_fingerprint');
    const r = await runBin(['--db', copy, 'user', 'list']);
    assert.equal(r.code, 0, r.stderr);
    // It has vouchers that the key cannot be checked against: it says so.
    assert.match(r.stderr, /fingerprint recorded.*could not be checked/);
    assert.equal(sql(copy, 'SELECT count(*) FROM key_fingerprint').trim(), '1');
    assert.equal(sql(copy, 'SELECT hex(fingerprint) FROM key_fingerprint').trim(),
      sql(db, 'SELECT hex(fingerprint) FROM key_fingerprint').trim(), 'the same key, the same print');
    // From then on another key is refused.
    const other = await plainDb('legacy-other');
    await fs.copyFile(`${other}.key`, `${copy}.key`);
    const wrong = await runBin(['--db', copy, 'user', 'list']);
    refused(wrong, `${copy}.key`, 'user list');
  });
});

describe('area', () => {
  test('add, list and edit wijken and buurten, each change audited; bad input changes nothing',
    async () => {
      const count = () => Number(sql(db, 'SELECT count(*) FROM areas').trim());
      const audits = () => Number(sql(db,
        "SELECT count(*) FROM audit_log WHERE action = 'area-save'").trim());
      const [areas, audited] = [count(), audits()];
      let r = await runBin(['--db', db, 'area', 'add', 'Noorderhaven', '--kind', 'wijk',
        '--venue-name', "'t Haventje", '--director-email', 'haven@almelo.example']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /\/wijken\/noorderhaven/);
      r = await runBin(['--db', db, 'area', 'add', 'Kade', '--kind', 'buurt',
        '--parent', 'noorderhaven']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(count(), areas + 2);
      assert.equal(audits(), audited + 2, 'each addition is audited');
      r = await runBin(['--db', db, 'area', 'edit', 'noorderhaven', '--description',
        'Aan het water.\nMet een haven.']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(sql(db, "SELECT venue_name || '|' || description FROM areas " +
        "WHERE slug = 'noorderhaven'").trim(), "'t Haventje|Aan het water.\nMet een haven.");
      assert.equal(audits(), audited + 3);
      const list = await runBin(['--db', db, 'area', 'list']);
      assert.equal(list.code, 0);
      assert.match(list.stdout, /buurt\s+kade\s+Kade\s+Noorderhaven/);

      for (const [args, code] of [
        [['area', 'add', 'Noorderhaven', '--kind', 'wijk'], 1], // the slug is taken
        [['area', 'add', 'Los', '--kind', 'buurt'], 1], // a buurt without its wijk
        [['area', 'add', 'Los', '--kind', 'buurt', '--parent', 'kade'], 1], // a buurt's buurt
        [['area', 'add', 'Los', '--kind', 'stad'], 1],
        [['area', 'add', 'Los'], 2],
        [['area', 'add', 'Bel\u0007', '--kind', 'wijk'], 2],
        [['area', 'add', 'x'.repeat(81), '--kind', 'wijk'], 2],
        [['area', 'edit', 'atlantis', '--name', 'X'], 1],
        [['area', 'edit', 'noorderhaven', '--director-email', 'geen-adres'], 2],
        [['area', 'edit', 'noorderhaven', '--name', ''], 2],
        [['area', 'edit', 'noorderhaven', '--colour', 'blauw'], 2],
        [['area', 'remove', 'noorderhaven'], 2],
      ]) {
        const bad = await runBin(['--db', db, ...args]);
        assert.equal(bad.code, code, `${args.join(' ')}: ${bad.stderr}`);
        assert.equal(bad.stderr.trim().split('\n').length, 1, `${args.join(' ')}: one line`);
      }
      assert.equal(count(), areas + 2, 'nothing was added');
      assert.equal(audits(), audited + 3, 'nothing was changed');
    });
});
