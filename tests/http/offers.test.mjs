// Lent or sponsored materials over HTTP ("Ik kan iets lenen"): the form on its own page with
// post/redirect/get, bad input back with its fields, 429 past the rate limit, the e-mail to the
// initiator with Reply-To the offerer, accepting and declining on the management page, a
// covered line on the public page, the lowered target funding the initiative and stopping
// donations, the people on no public page, and verify passing afterwards.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { removeDb, runBin, sql, startServe } from '../lib/server.mjs';
import { httpRequest, issueCodes, session } from '../lib/vouchers.mjs';
import { initiativeFields, login, makeDemoDbWithStaff, submitInitiative } from '../lib/staff.mjs';
import { checkHtmlPage } from '../lib/pages.mjs';

let db;
let server;
let demo;
let codes;
let nextCode = 0;
let made = 0;
const one = (s) => sql(db, s).trim();

before(async () => {
  demo = await makeDemoDbWithStaff();
  db = demo.db;
  sql(db, "INSERT OR REPLACE INTO settings(key, value) VALUES ('aanbod_per_uur', '3')");
  codes = await issueCodes(db, 8);
  server = await startServe({ db, threads: 2 });
});

after(async () => {
  await server?.stop();
  if (db) await removeDb(db);
});

/**
 * A city-wide open initiative of € 22,50 with three lines of € 7,50 (Partytent, Koffie,
 * Flyers), submitted through the form so that it has a management link; resolves with
 * {id, path, client, lines: {item: id}}.
 */
async function openWithLines() {
  made += 1;
  const sub = await submitInitiative(server.base,
    initiativeFields({ email: `lener.init${made}@example.org`, titel: `Buurtfeest ${made}` }),
    {}, { localAddress: `127.0.0.${60 + made}` });
  assert.ok(sub.path, 'a management link');
  const id = Number(one('SELECT max(id) FROM initiatives'));
  sql(db, `DELETE FROM budget_lines WHERE initiative_id = ${id};
    INSERT INTO budget_lines(initiative_id, position, item, amount_cents) VALUES
      (${id}, 1, 'Partytent', 750), (${id}, 2, 'Koffie', 750), (${id}, 3, 'Flyers', 750);
    UPDATE initiatives SET state = 'open', area_id = NULL, target_cents = 2250,
      published_at = datetime('now'), deadline = datetime('now', '+30 days') WHERE id = ${id};
    INSERT INTO audit_log(actor, action, subject, from_value, to_value, ledger_seq)
      VALUES ('proef', 'state', 'initiative:${id}', 'ingediend', 'open',
        (SELECT coalesce(max(id), 0) FROM ledger));`);
  const lines = {};
  for (const row of one(`SELECT item || '=' || id FROM budget_lines WHERE initiative_id = ${id}`)
    .split('\n')) {
    const [item, lineId] = row.split('=');
    lines[item] = lineId;
  }
  return { id, path: sub.path, client: sub.client, lines };
}

async function offer(id, fields, localAddress) {
  const s = await session(server.base, { localAddress });
  return s.post(`/initiatieven/${id}/lenen`, fields);
}

/** The initiator's decision through the management page's own form. */
async function decide(init, offerId, besluit) {
  const page = await init.client.get(init.path);
  assert.equal(page.status, 200);
  const csrf = /name="_csrf" value="([^"]*)"/.exec(page.text)[1];
  return init.client.post(`${init.path}/aanbod`, { _csrf: csrf, aanbod: String(offerId), besluit });
}

async function donate(id) {
  const s = await session(server.base, { localAddress: '127.0.0.90' });
  return s.post('/doneren/bevestigen', { code: codes[nextCode++], initiatief: String(id) });
}

const state = (id) => one(`SELECT state FROM initiatives WHERE id = ${id}`);
const lastOffer = () => Number(one('SELECT max(id) FROM offers'));

let first; // the initiative of the form tests

