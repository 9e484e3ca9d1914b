// The staff forms say what to fix, where: a refused post answers on the same screen (never the
// generic error page that links to the public home) with the message at its field
// (aria-invalid, aria-describedby), a summary at the top linking to the fields, every value as
// typed, the right reason, and nothing changed. Amounts are typed in euros. Rejecting,
// unpublishing and paying out take a confirmation step; without it nothing changes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkHtmlPage, decode, mainOf, textOf } from '../lib/pages.mjs';
import { removeDb, sql, sqlString as q, startServe } from '../lib/server.mjs';
import { isoDate, login, makeDemoDbWithStaff } from '../lib/staff.mjs';
import { adminSnapshot } from '../lib/admin.mjs';
import { currentRound, usePublicBase } from '../lib/vouchers.mjs';

let db;
let demo;
let server;
let admin;
let regisseur;

before(async () => {
  demo = await makeDemoDbWithStaff();
  db = demo.db;
  server = await startServe({ db, threads: 2 });
  admin = await login(server.base, demo.beheerder.username, demo.beheerder.password);
  regisseur = await login(server.base, demo.regisseur.username, demo.regisseur.password);
});

after(async () => {
  await server?.stop();
  if (db) await removeDb(db);
});

const one = (statement) => sql(db, statement).trim();
const num = (statement) => Number(one(statement));

/** A refused form: the status, the form's own screen (its heading, the staff bar), not the
 * error page. */
function assertFormPage(res, where, status, heading) {
  assert.equal(res.status, status, `${where}: status (${textOf(mainOf(res.text)).slice(0, 300)})`);
  checkHtmlPage(res, where);
  const main = mainOf(res.text);
  assert.match(main, /<nav class="staff-bar"/, `${where}: the staff screen, with its menu`);
  assert.equal(textOf(/<h1>([\s\S]*?)<\/h1>/.exec(main)?.[1] ?? ''), heading,
    `${where}: the form's own screen`);
  assert.ok(!/Naar de startpagina/.test(main), `${where}: no dead end to the public home`);
  assert.ok(!/Ongeldig verzoek/.test(res.text), `${where}: no generic refusal`);
}

/** The <input> or <textarea> with this id. */
function control(html, id) {
  return new RegExp(`<(?:input|textarea|select)\\b[^>]*\\bid="${id}"[^>]*>`).exec(html)?.[0];
}

/** The value of the input with this id, decoded. */
function valueOf(html, id) {
  const tag = control(html, id);
  assert.ok(tag, `a field with id ${id}`);
  if (tag.startsWith('<textarea')) {
    return decode(new RegExp(`id="${id}"[^>]*>([\\s\\S]*?)</textarea>`).exec(html)[1]);
  }
  return decode(/\bvalue="([^"]*)"/.exec(tag)?.[1] ?? '');
}

/** Asserts the message at the field `id`: in its field box, tied to it, in the summary with a
 * link to it; returns the message. */
function assertFieldError(html, id, pattern, where) {
  const main = mainOf(html);
  const message = new RegExp(`<p class="error-message" id="${id}-error">([^<]*)</p>`).exec(main);
  assert.ok(message, `${where}: a message at ${id}`);
  assert.match(decode(message[1]), pattern, `${where}: the message of ${id}`);
  const box = new RegExp(`<div class="field field-error">(?:(?!<div class="field)[\\s\\S])*?` +
    `id="${id}-error"(?:(?!<div class="field)[\\s\\S])*?id="${id}"`).exec(main);
  assert.ok(box, `${where}: the message stands in the box of its field ${id}`);
  const tag = control(main, id);
  assert.match(tag, /aria-invalid="true"/, `${where}: ${id} is marked invalid`);
  const described = /aria-describedby="([^"]*)"/.exec(tag)?.[1] ?? '';
  assert.ok(described.split(' ').includes(`${id}-error`), `${where}: ${id} is described by it`);
  const summary = /<div class="notice notice-warning error-summary" role="alert"[\s\S]*?<\/div>/
    .exec(main)?.[0] ?? '';
  assert.ok(summary.includes(`<a href="#${id}">`), `${where}: the summary links to ${id}`);
  assert.ok(main.indexOf(summary) < main.indexOf(`id="${id}"`), `${where}: the summary first`);
  return decode(message[1]);
}

/** The ids of the fields that carry a message. */
const refusedIds = (html) => [...mainOf(html).matchAll(/<p class="error-message" id="([^"]+)-error">/g)]
  .map((m) => m[1]);

// ---- Rounds ----

