// The built-in HTTP server's own work, before and after the pages: keep-alive for every
// method, and the refusals it answers itself (431, 400, 413) through the one exit every
// response takes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { randomInt } from 'node:crypto';
import {
  checkRefusal, defineKeepAliveTests, defineRefusalTests, donationStorm,
} from '../lib/front.mjs';
import {
  makeDemoDb, rawRequest, removeDb, removeTemp, runBin, sql, startServe, tempDir,
} from '../lib/server.mjs';
import {
  issueCodes, issueVouchers, makeDemoDbWithCodes, openCityWideInitiative, receiptId, session,
} from '../lib/vouchers.mjs';

let server;
let db;

before(async () => {
  db = await makeDemoDb();
  server = await startServe({ db, threads: 2 });
});

after(async () => {
  await server?.stop();
  if (db) await removeDb(db);
});

describe('keep-alive under serve', () => {
  defineKeepAliveTests(() => server.port);
});

describe('refusals under serve', () => {
  defineRefusalTests(() => server.port, () => server.output());

  test('HTTP/1.1 without Host → 400 through the common exit', async () => {
    const r = await rawRequest(server.port, 'GET / HTTP/1.1\r\nConnection: close\r\n\r\n');
    checkRefusal(r, 400, 'no Host');
    assert.match(r.body, /Host/);
  });
});

// A database on a small file system of its own (tmpfs), so that it can be filled up under a
// running server; this needs the right to mount (root in the test machine),
// and is skipped with the reason where it is not given.
function tryMount(dir, size) {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    return null;
  } catch (err) {
    return `cannot mount a tmpfs (${String(err.stderr ?? err.message).trim()})`;
  }
}

describe('a database that cannot be written', () => {
  test('full disk: health says so (503 and why); a donation says "tijdelijk geen donaties ' +
    'verwerken"; back to normal afterwards', async (t) => {
    const made = await makeDemoDbWithCodes();
    const initiative = openCityWideInitiative(made.db, 'Proef: volle schijf', 10_000_000);
    const fresh = await issueVouchers(made.db, 4);
    const mnt = await tempDir('buurtsamen-tmpfs-');
    const why = tryMount(mnt, '16m');
    if (why) {
      t.skip(why);
      await removeDb(made.db);
      return;
    }
    let srv;
    try {
      const dbPath = path.join(mnt, 'demo.db');
      await fs.copyFile(made.db, dbPath);
      await fs.copyFile(`${made.db}.key`, `${dbPath}.key`);
      srv = await startServe({ db: dbPath, threads: 2 });
      const s = await session(srv.base);
      const donate = (code) => s.post('/doneren/bevestigen', { code, initiatief: initiative });
      const health = async () => {
        const r = await fetch(`${srv.base}/healthz`);
        return { status: r.status, text: (await r.text()).trim() };
      };
      const acked = [];
      const first = await donate(fresh[0].code);
      assert.equal(first.status, 303, 'a donation works while there is room');
      acked.push(receiptId(first.headers.get('location')));

      // Full disk: a file takes what is left.
      const filler = path.join(mnt, 'filler');
      const fh = await fs.open(filler, 'w');
      try {
        const chunk = Buffer.alloc(1 << 20, 1);
        for (;;) await fh.write(chunk);
      } catch (err) {
        assert.equal(err.code, 'ENOSPC');
      } finally {
        await fh.close();
      }
      let h = await health();
      assert.equal(h.status, 503, `healthz on a full disk: ${h.text}`);
      assert.match(h.text, /full/);
      let r = await donate(fresh[1].code);
      assert.equal(r.status, 503);
      assert.match(r.text, /tijdelijk geen donaties verwerken/);
      assert.doesNotMatch(r.text, /druk/);

      // Room again: healthy, and the refused voucher still works. (A file system made
      // read-only under a running server cannot be had here: remount refuses while files are
      // open for writing; test_ledger_unavailable covers SQLITE_READONLY.)
      await fs.rm(filler);
      h = await health();
      assert.deepEqual(h, { status: 200, text: 'ok' });
      r = await donate(fresh[1].code);
      assert.equal(r.status, 303, 'the refused voucher still works');
      acked.push(receiptId(r.headers.get('location')));
      const exit = await srv.stop();
      srv = null;
      assert.deepEqual(exit, { code: 0, signal: null });
      const found = Number(sql(dbPath, `SELECT count(*) FROM ledger WHERE id IN (${acked.join(',')})`));
      assert.equal(found, acked.length, 'every acknowledged donation is in the ledger');
      const v = await runBin(['--db', dbPath, 'verify']);
      assert.equal(v.code, 0, v.stdout + v.stderr);
    } finally {
      await srv?.stop();
      try {
        execFileSync('umount', [mnt]);
      } catch { /* already gone */ }
      await removeTemp(mnt);
      await removeDb(made.db);
    }
  });
});

describe('graceful stop under serve', () => {
  const ROUNDS = 5;
  test(`${ROUNDS} times: SIGTERM during a donation storm answers what it took and exits 0`,
    { timeout: 300_000 }, async (t) => {
      const stormDb = await makeDemoDb();
      const initiative = openCityWideInitiative(stormDb, 'Proef: stoppen', 10_000_000);
      try {
        for (let round = 1; round <= ROUNDS; round++) {
          const codes = await issueCodes(stormDb, 1500);
          const srv = await startServe({ db: stormDb, threads: 4 });
          const s = await session(srv.base);
          const storm = donationStorm(s, codes, initiative);
          const delay = 200 + randomInt(600);
          await new Promise((r) => setTimeout(r, delay));
          const exit = await srv.stop();
          const { acked, statuses, lost } = await storm;
          const where = `round ${round} (stopped after ${delay} ms, ${acked.size} ` +
            `acknowledged, statuses ${JSON.stringify(statuses)})`;
          t.diagnostic(where);
          assert.deepEqual(exit, { code: 0, signal: null }, `${where}: exits 0`);
          assert.match(srv.output(), /buurtsamen stopped/, `${where}: a clean stop`);
          assert.deepEqual(lost, [], `${where}: every request it took was answered`);
          assert.deepEqual(Object.keys(statuses), ['303'], `${where}: only receipts`);
          assert.ok(acked.size > 0 && acked.size < codes.length, `${where}: stopped mid-storm`);
          const ids = [...acked.values()].map(receiptId);
          const found = Number(sql(stormDb, `SELECT count(*) FROM ledger WHERE id IN
            (${ids.join(',')}) AND kind = 'donation'`));
          assert.equal(found, ids.length, `${where}: every acknowledged donation is in the ledger`);
          const v = await runBin(['--db', stormDb, 'verify']);
          assert.equal(v.code, 0, `${where}: verify\n${v.stdout}${v.stderr}`);
        }
        const wal = await fs.stat(`${stormDb}-wal`).catch(() => null);
        assert.ok(!wal || wal.size === 0, 'the WAL was checkpointed at the stop');
      } finally {
        await removeDb(stormDb);
      }
    });
});
