// Backup, restore and upgrade: `backup` of a 50 MB database finishes while residents donate,
// the copy passes `verify`; the restore of the README (a fresh folder, the copy and the key
// file) gives a site that runs; a newer program on an older database writes a backup before
// it migrates and says where.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  ROOT, makeDemoDb, removeDb, runBin, sql, startServe, tempDir, removeTemp,
} from '../lib/server.mjs';
import { issueCodes, openCityWideInitiative, receiptId, session } from '../lib/vouchers.mjs';

// Enough codes that the storm outlasts a backup that holds one snapshot by far; a backup that
// starts again on every write runs until they are all used up.
const CODES = 4000;
const WORKERS = 8;
const FILLER_ROWS = 50_000; // of 1000 random bytes: the database grows to about 50 MB

let db;
let dir;
let initiative;
let codes;

before(async () => {
  db = await makeDemoDb();
  dir = await tempDir('buurtsamen-backup-');
  initiative = openCityWideInitiative(db, 'Proef: donaties tijdens de backup', 10_000_000);
  codes = await issueCodes(db, CODES);
  sql(db, `CREATE TABLE filler (id INTEGER PRIMARY KEY, data BLOB NOT NULL);
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${FILLER_ROWS})
    INSERT INTO filler SELECT i, randomblob(1000) FROM n;`);
});