describe('rounds', () => {
  const GOOD = { naam: 'Voorjaar proef', opent: isoDate(400), sluit: isoDate(480), waarde: '7,50' };

  test('each wrong field of a new round: its message at the field, the typed values kept',
    async () => {
      const before = adminSnapshot(db);
      for (const [fields, id, pattern, why] of [
        [{ naam: '' }, 'n-naam', /Vul een naam in/, 'no name'],
        [{ sluit: isoDate(390) }, 'n-sluit', /vóór de eerste dag/, 'ends before it starts'],
        [{ opent: '2027-13-01' }, 'n-opent', /geen datum/, 'no date'],
        [{ waarde: 'zeven' }, 'n-waarde', /geen bedrag/, 'no amount'],
        [{ waarde: '-1' }, 'n-waarde', /negatief/, 'a negative value'],
        [{ waarde: '0' }, 'n-waarde', /groter dan nul/, 'zero'],
        [{ waarde: '2.000' }, 'n-waarde', /te hoog: hoogstens €\s1\.000\b/, 'above € 1.000'],
      ]) {
        const typed = { ...GOOD, ...fields };
        const res = await admin.post('/beheer/rondes', typed);
        assertFormPage(res, `a round with ${why}`, 400, 'Voucherrondes');
        assertFieldError(res.text, id, pattern, why);
        assert.deepEqual(refusedIds(res.text), [id], `${why}: only that field is refused`);
        for (const name of ['naam', 'opent', 'sluit', 'waarde']) {
          assert.equal(valueOf(res.text, `n-${name}`), typed[name], `${why}: ${name} as typed`);
        }
      }
      assert.equal(adminSnapshot(db), before, 'nothing changed');
    });

  test('an overlap is told at the first day, 409, the values kept', async () => {
    const before = adminSnapshot(db);
    const typed = { ...GOOD, opent: isoDate(-5), sluit: isoDate(20) };
    const res = await admin.post('/beheer/rondes', typed);
    assertFormPage(res, 'an overlapping round', 409, 'Voucherrondes');
    assertFieldError(res.text, 'n-opent', /overlappen/, 'overlap');
    assert.equal(valueOf(res.text, 'n-naam'), typed.naam);
    assert.equal(adminSnapshot(db), before, 'nothing changed');
  });

  test('an amount with thousands is euros; an edit refused shows at that round, opened',
    async () => {
      const res = await admin.post('/beheer/rondes', { ...GOOD, waarde: '1.000' });
      assert.equal(res.status, 303, textOf(res.text).slice(0, 300));
      const [id, cents] = one(`SELECT id, voucher_cents FROM rounds WHERE name = ${q(GOOD.naam)}`)
        .split('|').map(Number);
      assert.equal(cents, 100000, '"1.000" is a thousand euros');
      const page = await admin.get('/beheer/rondes');
      assert.equal(valueOf(page.text, `r${id}-waarde`), '1.000', 'shown as typed');

      const before = adminSnapshot(db);
      const typed = { naam: 'Anders', opent: isoDate(400), sluit: isoDate(480), waarde: '7,505' };
      const bad = await admin.post(`/beheer/rondes/${id}`, typed);
      assertFormPage(bad, 'an edit with three decimals', 400, 'Voucherrondes');
      assertFieldError(bad.text, `r${id}-waarde`, /twee cijfers na de komma/, 'three decimals');
      assert.equal(valueOf(bad.text, `r${id}-naam`), 'Anders', 'the typed name, not the stored');
      assert.match(bad.text, new RegExp(`<details open>\\s*<summary>Ronde wijzigen` +
        `<span class="visually-hidden">: ${GOOD.naam}</span>`), 'that round\'s form is open');
      assert.equal(adminSnapshot(db), before, 'nothing changed');
    });
});

describe('a lost letter', () => {
  test('a wrong or unknown address: the reason at its field on the rounds page', async () => {
    usePublicBase(db);
    const r = currentRound(db);
    assert.ok(r, 'the demo has an open round');
    const before = adminSnapshot(db);
    const files = num('SELECT count(*) FROM issued_files');
    for (const [fields, id, pattern, status, why] of [
      [{ postcode: 'ABCD' }, `v${r}-postcode`, /postcode in zoals 7607 AB/, 400, 'no postcode'],
      [{ huisnummer: 'twaalf' }, `v${r}-huisnummer`, /huisnummer in/, 400, 'no number'],
      [{ postcode: '9999 ZZ' }, `v${r}-postcode`, /niet in het register/, 409, 'unknown'],
    ]) {
      const typed = { postcode: '7607 AB', huisnummer: '12', toevoeging: 'b', ...fields };
      const res = await admin.post(`/beheer/rondes/${r}/vervangen`, typed);
      assertFormPage(res, `a replacement: ${why}`, status, 'Voucherrondes');
      assertFieldError(res.text, id, pattern, why);
      for (const name of ['postcode', 'huisnummer', 'toevoeging']) {
        assert.equal(valueOf(res.text, `v${r}-${name}`), typed[name], `${why}: ${name} as typed`);
      }
      assert.match(res.text, /<details open>\s*<summary>Brief kwijt/, `${why}: the form is open`);
    }
    assert.equal(num('SELECT count(*) FROM issued_files'), files, 'no letter made');
    assert.equal(adminSnapshot(db), before, 'nothing changed');
  });
});

