// Hygiene of what the site answers: pages that show a voucher code, a management link or
// personal data are never stored by a cache or the browser's history (no-store); a text field
// with characters the site cannot store comes back with a message next to that field.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decode, textOf } from '../lib/pages.mjs';
import { removeDb, sql, startServe } from '../lib/server.mjs';
import { initiativeFields, login, makeDemoDbWithStaff, submitInitiative } from '../lib/staff.mjs';
import { formBody, httpRequest, issueCodes, radioIds, session } from '../lib/vouchers.mjs';

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
    // Another last character (a fixed one would leave a code that already ends in it valid).
    const wrong = codes[1].replace(/.$/, (c) => (c === '2' ? '3' : '2'));
    const refused = await s.post('/doneren', { code: wrong });
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

/** POSTs an urlencoded body written by hand (raw escapes such as %FF), with s's token. */
function postRaw(s, p, raw) {
  return httpRequest(new URL(p, server.base), { method: 'POST', localAddress: s.localAddress,
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: s.cookie },
    body: `${formBody({ _csrf: s.csrf })}&${raw}` });
}

const BAD_TEXT = /tekens die we niet kunnen opslaan/;
const ledgerRows = () => Number(sql(db, 'SELECT count(*) FROM ledger'));

describe('a field with characters the site cannot store comes back with a message at it', () => {
  for (const [what, raw] of [['a control character', '%01'], ['invalid UTF-8', '%FF'],
    ['a noncharacter', '%EF%BF%BE'], ['an escape sequence', '%1B%5B31m']]) {
    test(`the code form: ${what} in the code`, async () => {
      const s = await session(server.base);
      const before = ledgerRows();
      const code = codes[0].replaceAll('-', '');
      const res = await postRaw(s, '/doneren', `code=${code.slice(0, 8)}${raw}${code.slice(8)}`);
      assert.equal(res.status, 422, `${what}: the form again`);
      const field = /<div class="field field-error">([\s\S]*?)<\/div>/.exec(res.text)?.[1] ?? '';
      assert.match(textOf(field), BAD_TEXT, 'the message is inside the code field');
      assert.match(field, /aria-invalid="true"/);
      const shown = decode(/<input id="code"[^>]*value="([^"]*)"/.exec(res.text)?.[1] ?? 'none');
      assert.ok(shown.startsWith(code.slice(0, 8)), `the input kept: ${shown}`);
      // eslint-disable-next-line no-control-regex
      assert.doesNotMatch(res.text, /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFD]/,
        'the bad characters are not echoed');
      assert.equal(ledgerRows(), before, 'nothing stored');
    });
  }

  test('the several-codes form: the list comes back with the message, nothing donated', async () => {
    const s = await session(server.base);
    const before = ledgerRows();
    const res = await postRaw(s, '/doneren/meerdere',
      `initiatief=${CITY_WIDE}&codes=${encodeURIComponent(codes[1])}%0D%0AAB%0BCD`);
    assert.equal(res.status, 422);
    assert.match(textOf(res.text), BAD_TEXT);
    assert.equal(ledgerRows(), before, 'not one code donated');
  });

  test('a form without a typed field (a bare button) is still refused as a whole, 400', async () => {
    const res = await httpRequest(new URL('/beheer/uitloggen', server.base), {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'titel=a%01b' });
    assert.equal(res.status, 400);
    assert.match(textOf(res.text), /stuurteken of een ongeldig teken/);
  });

  test('a query with such characters is refused, 400', async () => {
    const res = await httpRequest(new URL('/initiatieven?q=a%01b', server.base));
    assert.equal(res.status, 400);
  });
});

describe('text is stored in NFC, so that what looks the same compares the same', () => {
  test('a news title typed with a combining diaeresis is stored composed', async () => {
    const staff = await login(server.base, demo.beheerder.username, demo.beheerder.password);
    const decomposed = 'Feest in de Scho\u0308ppe';
    const area = sql(db, "SELECT id FROM areas WHERE slug = 'de-riet'").trim();
    const res = await staff.post('/beheer/berichten/nieuw', { gebied: area, titel: decomposed,
      tekst: 'Cafe\u0301 open.', publiceren: 'ja' });
    assert.ok(res.status === 303 || res.status === 200, `saved: ${res.status}`);
    const hex = sql(db, "SELECT hex(title) || ' ' || hex(body) FROM news WHERE title LIKE 'Feest in de Sch%'")
      .trim();
    assert.equal(hex, `${Buffer.from('Feest in de Schöppe'.normalize('NFC')).toString('hex')
      .toUpperCase()} ${Buffer.from('Café open.'.normalize('NFC')).toString('hex').toUpperCase()}`);
  });
});
