// A household's address on the public side: "Welke wijk hoort bij mijn adres?" names the wijk
// or dorp and nothing else; "Brief kwijt?" puts a request in the admin's queue and answers the
// same whether or not the address exists; both throttled, bad input gets a Dutch message at
// the field; the admin handles the queue with the replacement they already make, or closes a
// request with a reason, each with its audit row.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { checkHtmlPage, checkSecurityHeaders, decode, mainOf, textOf } from '../lib/pages.mjs';
import { removeDb, sql, sqlString as q, startServe, tempDir } from '../lib/server.mjs';
import { login, makeDemoDbWithStaff } from '../lib/staff.mjs';
import { cli, currentRound, formBody, httpRequest, session, usePublicBase } from '../lib/vouchers.mjs';

let made;
let db;
let server;
let round;

const HOUSEHOLDS = [
  ['7798 AB', '1', '', 'Drukkerstraat', 'Almelo', 'binnenstad'],
  ['7798 AB', '2', 'b', 'Drukkerstraat', 'Almelo', 'riet-noord'],
  ['7798 AC', '14', '', 'Vensterweg', 'Bornerbroek', 'bornerbroek'],
  ['7798 AD', '5', 'a', 'Splitsweg', 'Almelo', 'binnenstad'],
  ['7798 AD', '5', 'b', 'Splitsweg', 'Almelo', 'de-riet'],
  ['7798 AE', '8', '', 'Kwijtlaan', 'Almelo', 'binnenstad'],
  ['7798 AE', '9', '', 'Kwijtlaan', 'Almelo', 'binnenstad'],
  ['7798 AE', '10', '', 'Kwijtlaan', 'Almelo', 'binnenstad'],
];

before(async () => {
  made = await makeDemoDbWithStaff();
  db = made.db;
  round = currentRound(db);
  const dir = await tempDir('buurtsamen-lookup-');
  const csv = path.join(dir, 'households.csv');
  await fs.writeFile(csv, ['postcode;huisnummer;toevoeging;straat;woonplaats;wijk',
    ...HOUSEHOLDS.map((h) => h.join(';'))].join('\n') + '\n');
  await cli(db, ['households', 'import', csv]);
  usePublicBase(db);
  await cli(db, ['vouchers', 'issue', '--round', String(round), '--out',
    path.join(dir, 'issued.csv'), '--force']);
  server = await startServe({ db, threads: 2 });
});

after(async () => {
  await server?.stop();
  if (db) await removeDb(db);
});

const one = (s) => sql(db, s).trim();
let nextAddress = 10;
/** A client address of its own for a test, so that throttles do not meet. */
const clientAddress = () => `127.0.3.${nextAddress++}`;

async function ask(p, fields, localAddress = clientAddress()) {
  const s = await session(server.base, { localAddress });
  return s.post(p, fields);
}

/** The error message inside the field of the input with this id. */
function fieldError(html, id) {
  const m = new RegExp(`<p class="error-message" id="${id}-error">([\\s\\S]*?)</p>`).exec(html);
  return m ? textOf(m[1]).replace(/^Fout: /, '') : null;
}