// ---- Money ----

describe('contributions and payouts', () => {
  /** An open initiative with room to go. */
  const openOne = () => num(`SELECT id FROM initiatives WHERE state = 'open'
    AND target_cents - raised_cents >= 1000 ORDER BY id LIMIT 1`);
  /** A funded initiative with money still to pay out: {id, remaining}. */
  const unpaidOne = () => {
    const [id, remaining] = one(`SELECT i.id, i.raised_cents - coalesce((SELECT sum(amount_cents)
      FROM ledger l WHERE l.initiative_id = i.id AND l.kind = 'payout'), 0) AS r
      FROM initiatives i WHERE state = 'gefinancierd' AND r > 100 ORDER BY i.id LIMIT 1`)
      .split('|').map(Number);
    assert.ok(id, 'the demo has a funded initiative to pay out');
    return { id, remaining };
  };

  test('a contribution of € 99.999.999 is "te hoog", naming the maximum; typed values stay',
    async () => {
      const id = openOne();
      const before = adminSnapshot(db);
      for (const [bedrag, pattern, why] of [
        ['99.999.999', /te hoog: hoogstens €\s1\.000\.000\b/, 'far too much'],
        ['tien', /geen bedrag/, 'no number'],
        ['-5', /negatief/, 'negative'],
        ['0', /groter dan nul/, 'zero'],
        ['', /Vul een bedrag in/, 'empty'],
      ]) {
        const res = await admin.post('/beheer/geld/bijdrage',
          { initiatief: id, partner: 'Woonstichting De Riet', bedrag });
        assertFormPage(res, `a contribution: ${why}`, 400, 'Bijdragen en uitbetalingen');
        assertFieldError(res.text, 'c-bedrag', pattern, why);
        assert.deepEqual(refusedIds(res.text), ['c-bedrag'], `${why}: only the amount`);
        assert.equal(valueOf(res.text, 'c-bedrag'), bedrag, `${why}: the amount as typed`);
        assert.equal(valueOf(res.text, 'c-partner'), 'Woonstichting De Riet');
        assert.match(res.text, new RegExp(`<option value="${id}" selected>`),
          `${why}: the initiative stays chosen`);
      }
      const none = await admin.post('/beheer/geld/bijdrage',
        { initiatief: id, partner: '', bedrag: '5' });
      assertFormPage(none, 'no partner', 400, 'Bijdragen en uitbetalingen');
      assertFieldError(none.text, 'c-partner', /naam van de partner/, 'no partner');
      const finished = num("SELECT id FROM initiatives WHERE state = 'uitgevoerd' LIMIT 1");
      const late = await admin.post('/beheer/geld/bijdrage',
        { initiatief: finished, partner: 'X', bedrag: '5' });
      assertFormPage(late, 'a finished initiative', 409, 'Bijdragen en uitbetalingen');
      assertFieldError(late.text, 'c-initiatief', /open of gefinancierd/, 'finished');
      assert.equal(adminSnapshot(db), before, 'nothing written');
    });

  test('€ 1.250 typed with a thousands dot is 125000 cents', async () => {
    const id = openOne();
    const res = await admin.post('/beheer/geld/bijdrage',
      { initiatief: id, partner: 'Fonds Almelo', bedrag: '1.250' });
    assert.equal(res.status, 303, textOf(res.text).slice(0, 300));
    assert.equal(one(`SELECT amount_cents || '|' || partner FROM ledger ORDER BY id DESC LIMIT 1`),
      '125000|Fonds Almelo');
    const page = await admin.get(res.headers.get('location'));
    assert.match(page.text, /role="status"><p>De bijdrage is vastgelegd\./, 'a specific notice');
  });

  test('a payout asks first; only the confirmed post writes', async () => {
    const { id, remaining } = unpaidOne();
    const before = adminSnapshot(db);
    const ledger = num('SELECT count(*) FROM ledger');
    const bad = await admin.post('/beheer/geld/uitbetaling',
      { initiatief: id, bedrag: '1,2,3', kenmerk: 'BS-9' });
    assertFormPage(bad, 'a payout of no amount', 400, 'Bijdragen en uitbetalingen');
    assertFieldError(bad.text, `p${id}-bedrag`, /geen bedrag/, 'no amount');
    assert.equal(valueOf(bad.text, `p${id}-kenmerk`), 'BS-9', 'the reference as typed');
    const over = await admin.post('/beheer/geld/uitbetaling',
      { initiatief: id, bedrag: String((remaining + 100) / 100).replace('.', ','),
        kenmerk: 'BS-9' });
    assertFormPage(over, 'more than is left', 409, 'Bijdragen en uitbetalingen');
    assertFieldError(over.text, `p${id}-bedrag`, /hoogstens €\s[\d.,]+\./, 'too much');

    const ask = await admin.post('/beheer/geld/uitbetaling',
      { initiatief: id, bedrag: '1,00', kenmerk: 'BS-2026-7' });
    assertFormPage(ask, 'the first post', 200, 'Uitbetaling vastleggen?');
    const main = mainOf(ask.text);
    assert.match(textOf(main), /U legt vast dat €\s1 is uitbetaald aan .+, met betalingskenmerk BS-2026-7\./);
    assert.match(main, /<button type="submit" class="button">Ja, uitbetaling vastleggen<\/button>/);
    assert.match(main, /<a class="button button-secondary" href="\/beheer\/geld">Terug<\/a>/);
    assert.equal(num('SELECT count(*) FROM ledger'), ledger, 'nothing written yet');
    assert.equal(adminSnapshot(db), before, 'nothing changed');
    // The confirmation posts the same fields again, with bevestigd=1.
    const carried = Object.fromEntries([...main.matchAll(
      /<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1], decode(m[2])]));
    assert.deepEqual({ ...carried, _csrf: undefined },
      { _csrf: undefined, bevestigd: '1', initiatief: String(id), bedrag: '1,00',
        kenmerk: 'BS-2026-7' });
    const done = await admin.post('/beheer/geld/uitbetaling', carried);
    assert.equal(done.status, 303, textOf(done.text).slice(0, 300));
    assert.equal(one(`SELECT kind || '|' || amount_cents || '|' || reference FROM ledger
      ORDER BY id DESC LIMIT 1`), 'payout|100|BS-2026-7');
    const page = await admin.get(done.headers.get('location'));
    assert.match(page.text, /role="status"><p>De uitbetaling is vastgelegd\./);
  });
});

