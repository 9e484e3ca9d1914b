// Staff screens that help, through the built-in HTTP server on the demo data: the audit log
// in words and local time with its filters and pages, local time on every staff page, the
// news form's area placeholder, the totals export per round with last days, the household
// import preview's list of changes, the review page and the queue's likely duplicates, and
// the letter logo upload.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkHtmlPage, fetchPage, mainOf, textOf } from '../lib/pages.mjs';
import {
  removeDb, removeTemp, runBin, sql, sqlString as q, startServe, tempDir,
} from '../lib/server.mjs';
import {
  initiativeFields, login, makeDemoDbWithStaff, makePng, submitInitiative,
} from '../lib/staff.mjs';
import { csvObjects, download, tableRows } from '../lib/admin.mjs';
import { issueVouchers } from '../lib/vouchers.mjs';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';

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

function assertPage(res, where, status = 200) {
  assert.equal(res.status, status, `${where}: status (${textOf(res.text).slice(0, 400)})`);
  checkHtmlPage(res, where);
}

/** The main content after the staff bar. */
function contentOf(html) {
  const m = mainOf(html);
  const end = m.indexOf('</nav>');
  return /<nav class="staff-bar"/.test(m) ? m.slice(end + 6) : m;
}

const MONTHS = ['januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus',
  'september', 'oktober', 'november', 'december'];

/** A database moment 'YYYY-MM-DD HH:MM:SS' (UTC) as the staff pages write it in Amsterdam. */
function localText(utc) {
  const d = new Date(`${utc.replace(' ', 'T')}Z`);
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Amsterdam', year: 'numeric', month: 'numeric', day: 'numeric',
    hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(d).map((p) => [p.type, p.value]));
  return `${Number(parts.day)} ${MONTHS[Number(parts.month) - 1]} ${parts.year} om ` +
    `${parts.hour}:${parts.minute}`;
}

