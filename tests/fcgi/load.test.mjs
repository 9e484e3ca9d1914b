// The FastCGI front under load through nginx: a burst of 200 residents confirming at once all
// get the application's answer (none nginx's 502), and a stop (SIGTERM) in the middle of a
// storm of donations answers every request it took, loses no acknowledged donation, joins
// its workers and exits 0 — five times over.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { donationStorm } from '../lib/front.mjs';
import { makeDemoDb, removeDb, runBin, sql, startNginxFcgi } from '../lib/server.mjs';
import { issueCodes, openCityWideInitiative, receiptId, session } from '../lib/vouchers.mjs';

let db;
let initiative;

before(async () => {
  db = await makeDemoDb();
  initiative = openCityWideInitiative(db, 'Proef: drukte via FastCGI', 10_000_000);
});

after(async () => {
  if (db) await removeDb(db);
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function assertInLedger(acked, where) {
  const ids = [...acked.values()].map(receiptId);
  assert.ok(ids.every(Number.isInteger), `${where}: receipt addresses`);
  if (!ids.length) return;
  const found = Number(sql(db, `SELECT count(*) FROM ledger WHERE id IN (${ids.join(',')})
    AND kind = 'donation' AND initiative_id = ${initiative}`));
  assert.equal(found, ids.length, `${where}: every acknowledged donation is in the ledger`);
}

test('200 concurrent donations through nginx: every one answered by the application',
  { timeout: 120_000 }, async () => {
    const codes = await issueCodes(db, 200);
    const front = await startNginxFcgi({ db });
    try {
      const s = await session(front.base);
      const results = await Promise.all(codes.map((code) => s.post('/doneren/bevestigen',
        { code, initiatief: initiative }).catch((err) => ({ status: err.code ?? err.message }))));
      const statuses = {};
      for (const r of results) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      assert.deepEqual(statuses, { 303: 200 }, 'every resident gets a receipt');
      const acked = new Map(codes.map((c, i) => [c, results[i].headers.get('location')]));
      assertInLedger(acked, 'burst');
    } finally {
      const exits = await front.stop();
      assert.deepEqual(exits.fcgi, { code: 0, signal: null });
    }
  });

const ROUNDS = 5;

test(`${ROUNDS} times: SIGTERM during a donation storm answers what it took and exits 0`,
  { timeout: 300_000 }, async (t) => {
    for (let round = 1; round <= ROUNDS; round++) {
      const codes = await issueCodes(db, 1500);
      const front = await startNginxFcgi({ db, threads: 8 });
      let stopped = false;
      try {
        const s = await session(front.base);
        const storm = donationStorm(s, codes, initiative);
        const delay = 200 + randomInt(600);
        await sleep(delay);
        const exit = await front.stopFcgi();
        stopped = true;
        const { acked, statuses, refused, lost } = await storm;
        const where = `round ${round} (stopped after ${delay} ms, ${acked.size} acknowledged, ` +
          `statuses ${JSON.stringify(statuses)})`;
        t.diagnostic(where);
        assert.deepEqual(exit, { code: 0, signal: null }, `${where}: fcgi exits 0`);
        assert.match(front.output(), /buurtsamen stopped/, `${where}: a clean stop`);
        assert.deepEqual(lost, [], `${where}: no request went unanswered`);
        assert.equal(refused, 0, `${where}: nginx answers, never refuses`);
        const other = Object.keys(statuses).filter((st) => st !== '303' && st !== '502');
        assert.deepEqual(other, [], `${where}: receipts, then nginx's 502 once it has gone`);
        assert.ok(acked.size > 0 && acked.size < codes.length, `${where}: stopped mid-storm`);
        // A 502 only for requests that came after the stop, never one cut off by it.
        const log = await fs.readFile(path.join(front.dir, 'error.log'), 'utf8');
        assert.doesNotMatch(log, /prematurely closed|reset by peer|Broken pipe/,
          `${where}: nginx saw no request cut off`);
        assertInLedger(acked, where);
      } finally {
        if (!stopped) await front.stopFcgi();
        await front.stop();
      }
      const v = await runBin(['--db', db, 'verify']);
      assert.equal(v.code, 0, `round ${round}: verify\n${v.stdout}${v.stderr}`);
    }
  });