// ---- Settings ----

describe('settings in euros', () => {
  /** The settings form as shown: {name: value}. */
  async function shown() {
    const res = await admin.get('/beheer/instellingen');
    assert.equal(res.status, 200);
    const out = {};
    for (const m of mainOf(res.text).matchAll(/<input id="s-([^"]+)" name="([^"]+)"[^>]*>/g)) {
      out[m[2]] = decode(/\bvalue="([^"]*)"/.exec(m[0])?.[1] ?? '');
    }
    for (const m of mainOf(res.text).matchAll(/<textarea id="s-[^"]+" name="([^"]+)"[^>]*>([\s\S]*?)<\/textarea>/g)) {
      out[m[1]] = decode(m[2]);
    }
    return { res, values: out };
  }

  test('amounts are shown and typed in euros, stored in cents', async () => {
    const { res, values } = await shown();
    assert.match(mainOf(res.text), /<label for="s-voucher_cents">Waarde van een voucher \(€\)<\/label>/);
    assert.ok(!/in centen/.test(mainOf(res.text)), 'no field asks for cents');
    const stored = one("SELECT value FROM settings WHERE key = 'voucher_cents'");
    assert.equal(values.voucher_cents, '7,50', `750 cents shows as 7,50 (stored ${stored})`);
    assert.equal(values.streef_max_cents,
      Number(one("SELECT value FROM settings WHERE key = 'streef_max_cents'")) === 500000
        ? '5.000' : values.streef_max_cents, '500000 cents shows as 5.000');

    const saved = await admin.post('/beheer/instellingen',
      { ...values, voucher_cents: '8,25', streef_max_cents: '6.000' });
    assert.equal(saved.status, 303, textOf(saved.text).slice(0, 400));
    assert.equal(one("SELECT value FROM settings WHERE key = 'voucher_cents'"), '825');
    assert.equal(one("SELECT value FROM settings WHERE key = 'streef_max_cents'"), '600000');
    assert.equal((await shown()).values.voucher_cents, '8,25');
    const back = await admin.post('/beheer/instellingen', values);
    assert.equal(back.status, 303, 'restored');
    assert.equal(one("SELECT value FROM settings WHERE key = 'voucher_cents'"), stored);
  });

  test('a wrong amount: the reason at its field, every value as typed, nothing saved',
    async () => {
      const { values } = await shown();
      const before = adminSnapshot(db);
      for (const [value, pattern, why] of [
        ['2.000', /te hoog: hoogstens €\s1\.000\b/, 'above € 1.000'],
        ['abc', /geen bedrag/, 'no amount'],
        ['0', /groter dan nul/, 'zero'],
      ]) {
        const typed = { ...values, voucher_cents: value, gemeente_naam: 'Almelo (proef)' };
        const res = await admin.post('/beheer/instellingen', typed);
        assertFormPage(res, `voucher value ${why}`, 400, 'Instellingen');
        assertFieldError(res.text, 's-voucher_cents', pattern, why);
        assert.deepEqual(refusedIds(res.text), ['s-voucher_cents'], `${why}: only that field`);
        assert.equal(valueOf(res.text, 's-voucher_cents'), value, `${why}: as typed`);
        assert.equal(valueOf(res.text, 's-gemeente_naam'), 'Almelo (proef)',
          `${why}: the other fields as typed`);
      }
      const low = await admin.post('/beheer/instellingen', { ...values, streef_min_cents: '0,50' });
      assertFieldError(low.text, 's-streef_min_cents', /te laag: minstens €\s1\b/, 'below € 1');
      assert.equal(adminSnapshot(db), before, 'nothing saved');
    });
});