describe('Welke wijk hoort bij mijn adres?', () => {
  test('GET /adres: the form, valid, not cached', async () => {
    const res = await httpRequest(new URL('/adres', server.base));
    assert.equal(res.status, 200);
    checkHtmlPage(res, '/adres');
    checkSecurityHeaders(res.headers, '/adres');
    assert.match(res.text, /<label for="postcode">Postcode<\/label>/);
    assert.match(res.text, /<label for="huisnummer">Huisnummer<\/label>/);
  });

  for (const [what, fields, words] of [
    ['a wijk', { postcode: '7798ab', huisnummer: '1' }, /hoort bij de wijk Binnenstad\s?\./],
    ['a buurt of a wijk', { postcode: '7798 AB', huisnummer: '2b' },
      /hoort bij de wijk De Riet \(buurt Riet-Noord\)\./],
    ['a dorp', { postcode: '7798 ac', huisnummer: '14', toevoeging: '' },
      /hoort bij het dorp Bornerbroek\s?\./],
    ['an addition in its own field', { postcode: '7798 AD', huisnummer: '5', toevoeging: 'B' },
      /hoort bij de wijk De Riet\s?\./],
  ]) {
    test(`names ${what}, and nothing else about the household`, async () => {
      const res = await ask('/adres', fields);
      assert.equal(res.status, 200, textOf(mainOf(res.text)).slice(0, 300));
      checkHtmlPage(res, `/adres for ${what}`);
      const text = textOf(mainOf(res.text));
      assert.match(text, words);
      assert.doesNotMatch(text, /gebruikt|gedoneerd|straat|Splitsweg|Vensterweg/i,
        'nothing about the household: no street, no word of its voucher');
      assert.equal(res.headers.get('cache-control'), 'no-store');
    });
  }

  test('the answer is the same for a household whose voucher was used', async () => {
    const fresh = await ask('/adres', { postcode: '7798 AE', huisnummer: '8' });
    sql(db, `INSERT INTO ledger(at, kind, initiative_id, voucher_id, amount_cents, actor)
      SELECT datetime('now'), 'donation', 16, v.id, v.value_cents, 'inwoner' FROM vouchers v
      JOIN households h ON h.id = v.household_id WHERE h.postcode = '7798 AE'
      AND h.house_number = 9 AND v.voided_at IS NULL`);
    const used = await ask('/adres', { postcode: '7798 AE', huisnummer: '9' });
    assert.equal(textOf(mainOf(used.text)).replace(/\b9\b/g, 'N'),
      textOf(mainOf(fresh.text)).replace(/\b8\b/g, 'N'));
  });

  test('an address not in the register: 404 with a clear message', async () => {
    const res = await ask('/adres', { postcode: '7798 ZZ', huisnummer: '99' });
    assert.equal(res.status, 404);
    assert.match(textOf(mainOf(res.text)), /staat niet in het adressenbestand/);
  });

  test('several households at the number in different wijken: asks for the addition', async () => {
    const res = await ask('/adres', { postcode: '7798 AD', huisnummer: '5' });
    assert.equal(res.status, 422);
    assert.match(fieldError(res.text, 'toevoeging') ?? '', /toevoeging/);
  });

  for (const [what, fields, id, words] of [
    ['no postcode', { postcode: '', huisnummer: '1' }, 'postcode', /Vul uw postcode in/],
    ['a wrong postcode', { postcode: '0123 AB', huisnummer: '1' }, 'postcode', /geen postcode/],
    ['no house number', { postcode: '7798 AB', huisnummer: '' }, 'huisnummer', /huisnummer/],
    ['a word as number', { postcode: '7798 AB', huisnummer: 'tien' }, 'huisnummer', /getal/],
    ['a control character', { postcode: '7798\u0001AB', huisnummer: '1' }, 'postcode',
      /tekens die we niet kunnen opslaan/],
    ['far too long', { postcode: '7'.repeat(500), huisnummer: '1' }, 'postcode', /postcode/],
  ]) {
    test(`bad input, ${what}: 422, the message at the field, the input kept`, async () => {
      const res = await ask('/adres', fields);
      assert.equal(res.status, 422);
      checkHtmlPage(res, `/adres with ${what}`);
      assert.match(fieldError(res.text, id) ?? '(none)', words);
      assert.match(res.text, new RegExp(`<input id="${id}"[^>]*aria-invalid="true"`));
      assert.match(res.text, /<div class="notice error-summary"/, 'an error summary');
      // eslint-disable-next-line no-control-regex
      assert.doesNotMatch(res.text, /[\u0001]/, 'no control character echoed');
      if (id !== 'huisnummer' && fields.huisnummer) {
        assert.match(res.text, /<input id="huisnummer"[^>]*value="1"/, 'the other field kept');
      }
    });
  }

  test('throttled per client address: a Dutch message, 429 and Retry-After', async () => {
    sql(db, "INSERT OR REPLACE INTO settings(key, value) VALUES ('adres_per_uur', '3')");
    try {
      const me = clientAddress();
      const s = await session(server.base, { localAddress: me });
      const statuses = [];
      for (let i = 0; i < 4; i++) {
        statuses.push((await s.post('/adres', { postcode: '7798 AB', huisnummer: '1' })).status);
      }
      assert.deepEqual(statuses, [200, 200, 200, 429]);
      const last = await s.post('/adres', { postcode: '7798 AB', huisnummer: '1' });
      assert.equal(last.status, 429);
      assert.match(textOf(mainOf(last.text)), /veel adressen opgezocht.*Probeer het over \d+ minu/);
      assert.match(last.headers.get('retry-after') ?? '', /^\d+$/);
      assert.ok(!/Binnenstad\./.test(textOf(mainOf(last.text))), 'no answer while throttled');
      const other = await ask('/adres', { postcode: '7798 AB', huisnummer: '1' });
      assert.equal(other.status, 200, 'another address still gets its answer');
    } finally {
      sql(db, "DELETE FROM settings WHERE key = 'adres_per_uur'");
    }
  });

  test('linked from the home page, the code form and the choice page', async () => {
    const home = await httpRequest(new URL('/', server.base));
    assert.match(mainOf(home.text), /<a href="\/adres">/);
    const form = await httpRequest(new URL('/doneren', server.base));
    assert.match(mainOf(form.text), /<a href="\/adres">/);
    const { code } = made.codes.find((c) => c.area === 'Binnenstad');
    const choice = await ask('/doneren', { code });
    assert.equal(choice.status, 200);
    assert.match(mainOf(choice.text), /<a href="\/adres">/);
  });
});

