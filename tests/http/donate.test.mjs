// Donating a voucher through the built-in HTTP server: code → choice → confirmation → receipt,
// the receipt again on a repeat, a clear Dutch message with the right status for every code
// that cannot be used, CSRF, the QR link and a preselected initiative, several codes at once,
// throttling of unknown codes per client address; the ledger passes `verify` afterwards.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkHtmlPage, checkSecurityHeaders, decode, euro, fetchPage, mainOf, textOf,
} from '../lib/pages.mjs';
import { removeDb, runBin, sql, sqlString as q, startServe } from '../lib/server.mjs';
import {
  ALPHABET, addRound, bare, currentRound, formatCode, groups, issueVouchers,
  ledgerCount, makeDemoDbWithCodes, radioIds, randomCode, receiptId, replaceVoucher, session,
  typo,
} from '../lib/vouchers.mjs';

let db;
let demo; // {codes, used} printed by init --demo
let server;
let s; // a resident's session: CSRF cookie and token
let fresh; // unused vouchers of Binnenstad households: [{code, postcode, huisnummer}]
let round; // the current round's id
let donationsAtStart;

const CITY_WIDE_ROOM = 16; // open, city-wide, € 1.225 short of its target in the demo data
const CITY_WIDE_OTHER = 15; // open, city-wide, € 75 short
const DE_RIET = 5; // open, in De Riet: outside Binnenstad
const FUNDED = 17; // gefinancierd, Binnenstad

before(async () => {
  const made = await makeDemoDbWithCodes();
  db = made.db;
  demo = made;
  server = await startServe({ db, threads: 2 });
  s = await session(server.base);
  round = currentRound(db);
  assert.ok(round, 'the demo data has a round open now');
  fresh = await issueVouchers(db, 40);
  donationsAtStart = ledgerCount(db, 'donation');
});

after(async () => {
  await server?.stop();
  if (db) await removeDb(db);
});

let next = 0;
/** An unused Binnenstad voucher that no other test touches. */
function freshVoucher() {
  assert.ok(next < fresh.length, 'enough fresh vouchers issued');
  return fresh[next++];
}

/** The explanation the page shows: the field's error message or the notice box. */
function messageOf(html) {
  const m = /<p class="error-message"[^>]*>([\s\S]*?)<\/p>/.exec(html) ??
    /<div class="notice"[^>]*>([\s\S]*?)<\/div>/.exec(html);
  return m ? textOf(m[1]).replace(/^Fout: /, '') : '';
}

/** The value attribute of the input with the given id. */
function inputValue(html, id) {
  const tag = new RegExp(`<input\\b[^>]*\\bid="${id}"[^>]*>`).exec(html)?.[0];
  assert.ok(tag, `the page has <input id="${id}">`);
  return decode(/\bvalue="([^"]*)"/.exec(tag)?.[1] ?? '');
}

/** The value of the hidden input with the given name (null when there is none). */
function hidden(html, name) {
  const re = new RegExp(`<input type="hidden" name="${name}" value="([^"]*)">`);
  const m = re.exec(html);
  return m ? decode(m[1]) : null;
}

function assertPage(res, where, status) {
  assert.equal(res.status, status, `${where}: status (${messageOf(res.text)})`);
  checkHtmlPage(res, where);
  checkSecurityHeaders(res.headers, where);
}

/** Asserts a refusal on the code form: status, the words of its message, the field marked. */
function assertRefused(res, where, status, words) {
  assertPage(res, where, status);
  const msg = messageOf(res.text);
  assert.match(msg, words, `${where}: message "${msg}"`);
  assert.ok(!radioIds(res.text).length, `${where}: no choice of initiatives`);
}

/** The initiatives a household of `areaName` (a wijk or dorp) may give to, from the database. */
function eligibleIds(areaName) {
  return sql(db, `SELECT i.id FROM initiatives i LEFT JOIN areas a ON a.id = i.area_id
      LEFT JOIN areas p ON p.id = a.parent_id
    WHERE i.state = 'open' AND (i.deadline IS NULL OR i.deadline > datetime('now'))
      AND i.raised_cents < i.target_cents
      AND (i.area_id IS NULL OR coalesce(p.name, a.name) = ${q(areaName)})
    ORDER BY i.id`).trim().split('\n').filter(Boolean).map(Number);
}

const raisedOf = (id) => Number(sql(db, `SELECT raised_cents FROM initiatives WHERE id = ${id}`));
const titleOf = (id) => sql(db, `SELECT title FROM initiatives WHERE id = ${id}`).trim();
const escaped = (t) => t.replaceAll('&', '&amp;').replaceAll("'", '&#39;').replaceAll('"', '&quot;');

/** The € raised on an initiative's public page, in cents. */
async function shownRaised(id) {
  const res = await fetchPage(server.base, `/initiatieven/${id}`);
  assert.equal(res.status, 200);
  const m = /<p class="progress-text"><strong class="amount">€\s([\d.,]+)<\/strong>/
    .exec(mainOf(res.text));
  assert.ok(m, `/initiatieven/${id} shows the amount raised`);
  return euro(m[1]);
}

/** Confirms a donation; asserts the 303 to a receipt and returns the receipt's address. */
async function donate(code, initiative, who = s) {
  const res = await who.post('/doneren/bevestigen', { code, initiatief: initiative });
  assert.equal(res.status, 303, `donating ${code} to ${initiative}: ${messageOf(res.text)}`);
  const location = res.headers.get('location');
  assert.ok(receiptId(location), `a receipt address: ${location}`);
  return location;
}