// ---- Staff accounts ----

describe('staff accounts', () => {
  test('each wrong field of a new account at its field, typed values and choices kept',
    async () => {
      const before = adminSnapshot(db);
      for (const [fields, id, pattern, why] of [
        [{ gebruikersnaam: 'Niet Goed!' }, 'u-gebruikersnaam', /2 tot 40 tekens/, 'a bad name'],
        [{ gebruikersnaam: '' }, 'u-gebruikersnaam', /Vul een gebruikersnaam in/, 'no name'],
        [{ gebruikersnaam: demo.regisseur.username }, 'u-gebruikersnaam', /al in gebruik/,
          'a name in use'],
        [{ email: 'geen adres' }, 'u-email', /geen geldig e-mailadres/, 'a bad address'],
        [{ rol: 'koning' }, 'u-rol', /Kies een rol/, 'an unknown role'],
        [{ gebied: ['de-riet', 'bestaat-niet'] }, 'u-gebied', /bestaat niet/, 'an unknown area'],
      ]) {
        const typed = { gebruikersnaam: 'nieuwe.collega', email: 'collega@almelo.example',
          rol: 'wijkregisseur', gebied: ['de-riet'], ...fields };
        const res = await admin.post('/beheer/medewerkers', typed);
        assertFormPage(res, `a new account with ${why}`, 400, 'Medewerkers');
        const main = mainOf(res.text);
        if (id === 'u-gebied') {
          assert.match(main, /<fieldset class="choices field-error" id="u-gebied" aria-describedby="u-gebied-error">/);
          assert.match(main, /<p class="error-message" id="u-gebied-error">[^<]*bestaat niet/);
          assert.match(main, /<a href="#u-gebied">/, 'the summary links to the areas');
        } else {
          assertFieldError(res.text, id, pattern, why);
        }
        assert.deepEqual(refusedIds(res.text), [id], `${why}: only that field`);
        assert.equal(valueOf(res.text, 'u-gebruikersnaam'), typed.gebruikersnaam, `${why}: name`);
        assert.equal(valueOf(res.text, 'u-email'), typed.email, `${why}: address`);
        assert.match(main, /id="g-de-riet" name="gebied" value="de-riet" checked/,
          `${why}: the chosen area stays chosen`);
      }
      assert.equal(adminSnapshot(db), before, 'nobody added');
    });

  test('disabling one\'s own account: refused on the same screen, with the reason', async () => {
    const before = adminSnapshot(db);
    const res = await admin.post(`/beheer/medewerkers/${demo.beheerder.username}`,
      { actie: 'uitschakelen' });
    assertFormPage(res, 'disabling oneself', 409, 'Medewerkers');
    assert.match(textOf(/<div class="notice notice-warning error-summary"[\s\S]*?<\/div>/
      .exec(mainOf(res.text))?.[0] ?? ''), /eigen account niet uitschakelen/);
    const odd = await admin.post(`/beheer/medewerkers/${demo.regisseur.username}`,
      { actie: 'weggooien' });
    assertFormPage(odd, 'an unknown action', 400, 'Medewerkers');
    assert.equal(adminSnapshot(db), before, 'nothing changed');
  });

  test('areas of a staff member: an unknown area is told on the same screen', async () => {
    const before = adminSnapshot(db);
    const res = await admin.post(`/beheer/medewerkers/${demo.regisseur.username}/gebieden`,
      { gebied: ['aadorp', 'bestaat-niet'] });
    assertFormPage(res, 'an unknown area', 400,
      `${demo.regisseur.username} (wijkregisseur)`);
    const main = mainOf(res.text);
    assert.match(main, /<p class="error-message" id="a-gebied-error">[^<]*bestaat niet/);
    assert.match(main, /id="g-aadorp" name="gebied" value="aadorp" checked/, 'as chosen');
    assert.equal(adminSnapshot(db), before, 'nothing changed');
  });
});