const openRequests = () => one('SELECT count(*) FROM letter_requests WHERE closed_at IS NULL');
const vouchersState = () => one('SELECT count(*), group_concat(hex(code_hash)), ' +
  'count(voided_at) FROM vouchers');

describe('Brief kwijt? A new letter, asked for by the resident', () => {
  test('GET /brief-kwijt: the form, valid', async () => {
    const res = await httpRequest(new URL('/brief-kwijt', server.base));
    assert.equal(res.status, 200);
    checkHtmlPage(res, '/brief-kwijt');
    assert.match(res.text, /<form class="form-card" method="post" action="\/brief-kwijt"/);
  });

  test('a request: said what happens next, in the queue with its audit row, no new code',
    async () => {
      const before = vouchersState();
      const audits = Number(one("SELECT count(*) FROM audit_log WHERE action = 'letter-request'"));
      const res = await ask('/brief-kwijt', { postcode: '7798ab', huisnummer: '1' });
      assert.equal(res.status, 200);
      checkHtmlPage(res, '/brief-kwijt done');
      const text = textOf(mainOf(res.text));
      assert.match(text, /Uw aanvraag voor 7798 AB 1 is ontvangen/);
      assert.match(text, /per post/);
      assert.match(text, /niet op deze website en niet per e-mail/);
      assert.equal(one(`SELECT count(*) FROM letter_requests r JOIN households h
        ON h.id = r.household_id WHERE h.postcode = '7798 AB' AND h.house_number = 1
        AND r.closed_at IS NULL`), '1');
      assert.equal(Number(one("SELECT count(*) FROM audit_log WHERE action = 'letter-request'")),
        audits + 1, 'an audit row');
      assert.equal(vouchersState(), before, 'no voucher made, voided or changed');
      // Asked again: still one open request.
      const again = await ask('/brief-kwijt', { postcode: '7798 AB', huisnummer: '1' });
      assert.equal(again.status, 200);
      assert.equal(one(`SELECT count(*) FROM letter_requests r JOIN households h
        ON h.id = r.household_id WHERE h.postcode = '7798 AB' AND h.house_number = 1`), '1');
    });

  test('an address that does not exist gets the very same answer, and nothing is stored',
    async () => {
      const rows = openRequests();
      const real = await ask('/brief-kwijt', { postcode: '7798 AC', huisnummer: '14' });
      const fake = await ask('/brief-kwijt', { postcode: '7798 AC', huisnummer: '15' });
      assert.equal(real.status, fake.status);
      assert.equal(textOf(mainOf(fake.text)).replace('7798 AC 15', 'ADRES'),
        textOf(mainOf(real.text)).replace('7798 AC 14', 'ADRES'), 'the same page');
      assert.equal(Number(openRequests()), Number(rows) + 1, 'only the real one is queued');
    });

  test('bad input: 422, the message at the field, nothing stored', async () => {
    const rows = openRequests();
    for (const [fields, id] of [[{ postcode: 'x', huisnummer: '1' }, 'postcode'],
      [{ postcode: '7798 AB', huisnummer: '' }, 'huisnummer'],
      [{ postcode: '7798 AB', huisnummer: '1', toevoeging: 'a\u001bb' }, 'toevoeging']]) {
      const res = await ask('/brief-kwijt', fields);
      assert.equal(res.status, 422, JSON.stringify(fields));
      assert.ok(fieldError(res.text, id), `a message at ${id}`);
    }
    assert.equal(openRequests(), rows);
  });

  test('throttled per client address and per household address, with a Dutch message',
    async () => {
      sql(db, "INSERT OR REPLACE INTO settings(key, value) VALUES ('brief_per_uur', '2')");
      try {
        // One client, many addresses.
        const s = await session(server.base, { localAddress: clientAddress() });
        const mine = [];
        for (const n of ['8', '9', '10']) {
          mine.push((await s.post('/brief-kwijt', { postcode: '7798 AE', huisnummer: n })).status);
        }
        assert.deepEqual(mine, [200, 200, 429]);
        // One address, many clients: the same for an address that does not exist.
        for (const number of ['2b', '77']) {
          const statuses = [];
          for (let i = 0; i < 3; i++) {
            statuses.push((await ask('/brief-kwijt', { postcode: '7798 AB', huisnummer: number }))
              .status);
          }
          assert.deepEqual(statuses, [200, 200, 429], `address ${number}`);
        }
        const res = await ask('/brief-kwijt', { postcode: '7798 AB', huisnummer: '77' });
        assert.equal(res.status, 429);
        assert.match(textOf(mainOf(res.text)), /veel nieuwe brieven aangevraagd.*Probeer het over/);
        assert.match(res.headers.get('retry-after') ?? '', /^\d+$/);
      } finally {
        sql(db, "DELETE FROM settings WHERE key = 'brief_per_uur'");
      }
    });

  test('linked from the home page, the code form and the rules page', async () => {
    for (const p of ['/', '/doneren', '/spelregels']) {
      const res = await httpRequest(new URL(p, server.base));
      assert.match(mainOf(res.text), /<a href="\/brief-kwijt">/, p);
    }
  });
});