describe('the way in', () => {
  test('the home page shows the current round and leads to /doneren', async () => {
    const res = await fetchPage(server.base, '/');
    assertPage(res, '/', 200);
    const name = sql(db, `SELECT name FROM rounds WHERE id = ${round}`).trim();
    assert.ok(res.text.includes(`Voucherronde ${name}`), `names the round "${name}"`);
    assert.match(res.text, /<a class="button[^"]*" href="\/doneren">Voucher doneren<\/a>/);
  });

  test('GET /doneren: the code form with a CSRF token bound to an HttpOnly cookie', async () => {
    const res = await fetchPage(server.base, '/doneren');
    assertPage(res, '/doneren', 200);
    assert.match(s.setCookie, /^bs_csrf=[^;]+;.*HttpOnly/i, 'the CSRF cookie is HttpOnly');
    assert.match(s.setCookie, /SameSite=Lax/i, 'and SameSite=Lax');
    assert.match(res.text, /<form\b[^>]*method="post"[^>]*action="\/doneren"/);
    assert.match(res.text, /<label for="code">Vouchercode<\/label>/);
    assert.equal(inputValue(res.text, 'code'), '');
    assert.ok(hidden(res.text, '_csrf'), 'the form carries a token');
  });
});

describe('one voucher, start to finish', () => {
  // The alphabet of the helpers is the one of the printed codes.
  test('the code alphabet has 31 characters and none of 0, O, 1, I, L', () => {
    assert.equal(ALPHABET.length, 31);
    assert.doesNotMatch(ALPHABET, /[0O1IL]/);
    for (const c of demo.codes) assert.match(bare(c.code), new RegExp(`^[${ALPHABET}]{16}$`));
  });

  test('code → choice → confirmation → receipt; a repeat gives the same receipt', async () => {
    const { code } = demo.codes.find((c) => c.area === 'Binnenstad');
    const target = CITY_WIDE_ROOM;
    const title = titleOf(target);
    const ledgerBefore = ledgerCount(db);
    const shownBefore = await shownRaised(target);
    const raisedBefore = raisedOf(target);

    const choice = await s.post('/doneren', { code });
    assertPage(choice, 'POST /doneren', 200);
    assert.deepEqual(radioIds(choice.text).sort((a, b) => a - b), eligibleIds('Binnenstad'),
      'exactly the open initiatives of Binnenstad and the city-wide ones');
    assert.ok(radioIds(choice.text).includes(target));
    assert.equal(hidden(choice.text, 'code'), code, 'the code goes along to the next step');
    assert.match(choice.text, /<form method="post" action="\/doneren\/kiezen">/);

    const confirm = await s.post('/doneren/kiezen', { code, initiatief: target });
    assertPage(confirm, 'POST /doneren/kiezen', 200);
    assert.ok(confirm.text.includes(escaped(title)), 'names the initiative');
    assert.ok(confirm.text.includes('€\u00a07,50'), 'names the amount');
    assert.match(confirm.text, /<form method="post" action="\/doneren\/bevestigen"/);
    assert.match(confirm.text,
      /<button type="submit" class="button">Ja, doneer mijn voucher<\/button>/);
    assert.equal(hidden(confirm.text, 'initiatief'), String(target));
    assert.equal(ledgerCount(db), ledgerBefore, 'nothing is donated before the confirmation');

    const done = await s.post('/doneren/bevestigen', { code, initiatief: target });
    assert.equal(done.status, 303, messageOf(done.text));
    const location = done.headers.get('location');
    const id = receiptId(location);
    assert.ok(id, `Location is a receipt: ${location}`);
    assert.equal(ledgerCount(db), ledgerBefore + 1, 'one ledger row');
    assert.equal(sql(db, `SELECT kind || ' ' || initiative_id || ' ' || amount_cents FROM ledger
      WHERE id = ${id}`).trim(), `donation ${target} 750`, 'the receipt names that row');

    const receipt = await s.get(location);
    assertPage(receipt, location, 200);
    const main = textOf(mainOf(receipt.text));
    assert.match(main, /Bedankt!/);
    assert.ok(main.includes(`€ 7,50 gaat naar ${title}`), `receipt: ${main.slice(0, 200)}`);
    assert.ok(!receipt.text.includes(code) && !receipt.text.includes(bare(code)),
      'the receipt does not show the code');

    const again = await s.post('/doneren/bevestigen', { code, initiatief: target });
    assert.equal(again.status, 303, `a repeat is not an error: ${messageOf(again.text)}`);
    assert.equal(again.headers.get('location'), location, 'the same receipt');
    const otherTab = await session(server.base);
    assert.equal(await donate(code, target, otherTab), location, 'from another tab too');
    assert.equal(ledgerCount(db), ledgerBefore + 1, 'the repeats add nothing');

    assert.equal(raisedOf(target), raisedBefore + 750);
    assert.equal(await shownRaised(target), shownBefore + 750,
      'the initiative page shows € 7,50 more');
  });

  test('the receipt address only works with its signature', async () => {
    const location = await donate(freshVoucher().code, CITY_WIDE_ROOM);
    assert.equal((await s.get(location)).status, 200);
    const [, id, sig] = /(\d+)-([0-9a-f]+)$/.exec(location);
    const wrongSig = sig.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    for (const p of [`/doneren/ontvangst/${id}-${wrongSig}`, `/doneren/ontvangst/${id}`,
      `/doneren/ontvangst/${Number(id) - 1}-${sig}`, '/doneren/ontvangst/999999-00']) {
      const res = await s.get(p);
      assert.equal(res.status, 404, p);
    }
  });

  test('a code may be typed in lower case, with spaces instead of hyphens', async () => {
    const { code } = fresh[fresh.length - 1];
    const res = await s.post('/doneren', { code: ` ${code.toLowerCase().replaceAll('-', ' ')} ` });
    assertPage(res, 'POST /doneren (lower case)', 200);
    assert.ok(radioIds(res.text).length > 0);
  });

  test('each demo household sees the initiatives of its own wijk or dorp and city-wide', async () => {
    for (const c of demo.codes.slice(1)) {
      const res = await s.post('/doneren', { code: c.code });
      assertPage(res, `POST /doneren (${c.area})`, 200);
      const ids = radioIds(res.text).sort((a, b) => a - b);
      assert.deepEqual(ids, eligibleIds(c.area), `${c.area}: the choice`);
    }
  });
});