// ---- Areas ----

describe('areas', () => {
  test('a new area: each refusal at its field, the typed values kept', async () => {
    const deRiet = num("SELECT id FROM areas WHERE slug = 'de-riet'");
    const before = adminSnapshot(db);
    const base = { name: 'Riet-West', kind: 'buurt', parent: String(deRiet), slug: '',
      description: 'Aan de westkant.', venue_name: 'Het Hoekje', venue_address: '',
      director_name: '', director_email: '', director_phone: '' };
    for (const [fields, id, pattern, status, why] of [
      [{ name: '' }, 'g-name', /Vul een naam in/, 400, 'no name'],
      [{ parent: '' }, 'g-parent', /Kies de wijk of het dorp/, 400, 'a buurt without its wijk'],
      [{ director_email: 'regisseur at almelo' }, 'g-director_email', /geen geldig e-mailadres/,
        400, 'a bad address'],
      [{ name: 'Riet-Noord' }, 'g-name', /al een gebied met dit webadres/, 409, 'a name in use'],
      [{ slug: 'riet-noord' }, 'g-slug', /al van een ander gebied/, 409, 'an address in use'],
    ]) {
      const typed = { ...base, ...fields };
      const res = await admin.post('/beheer/gebieden', typed);
      assertFormPage(res, `an area with ${why}`, status, 'Wijken, dorpen en buurten');
      assertFieldError(res.text, id, pattern, why);
      assert.deepEqual(refusedIds(res.text), [id], `${why}: only that field`);
      for (const name of ['name', 'slug', 'venue_name', 'description', 'director_email']) {
        assert.equal(valueOf(res.text, `g-${name}`), typed[name], `${why}: ${name} as typed`);
      }
      assert.match(mainOf(res.text), /<option value="buurt" selected>Buurt<\/option>/,
        `${why}: the kind as chosen`);
    }
    assert.equal(adminSnapshot(db), before, 'nothing added');
  });

  test('an area edited with a bad address: its own page, the typed values kept', async () => {
    const deRiet = num("SELECT id FROM areas WHERE slug = 'de-riet'");
    const before = adminSnapshot(db);
    const res = await admin.post(`/beheer/gebieden/${deRiet}`, { name: 'De Riet',
      venue_name: 'Nieuw dok', director_email: 'fout@', description: 'Tekst' });
    assertFormPage(res, 'an edit with a bad address', 400, 'De Riet');
    assertFieldError(res.text, 'g-director_email', /geen geldig e-mailadres/, 'bad address');
    assert.equal(valueOf(res.text, 'g-venue_name'), 'Nieuw dok');
    assert.equal(valueOf(res.text, 'g-description'), 'Tekst');
    assert.equal(adminSnapshot(db), before, 'nothing changed');
  });
});

// ---- Confirmation before rejecting and unpublishing ----