describe('the offer form', () => {
  test('the page links to its own form; an offer is thanked and mailed to the initiator', async () => {
    first = await openWithLines();
    const s = await session(server.base, { localAddress: '127.0.0.51' });
    let page = await s.get(`/initiatieven/${first.id}`);
    assert.equal(page.status, 200);
    assert.match(page.text, new RegExp(`href="/initiatieven/${first.id}/lenen"`));
    assert.doesNotMatch(page.text, /name="_csrf"/);
    const form = await s.get(`/initiatieven/${first.id}/lenen`);
    assert.equal(form.status, 200);
    checkHtmlPage(form, '/lenen');
    assert.match(form.text, new RegExp(`action="/initiatieven/${first.id}/lenen"`));
    assert.match(form.text, new RegExp(`name="onderdeel" type="radio" value="${first.lines.Partytent}"`));
    assert.match(form.text, /Partytent \(€\u00a07,50\)/);
    const r = await s.post(`/initiatieven/${first.id}/lenen`, { onderdeel: first.lines.Partytent,
      soort: 'lenen', voornaam: 'Zeynepoffer', email: 'zeynep.lener@example.org',
      bericht: 'Een tent van 3 bij 3 meter' });
    assert.equal(r.status, 303, r.text);
    assert.match(r.headers.get('location'), /gedaan=lenen/);
    page = await s.get(r.headers.get('location'));
    assert.match(page.text, /Bedankt!/);
    assert.equal(one(`SELECT count(*) FROM outbox WHERE to_addr = 'lener.init1@example.org'
      AND reply_to = 'Zeynepoffer <zeynep.lener@example.org>' AND body LIKE '%Partytent%'`), '1');
    assert.equal(one(`SELECT kind || ' ' || state FROM offers WHERE id = ${lastOffer()}`),
      'lenen offered');
  });

  test('bad input comes back with field messages, input kept, nothing stored', async () => {
    const before = one('SELECT count(*) FROM offers');
    const good = { onderdeel: first.lines.Koffie, soort: 'geven', voornaam: 'Bert',
      email: 'bert@example.org' };
    const other = one(`SELECT min(id) FROM budget_lines WHERE initiative_id <> ${first.id}`);
    for (const [fields, field] of [
      [{ ...good, voornaam: '' }, 'voornaam'],
      [{ ...good, voornaam: 'B'.repeat(61) }, 'voornaam'],
      [{ ...good, email: 'geen-adres' }, 'email'],
      [{ ...good, bericht: 'x'.repeat(301) }, 'bericht'],
      [{ ...good, onderdeel: '' }, 'onderdeel'],
      [{ ...good, onderdeel: other }, 'onderdeel'],
      [{ ...good, soort: 'stelen' }, 'soort'],
      [{ ...good, voornaam: 'B\u0001ert' }, 'voornaam'],
    ]) {
      const r = await offer(first.id, fields, '127.0.0.52');
      assert.equal(r.status, 400, JSON.stringify(fields));
      checkHtmlPage(r, `/lenen with a bad ${field}`);
      assert.match(r.text, /error-summary/);
      assert.match(r.text, new RegExp(`href="#${field === 'email' ? 'lenen-email' : field}"`),
        `${field} named in the summary`);
      assert.match(r.text, /aria-invalid="true"/);
    }
    const kept = await offer(first.id, { ...good, email: 'fout' }, '127.0.0.52');
    assert.match(kept.text, /value="Bert"/);
    assert.equal(one('SELECT count(*) FROM offers'), before);
  });

  test('without CSRF nothing is stored', async () => {
    const s = await session(server.base, { localAddress: '127.0.0.53' });
    const r = await s.post(`/initiatieven/${first.id}/lenen`, { onderdeel: first.lines.Koffie,
      soort: 'lenen', voornaam: 'C', email: 'c@example.org' }, { cookie: null });
    assert.equal(r.status, 403);
  });

  test('past aanbod_per_uur: 429 in Dutch, nothing stored', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await offer(first.id, { onderdeel: first.lines.Flyers, soort: 'geven',
        voornaam: 'Dirk', email: `dirk.lener${i}@example.org` }, '127.0.0.54')).status);
    }
    assert.deepEqual(statuses, [303, 303, 303, 429]);
    const r = await offer(first.id, { onderdeel: first.lines.Flyers, soort: 'geven',
      voornaam: 'Dirk', email: 'dirk.lener9@example.org' }, '127.0.0.54');
    assert.equal(r.status, 429);
    assert.match(r.text, /aanbiedingen/);
    assert.match(r.text, /Probeer het over \d+ minu/);
    assert.ok(r.headers.get('retry-after'));
    assert.equal(one("SELECT count(*) FROM offers WHERE email LIKE 'dirk.lener%'"), '3');
  });

  test('a funded initiative takes no offers', async () => {
    const id = Number(one("SELECT min(id) FROM initiatives WHERE state = 'gefinancierd'"));
    const s = await session(server.base, { localAddress: '127.0.0.55' });
    assert.equal((await s.get(`/initiatieven/${id}/lenen`)).status, 409);
    assert.doesNotMatch((await s.get(`/initiatieven/${id}`)).text, /\/lenen"/);
  });
});