describe('codes that cannot be used', () => {
  test('a typo (any one character changed) is 400 "klopt niet" and changes nothing', async () => {
    const { code } = freshVoucher();
    const before = ledgerCount(db);
    for (let at = 0; at < 16; at++) {
      const wrong = typo(code, at);
      const res = await s.post('/doneren', { code: wrong });
      assertRefused(res, `typo at ${at}`, 400, /klopt niet/);
      assert.equal(inputValue(res.text, 'code'), wrong, 'the input keeps what was typed');
      assert.match(res.text, /<input id="code"[^>]*aria-invalid="true"/, 'the field is marked');
      assert.match(res.text, /aria-describedby="code-hint code-error"/, 'the message is tied to it');
    }
    const raw = bare(code);
    const swapped = formatCode(raw[1] + raw[0] + raw.slice(2));
    if (swapped !== formatCode(raw)) {
      assertRefused(await s.post('/doneren', { code: swapped }), 'two swapped', 400, /klopt niet/);
    }
    const confirm = await s.post('/doneren/bevestigen',
      { code: typo(code), initiatief: CITY_WIDE_ROOM });
    assertRefused(confirm, 'typo at confirmation', 400, /klopt niet/);
    assert.equal(ledgerCount(db), before);
    assert.equal((await s.post('/doneren', { code })).status, 200, 'the right code still works');
  });

  test('the wrong number of characters is 400', async () => {
    const { code } = freshVoucher();
    for (const wrong of [code.slice(0, 14), `${code}-A`, code.slice(0, 4), `${code}2`]) {
      assertRefused(await s.post('/doneren', { code: wrong }), `length: ${wrong}`, 400,
        /16 tekens/);
    }
    assertRefused(await s.post('/doneren', { code: '' }), 'empty', 400, /vul .*code/i);
    assertRefused(await s.post('/doneren', {}), 'no field', 400, /code/i);
  });

  test('characters that never occur in codes (O, 0, I, 1, L) are 400', async () => {
    const { code } = freshVoucher();
    for (const bad of ['O', '0', 'I', '1', 'L', 'é', '!']) {
      const wrong = bad + code.slice(1);
      const res = await s.post('/doneren', { code: wrong });
      assertRefused(res, `character ${bad}`, 400, /teken/);
      assert.doesNotMatch(messageOf(res.text), /klopt niet/, 'told apart from a typo');
    }
  });

  test('an unknown code with a valid check character is 404 "kennen we niet"', async () => {
    const before = ledgerCount(db);
    const unknown = randomCode();
    assertRefused(await s.post('/doneren', { code: unknown }), 'unknown', 404, /kennen we niet/);
    assertRefused(await s.post('/doneren/kiezen', { code: randomCode(), initiatief: CITY_WIDE_ROOM }),
      'unknown at the choice', 404, /kennen we niet/);
    assertRefused(await s.post('/doneren/bevestigen',
      { code: randomCode(), initiatief: CITY_WIDE_ROOM }), 'unknown at confirmation', 404,
    /kennen we niet/);
    assert.equal(ledgerCount(db), before);
  });

  test('a used code is 409 and says only that it was used: never where, never the address', async () => {
    const v = freshVoucher();
    await donate(v.code, CITY_WIDE_ROOM);
    const title = titleOf(CITY_WIDE_ROOM);
    const before = ledgerCount(db);
    for (const [p, fields] of [['/doneren', { code: v.code }],
      ['/doneren/kiezen', { code: v.code, initiatief: CITY_WIDE_OTHER }],
      ['/doneren/bevestigen', { code: v.code, initiatief: CITY_WIDE_OTHER }]]) {
      const res = await s.post(p, fields);
      assertRefused(res, `used at ${p}`, 409, /al gebruikt/);
      const msg = messageOf(res.text);
      assert.ok(!msg.includes(title), `${p}: does not name "${title}": ${msg}`);
      const main = mainOf(res.text);
      assert.ok(!main.includes(v.postcode) && !main.includes('Proefstraat'),
        `${p}: no address of the household`);
    }
    assert.equal(ledgerCount(db), before, 'no second donation');

    const res = await s.post('/doneren', { code: demo.used });
    assertRefused(res, 'the demo\'s used code', 409, /al gebruikt/);
    const msg = messageOf(res.text);
    assert.doesNotMatch(msg, /“|”|"|ging naar/, `names no initiative: ${msg}`);
    assert.doesNotMatch(textOf(mainOf(res.text)), /\b[1-9]\d{3} ?[A-Z]{2}\b/, 'no postcode');
  });

  test('a code of a round that has not begun is 409 "nog niet begonnen"', async () => {
    const last = sql(db, 'SELECT max(closes_at) FROM rounds').trim();
    const day = (d, n) => new Date(Date.parse(`${d.slice(0, 10)}T00:00:00Z`) + n * 86_400_000)
      .toISOString().slice(0, 10);
    const future = await addRound(db, 'Proefronde later', day(last, 3), day(last, 60));
    const [v] = await issueVouchers(db, 1, { round: future });
    const before = ledgerCount(db);
    assertRefused(await s.post('/doneren', { code: v.code }), 'future round', 409,
      /nog niet begonnen/);
    assertRefused(await s.post('/doneren/bevestigen', { code: v.code, initiatief: CITY_WIDE_ROOM }),
      'future round at confirmation', 409, /nog niet begonnen/);
    assert.equal(ledgerCount(db), before);
  });

  test('a replaced (voided) code is 410 "vervangen"; the new one works', async () => {
    const v = freshVoucher();
    const replacement = await replaceVoucher(db, round, v.postcode, v.huisnummer);
    assert.notEqual(bare(replacement), bare(v.code));
    const before = ledgerCount(db);
    assertRefused(await s.post('/doneren', { code: v.code }), 'voided', 410, /vervangen/);
    assertRefused(await s.post('/doneren/bevestigen', { code: v.code, initiatief: CITY_WIDE_ROOM }),
      'voided at confirmation', 410, /vervangen/);
    assert.equal(ledgerCount(db), before);
    const ok = await s.post('/doneren', { code: replacement });
    assertPage(ok, 'the replacement', 200);
    assert.ok(radioIds(ok.text).length > 0);
  });

  test('an initiative that stopped taking vouchers is 409; the voucher stays usable', async () => {
    const v = freshVoucher();
    const before = ledgerCount(db);
    sql(db, `UPDATE initiatives SET state = 'gefinancierd' WHERE id = ${CITY_WIDE_OTHER}`);
    try {
      const res = await s.post('/doneren/bevestigen', { code: v.code, initiatief: CITY_WIDE_OTHER });
      assertPage(res, 'confirm to a closed initiative', 409);
      assert.match(messageOf(res.text), /geen vouchers meer/);
      assert.match(messageOf(res.text), /niet gebruikt/, 'says the voucher was not used');
      assert.equal(ledgerCount(db), before);
      const again = await s.post('/doneren', { code: v.code });
      assertPage(again, 'the same code afterwards', 200);
      assert.ok(!radioIds(again.text).includes(CITY_WIDE_OTHER), 'no longer offered');
      assert.ok(radioIds(again.text).includes(CITY_WIDE_ROOM));
    } finally {
      sql(db, `UPDATE initiatives SET state = 'open' WHERE id = ${CITY_WIDE_OTHER}`);
    }
    await donate(v.code, CITY_WIDE_ROOM);
  });

  test('the choice step already refuses an initiative that is not open (409)', async () => {
    const v = freshVoucher();
    const res = await s.post('/doneren/kiezen', { code: v.code, initiatief: FUNDED });
    assert.equal(res.status, 409, `POST /doneren/kiezen {initiatief: ${FUNDED} (gefinancierd)}: ` +
      `no confirmation of a donation that cannot happen (got ${res.status}: ${
        textOf(mainOf(res.text)).slice(0, 120)})`);
    assert.ok(!res.text.includes('Ja, doneer mijn voucher'));
  });

  test('an initiative outside the household\'s area is 403; the voucher stays usable', async () => {
    const v = freshVoucher();
    const before = ledgerCount(db);
    const res = await s.post('/doneren/bevestigen', { code: v.code, initiatief: DE_RIET });
    assertPage(res, 'confirm outside the area', 403);
    assert.match(messageOf(res.text), /buiten uw wijk/);
    assert.ok(!radioIds(res.text).includes(DE_RIET), 'the list offers only what may be chosen');
    assert.equal(ledgerCount(db), before);
    assert.equal(sql(db, `SELECT count(*) FROM ledger WHERE initiative_id = ${DE_RIET}
      AND at >= datetime('now', '-1 minute')`).trim(), '0');
    assert.equal((await s.post('/doneren', { code: v.code })).status, 200, 'still usable');
  });

  test('the choice step already refuses an initiative outside the area (403)', async () => {
    const v = freshVoucher();
    const res = await s.post('/doneren/kiezen', { code: v.code, initiatief: DE_RIET });
    assert.equal(res.status, 403, `POST /doneren/kiezen {initiatief: ${DE_RIET} (De Riet)} with ` +
      `a Binnenstad code: no confirmation of a donation that cannot happen (got ${res.status}: ${
        textOf(mainOf(res.text)).slice(0, 120)})`);
    assert.ok(!res.text.includes('Ja, doneer mijn voucher'));
  });

  test('an initiative that does not exist is 404', async () => {
    const v = freshVoucher();
    const before = ledgerCount(db);
    const res = await s.post('/doneren/bevestigen', { code: v.code, initiatief: 999999 });
    assertPage(res, 'confirm to initiative 999999', 404);
    for (const bad of ['abc', '-1', '99999999999999999999999']) {
      const r = await s.post('/doneren/bevestigen', { code: v.code, initiatief: bad });
      assert.ok(r.status >= 400 && r.status < 500, `initiatief=${bad}: ${r.status}`);
    }
    assert.equal(ledgerCount(db), before);
  });
});

describe('CSRF', () => {
  test('without a valid token nothing is donated (403)', async () => {
    const v = freshVoucher();
    const other = await session(server.base);
    const before = ledgerCount(db);
    const cases = [
      ['no token', { _csrf: null }, {}],
      ['a wrong token', { _csrf: 'A'.repeat(s.csrf.length) }, {}],
      ['an empty token', { _csrf: '' }, {}],
      ['no cookie', {}, { cookie: null }],
      ['another session\'s token', { _csrf: other.csrf }, {}],
      ['token without cookie', { _csrf: s.csrf }, { cookie: 'bs_csrf=' }],
    ];
    for (const [what, extra, opts] of cases) {
      for (const p of ['/doneren/bevestigen', '/doneren', '/doneren/kiezen', '/doneren/meerdere']) {
        const res = await s.post(p, { code: v.code, initiatief: CITY_WIDE_ROOM, codes: v.code,
          ...extra }, opts);
        assertPage(res, `${p} with ${what}`, 403);
      }
    }
    assert.equal(ledgerCount(db), before, 'the ledger is unchanged');
    await donate(v.code, CITY_WIDE_ROOM);
  });
});

describe('the QR link and a preselected initiative', () => {
  test('GET /doneren?code=CODE fills in the code, and the log does not show it', async () => {
    const { code } = freshVoucher();
    const res = await fetchPage(server.base, `/doneren?code=${encodeURIComponent(code)}`);
    assertPage(res, '/doneren?code=', 200);
    assert.equal(inputValue(res.text, 'code'), code);
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(!server.output().includes(code) && !server.output().includes(bare(code)),
      'the request log leaves the code out');
  });

  test('GET /doneren?initiatief=ID carries the initiative in the form', async () => {
    const res = await fetchPage(server.base, `/doneren?initiatief=${CITY_WIDE_ROOM}`);
    assertPage(res, '/doneren?initiatief=', 200);
    assert.equal(hidden(res.text, 'initiatief'), String(CITY_WIDE_ROOM));
    assert.ok(res.text.includes(escaped(titleOf(CITY_WIDE_ROOM))), 'names it');
    assert.match(res.text, new RegExp(`href="/doneren/meerdere\\?initiatief=${CITY_WIDE_ROOM}"`));
  });

  test('the initiative page links to donating with it preselected', async () => {
    const res = await fetchPage(server.base, `/initiatieven/${CITY_WIDE_ROOM}`);
    assert.match(res.text, new RegExp(`href="/doneren\\?initiatief=${CITY_WIDE_ROOM}"`));
  });

  test('POST /doneren with an eligible preselected initiative goes straight to confirm', async () => {
    const { code } = freshVoucher();
    const res = await s.post('/doneren', { code, initiatief: CITY_WIDE_ROOM });
    assertPage(res, 'POST /doneren with initiatief', 200);
    assert.match(res.text, /<h1>Bevestig uw donatie<\/h1>/);
    assert.match(res.text, /<form method="post" action="\/doneren\/bevestigen"/);
    assert.equal(hidden(res.text, 'initiatief'), String(CITY_WIDE_ROOM));
    assert.ok(res.text.includes(escaped(titleOf(CITY_WIDE_ROOM))));
  });

  test('a preselected initiative the voucher may not go to leads to the choice', async () => {
    const { code } = freshVoucher();
    for (const id of [DE_RIET, FUNDED]) {
      const res = await s.post('/doneren', { code, initiatief: id });
      assertPage(res, `POST /doneren with initiatief ${id}`, 200);
      assert.doesNotMatch(res.text, /Ja, doneer mijn voucher/);
      assert.ok(messageOf(res.text).length > 20, 'explains why');
      assert.deepEqual(radioIds(res.text).sort((a, b) => a - b), eligibleIds('Binnenstad'));
    }
  });
});

describe('several codes at once', () => {
  test('one result row per code, successes and failures with their reason', async () => {
    const a = freshVoucher();
    const b = freshVoucher();
    const used = freshVoucher();
    await donate(used.code, CITY_WIDE_OTHER);
    const typed = typo(freshVoucher().code);
    const unknown = randomCode();
    const before = ledgerCount(db);
    const lines = [a.code, b.code.toLowerCase(), 'bad', typed, unknown, used.code];
    const res = await s.post('/doneren/meerdere', { initiatief: CITY_WIDE_ROOM,
      codes: `${lines.join('\r\n')}\r\n\r\n` });
    assertPage(res, 'POST /doneren/meerdere', 200);
    const rowRe = /<tr class="(result-ok|result-fail)"><td class="code-cell">([^<]*)<\/td><td>([^<]*)<\/td>/g;
    const rows = [...res.text.matchAll(rowRe)]
      .map((m) => ({ ok: m[1] === 'result-ok', code: decode(m[2]), message: decode(m[3]) }));
    assert.equal(rows.length, lines.length, 'a row for each non-empty line');
    assert.deepEqual(rows.map((r) => r.ok), [true, true, false, false, false, false]);
    assert.match(rows[0].message, /[Gg]edoneerd/);
    assert.match(rows[2].message, /16 tekens/);
    assert.match(rows[3].message, /klopt niet/);
    assert.match(rows[4].message, /kennen we niet/);
    assert.match(rows[5].message, /al gebruikt/);
    assert.match(textOf(mainOf(res.text)), /2 van de 6 codes/);
    assert.equal(ledgerCount(db), before + 2, 'exactly the two good codes');

    // The list may be shown on a shared screen: never a whole code, at most its first and
    // last group.
    const page = res.text.toUpperCase();
    const cells = rows.map((r) => r.code.toUpperCase()).join(' ');
    for (const code of [a.code, b.code, typed, unknown, used.code]) {
      assert.ok(!page.includes(bare(code)) && !page.includes(formatCode(bare(code))),
        `${code} is not shown whole`);
      for (const mid of groups(code).middle) {
        assert.ok(!cells.includes(mid), `only the first and last group of ${code} are shown, ` +
          `not ${mid} (code column: ${rows.map((r) => r.code).join(', ')})`);
      }
    }
    assert.ok(rows[0].code.startsWith(groups(a.code).first) &&
      rows[0].code.endsWith(groups(a.code).last), `row 1 shows ${rows[0].code}`);
  });

  test('a code twice in the list counts once; codes are shown normalised; used says never where', async () => {
    const a = freshVoucher();
    const used = freshVoucher();
    await donate(used.code, CITY_WIDE_OTHER);
    const before = ledgerCount(db);
    const lines = [a.code.toLowerCase(), a.code, bare(a.code).toLowerCase(), used.code];
    const res = await s.post('/doneren/meerdere', { initiatief: CITY_WIDE_ROOM,
      codes: lines.join('\n') });
    assertPage(res, 'POST /doneren/meerdere', 200);
    const rowRe = /<tr class="(result-ok|result-fail)"><td class="code-cell">([^<]*)<\/td><td>([^<]*)<\/td>/g;
    const rows = [...res.text.matchAll(rowRe)]
      .map((m) => ({ ok: m[1] === 'result-ok', code: decode(m[2]), message: decode(m[3]) }));
    assert.deepEqual(rows.map((r) => r.ok), [true, false, false, false]);
    assert.match(rows[1].message, /eerder in de lijst/);
    assert.match(rows[3].message, /al gebruikt/);
    assert.ok(!rows[3].message.includes(titleOf(CITY_WIDE_OTHER)), rows[3].message);
    assert.equal(ledgerCount(db), before + 1, 'one donation');
    assert.match(textOf(mainOf(res.text)), /1 van de 4 codes/);
    for (const r of rows) assert.equal(r.code, r.code.toUpperCase(), `normalised: ${r.code}`);
    assert.ok(rows[0].code.startsWith(groups(a.code).first), rows[0].code);
    // Sent again: the code is used now, and it is not counted a second time.
    const again = await s.post('/doneren/meerdere', { initiatief: CITY_WIDE_ROOM, codes: a.code });
    assert.match(textOf(mainOf(again.text)), /0 van de 1 codes/);
    assert.equal(ledgerCount(db), before + 1);
  });

  test('the form preselects the initiative; without one or without codes it is 400', async () => {
    const page = await fetchPage(server.base, `/doneren/meerdere?initiatief=${CITY_WIDE_ROOM}`);
    assertPage(page, '/doneren/meerdere', 200);
    assert.match(page.text, new RegExp(`<option value="${CITY_WIDE_ROOM}" selected>`));
    const v = freshVoucher();
    const before = ledgerCount(db);
    assertPage(await s.post('/doneren/meerdere', { codes: v.code }), 'no initiative', 400);
    assertPage(await s.post('/doneren/meerdere', { initiatief: CITY_WIDE_ROOM, codes: '' }),
      'no codes', 400);
    assert.equal(ledgerCount(db), before);
  });
});

describe('at the same moment', () => {
  test('the same code confirmed ten times at once: one donation, one receipt', async () => {
    const { code } = freshVoucher();
    const before = ledgerCount(db);
    const tabs = await Promise.all(Array.from({ length: 10 }, () => session(server.base)));
    const answers = await Promise.all(tabs.map((t) =>
      t.post('/doneren/bevestigen', { code, initiatief: CITY_WIDE_ROOM })));
    assert.deepEqual(answers.map((r) => r.status), Array(10).fill(303),
      `every tab gets the receipt: ${answers.map((r) => messageOf(r.text)).join(' | ')}`);
    assert.equal(new Set(answers.map((r) => r.headers.get('location'))).size, 1, 'the same one');
    assert.equal(ledgerCount(db), before + 1);
  });

  test('racing for the last euros: one voucher gets in, the others keep theirs', async () => {
    // An open Binnenstad initiative one voucher short of its target.
    const id = Number(sql(db, `SELECT i.id FROM initiatives i JOIN areas a ON a.id = i.area_id
      WHERE a.slug = 'binnenstad' AND i.state = 'open' AND i.target_cents - i.raised_cents
      BETWEEN 1 AND 750 ORDER BY i.id LIMIT 1`).trim());
    assert.ok(id > 0, 'the demo data has an initiative one voucher short in Binnenstad');
    const target = Number(sql(db, `SELECT target_cents FROM initiatives WHERE id = ${id}`));
    const racers = [freshVoucher(), freshVoucher(), freshVoucher(), freshVoucher(), freshVoucher()];
    const before = ledgerCount(db);
    const answers = await Promise.all(racers.map((v) =>
      s.post('/doneren/bevestigen', { code: v.code, initiatief: id })));
    const statuses = answers.map((r) => r.status).sort();
    assert.deepEqual(statuses, [303, 409, 409, 409, 409], 'one winner, four clear refusals');
    for (const r of answers.filter((x) => x.status === 409)) {
      assert.match(messageOf(r.text), /niet gebruikt/, 'the losers hear their voucher is unused');
    }
    assert.equal(ledgerCount(db), before + 1);
    const [state, raised] = sql(db, `SELECT state, raised_cents FROM initiatives WHERE id = ${id}`)
      .trim().split('|');
    assert.equal(state, 'gefinancierd', 'the winner funded it');
    assert.ok(Number(raised) >= target && Number(raised) < target + 750,
      `at most one voucher over the target: ${raised} of ${target}`);
    const winner = answers.findIndex((r) => r.status === 303);
    const receipt = await s.get(answers[winner].headers.get('location'));
    assert.match(textOf(mainOf(receipt.text)), /streefbedrag (is )?gehaald/,
      'the receipt says this voucher reached the target');
    for (const [i, v] of racers.entries()) {
      if (i === winner) continue;
      const res = await s.post('/doneren', { code: v.code });
      assert.equal(res.status, 200, 'a loser\'s voucher is still usable');
      assert.ok(!radioIds(res.text).includes(id), 'and the funded initiative is no longer offered');
    }
  });
});

describe('a round that has ended', () => {
  test('its codes are 410 "afgelopen"', async () => {
    const closed = await makeDemoDbWithCodes();
    let srv;
    try {
      const r = currentRound(closed.db);
      const [v] = await issueVouchers(closed.db, 1, { round: r });
      // Ends the round a minute ago: no donation of this database is that recent.
      sql(closed.db, `UPDATE rounds SET closes_at = datetime('now', '-1 minute') WHERE id = ${r}`);
      srv = await startServe({ db: closed.db });
      const ss = await session(srv.base);
      const before = Number(sql(closed.db, 'SELECT count(*) FROM ledger'));
      for (const code of [v.code, closed.codes[0].code]) {
        assertRefused(await ss.post('/doneren', { code }), 'closed round', 410, /afgelopen/);
        assertRefused(await ss.post('/doneren/bevestigen', { code, initiatief: CITY_WIDE_ROOM }),
          'closed round at confirmation', 410, /afgelopen/);
      }
      assert.equal(Number(sql(closed.db, 'SELECT count(*) FROM ledger')), before);
      const home = await fetchPage(srv.base, '/');
      assert.ok(!home.text.includes('Voucherronde '), 'the home page shows no current round');
      const v2 = await runBin(['--db', closed.db, 'verify']);
      assert.equal(v2.code, 0, v2.stdout + v2.stderr);
    } finally {
      await srv?.stop();
      await removeDb(closed.db);
    }
  });
});

describe('throttling unknown codes', () => {
  test('after 3 unknown codes the next try waits, longer each time; typos do not count; a checked code still goes through',
    async () => {
      const t = await makeDemoDbWithCodes();
      let srv;
      try {
        sql(t.db, "INSERT OR REPLACE INTO settings(key, value) VALUES ('voucher_pogingen', '3'), " +
          "('voucher_venster_minuten', '10')");
        const codes = await issueVouchers(t.db, 4);
        srv = await startServe({ db: t.db });
        const me = await session(srv.base);
        const before = Number(sql(t.db, 'SELECT count(*) FROM ledger'));

        for (let i = 0; i < 10; i++) {
          const res = await me.post('/doneren', { code: typo(codes[0].code) });
          assert.equal(res.status, 400, `typo ${i + 1}: ${messageOf(res.text)}`);
        }
        assert.equal((await me.post('/doneren', { code: codes[0].code })).status, 200,
          'ten typos later a good code still works');
        // A household checks its code and sees the choice, then its address gets throttled.
        const checked = await me.post('/doneren', { code: codes[3].code });
        assert.equal(checked.status, 200);
        const proof = /name="bewijs" value="([^"]+)"/.exec(checked.text)?.[1];
        assert.ok(proof, 'the choice carries the proof that the code was checked');
        for (let i = 0; i < 3; i++) {
          const res = await me.post('/doneren', { code: randomCode() });
          assert.equal(res.status, 404, `unknown code ${i + 1}`);
        }
        for (const [p, fields] of [['/doneren', { code: codes[1].code }],
          ['/doneren/bevestigen', { code: codes[1].code, initiatief: CITY_WIDE_ROOM }],
          ['/doneren/kiezen', { code: codes[1].code, initiatief: CITY_WIDE_ROOM }],
          ['/doneren/bevestigen', { code: codes[1].code, initiatief: CITY_WIDE_ROOM,
            bewijs: proof }],
          ['/doneren', { code: randomCode() }]]) {
          const res = await me.post(p, fields);
          assertPage(res, `${p} after 3 unknown codes`, 429);
          const retry = res.headers.get('retry-after');
          assert.match(retry ?? '', /^\d+$/, `Retry-After in seconds: ${retry}`);
          assert.ok(Number(retry) > 0 && Number(retry) <= 30, `the first delay: ${retry}`);
          const msg = messageOf(res.text);
          assert.match(msg, /te veel/, msg);
          assert.match(msg, new RegExp(`over ${retry} seconden`), `says how long to wait: ${msg}`);
        }
        // Every delay is in the audit log for staff.
        assert.ok(Number(sql(t.db, "SELECT count(*) FROM audit_log WHERE action = 'throttle' " +
          "AND subject LIKE 'voucher:%'")) >= 1, 'the delay is audited');
        // The code that was right once is never refused for throttling.
        const confirmed = await me.post('/doneren/bevestigen', { code: codes[3].code,
          initiatief: CITY_WIDE_ROOM, bewijs: proof });
        assert.equal(confirmed.status, 303, `a checked code: ${messageOf(confirmed.text)}`);
        assert.equal(Number(sql(t.db, 'SELECT count(*) FROM ledger')), before + 1);
        // After the delay one more unknown code is tried; the next delay is twice as long.
        sql(t.db, 'UPDATE throttle SET at = at - 31');
        assert.equal((await me.post('/doneren', { code: randomCode() })).status, 404);
        const longer = await me.post('/doneren', { code: codes[1].code });
        assert.equal(longer.status, 429);
        const retry2 = Number(longer.headers.get('retry-after'));
        assert.ok(retry2 > 30 && retry2 <= 60, `the second delay is longer: ${retry2}`);
        const multi = await me.post('/doneren/meerdere', { initiatief: CITY_WIDE_ROOM,
          codes: codes[2].code });
        assert.ok(multi.status === 429 ||
          /te veel/.test(textOf(mainOf(multi.text))), 'several codes are throttled too');
        assert.equal(Number(sql(t.db, 'SELECT count(*) FROM ledger')), before + 1,
          'nothing else donated while throttled');

        // The limit is per client address: loopback has more than one (127.0.0.0/8), so a
        // neighbour on 127.0.0.2 still gets in while 127.0.0.1 waits.
        const neighbour = await session(srv.base, { localAddress: '127.0.0.2' });
        const ok = await neighbour.post('/doneren', { code: codes[1].code });
        assert.equal(ok.status, 200, `another address is not throttled: ${messageOf(ok.text)}`);
        assert.equal((await neighbour.post('/doneren/bevestigen',
          { code: codes[1].code, initiatief: CITY_WIDE_ROOM })).status, 303);
        assert.equal((await me.post('/doneren', { code: codes[2].code })).status, 429,
          'while the first address still waits');

        // When the window has passed (moved back in the database) the first address is let in.
        sql(t.db, 'UPDATE throttle SET at = at - 601');
        assert.equal((await me.post('/doneren', { code: codes[2].code })).status, 200);
        const v2 = await runBin(['--db', t.db, 'verify']);
        assert.equal(v2.code, 0, v2.stdout + v2.stderr);
      } finally {
        await srv?.stop();
        await removeDb(t.db);
      }
    });
});