describe('rejecting and unpublishing ask first', () => {
  const state = (id) => one(`SELECT state FROM initiatives WHERE id = ${id}`);
  /** A submitted initiative in the wijkregisseur's area. */
  const submitted = () => num(`SELECT i.id FROM initiatives i JOIN user_areas ua
    ON ua.area_id = i.area_id JOIN users u ON u.id = ua.user_id
    WHERE u.username = ${q(demo.regisseur.username)} AND i.state = 'ingediend'
    ORDER BY i.id LIMIT 1`);
  /** The hidden fields of the confirmation, ready to post again. */
  const carriedOf = (html) => Object.fromEntries([...mainOf(html).matchAll(
    /<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1], decode(m[2])]));

  test('the review page: Afwijzen in the destructive style, not the primary one', async () => {
    const id = submitted();
    assert.ok(id, 'the demo has a submitted initiative for the wijkregisseur');
    const page = await regisseur.get(`/beheer/initiatieven/${id}`);
    assert.equal(page.status, 200);
    const main = mainOf(page.text);
    assert.match(main, /<button type="submit" class="button">Goedkeuren en publiceren<\/button>/);
    assert.match(main, /<button type="submit" class="button button-danger">Afwijzen<\/button>/);
  });

  test('a rejection without the confirmation changes nothing; confirmed, it rejects', async () => {
    const id = submitted();
    const before = adminSnapshot(db);
    const audits = num('SELECT count(*) FROM audit_log');
    const mails = num('SELECT count(*) FROM outbox');
    const ask = await regisseur.post(`/beheer/initiatieven/${id}/afwijzen`,
      { reden: 'Dit past niet bij de regels.' });
    assertFormPage(ask, 'the first post', 200, 'Initiatief afwijzen?');
    const main = mainOf(ask.text);
    assert.match(textOf(main), /wordt afgewezen: het komt niet online/);
    assert.match(main, /<button type="submit" class="button button-danger">Ja, afwijzen<\/button>/);
    assert.match(main, new RegExp(`<a class="button button-secondary" href="/beheer/initiatieven/${id}">Terug</a>`));
    assert.equal(valueOf(ask.text, 'reden'), 'Dit past niet bij de regels.',
      'the reason, still to change');
    assert.equal(state(id), 'ingediend', 'not rejected yet');
    assert.equal(adminSnapshot(db), before);
    assert.equal(num('SELECT count(*) FROM audit_log'), audits, 'nothing audited');
    assert.equal(num('SELECT count(*) FROM outbox'), mails, 'no mail');

    const empty = await regisseur.post(`/beheer/initiatieven/${id}/afwijzen`,
      { reden: '   ', bevestigd: '1' });
    assertFormPage(empty, 'confirmed without a reason', 400, 'Initiatief afwijzen?');
    assertFieldError(empty.text, 'reden', /Schrijf de reden op/, 'no reason');
    assert.equal(state(id), 'ingediend', 'not rejected without a reason');

    const done = await regisseur.post(`/beheer/initiatieven/${id}/afwijzen`,
      { ...carriedOf(ask.text), reden: 'Dit past niet bij de regels.' });
    assert.equal(done.status, 303, textOf(done.text).slice(0, 300));
    assert.equal(state(id), 'afgewezen');
    assert.equal(one(`SELECT state_reason FROM initiatives WHERE id = ${id}`),
      'Dit past niet bij de regels.');
  });

  test('taking news offline without the confirmation changes nothing', async () => {
    const id = num(`SELECT n.id FROM news n JOIN user_areas ua ON ua.area_id = n.area_id
      JOIN users u ON u.id = ua.user_id WHERE u.username = ${q(demo.regisseur.username)}
      AND n.published = 1 ORDER BY n.id LIMIT 1`);
    assert.ok(id, 'a published post of the wijkregisseur\'s area');
    const page = await regisseur.get('/beheer/berichten');
    assert.match(mainOf(page.text), new RegExp(`action="/beheer/berichten/${id}/depubliceren"` +
      '[^>]*>\\s*<input[^>]*>\\s*<button type="submit" class="button button-danger">Offline halen'));
    const ask = await regisseur.post(`/beheer/berichten/${id}/depubliceren`);
    assertFormPage(ask, 'unpublish, first post', 200, 'Bericht offline halen?');
    assert.match(mainOf(ask.text), /<button type="submit" class="button button-danger">Ja, offline halen<\/button>/);
    assert.equal(one(`SELECT published FROM news WHERE id = ${id}`), '1', 'still online');
    const done = await regisseur.post(`/beheer/berichten/${id}/depubliceren`, carriedOf(ask.text));
    assert.equal(done.status, 303);
    assert.equal(one(`SELECT published FROM news WHERE id = ${id}`), '0', 'offline');
    // Publishing again needs no confirmation: it hides nothing.
    const again = await regisseur.post(`/beheer/berichten/${id}/publiceren`);
    assert.equal(again.status, 303);
    assert.equal(one(`SELECT published FROM news WHERE id = ${id}`), '1');
  });
});

// ---- Screens whose lists stay bounded as the data grows ----