describe('the audit log reads like a log for people', () => {
  test('local time, actions in Dutch, titles with links, the IP address in its own column',
    async () => {
      const res = await admin.get('/beheer/auditlog');
      assertPage(res, 'GET /beheer/auditlog');
      const html = contentOf(res.text);
      assert.doesNotMatch(html, /initiative:\d/, 'no raw subjects');
      assert.doesNotMatch(textOf(html), /\bstate\b|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/,
        'no action codes or UTC timestamps');
      const head = /<thead>([\s\S]*?)<\/thead>/.exec(html)[1];
      assert.match(head, /IP-adres/);
      const rows = tableRows(html);
      // The admin's own login, newest first: its address in the last column, no reason.
      const login = rows.find((r) => r[2] === 'inloggen gelukt');
      assert.ok(login, 'the login is in the log');
      assert.equal(login[5], '127.0.0.1');
      assert.equal(login[4], '');
      const at = one("SELECT at FROM audit_log WHERE action = 'login' ORDER BY id DESC LIMIT 1");
      assert.equal(rows.find((r) => r[2] === 'inloggen gelukt')[0], localText(at));

      // A state change: the sentence, the title linked to the review page.
      const id = num("SELECT CAST(substr(subject, 12) AS INTEGER) FROM audit_log " +
        "WHERE action = 'state' AND from_value = 'ingediend' AND to_value = 'open' " +
        'ORDER BY id DESC LIMIT 1');
      const title = one(`SELECT title FROM initiatives WHERE id = ${id}`);
      const filtered = await admin.get(`/beheer/auditlog?initiatief=${id}`);
      assertPage(filtered, 'the log of one initiative');
      const own = tableRows(contentOf(filtered.text));
      assert.equal(own.length, num(`SELECT count(*) FROM audit_log WHERE subject = 'initiative:${id}'`));
      assert.ok(own.length >= 1);
      assert.ok(own.every((r) => r[3] === title), 'every row names the initiative');
      assert.ok(own.some((r) => r[2] === 'status gewijzigd van ingediend naar open'));
      assert.match(contentOf(filtered.text),
        new RegExp(`<a href="/beheer/initiatieven/${id}">[^<]+</a>`));
      assert.match(filtered.text, new RegExp(`<option value="${id}" selected>`),
        'the chosen initiative stays chosen');
    });

  test('filters by round, and pages that keep the filters', async () => {
    const rounds = one('SELECT id || \'|\' || name FROM rounds ORDER BY id').split('\n')
      .map((l) => l.split('|'));
    const [[r1, n1], [r2, n2]] = rounds;
    // 120 entries about round 2, 3 about round 1 (written as the CLI would).
    sql(db, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 120)
      INSERT INTO audit_log(at, actor, action, subject, to_value)
      SELECT datetime('now', '-' || i || ' minutes'), 'cli', 'round-edit', 'round:${r2}', ${q(n2)}
      FROM n;
      INSERT INTO audit_log(at, actor, action, subject, to_value) VALUES
      (datetime('now'), 'cli', 'round-edit', 'round:${r1}', ${q(n1)}),
      (datetime('now'), 'cli', 'round-edit', 'round:${r1}', ${q(n1)}),
      (datetime('now'), 'cli', 'round-edit', 'round:${r1}', ${q(n1)})`);
    const first = await admin.get(`/beheer/auditlog?ronde=${r1}`);
    assertPage(first, 'the log of round 1');
    const rows1 = tableRows(contentOf(first.text));
    assert.equal(rows1.length, 3);
    assert.ok(rows1.every((r) => r[3] === n1 && r[2] === 'ronde gewijzigd'));
    assert.doesNotMatch(first.text, /rel="next"/, 'one page');

    const page1 = await admin.get(`/beheer/auditlog?ronde=${r2}&wat=round-edit`);
    assertPage(page1, 'the log of round 2');
    assert.equal(tableRows(contentOf(page1.text)).length, 50);
    const next = /<a rel="next" href="([^"]+)">Oudere regels<\/a>/.exec(page1.text);
    assert.ok(next, 'a link to the older rows');
    const href = next[1].replaceAll('&amp;', '&');
    assert.match(href, new RegExp(`ronde=${r2}&`), 'the round filter kept');
    assert.match(href, /wat=round-edit&/, 'the action filter kept');
    assert.match(href, /voor=\d+$/, 'older than the last row shown, by its id');
    const page2 = await admin.get(href);
    assertPage(page2, 'page 2');
    const rows2 = tableRows(contentOf(page2.text));
    assert.equal(rows2.length, 50);
    assert.notDeepEqual(rows2[0], tableRows(contentOf(page1.text))[0], 'other rows');
    const prev = /<a rel="prev" href="([^"]+)">Nieuwere regels<\/a>/.exec(page2.text);
    assert.ok(prev, 'a link back to the newer rows');
    assert.match(prev[1], new RegExp(`ronde=${r2}&amp;.*na=\\d+$`), 'filters kept, newer by id');
    const back = await admin.get(prev[1].replaceAll('&amp;', '&'));
    assert.deepEqual(tableRows(contentOf(back.text)), tableRows(contentOf(page1.text)),
      'back at the first page');
    assert.doesNotMatch(back.text, /rel="prev"/, 'nothing newer than the first page');
    const next2 = /<a rel="next" href="([^"]+)">Oudere regels<\/a>/.exec(page2.text);
    const page3 = await admin.get(next2[1].replaceAll('&amp;', '&'));
    assert.equal(tableRows(contentOf(page3.text)).length, 20);
    assert.doesNotMatch(page3.text, /rel="next"/);
    const prev3 = /<a rel="prev" href="([^"]+)">Nieuwere regels<\/a>/.exec(page3.text);
    assert.deepEqual(tableRows(contentOf((await admin.get(prev3[1].replaceAll('&amp;', '&')))
      .text)), rows2, 'the page before, again');
    assert.ok(tableRows(contentOf(page3.text)).every((r) => r[3] === n2));
  });

  test('a filter that is no date, initiative or action is refused', async () => {
    for (const query of ['initiatief=abc', 'ronde=-1', 'voor=0', 'na=abc', 'wat=drop',
      'van=gisteren', 'tot=2026-13-01']) {
      const res = await admin.get(`/beheer/auditlog?${query}`);
      assertPage(res, query, 400);
      assert.match(textOf(mainOf(res.text)), /Controleer de filters/);
    }
  });
});

describe('timestamps in local time on every staff page', () => {
  const PAGES = ['/beheer', '/beheer/initiatieven/26', '/beheer/berichten', '/beheer/berichten/1',
    '/beheer/dashboard', '/beheer/geld', '/beheer/instellingen', '/beheer/medewerkers',
    '/beheer/medewerkers/regisseur', '/beheer/auditlog', '/beheer/email', '/beheer/gebieden',
    '/beheer/rondes', '/beheer/huishoudens'];

  test('no UTC moment is shown, the local one is', async () => {
    // Something with a moment on every screen that lists them.
    const round = num('SELECT id FROM rounds ORDER BY id DESC LIMIT 1');
    sql(db, `INSERT INTO outbox(created_at, to_addr, subject, body, next_attempt_at)
        VALUES (1796313600, 'a@example.org', 'Wacht', 'b', 1796317200);
      INSERT INTO initiative_messages(initiative_id, author_role, author_name, body, created_at)
        VALUES (26, 'initiatiefnemer', 'Anna', 'Klopt het zo?', '2026-06-30 22:30:00');
      INSERT INTO issued_files(round_id, kind, title, nonce, data, created_at, created_by)
        VALUES (${round}, 'codes', 'Brieven test', x'00', x'00', 1796313600, 'beheerder')`);
    const open = num("SELECT id FROM initiatives WHERE state = 'open' ORDER BY id LIMIT 1");
    const res = await admin.post('/beheer/geld/bijdrage', { initiatief: open, bedrag: '5,00',
      partner: 'Stichting Tijd' });
    assert.equal(res.status, 303, textOf(res.text).slice(0, 300));
    const utc = /\b\d{4}-\d\d-\d\d[ T]\d\d:\d\d|\bUTC\b/;
    for (const p of PAGES) {
      const page = await admin.get(p);
      assertPage(page, p);
      const text = textOf(contentOf(page.text));
      assert.doesNotMatch(text, utc, `${p} shows a UTC moment: ${utc.exec(text)?.[0]}`);
    }
    // 2026-12-03 16:00 and 17:00 UTC are 17:00 and 18:00 in Amsterdam; 2026-06-30 22:30 UTC
    // is 1 juli 00:30.
    assert.match(textOf((await admin.get('/beheer/email')).text), /3 december 2026 om 18:00/);
    assert.match(textOf((await admin.get('/beheer/initiatieven/26')).text),
      /1 juli 2026 om 00:30/);
    assert.match(textOf((await admin.get('/beheer/rondes')).text), /3 december 2026 om 17:00/);
    sql(db, "DELETE FROM issued_files WHERE title = 'Brieven test'"); // no codes in it
  });
});

describe('the news form asks for an area first', () => {
  test('"Kies een gebied" comes first and is no choice: the error at the field', async () => {
    const form = await regisseur.get('/beheer/berichten/nieuw');
    assertPage(form, 'the news form');
    const select = /<select id="gebied" name="gebied"[^>]*>([\s\S]*?)<\/select>/.exec(form.text);
    assert.ok(select, 'the area select');
    const options = [...select[1].matchAll(/<option value="([^"]*)"( selected)?>([^<]*)<\/option>/g)];
    assert.deepEqual([options[0][1], options[0][2], options[0][3]], ['', ' selected',
      'Kies een gebied'], 'the placeholder first, chosen');
    assert.ok(options.slice(1).every((o) => !o[2]), 'no real area chosen in advance');
    const before = num('SELECT count(*) FROM news');
    for (const gebied of ['', null]) {
      const fields = { titel: 'Zonder gebied', tekst: 'Waar hoort dit bij?' };
      if (gebied !== null) fields.gebied = gebied;
      const res = await regisseur.post('/beheer/berichten/nieuw', fields);
      assertPage(res, `gebied ${JSON.stringify(gebied)}`, 400);
      const field = /<div class="field field-error">\s*<label for="gebied">Gebied<\/label>\s*<p class="error-message" id="gebied-error">([^<]*)<\/p>\s*<select id="gebied" name="gebied" aria-invalid="true" aria-describedby="gebied-error">/
        .exec(res.text);
      assert.ok(field, 'the message stands at the area field');
      assert.match(field[1], /Kies een gebied/);
      assert.match(res.text, /<input id="titel" name="titel" type="text" value="Zonder gebied"/);
      assert.match(res.text, /<option value="" selected>Kies een gebied<\/option>/);
    }
    assert.equal(num('SELECT count(*) FROM news'), before, 'nothing saved');
  });
});

describe('the staff news list pages at 25', () => {
  test('drafts first, then the newest; 25 a page, with links both ways', async () => {
    sql(db, `WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 40)
      INSERT INTO news(area_id, title, body, author_name, published, created_at, published_at)
      SELECT NULL, 'Stapel ' || k, 'Tekst', 'beheer', 1, datetime('now', '-' || k || ' days'),
        datetime('now', '-' || k || ' days') FROM n`);
    const all = one(`SELECT title FROM news ORDER BY published,
      coalesce(published_at, created_at) DESC, id DESC`).split('\n');
    assert.ok(all.length > 50);
    const titles = (html) => [...mainOf(html).matchAll(/<td><a href="\/beheer\/berichten\/\d+">([^<]*)<\/a><\/td>/g)]
      .map((m) => m[1].replaceAll('&amp;', '&').replaceAll('&quot;', '"').replaceAll('&#39;', "'"));
    const first = await admin.get('/beheer/berichten');
    assertPage(first, 'GET /beheer/berichten');
    assert.deepEqual(titles(first.text), all.slice(0, 25));
    assert.match(first.text, new RegExp(`Pagina 1 van ${Math.ceil(all.length / 25)}`));
    assert.match(first.text, /<a href="\/beheer\/berichten\?pagina=2" rel="next">/);
    const second = await admin.get('/beheer/berichten?pagina=2');
    assertPage(second, 'GET /beheer/berichten?pagina=2');
    assert.deepEqual(titles(second.text), all.slice(25, 50));
    assert.match(second.text, /<a href="\/beheer\/berichten\?pagina=1" rel="prev">/);
  });
});

describe('the totals export counts per round honestly and ends on the last day', () => {
  test('a round still to come shows no initiative; round ends read "t/m"', async () => {
    // Spring 2027: 1 March to 30 June, Amsterdam time (the end is the exclusive midnight).
    sql(db, `INSERT INTO rounds(name, opens_at, closes_at, voucher_cents)
      VALUES ('Voorjaar 2027', '2027-02-28 23:00:00', '2027-06-30 22:00:00', 750)`);
    const future = num("SELECT id FROM rounds WHERE name = 'Voorjaar 2027'");
    assert.ok(num("SELECT count(*) FROM initiatives WHERE state = 'open'") > 0, 'some are open now');
    const json = JSON.parse((await download(admin, '/beheer/export?soort=totals&formaat=json'))
      .text);
    const row = json.find((r) => r.round_id === future);
    assert.ok(row, 'the round to come is listed');
    assert.deepEqual([row.open, row.funded, row.carried_out, row.not_reached], [0, 0, 0, 0],
      'nothing took part in a round that has not begun');
    assert.equal(row.first_day, '2027-03-01');
    assert.equal(row.last_day, '2027-06-30');
    const current = num("SELECT id FROM rounds WHERE opens_at <= datetime('now') " +
      "AND closes_at > datetime('now')");
    assert.ok(json.find((r) => r.round_id === current).open > 0, 'the current round has some');

    const csv = csvObjects((await download(admin, '/beheer/export?soort=totals&formaat=csv'))
      .text, ';');
    const c = csv.find((r) => Number(r.ronde) === future);
    assert.equal(c.eerste_dag, '2027-03-01');
    assert.equal(c.tot_en_met, '2027-06-30');
    assert.equal(c.open, '0');
    assert.ok(!('sluit' in c), 'no exclusive end');

    const areas = csvObjects((await download(admin,
      `/beheer/export?soort=areas&formaat=csv&ronde=${future}`)).text, ';');
    assert.ok(areas.length > 0 && areas.every((a) => a.open === '0'));
    const initiatives = JSON.parse((await download(admin,
      `/beheer/export?soort=initiatives&formaat=json&ronde=${future}`)).text);
    assert.equal(initiatives.length, 0);

    const page = await fetchPage(server.base, '/transparantie');
    assertPage(page, '/transparantie');
    const box = /<h2>Voorjaar 2027<\/h2>\s*<p>([^<]*)<\/p>/.exec(page.text);
    assert.ok(box, 'the round on the transparency page');
    assert.equal(box[1], 'Van 1 maart 2027 t/m 30 juni 2027.');
    sql(db, `DELETE FROM rounds WHERE id = ${future}`);
  });
});

describe('the rounds screen offers only what a round can still do', () => {
  /** Each round's section on /beheer/rondes by name: the HTML after its heading. */
  const sectionsOf = (html) => new Map([...html.matchAll(
    /<section class="round-box">\s*<h2>([^<]*)<\/h2>([\s\S]*?)<\/section>/g)]
    .map((m) => [m[1], m[2]]));
  const roundsNow = () => one(`SELECT group_concat(id || '|' || name || '|' ||
      (closes_at <= datetime('now')) || '|' || (opens_at > datetime('now')), char(10))
    FROM rounds`).split('\n').map((line) => {
    const [id, name, closed, later] = line.split('|');
    return { id: Number(id), name, closed: closed === '1', later: later === '1' };
  });

  test('a closed round shows its figures and that it ended, with no form to issue or replace',
    async () => {
      sql(db, `INSERT INTO rounds(name, opens_at, closes_at, voucher_cents)
        VALUES ('Nog niet begonnen', datetime('now', '+400 days'),
          datetime('now', '+500 days'), 750)`);
      try {
        const page = await admin.get('/beheer/rondes');
        assertPage(page, '/beheer/rondes');
        const sections = sectionsOf(page.text);
        const rounds = roundsNow();
        assert.ok(rounds.some((r) => r.closed), 'the demo has a closed round');
        assert.ok(rounds.some((r) => !r.closed && !r.later), 'and an open one');
        assert.ok(rounds.some((r) => r.later), 'and one still to come');
        for (const r of rounds) {
          const s = sections.get(r.name);
          assert.ok(s, `${r.name} is listed`);
          assert.match(textOf(s), /^Van .+ tot en met .+, voucher €\s[\d.,]+\. Uitgegeven: \d+, gedoneerd: \d+\./,
            `${r.name}: dates, value and totals`);
          const issue = s.includes(`action="/beheer/rondes/${r.id}/uitgeven"`);
          const replace = s.includes(`action="/beheer/rondes/${r.id}/vervangen"`);
          const edit = s.includes(`action="/beheer/rondes/${r.id}"`);
          if (r.closed) {
            assert.deepEqual([issue, replace, edit], [false, false, false],
              `${r.name} has ended: no form at all`);
            assert.doesNotMatch(s, /<form|Brief kwijt|Uitgeven geeft/, `${r.name}: nothing to do`);
            assert.match(textOf(s), /Deze ronde is afgelopen\./, `${r.name}: says it ended`);
          } else {
            assert.deepEqual([issue, replace, edit], [true, true, r.later],
              `${r.name}: issue and replace${r.later ? ', and edit' : ''}`);
            assert.doesNotMatch(textOf(s), /afgelopen/, `${r.name} has not ended`);
          }
        }
      } finally {
        sql(db, "DELETE FROM rounds WHERE name = 'Nog niet begonnen'");
      }
    });

  test('a replacement posted for a closed round is still refused in Dutch', async () => {
    const closed = roundsNow().find((r) => r.closed);
    const vouchers = num('SELECT count(*) FROM vouchers');
    for (const [fields, why] of [
      [{ postcode: '7607 AB', huisnummer: '12', toevoeging: '' }, 'an address'],
      [{ postcode: 'ABCD', huisnummer: 'twaalf', toevoeging: '' }, 'no address'],
    ]) {
      const res = await admin.post(`/beheer/rondes/${closed.id}/vervangen`, fields);
      // The page checks that every link in the summary has its target on the page.
      assertPage(res, `a replacement for a closed round, ${why}`, 409);
      const summary = /<div class="notice notice-warning error-summary"[\s\S]*?<\/div>/
        .exec(res.text);
      assert.ok(summary, `${why}: the summary`);
      assert.match(textOf(summary[0]), /Deze ronde is afgelopen; er komt geen nieuwe brief meer\./,
        `${why}: the reason`);
      assert.ok(!res.text.includes(`action="/beheer/rondes/${closed.id}/vervangen"`),
        `${why}: still no form for the closed round`);
    }
    assert.equal(num('SELECT count(*) FROM vouchers'), vouchers, 'nothing issued');
  });
});

describe('the household import preview lists what changes', () => {
  test('new, moved to another wijk, and not in the file: each address listed', async () => {
    const households = num('SELECT count(*) FROM households');
    const before = one("SELECT area_id FROM households WHERE postcode = '7600 AA' " +
      'AND house_number = 1');
    const csv = 'postcode;huisnummer;toevoeging;straat;woonplaats;wijk\r\n' +
      '7600 AA;1;;Grotestraat;Almelo;de-riet\r\n' +
      '7600 AA;2;;Grotestraat;Almelo;binnenstad\r\n' +
      '7791 ZZ;5;b;Nieuwe Laan;Almelo;Aadorp\r\n';
    const res = await admin.postMultipart('/beheer/huishoudens', {},
      { bestand: { data: Buffer.from(csv), filename: 'adressen.csv', type: 'text/csv' } });
    assertPage(res, 'the preview');
    const html = contentOf(res.text);
    const dd = (dt) => new RegExp(`<dt>${dt}</dt><dd>(\\d+)</dd>`).exec(html)?.[1];
    assert.equal(dd('Nieuw'), '1');
    assert.equal(dd('Naar een andere wijk'), '1');
    assert.equal(dd('Niet in het bestand'), String(households - 2));
    const moved = tableRows(html, 'id="moved-title"');
    assert.deepEqual(moved, [['Grotestraat 1, 7600 AA Almelo', 'Binnenstad', 'De Riet']]);
    const added = tableRows(html, 'id="added-title"');
    assert.deepEqual(added, [['Nieuwe Laan 5b, 7791 ZZ Almelo', 'Aadorp']]);
    const missing = tableRows(html, 'id="missing-title"');
    assert.equal(missing.length, 200, 'the first 200 listed');
    assert.deepEqual(missing[0], ['Grotestraat 3, 7600 AA Almelo', 'Binnenstad']);
    assert.match(textOf(html), new RegExp(`En nog ${households - 202} adressen`));
    assert.match(textOf(html), /Een import verwijdert geen adressen/);
    assert.equal(one("SELECT area_id FROM households WHERE postcode = '7600 AA' " +
      'AND house_number = 1'), before, 'a preview changes nothing');
    assert.equal(num('SELECT count(*) FROM households'), households);

    // Confirmed: the import does what the preview said.
    const action = /action="(\/beheer\/huishoudens\/\d+\/importeren)"/.exec(res.text)[1];
    const done = await admin.post(action, {});
    assertPage(done, 'the import');
    assert.deepEqual(tableRows(contentOf(done.text), 'id="moved-title"'),
      [['Grotestraat 1, 7600 AA Almelo', 'Binnenstad', 'De Riet']]);
    assert.equal(one("SELECT a.slug FROM households h JOIN areas a ON a.id = h.area_id " +
      "WHERE postcode = '7600 AA' AND house_number = 1"), 'de-riet');
    assert.equal(num('SELECT count(*) FROM households'), households + 1, 'nothing removed');
    assert.equal(one("SELECT to_value FROM audit_log WHERE action = 'households-import' " +
      'ORDER BY id DESC LIMIT 1'), '1 nieuw, 1 gewijzigd (1 naar een andere wijk)');
  });
});

describe('the review page shows what goes public; the queue flags likely duplicates', () => {
  const newest = () => num('SELECT max(id) FROM initiatives');
  async function submit(overrides, files = {}, localAddress = '127.0.0.21') {
    const { res, path } = await submitInitiative(server.base, initiativeFields(overrides), files,
      { localAddress });
    assert.equal(res.status, 200, textOf(res.text).slice(0, 300));
    assert.ok(path, 'submitted');
    return newest();
  }
  let first;
  let second;
  let other;

  test('the photo and every public field on the review page', async () => {
    first = await submit({ titel: 'Bankjes opknappen aan de Rietstraat' },
      { foto: { data: makePng(64, 48), filename: 'bankje.png', type: 'image/png' } });
    const photo = num(`SELECT photo_id FROM initiatives WHERE id = ${first}`);
    assert.ok(photo > 0, 'the photo was kept');
    const res = await regisseur.get(`/beheer/initiatieven/${first}`);
    assertPage(res, 'the review page');
    const html = contentOf(res.text);
    const pub = /<section aria-labelledby="public-title"[\s\S]*?<\/section>/.exec(html)?.[0];
    assert.ok(pub, 'a section with what goes public');
    assert.match(pub, new RegExp(`<img class="initiative-photo" src="/fotos/${photo}.jpg" alt="[^"]+">`));
    assert.match(textOf(pub), /Initiatiefnemer Anna de Vries, met 2 mede-organisatoren/);
    assert.match(textOf(pub), /Gepland op \d+ \w+ \d{4}/);
    const text = textOf(html);
    for (const piece of ['We schuren en verven de drie oude bankjes', 'Verf en kwasten',
      'Schuurpapier', 'Koffie staat klaar']) {
      assert.ok(text.includes(piece), `the review page shows ${piece}`);
    }
    const img = await regisseur.get(`/fotos/${photo}.jpg`);
    assert.equal(img.status, 200, 'the reviewer sees the photo before it is public');
    assert.match(img.headers.get('content-type'), /^image\/jpeg/);
    assert.doesNotMatch(html, /Mogelijk dubbel/, 'nothing like it yet');
  });

  test('the same title or e-mail address within a day is flagged, both ways', async () => {
    second = await submit({ titel: '  bankjes OPKNAPPEN aan de Rietstraat ',
      email: 'iemand.anders@example.org', mede_1_postcode: '7602 AA', mede_2_postcode: '7602 AB' },
    {}, '127.0.0.22');
    other = await submit({ titel: 'Een moestuin bij de school', email: 'tuin@example.org',
      mede_1_postcode: '7603 AA', mede_2_postcode: '7603 AB' }, {}, '127.0.0.23');
    const queue = contentOf((await regisseur.get('/beheer')).text);
    const row = (id) => new RegExp(`<tr><td><a href="/beheer/initiatieven/${id}">[\\s\\S]*?</tr>`)
      .exec(queue)?.[0] ?? '';
    assert.match(row(first), new RegExp(`Mogelijk dubbel:</strong> lijkt op <a href="/beheer/initiatieven/${second}">[^<]+</a> \\(zelfde titel\\)`));
    assert.match(row(second), new RegExp(`lijkt op <a href="/beheer/initiatieven/${first}">`));
    assert.doesNotMatch(row(other), /Mogelijk dubbel/, 'a different initiative is not flagged');
    const review = contentOf((await regisseur.get(`/beheer/initiatieven/${second}`)).text);
    assert.match(textOf(review), /Mogelijk dubbel ingediend/);
    assert.match(review, new RegExp(`<a href="/beheer/initiatieven/${first}">`));

    // The same initiator's e-mail address, another title: flagged as such.
    const third = await submit({ titel: 'Speelveld maaien', email: 'tuin@example.org',
      mede_1_postcode: '7604 AA', mede_2_postcode: '7604 AB' }, {}, '127.0.0.24');
    const again = contentOf((await regisseur.get('/beheer')).text);
    const r3 = new RegExp(`<tr><td><a href="/beheer/initiatieven/${third}">[\\s\\S]*?</tr>`).exec(again)[0];
    assert.match(r3, new RegExp(`lijkt op <a href="/beheer/initiatieven/${other}">[^<]+</a> \\(zelfde e-mailadres\\)`));

    // A day apart is no duplicate.
    sql(db, `UPDATE initiatives SET created_at = datetime(created_at, '-3 days') WHERE id = ${third}`);
    const later = contentOf((await regisseur.get('/beheer')).text);
    assert.doesNotMatch(new RegExp(`<tr><td><a href="/beheer/initiatieven/${third}">[\\s\\S]*?</tr>`)
      .exec(later)[0], /Mogelijk dubbel/);
  });
});