after(async () => {
  if (db) await removeDb(db);
  if (dir) await removeTemp(dir);
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const one = (file, statement) => sql(file, statement).trim();

/**
 * WORKERS loops confirming one donation each until the codes run out or stop() is called;
 * acked() is the number of receipts so far. done resolves with {acked, statuses, ranOut}.
 */
function storm(base) {
  let next = 0;
  let acked = 0;
  let stopped = false;
  const statuses = {};
  const done = (async () => {
    const s = await session(base);
    const worker = async () => {
      while (!stopped && next < codes.length - 1) { // the last one is for the restore
        const code = codes[next++];
        const res = await s.post('/doneren/bevestigen', { code, initiatief: initiative });
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        if (res.status === 303 && receiptId(res.headers.get('location'))) acked++;
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, worker));
    return { acked, statuses, ranOut: !stopped };
  })();
  return { done, acked: () => acked, stop: () => { stopped = true; } };
}

describe('backup', () => {
  test('a 50 MB database is backed up during a donation storm; the copy passes verify',
    { timeout: 240_000 }, async (t) => {
      const size = (await fs.stat(db)).size;
      assert.ok(size > 45_000_000, `the database is about 50 MB (${size} bytes)`);
      const server = await startServe({ db, threads: 4 });
      const copy = path.join(dir, 'under-load.db');
      try {
        const load = storm(server.base);
        // Let the storm get going first.
        const warmup = Date.now() + 30_000;
        while (load.acked() < 200 && Date.now() < warmup) await sleep(20);
        const before = load.acked();
        const started = Date.now();
        const r = await runBin(['--db', db, 'backup', copy], { timeoutMs: 180_000 });
        const seconds = (Date.now() - started) / 1000;
        const during = load.acked() - before;
        load.stop();
        const { acked, statuses, ranOut } = await load.done;
        t.diagnostic(`backup took ${seconds.toFixed(2)} s; ${during} donations during it ` +
          `(${(during / seconds).toFixed(0)}/s); ${acked} in all, statuses ` +
          JSON.stringify(statuses));
        assert.equal(r.signal, null, `backup finished by itself:\n${r.stderr}`);
        assert.equal(r.code, 0, r.stderr);
        assert.ok(!ranOut, 'the backup finished while the donations were still going on');
        assert.ok(during > 0, 'donations went on while the backup ran');
        assert.deepEqual(Object.keys(statuses), ['303'], 'every donation got its receipt');
      } finally {
        await server.stop();
      }
      // No temporary file is left behind, and the copy is only readable by its owner.
      assert.deepEqual((await fs.readdir(dir)).filter((f) => f.startsWith('under-load.db')),
        ['under-load.db']);
      assert.equal((await fs.stat(copy)).mode & 0o777, 0o600);
      assert.equal(one(copy, 'PRAGMA journal_mode'), 'delete', 'one self-contained file');
      await fs.copyFile(`${db}.key`, `${copy}.key`);
      const v = await runBin(['--db', copy, 'verify']);
      assert.equal(v.code, 0, v.stdout + v.stderr);
      assert.equal(one(copy, 'SELECT count(*) FROM filler'), String(FILLER_ROWS));
      const copied = Number(one(copy, "SELECT count(*) FROM ledger WHERE kind = 'donation'"));
      const live = Number(one(db, "SELECT count(*) FROM ledger WHERE kind = 'donation'"));
      assert.ok(copied > 0 && copied <= live, `${copied} donations in the copy, ${live} live`);
    });

  test('the restore of the README: a fresh folder, the copy and the key file', async () => {
    const copy = path.join(dir, 'nightly.db');
    const r = await runBin(['--db', db, 'backup', copy]);
    assert.equal(r.code, 0, r.stderr);
    // As an operator does it: an empty state folder, the database and the key file put where
    // the config names them, then verify and start.
    const state = path.join(dir, 'restored');
    await fs.mkdir(state);
    const ini = path.join(state, 'buurtsamen.ini');
    const restored = path.join(state, 'buurtsamen.db');
    const key = path.join(state, 'buurtsamen.key');
    await fs.writeFile(ini, `[server]\ndb = ${restored}\nkey_file = ${key}\n`);
    await fs.copyFile(copy, restored);
    // Without the key file nothing runs, and no command makes a new one.
    const nokey = await runBin(['--config', ini, 'verify']);
    assert.equal(nokey.code, 1);
    assert.ok(nokey.stderr.includes(key), nokey.stderr);
    assert.ok(!existsSync(key));
    await fs.copyFile(`${db}.key`, key);
    const v = await runBin(['--config', ini, 'verify']);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    const server = await startServe({ config: ini });
    try {
      const res = await fetch(`${server.base}/initiatieven/5`);
      assert.equal(res.status, 200);
      assert.match(await res.text(), /Speeltuin aan de Rietstraat/);
      // A voucher issued before the backup still works on the restored site.
      const s = await session(server.base);
      const code = codes[codes.length - 1];
      const done = await s.post('/doneren/bevestigen', { code, initiatief: initiative });
      assert.equal(done.status, 303, 'a printed code is still known after the restore');
    } finally {
      await server.stop();
    }
  });
});

// The newest migration this program knows: the highest sql/NNN_*.sql.
const LATEST = Math.max(...readdirSync(path.join(ROOT, 'sql'))
  .map((f) => /^(\d{3})_.*\.sql$/.exec(f)?.[1]).filter(Boolean).map(Number));

describe('upgrade', () => {
  // A database older than the program, as an installation of schema 4 left it: the repo's own
  // migrations 001–004 applied by the sqlite3 tool and recorded as the program records them,
  // with some data of its own, and the key file an init of that time made.
  async function olderDb(name) {
    const sub = path.join(dir, name);
    await fs.mkdir(sub);
    const file = path.join(sub, 'buurtsamen.db');
    const scratch = path.join(sub, 'scratch.db');
    const r = await runBin(['--db', scratch, 'init']);
    assert.equal(r.code, 0, r.stderr);
    await fs.copyFile(`${scratch}.key`, `${file}.key`);
    const old = readdirSync(path.join(ROOT, 'sql')).filter((f) => /^00[1-4]_.*\.sql$/.test(f))
      .sort();
    assert.equal(old.length, 4);
    const schema = old.map((f) => readFileSync(path.join(ROOT, 'sql', f), 'utf8')).join('\n');
    // Through standard input: the migration files start with comments.
    execFileSync('sqlite3', ['-bail', file], { input: `${schema}
      CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,
        applied_at TEXT NOT NULL DEFAULT (datetime('now'))) STRICT;
      ${old.map((f) => `INSERT INTO schema_migrations(version, name) VALUES (${Number(f.slice(0, 3))}, '${f}');`).join('\n')}
      CREATE TABLE upgrade_marker (value TEXT); INSERT INTO upgrade_marker VALUES ('ja');` });
    assert.ok(LATEST > 4, 'the program knows newer migrations');
    return { file, backup: `${file}.pre-migration-005` };
  }

  test('a newer program writes a backup before migrating and says where', async () => {
    const { file, backup } = await olderDb('older');
    const server = await startServe({ db: file });
    let output;
    try {
      assert.equal((await fetch(`${server.base}/healthz`)).status, 200);
    } finally {
      await server.stop();
      output = server.output();
    }
    assert.ok(output.includes(`backup before migrating written to ${backup}`), output);
    assert.ok(existsSync(backup), 'the backup is beside the database');
    // The backup is the database as it was: schema 4, with its data; the database is migrated.
    assert.equal(one(backup, 'SELECT max(version) FROM schema_migrations'), '4');
    assert.equal(one(backup, "SELECT count(*) FROM sqlite_schema WHERE name = 'key_fingerprint'"),
      '0');
    assert.equal(one(backup, 'SELECT value FROM upgrade_marker'), 'ja');
    assert.equal(one(backup, 'PRAGMA integrity_check'), 'ok');
    assert.equal(one(file, 'SELECT max(version) FROM schema_migrations'), String(LATEST));
    assert.equal(one(file, 'SELECT count(*) FROM key_fingerprint'), '1');
    const v = await runBin(['--db', file, 'verify']);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    // An up-to-date database gets no second backup.
    await fs.rm(backup);
    const again = await runBin(['--db', file, 'user', 'list']);
    assert.equal(again.code, 0, again.stderr);
    assert.ok(!existsSync(backup), 'no backup without pending migrations');
  });

  test('when that backup cannot be written the database is not migrated', async () => {
    const { file, backup } = await olderDb('older-blocked');
    await fs.mkdir(backup); // a directory where the backup should go: the rename fails
    const r = await runBin(['--db', file, 'user', 'list']);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /not migrating/);
    assert.ok(r.stderr.includes(backup), r.stderr);
    assert.equal(one(file, 'SELECT max(version) FROM schema_migrations'), '4');
  });
});