describe('lists that grow with the years, a part at a time', () => {
  /** The options of the contribution form's select: [{id, title, selected}]. */
  function options(html) {
    const select = /<select id="c-initiatief"[^>]*>([\s\S]*?)<\/select>/.exec(html)?.[1];
    assert.ok(select !== undefined, 'the contribution form has its select');
    return [...select.matchAll(/<option value="(\d+)"( selected)?>([^<]*)<\/option>/g)]
      .map((m) => ({ id: Number(m[1]), selected: !!m[2], title: decode(m[3]) }));
  }

  test('the contribution form offers 20 initiatives; a search by number or title narrows them',
    async () => {
      sql(db, `WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 25)
        INSERT INTO initiatives(area_id, title, summary, description, target_cents,
          initiator_name, initiator_email, state, published_at, updated_at)
        SELECT NULL, 'Extra plan ' || k, '', '', 10000, 'X', 'x@example.org', 'open',
          datetime('now'), datetime('now', '-' || k || ' minutes') FROM n`);
      const choosable = num("SELECT count(*) FROM initiatives WHERE state IN ('open', 'gefinancierd')");
      assert.ok(choosable > 25);
      const page = await admin.get('/beheer/geld');
      assert.equal(page.status, 200);
      checkHtmlPage(page, 'GET /beheer/geld');
      const shown = options(page.text);
      assert.equal(shown.length, 20, 'twenty to choose from, not every initiative online');
      const latest = sql(db, `SELECT id FROM initiatives WHERE state IN ('open', 'gefinancierd')
        ORDER BY updated_at DESC, id DESC LIMIT 20`).trim().split('\n').map(Number);
      assert.deepEqual(shown.map((o) => o.id), latest, 'the latest changed first');
      assert.match(textOf(mainOf(page.text)), /U ziet de 20 initiatieven die open of gefinancierd zijn/);
      assert.match(page.text, /<form method="get" action="\/beheer\/geld"[^>]*>\s*<label for="zoek">/,
        'a search that works without JavaScript');

      const oldest = num(`SELECT id FROM initiatives WHERE title = 'Extra plan 25'`);
      const byNumber = options((await admin.get(`/beheer/geld?zoek=${oldest}`)).text);
      assert.deepEqual(byNumber.map((o) => o.title), ['Extra plan 25'], 'by its number');
      const byTitle = options((await admin.get('/beheer/geld?zoek=plan%202')).text);
      assert.deepEqual(byTitle.map((o) => o.title).sort(),
        ['Extra plan 2', 'Extra plan 20', 'Extra plan 21', 'Extra plan 22', 'Extra plan 23',
          'Extra plan 24', 'Extra plan 25'], 'by a part of the title');
      const wild = await admin.get('/beheer/geld?zoek=%25');
      assert.deepEqual(options(wild.text), [], '% is a character, not a wildcard');
      assert.match(textOf(mainOf(wild.text)), /Geen initiatief gevonden/);
      assert.equal((await admin.get(`/beheer/geld?zoek=${'x'.repeat(101)}`)).status, 400);

      // A refused contribution keeps an initiative chosen that is not among the twenty.
      const res = await admin.post('/beheer/geld/bijdrage',
        { initiatief: oldest, partner: 'Fonds Almelo', bedrag: 'tien' });
      assertFormPage(res, 'a refused contribution', 400, 'Bijdragen en uitbetalingen');
      assertFieldError(res.text, 'c-bedrag', /geen bedrag/, 'no number');
      assert.ok(options(res.text).some((o) => o.id === oldest && o.selected),
        'the initiative stays chosen');
    });

  test('/beheer/rondes lists 10 rounds a page, newest first', async () => {
    sql(db, `WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 25)
      INSERT INTO rounds(name, opens_at, closes_at, voucher_cents)
      SELECT 'Oude ronde ' || k, (1990 + k) || '-01-01 00:00:00', (1990 + k) || '-02-01 00:00:00',
        500 FROM n`);
    const all = sql(db, 'SELECT name FROM rounds ORDER BY opens_at DESC, id DESC').trim().split('\n');
    assert.ok(all.length > 25);
    const names = (html) => [...mainOf(html).matchAll(/<h2>([^<]*)<\/h2>\s*<p>Van /g)]
      .map((m) => decode(m[1]));
    const first = await admin.get('/beheer/rondes');
    assert.equal(first.status, 200);
    checkHtmlPage(first, 'GET /beheer/rondes');
    assert.deepEqual(names(first.text), all.slice(0, 10));
    assert.match(first.text, new RegExp(`Pagina 1 van ${Math.ceil(all.length / 10)}`));
    assert.match(first.text, /<a href="\/beheer\/rondes\?pagina=2" rel="next">/);
    assert.match(first.text, /<h2>Nieuwe ronde<\/h2>/, 'adding a round stays on every page');
    const second = await admin.get('/beheer/rondes?pagina=2');
    assert.equal(second.status, 200);
    assert.deepEqual(names(second.text), all.slice(10, 20));
    assert.match(second.text, /<a href="\/beheer\/rondes\?pagina=1" rel="prev">/);
    assert.equal((await admin.get('/beheer/rondes?pagina=99')).status, 404);
    assert.equal((await admin.get('/beheer/rondes?pagina=nul')).status, 400);
  });
});