describe('the letter logo: an upload form for a PNG or an SVG', () => {
  const setting = () => one("SELECT coalesce((SELECT value FROM settings WHERE key = 'brief_logo'), '')");
  const SVG = '<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" ' +
    'width="200" height="100" viewBox="0 0 200 100"><rect width="200" height="100" ' +
    'fill="#ff0000"/><circle cx="100" cy="50" r="30" fill="#0000ff"/></svg>\n';
  const upload = (data, filename, type) => admin.postMultipart('/beheer/instellingen/logo', {},
    { logo: { data: Buffer.from(data), filename, type } });
  let work;
  let round;

  before(async () => {
    work = await tempDir('buurtsamen-logo-');
    round = num("SELECT id FROM rounds WHERE opens_at <= datetime('now') AND closes_at > datetime('now')");
    await issueVouchers(db, 1, { round });
  });
  after(async () => { if (work) await removeTemp(work); });

  /** The letters of the round as PDF through the CLI, with the logo of the settings. */
  async function lettersPdf(name) {
    const out = path.join(work, name);
    const r = await runBin(['--db', db, 'vouchers', 'letters', '--round', String(round), '--out',
      out]);
    assert.equal(r.code, 0, r.stderr);
    return out;
  }
  // The raster images on the first page (a PNG logo is one; its alpha would be an smask).
  const images = (pdf) => execFileSync('pdfimages', ['-f', '1', '-l', '1', '-list', pdf],
    { encoding: 'utf8' })
    .split('\n').slice(2).filter((l) => l.trim().split(/\s+/)[2] === 'image').length;
  const vectors = (pdf) => {
    const svg = path.join(work, `${path.basename(pdf)}.svg`);
    execFileSync('pdftocairo', ['-svg', '-f', '1', '-l', '1', pdf, svg]);
    return execFileSync('cat', [svg], { encoding: 'utf8' }).includes('fill:rgb(100%,0%,0%)');
  };

  test('the settings page has its own small upload form', async () => {
    const res = await admin.get('/beheer/instellingen');
    assertPage(res, '/beheer/instellingen');
    assert.match(res.text, /<form method="post" action="\/beheer\/instellingen\/logo" enctype="multipart\/form-data"/);
    assert.match(res.text, /<input id="logo" name="logo" type="file" accept="image\/png,image\/svg\+xml,.png,.svg"/);
    assertPage(await admin.get('/beheer/instellingen/logo'), 'the logo page');
    assert.equal((await admin.get('/beheer/instellingen/logo/bestand')).status, 404, 'no logo yet');
    assert.equal((await regisseur.get('/beheer/instellingen/logo')).status, 403, 'admins only');
  });

  test('wrong files are refused with the reason at the field; nothing changes', async () => {
    const before = setting();
    const audit = num('SELECT count(*) FROM audit_log');
    const bigPng = makePng(5000, 20);
    const cases = [
      [Buffer.from('GIF89a....'), 'logo.gif', 'image/gif', 400, /geen PNG of SVG/],
      [Buffer.from('<html><body>geen logo</body></html>'), 'logo.svg', 'image/svg+xml', 400,
        /geen PNG of SVG/],
      [Buffer.alloc(600 * 1024, 0x41), 'groot.png', 'image/png', 413, /groter dan 512 kB/],
      [bigPng, 'breed.png', 'image/png', 400, /te veel pixels/],
      [makePng(8, 8), 'klein.png', 'image/png', 400, /te klein/],
      [Buffer.concat([makePng(64, 32).subarray(0, 40), Buffer.from('kapot')]), 'kapot.png',
        'image/png', 400, /niet te lezen/],
      [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><rect width="10"'), 'half.svg',
        'image/svg+xml', 400, /niet te lezen/],
      [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><rect width="10" height="10"/></svg>'),
        'zonder-maat.svg', 'image/svg+xml', 400, /niet te lezen/],
      [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="90000" height="10"/>'),
        'enorm.svg', 'image/svg+xml', 400, /te veel pixels/],
    ];
    for (const [data, name, type, status, message] of cases) {
      const res = await upload(data, name, type);
      assertPage(res, name, status);
      const field = /<p class="error-message" id="logo-error">([^<]*)<\/p>\s*<input id="logo" name="logo" type="file"[^>]* aria-invalid="true">/
        .exec(res.text);
      assert.ok(field, `${name}: the message at the field`);
      assert.match(field[1], message, name);
    }
    const none = await admin.postMultipart('/beheer/instellingen/logo', {}, {});
    assertPage(none, 'no file', 400);
    assert.match(none.text, /Kies een logobestand/);
    assert.equal(setting(), before, 'the setting is unchanged');
    assert.equal(num('SELECT count(*) FROM audit_log'), audit, 'nothing logged');
  });

  test('a PNG is kept, shown and printed as an image', async () => {
    const png = makePng(120, 60);
    const res = await upload(png, 'logo.png', 'image/png');
    assert.equal(res.status, 303, textOf(res.text).slice(0, 300));
    assert.equal(res.headers.get('location'), '/beheer/instellingen/logo?gedaan=logo');
    assert.deepEqual(Buffer.from(setting(), 'base64'), png);
    assert.equal(one("SELECT to_value FROM audit_log WHERE action = 'logo' ORDER BY id DESC LIMIT 1"),
      `PNG, 120 × 60, ${Math.ceil(png.length / 1024)} kB`);
    const page = await admin.get('/beheer/instellingen/logo?gedaan=logo');
    assertPage(page, 'the logo page');
    assert.match(page.text, /Het logo staat nu op de brieven/);
    assert.match(page.text, /<img class="logo-preview" src="\/beheer\/instellingen\/logo\/bestand" alt="[^"]+">/);
    const file = await download(admin, '/beheer/instellingen/logo/bestand');
    assert.equal(file.status, 200);
    assert.equal(file.headers.get('content-type'), 'image/png');
    assert.deepEqual(file.body, png);
    const pdf = await lettersPdf('png.pdf');
    assert.equal(images(pdf), 1, 'the logo is the one image on the page');
  });

  test('an SVG is drawn into the PDF as vectors', async () => {
    const res = await upload(SVG, 'logo.svg', 'image/svg+xml');
    assert.equal(res.status, 303, textOf(res.text).slice(0, 300));
    assert.equal(Buffer.from(setting(), 'base64').toString('utf8'), SVG);
    const file = await download(admin, '/beheer/instellingen/logo/bestand');
    assert.equal(file.headers.get('content-type'), 'image/svg+xml');
    assert.match(file.headers.get('content-security-policy'), /sandbox/);
    const pdf = await lettersPdf('svg.pdf');
    assert.equal(images(pdf), 0, 'no raster image');
    assert.ok(vectors(pdf), "the logo's red rectangle is a vector fill");

    const removed = await admin.post('/beheer/instellingen/logo/verwijderen', {});
    assert.equal(removed.status, 303);
    assert.equal(setting(), '');
    const plain = await lettersPdf('plain.pdf');
    assert.equal(images(plain), 0);
    assert.ok(!vectors(plain), 'no logo');
    const log = tableRows(contentOf((await admin.get('/beheer/auditlog?wat=logo')).text));
    assert.deepEqual(log.map((r) => r[2].replace(/\d+ kB$/, 'N kB')), [
      'logo op de brieven: verwijderd', 'logo op de brieven: SVG, 200 × 100, N kB',
      'logo op de brieven: PNG, 120 × 60, N kB']);
  });
});