describe('the initiator decides', () => {
  test('the offers are on the management page; declining is audited', async () => {
    const page = await first.client.get(first.path);
    checkHtmlPage(page, 'the management page with offers');
    assert.match(page.text, /Zeynepoffer, <a href="mailto:zeynep.lener@example.org">/);
    assert.match(page.text, /name="besluit" value="aannemen"/);
    const id = Number(one(`SELECT min(id) FROM offers WHERE initiative_id = ${first.id}
      AND email LIKE 'dirk.lener%'`));
    const r = await decide(first, id, 'afslaan');
    assert.equal(r.status, 303);
    assert.equal(one(`SELECT state FROM offers WHERE id = ${id}`), 'declined');
    assert.equal(one(`SELECT count(*) FROM audit_log WHERE action = 'offer-decline'
      AND subject = 'initiative:${first.id}'`), '1');
    assert.equal((await decide(first, id, 'aannemen')).status, 409);
    // Another initiative's offer is not this link's to decide.
    const other = await openWithLines();
    assert.equal((await decide(other, id, 'afslaan')).status, 404);
  });

  test('accepting covers the line, lowers the amount still to raise, and funds when the rest was raised', async () => {
    const init = await openWithLines();
    assert.equal((await donate(init.id)).status, 303);
    assert.equal((await donate(init.id)).status, 303);
    assert.equal(state(init.id), 'open');
    assert.equal((await offer(init.id, { onderdeel: init.lines.Partytent, soort: 'lenen',
      voornaam: 'Yaraoffer', email: 'yara.lener@example.org' }, '127.0.0.56')).status, 303);
    const r = await decide(init, lastOffer(), 'aannemen');
    assert.equal(r.status, 303);
    assert.equal(state(init.id), 'gefinancierd');
    const page = await httpRequest(new URL(`/initiatieven/${init.id}`, server.base));
    checkHtmlPage(page, 'an initiative with a covered line');
    assert.match(page.text, /<td>Partytent <span class="covered">\(gedekt door een buurtgenoot\)<\/span><\/td><td class="num">€\u00a07,50<\/td>/);
    assert.doesNotMatch(page.text, /<td>(Koffie|Flyers) <span class="covered">/);
    assert.match(page.text, /<strong class="amount">€\s15<\/strong> van <span class="amount">€\s15<\/span>/);
    assert.match(page.text, /Gedekt door buurtgenoten<\/th><td class="num">&minus; €\s7,50</);
    assert.ok(!page.text.includes('Yaraoffer'));
  });

  test('donations stop once the lowered target is reached', async () => {
    const init = await openWithLines();
    assert.equal((await offer(init.id, { onderdeel: init.lines.Koffie, soort: 'geven',
      voornaam: 'Xanderoffer', email: 'xander.lener@example.org' }, '127.0.0.57')).status, 303);
    assert.equal((await decide(init, lastOffer(), 'aannemen')).status, 303);
    assert.equal(state(init.id), 'open');
    const page = await httpRequest(new URL(`/initiatieven/${init.id}`, server.base));
    assert.match(page.text, /Nog <strong>€\s15<\/strong> nodig/);
    assert.equal((await donate(init.id)).status, 303);
    assert.equal((await donate(init.id)).status, 303);
    assert.equal(state(init.id), 'gefinancierd');
    const before = one(`SELECT count(*) FROM ledger WHERE initiative_id = ${init.id}`);
    const refused = await donate(init.id);
    assert.notEqual(refused.status, 303);
    assert.match(refused.text, /neemt geen vouchers meer aan/);
    assert.equal(one(`SELECT count(*) FROM ledger WHERE initiative_id = ${init.id}`), before);
  });
});

test('no name or e-mail address of an offerer on a public page, the API or a feed', async () => {
  const ids = one("SELECT group_concat(DISTINCT initiative_id) FROM offers").split(',');
  const paths = ['/initiatieven', '/', '/api/v1/initiatieven', '/feeds/gemeente.atom'];
  for (const id of ids) {
    paths.push(`/initiatieven/${id}`, `/initiatieven/${id}/lenen`, `/api/v1/initiatieven/${id}`,
      `/feeds/initiatieven/${id}.atom`);
  }
  for (const p of paths) {
    const r = await httpRequest(new URL(p, server.base));
    for (const who of ['zeynep.lener@example.org', 'Zeynepoffer', 'yara.lener@example.org',
      'Yaraoffer', 'Xanderoffer', 'dirk.lener0@example.org']) {
      assert.ok(!r.text.includes(who), `${who} on ${p}`);
    }
  }
});

test('the review page shows offer counts, not the people', async () => {
  const admin = await login(server.base, demo.beheerder.username, demo.beheerder.password);
  const r = await admin.get(`/beheer/initiatieven/${first.id}`);
  assert.equal(r.status, 200);
  assert.match(r.text, /Aanbiedingen om te lenen of te geven<\/dt><dd>4</);
  assert.match(r.text, /Aangenomen<\/dt><dd>0</);
  assert.match(r.text, /Afgeslagen<\/dt><dd>1</);
  assert.ok(!r.text.includes('zeynep.lener@example.org'));
});

test('verify passes with covered lines', async () => {
  const v = await runBin(['--db', db, 'verify']);
  assert.equal(v.code, 0, v.stdout + v.stderr);
});