describe('the admin\'s queue of letter requests', () => {
  let admin;
  before(async () => {
    admin = await login(server.base, made.beheerder.username, made.beheerder.password);
    await ask('/brief-kwijt', { postcode: '7798 AD', huisnummer: '5', toevoeging: 'a' });
  });

  /** The queue's row for an address ("Splitsweg 5a"), or null. */
  async function rowOf(street) {
    const res = await admin.get('/beheer/briefaanvragen');
    assert.equal(res.status, 200);
    checkHtmlPage(res, '/beheer/briefaanvragen');
    assert.equal(res.headers.get('cache-control'), 'no-store');
    return [...res.text.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => m[1])
      .find((r) => decode(r).includes(street)) ?? null;
  }

  test('admins only; in the staff menu', async () => {
    const regisseur = await login(server.base, made.regisseur.username, made.regisseur.password);
    assert.equal((await regisseur.get('/beheer/briefaanvragen')).status, 403);
    const home = await admin.get('/beheer');
    assert.match(home.text, /<a href="\/beheer\/briefaanvragen">Briefaanvragen<\/a>/);
  });

  test('an open request shows the address, its wijk and the replacement action', async () => {
    const row = await rowOf('Splitsweg 5a');
    assert.ok(row, 'the request is listed');
    assert.match(decode(row), /7798 AD Almelo/);
    assert.match(decode(row), /Binnenstad/);
    assert.match(row, new RegExp(`action="/beheer/rondes/${round}/vervangen"`));
    assert.match(row, /name="postcode" value="7798 AD"/);
  });

  test('the replacement the admin already makes hands the request in', async () => {
    const before = Number(one(`SELECT count(*) FROM vouchers v JOIN households h
      ON h.id = v.household_id WHERE h.postcode = '7798 AD' AND h.house_number = 5`));
    const res = await admin.post(`/beheer/rondes/${round}/vervangen`,
      { postcode: '7798 AD', huisnummer: '5', toevoeging: 'a' });
    assert.equal(res.status, 303, textOf(res.text).slice(0, 200));
    assert.equal(Number(one(`SELECT count(*) FROM vouchers v JOIN households h
      ON h.id = v.household_id WHERE h.postcode = '7798 AD' AND h.house_number = 5`)), before + 1);
    assert.equal(await rowOf('Splitsweg 5a'), null, 'no longer open');
    // The new letter may be lost too: the household can ask again.
    const again = await ask('/brief-kwijt', { postcode: '7798 AD', huisnummer: '5', toevoeging: 'a' });
    assert.equal(again.status, 200);
    assert.ok(await rowOf('Splitsweg 5a'), 'a new open request');
  });

  test('closing without a new letter needs a reason; then gone, with an audit row', async () => {
    const row = await rowOf('Vensterweg 14');
    assert.ok(row);
    const id = /\/beheer\/briefaanvragen\/(\d+)\/sluiten/.exec(row)[1];
    const empty = await admin.post(`/beheer/briefaanvragen/${id}/sluiten`, { reden: '' });
    assert.equal(empty.status, 422);
    assert.match(textOf(empty.text), /waarom er geen nieuwe brief komt/);
    const bad = await admin.post(`/beheer/briefaanvragen/${id}/sluiten`, { reden: 'a\u0001' });
    assert.equal(bad.status, 422);
    assert.match(textOf(bad.text), /tekens die we niet kunnen opslaan/);
    assert.equal(one(`SELECT closed_at IS NULL FROM letter_requests WHERE id = ${id}`), '1');
    const res = await admin.post(`/beheer/briefaanvragen/${id}/sluiten`,
      { reden: 'Bewoner belde: brief teruggevonden.' });
    assert.equal(res.status, 303);
    assert.equal(await rowOf('Vensterweg 14'), null);
    assert.equal(one(`SELECT count(*) FROM audit_log WHERE action = 'letter-request-close'
      AND subject = ${q(`letter-request:${id}`)} AND reason = 'Bewoner belde: brief teruggevonden.'`),
    '1');
    const twice = await admin.post(`/beheer/briefaanvragen/${id}/sluiten`, { reden: 'nog eens' });
    assert.equal(twice.status, 404);
  });
});