describe('afterwards', () => {
  test('the server answered no request with a 5xx and is still healthy', async () => {
    assert.ok(server.alive(), 'still running');
    const statuses = [...server.output().matchAll(/ (?:GET|POST|HEAD) \S+ (\d{3}) /g)]
      .map((m) => Number(m[1]));
    assert.ok(statuses.length > 50, `the log lists the requests (${statuses.length})`);
    assert.deepEqual(statuses.filter((x) => x >= 500), [], 'no 5xx');
  });

  test('verify exits 0 on the database after all of it', async () => {
    assert.ok(ledgerCount(db, 'donation') > donationsAtStart + 5, 'donations were made');
    const r = await runBin(['--db', db, 'verify']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });
});

describe('what the donation pages say is true now', () => {
  test('a preselected initiative that is funded says so at once and offers the open ones', async () => {
    const res = await fetchPage(server.base, `/doneren?initiatief=${FUNDED}`);
    assertPage(res, `/doneren?initiatief=${FUNDED}`, 200);
    const main = textOf(mainOf(res.text));
    assert.doesNotMatch(main, /U doneert aan/);
    assert.match(main, /neemt geen vouchers meer aan/);
    assert.match(res.text, /href="\/initiatieven\?status=open"/);
    assert.doesNotMatch(res.text, new RegExp(`name="initiatief" value="${FUNDED}"`));
    const open = textOf(mainOf((await fetchPage(server.base, `/doneren?initiatief=${CITY_WIDE_ROOM}`)).text));
    assert.match(open, /U doneert aan/);
  });

  test('the choice page names the household\'s wijk', async () => {
    const v = freshVoucher();
    const res = await s.post('/doneren', { code: v.code });
    assertPage(res, 'POST /doneren', 200);
    assert.match(textOf(mainOf(res.text)), /Uw adres hoort bij wijk Binnenstad/);
  });

  test('a past deadline closes an initiative at once, before housekeeping runs', async () => {
    // Closed comes before the area check, so any open initiative shows it.
    const id = Number(sql(db, `SELECT id FROM initiatives WHERE state = 'open'
      AND raised_cents < target_cents AND id NOT IN (${CITY_WIDE_ROOM}, ${CITY_WIDE_OTHER})
      ORDER BY id DESC LIMIT 1`).trim());
    assert.ok(id > 0, 'an open initiative');
    const deadline = sql(db, `SELECT deadline FROM initiatives WHERE id = ${id}`).trim();
    sql(db, `UPDATE initiatives SET deadline = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-1 minute')
      WHERE id = ${id}`);
    try {
      const v = freshVoucher();
      const before = ledgerCount(db);
      const chosen = await s.post('/doneren/kiezen', { code: v.code, initiatief: id });
      assert.equal(chosen.status, 409, messageOf(chosen.text));
      assert.match(messageOf(chosen.text), /neemt geen vouchers meer aan/);
      assert.doesNotMatch(messageOf(chosen.text), /buiten uw wijk/);
      const page = await fetchPage(server.base, `/initiatieven/${id}`);
      assert.equal(page.status, 200);
      assert.doesNotMatch(page.text, /class="badge badge-open"/);
      assert.doesNotMatch(page.text, /Doneer je voucher|Doneer uw voucher/);
      const pre = textOf(mainOf((await fetchPage(server.base, `/doneren?initiatief=${id}`)).text));
      assert.match(pre, /neemt geen vouchers meer aan/);
      assert.equal(ledgerCount(db), before);
    } finally {
      sql(db, `UPDATE initiatives SET deadline = ${q(deadline)} WHERE id = ${id}`);
    }
  });
});
