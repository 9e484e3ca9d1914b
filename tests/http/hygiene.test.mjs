// Hygiene of what the site answers: pages that show a voucher code, a management link or
// personal data are never stored by a cache or the browser's history (no-store); a text field
// with characters the site cannot store comes back with a message next to that field.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { removeDb, sql, startServe } from '../lib/server.mjs';
import { initiativeFields, login, makeDemoDbWithStaff, submitInitiative } from '../lib/staff.mjs';
import { issueCodes, radioIds, session } from '../lib/vouchers.mjs';

const CITY_WIDE = 16; // open, city-wide, with room for many vouchers in the demo data

let db;
let demo;
let server;
let codes;

before(async () => {
  demo = await makeDemoDbWithStaff();
  db = demo.db;
  codes = await issueCodes(db, 4);
  server = await startServe({ db, threads: 2 });
});

after(async () => {
  await server?.stop();
  if (db) await removeDb(db);
});

const noStore = (res, where) =>
  assert.equal(res.headers.get('cache-control'), 'no-store', `${where}: Cache-Control`);

describe('Cache-Control: no-store on every page that shows a code, a link or personal data', () => {
  test('the donation flow: code form, choice, confirmation, receipt, several codes', async () => {
    const s = await session(server.base);
    const code = codes[0];
    noStore(await s.get(`/doneren?code=${encodeURIComponent(code)}`), 'the QR link');
    const choice = await s.post('/doneren', { code });
    assert.equal(choice.status, 200);
    assert.ok(radioIds(choice.text).includes(CITY_WIDE), 'the choice page');
    noStore(choice, 'the choice page (carries the code)');
    const confirm = await s.post('/doneren/kiezen', { code, initiatief: CITY_WIDE });
    assert.match(confirm.text, /Bevestig uw donatie/);
    noStore(confirm, 'the confirmation (carries the code)');
    const refused = await s.post('/doneren', { code: codes[1].replace(/.$/, '2') });
    assert.ok(refused.status >= 400);
    noStore(refused, 'a refused code, shown back in the field');
    const done = await s.post('/doneren/bevestigen', { code, initiatief: CITY_WIDE });
    assert.equal(done.status, 303);
    const receipt = await s.get(done.headers.get('location'));
    assert.equal(receipt.status, 200);
    noStore(receipt, 'the receipt (what this household supported)');
    const multi = await s.post('/doneren/meerdere', { initiatief: CITY_WIDE,
      codes: `${codes[2]}\n${codes[3]}` });
    assert.equal(multi.status, 200);
    noStore(multi, 'the several-codes results');
  });

  test('the management link and the staff pages', async () => {
    const { path } = await submitInitiative(server.base,
      initiativeFields({ titel: 'Geen cache voor de beheerlink', email: 'nocache@example.org' }));
    assert.ok(path, 'a management link');
    const s = await session(server.base);
    noStore(await s.get(path), 'the management page');
    const staff = await login(server.base, demo.beheerder.username, demo.beheerder.password);
    for (const p of ['/beheer', '/beheer/medewerkers', '/beheer/email', '/beheer/auditlog']) {
      const res = await staff.get(p);
      assert.equal(res.status, 200, p);
      noStore(res, p);
    }
  });
});
