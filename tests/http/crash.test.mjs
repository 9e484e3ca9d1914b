// Crash safety: a storm of donations, the server killed hard (SIGKILL) at a random moment,
// then restarted on the same database. Every donation the server acknowledged (303 to a
// receipt) must be in the ledger, a re-submit of its code must give the same receipt, and
// `verify` must pass. Three rounds, each with fresh codes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { makeDemoDb, removeDb, runBin, sql } from '../lib/server.mjs';
import {
  issueCodes, openCityWideInitiative, receiptId, session, startKillableServe,
} from '../lib/vouchers.mjs';

const ROUNDS = 3;
// Enough that the storm is still going when the kill comes (1.5 s at most).
const CODES_PER_ROUND = 6000;
const WORKERS = 8;

let db;
let initiative;

before(async () => {
  db = await makeDemoDb();
  // City-wide and open, with room for far more vouchers than the storms can bring.
  initiative = openCityWideInitiative(db, 'Proef: storm van donaties', 10_000_000);
});

after(async () => {
  if (db) await removeDb(db);
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * WORKERS loops, each taking the next code and confirming its donation, until the server is
 * gone. Resolves with {acked: Map code → Location, statuses: {status: count}, sent}.
 */
async function storm(server, codes) {
  const s = await session(server.base);
  const acked = new Map();
  const statuses = {};
  let nextCode = 0;
  let sent = 0;
  const worker = async () => {
    while (nextCode < codes.length) {
      const code = codes[nextCode++];
      let res;
      try {
        sent++;
        res = await s.post('/doneren/bevestigen', { code, initiatief: initiative });
      } catch {
        return; // the server is gone: this request was never acknowledged
      }
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      if (res.status === 303) acked.set(code, res.headers.get('location'));
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, worker));
  return { acked, statuses, sent };
}

test(`${ROUNDS} times: SIGKILL during a donation storm loses no acknowledged donation`,
  { timeout: 300_000 }, async (t) => {
    for (let round = 1; round <= ROUNDS; round++) {
      const codes = await issueCodes(db, CODES_PER_ROUND);
      const donationsBefore = Number(sql(db, "SELECT count(*) FROM ledger WHERE kind = 'donation'"));
      const server = await startKillableServe({ db, threads: 4 });
      let restarted;
      try {
        const delay = 200 + randomInt(1301);
        const running = storm(server, codes);
        await sleep(delay);
        const exit = await server.kill('SIGKILL');
        assert.equal(exit.signal, 'SIGKILL', `round ${round}: killed, not exited by itself`);
        const { acked, statuses, sent } = await running;
        const where = `round ${round} (killed after ${delay} ms, ${sent} sent, ` +
          `${acked.size} acknowledged, statuses ${JSON.stringify(statuses)})`;
        assert.ok(acked.size > 0, `${where}: some donations were acknowledged before the kill`);
        assert.ok(acked.size < codes.length, `${where}: the kill came during the storm`);
        const other = Object.keys(statuses).filter((st) => st !== '303');
        assert.deepEqual(other, [], `${where}: every answer was a receipt`);

        // Every acknowledged ledger id is a donation in the ledger, each exactly once.
        const ids = [...acked.values()].map(receiptId);
        assert.ok(ids.every((id) => Number.isInteger(id)), `${where}: receipt addresses`);
        assert.equal(new Set(ids).size, ids.length, `${where}: one ledger row per code`);
        const found = Number(sql(db, `SELECT count(*) FROM ledger WHERE id IN (${ids.join(',')})
          AND kind = 'donation' AND initiative_id = ${initiative}`));
        assert.equal(found, ids.length, `${where}: every acknowledged donation survived`);
        const donated = Number(sql(db, "SELECT count(*) FROM ledger WHERE kind = 'donation'")) -
          donationsBefore;
        assert.ok(donated >= acked.size && donated <= sent,
          `${where}: ${donated} new donations, between acknowledged and sent`);

        t.diagnostic(`${where}: ${donated} in the ledger`);

        const v = await runBin(['--db', db, 'verify']);
        assert.equal(v.code, 0, `${where}: verify after the kill\n${v.stdout}${v.stderr}`);

        // After a restart, a re-submit of an acknowledged code gives the same receipt.
        restarted = await startKillableServe({ db, threads: 2 });
        const s = await session(restarted.base);
        for (const [code, location] of acked) {
          const res = await s.post('/doneren/bevestigen', { code, initiatief: initiative });
          assert.equal(res.status, 303, `${where}: re-submit of ${code}`);
          assert.equal(res.headers.get('location'), location, `${where}: same receipt for ${code}`);
        }
        const receipt = await s.get([...acked.values()][0]);
        assert.equal(receipt.status, 200, `${where}: the receipt page`);
        assert.match(receipt.text, /Bedankt!/);
        const afterResubmit = Number(sql(db,
          "SELECT count(*) FROM ledger WHERE kind = 'donation'")) - donationsBefore;
        assert.equal(afterResubmit, donated, `${where}: re-submits add nothing`);
      } finally {
        if (server.alive()) await server.kill('SIGKILL');
        if (restarted) {
          const exit = await restarted.kill('SIGTERM');
          assert.deepEqual(exit, { code: 0, signal: null }, 'the restarted server stops cleanly');
        }
      }
      const v = await runBin(['--db', db, 'verify']);
      assert.equal(v.code, 0, `round ${round}: verify at the end\n${v.stdout}${v.stderr}`);
    }
  });
