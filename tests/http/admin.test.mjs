// The admin screens through the built-in HTTP server: every screen and action refused without
// the admin role (and nothing changes); a voucher round from adding it to the printer's files,
// encrypted at rest, a lost letter replaced and a file deleted; the household import with its
// per-line errors and its preview; partner contributions and payouts with `verify`; settings;
// staff accounts; the exports (CSV, XLSX, JSON, in the browser and on the command line)
// checked against the ledger with SQL; the dashboard's SVG charts; the public transparency
// page; the audit log's filters.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  checkHtmlPage, checkSecurityHeaders, decode, euro, fetchPage, mainOf, textOf,
} from '../lib/pages.mjs';
import {
  removeDb, removeTemp, runBin, sql, sqlString as q, startServe, tempDir,
} from '../lib/server.mjs';
import {
  bare, checkChar, currentRound, PUBLIC_BASE, radioIds, session, usePublicBase,
} from '../lib/vouchers.mjs';
import { client, isoDate, login, makeDemoDbWithStaff, tryLogin } from '../lib/staff.mjs';
import {
  adminSnapshot, assertWellFormedXml, commaCents, csvObjects, download, parseCsv, svgsOf,
  tableRows, xlsxObjects, xlsxPart,
} from '../lib/admin.mjs';

const CODE_RE = /^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/;
const ANY_CODE = /[2-9A-HJKMNP-Z]{4}-?[2-9A-HJKMNP-Z]{4}-?[2-9A-HJKMNP-Z]{4}-?[2-9A-HJKMNP-Z]{4}/g;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const POSTCODE = /\b[1-9]\d{3} ?[A-Z]{2}\b/;
const PARTNER_FORMULA = '=HYPERLINK("x")';

let db;
let demo; // {regisseur, beheerder, codes, used, ...}
let server;
let admin; // the demo admin, logged in
let regisseur; // the demo wijkregisseur, logged in
let work; // a temporary directory for exports

// Shared along the way (set by the round flow, used by the later checks).
const round = { id: null, households: 0, csvId: null, htmlId: null, rows: [] };

before(async () => {
  demo = await makeDemoDbWithStaff();
  db = demo.db;
  work = await tempDir('buurtsamen-admin-');
  server = await startServe({ db, threads: 2 });
  admin = await login(server.base, demo.beheerder.username, demo.beheerder.password);
  regisseur = await login(server.base, demo.regisseur.username, demo.regisseur.password);
});

after(async () => {
  await server?.stop();
  if (db) await removeDb(db);
  if (work) await removeTemp(work);
});

// ---- Helpers ----

const one = (statement) => sql(db, statement).trim();
const num = (statement) => Number(one(statement));
const countOf = (table, where = '1') => num(`SELECT count(*) FROM ${table} WHERE ${where}`);
const lastId = (table) => num(`SELECT coalesce(max(id), 0) FROM ${table}`);

function assertPage(res, where, status = 200) {
  assert.equal(res.status, status, `${where}: status (${textOf(res.text).slice(0, 400)})`);
  checkHtmlPage(res, where);
  checkSecurityHeaders(res.headers, where);
}

function assertRedirect(res, where, location) {
  assert.equal(res.status, 303, `${where}: 303 (${textOf(res.text).slice(0, 300)})`);
  const got = res.headers.get('location');
  if (location instanceof RegExp) assert.match(got ?? '', location, `${where}: Location`);
  else assert.equal(got, location, `${where}: Location`);
}

/** The main content without the staff bar. */
function contentOf(html) {
  const m = mainOf(html);
  const end = m.indexOf('</nav>');
  return /<nav class="staff-bar"/.test(m) ? m.slice(end + 6) : m;
}

/** The message of an error page (its lead paragraph). */
function messageOf(html) {
  const m = /<p class="lead">([\s\S]*?)<\/p>/.exec(html) ??
    /<p class="error-message"[^>]*>([\s\S]*?)<\/p>/.exec(html);
  return m ? textOf(m[1]) : '';
}

/** Runs the binary on the test database; resolves with {code, stdout, stderr}. */
const cliRun = (args) => runBin(['--db', db, ...args], { timeoutMs: 60_000 });

/** A file in the temporary directory: its path. */
const workFile = (name) => path.join(work, name);

/** The € raised on an initiative's public page, in cents. */
async function shownRaised(id) {
  const res = await fetchPage(server.base, `/initiatieven/${id}`);
  assert.equal(res.status, 200, `/initiatieven/${id}`);
  const m = /<p class="progress-text"><strong class="amount">€\s([\d.,]+)<\/strong>/
    .exec(mainOf(res.text));
  assert.ok(m, `/initiatieven/${id} shows the amount raised`);
  return euro(m[1]);
}

/** The value attribute of every <input> in a form, by name (the hidden ones too). */
function formValues(html) {
  const out = {};
  for (const m of html.matchAll(/<input\b[^>]*>/g)) {
    const name = /\bname="([^"]*)"/.exec(m[0])?.[1];
    if (!name) continue;
    out[name] = decode(/\bvalue="([^"]*)"/.exec(m[0])?.[1] ?? '');
  }
  return out;
}

/** The settings the form shows, ready to post back; `changes` applied. */
async function settingsForm(changes = {}) {
  const res = await admin.get('/beheer/instellingen');
  assertPage(res, 'GET /beheer/instellingen');
  // The settings form only: the logo has a form of its own on the same page.
  const form = /<form method="post" action="\/beheer\/instellingen"[\s\S]*?<\/form>/
    .exec(contentOf(res.text))?.[0] ?? '';
  const values = formValues(form);
  delete values._csrf;
  return { ...values, ...changes };
}

const settingsRows = () => one('SELECT group_concat(key || \'=\' || value, \'|\') FROM ' +
  '(SELECT * FROM settings ORDER BY key)');

/** Standing donations of a round's vouchers: {n, cents}. */
function standing(roundId) {
  const [n, cents] = one(`SELECT count(*), coalesce(sum(d.amount_cents), 0) FROM ledger d
    JOIN vouchers v ON v.id = d.voucher_id
    WHERE d.kind = 'donation' AND v.round_id = ${roundId}
      AND NOT EXISTS (SELECT 1 FROM ledger x WHERE x.reverses_id = d.id)`).split('|').map(Number);
  return { n, cents };
}

/** Contributions or payouts of the initiatives that took a donation of the round. */
function moneyOf(roundId, kind) {
  return num(`SELECT coalesce(sum(amount_cents), 0) FROM ledger WHERE kind = '${kind}'
    AND initiative_id IN (SELECT d.initiative_id FROM ledger d JOIN vouchers v
      ON v.id = d.voucher_id WHERE d.kind = 'donation' AND v.round_id = ${roundId})`);
}

/** An export through the browser: asserts 200 and the type; resolves with the response. */
async function webExport(soort, formaat, ronde) {
  const p = `/beheer/export?soort=${soort}&formaat=${formaat}${ronde ? `&ronde=${ronde}` : ''}`;
  const res = await download(admin, p);
  assert.equal(res.status, 200, `${p}: ${res.text.slice(0, 300)}`);
  const types = { csv: /^text\/csv; charset=utf-8$/, json: /^application\/json/,
    xlsx: /^application\/vnd\.openxmlformats-officedocument\.spreadsheetml\.sheet$/ };
  assert.match(res.headers.get('content-type') ?? '', types[formaat], `${p}: Content-Type`);
  assert.match(res.headers.get('content-disposition') ?? '',
    new RegExp(`^attachment; filename="buurtsamen-${soort}[^"]*\\.${formaat}"$`),
    `${p}: a download with a file name`);
  return res;
}

/** An export on the command line; resolves with stdout (CSV, JSON) or the XLSX path. */
async function cliExport(kind, format, roundId) {
  const args = ['export', kind, '--format', format];
  if (roundId) args.push('--round', String(roundId));
  let out = null;
  if (format === 'xlsx') {
    out = workFile(`cli-${kind}-${roundId ?? 'all'}-${Date.now()}.xlsx`);
    args.push('--out', out);
  }
  const r = await cliRun(args);
  assert.equal(r.code, 0, `buurtsamen export ${args.join(' ')}: ${r.stderr}`);
  return out ?? r.stdout;
}

/** Saves an XLSX download to the temporary directory; returns its path. */
async function saveXlsx(res, name) {
  const file = workFile(name);
  await fs.writeFile(file, res.body);
  assert.equal(res.body.subarray(0, 2).toString('latin1'), 'PK', `${name} is a zip file`);
  return file;
}

/** Asserts CSV export text: BOM, CRLF, ';', one width; returns its objects. */
function assertExportCsv(text, where, header) {
  assert.ok(text.startsWith('\uFEFF'), `${where}: starts with a byte-order mark`);
  const { rows, crlf } = parseCsv(text, ';');
  assert.ok(crlf, `${where}: lines end with CRLF`);
  assert.deepEqual(rows[0], header, `${where}: the header`);
  for (const [k, r] of rows.entries()) {
    assert.equal(r.length, header.length, `${where}: row ${k + 1} has ${header.length} cells`);
    for (const cell of r) {
      // A cell a spreadsheet would read as a formula: only a negative amount may start so.
      if (/^[=+\-@\t\r]/.test(cell)) {
        assert.match(cell, /^-\d+,\d\d$/, `${where}: row ${k + 1}: cell ${JSON.stringify(cell)}`);
      }
    }
  }
  return csvObjects(text, ';');
}

const TOTALS_HEADER = ['ronde', 'naam', 'eerste_dag', 'tot_en_met', 'huishoudens', 'uitgegeven',
  'gedoneerd', 'deelname_pct', 'gedoneerd_bedrag', 'bijdragen', 'uitbetaald', 'open', 'gefinancierd',
  'uitgevoerd', 'niet_gehaald'];
const AREAS_HEADER = ['ronde', 'rondenaam', 'gebied_id', 'gebied', 'huishoudens', 'uitgegeven',
  'gedoneerd', 'deelname_pct', 'gedoneerd_bedrag', 'bijdragen', 'uitbetaald', 'open',
  'gefinancierd', 'uitgevoerd', 'niet_gehaald'];
const INITIATIVES_HEADER = ['id', 'titel', 'gebied', 'status', 'streefbedrag', 'totaal',
  'vouchers', 'bijdragen', 'uitbetaald', 'gepubliceerd', 'deadline', 'helpers', 'vragen', 'aanbod',
  'gedekt'];
const LEDGER_HEADER = ['id', 'tijdstip', 'soort', 'initiatief_id', 'initiatief', 'ronde',
  'rondenaam', 'bedrag', 'partner', 'referentie'];

/** An open initiative with at least `room` cents to go: {id, target, raised, title}. */
function openInitiative(room, not = []) {
  const row = one(`SELECT id, target_cents, raised_cents, title FROM initiatives
    WHERE state = 'open' AND target_cents - raised_cents >= ${room}
      ${not.length ? `AND id NOT IN (${not.join(',')})` : ''} ORDER BY id LIMIT 1`);
  assert.ok(row, `the demo data has an open initiative with € ${room / 100} to go`);
  const [id, target, raised, ...title] = row.split('|');
  return { id: Number(id), target: Number(target), raised: Number(raised), title: title.join('|') };
}

// ---- A voucher round: add, edit, overlap, issue, the printer's files ----

describe('a voucher round', () => {
  const NAME = 'Proefronde volgend jaar';
  const EDITED = 'Proefronde volgend jaar (gewijzigd)';

  /** Local midnight (Europe/Amsterdam) of 'YYYY-MM-DD' as stored in UTC: the day before, 22/23h. */
  const localMidnight = (day) => {
    const d = new Date(`${day}T00:00:00Z`);
    const prev = new Date(d.getTime() - 86400_000).toISOString().slice(0, 10);
    return new RegExp(`^${prev} 2[23]:00:00$`);
  };

  test('a round in the future is added', async () => {
    const before = countOf('rounds');
    const audits = countOf('audit_log', "action = 'round-add'");
    for (const [fields, why] of [
      [{ naam: '', opent: isoDate(100), sluit: isoDate(180), waarde: '7,50' }, 'no name'],
      [{ naam: NAME, opent: isoDate(180), sluit: isoDate(100), waarde: '7,50' }, 'ends first'],
      [{ naam: NAME, opent: '2027-13-01', sluit: isoDate(180), waarde: '7,50' }, 'no date'],
      [{ naam: NAME, opent: isoDate(100), sluit: isoDate(180), waarde: '-1' }, 'negative value'],
      [{ naam: NAME, opent: isoDate(100), sluit: isoDate(180), waarde: 'zeven' }, 'no value'],
    ]) {
      const res = await admin.post('/beheer/rondes', fields);
      assertPage(res, `a round with ${why}`, 400);
    }
    assert.equal(countOf('rounds'), before, 'no round added by a bad form');

    const res = await admin.post('/beheer/rondes',
      { naam: NAME, opent: isoDate(100), sluit: isoDate(180), waarde: '7,50' });
    assertRedirect(res, 'POST /beheer/rondes', '/beheer/rondes?gedaan=1');
    assert.equal(countOf('rounds'), before + 1, 'one round more');
    const [id, opens, closes, cents] = one(`SELECT id, opens_at, closes_at, voucher_cents
      FROM rounds WHERE name = ${q(NAME)}`).split('|');
    round.id = Number(id);
    assert.match(opens, localMidnight(isoDate(100)), 'opens at local midnight of the first day');
    assert.match(closes, localMidnight(isoDate(181)), 'closes at the end of the last day');
    assert.equal(Number(cents), 750);
    assert.equal(countOf('audit_log', "action = 'round-add'"), audits + 1, 'audited');

    const page = await admin.get('/beheer/rondes?gedaan=1');
    assertPage(page, 'GET /beheer/rondes');
    assert.match(contentOf(page.text), new RegExp(`<h2>${NAME}</h2>\\s*<p>Van [^<]+ tot en met ` +
      '[^<]+, voucher €\\s7,50\\. Uitgegeven: 0, gedoneerd: 0\\.</p>'), 'the new round is listed');
    assert.match(page.text, /role="status"><p>De wijziging is opgeslagen\./, 'a notice');
  });

  test('a round that overlaps another is refused with 409, nothing added', async () => {
    assert.ok(round.id, 'the round was added');
    const before = adminSnapshot(db);
    for (const [opent, sluit, what] of [
      [isoDate(150), isoDate(250), 'the new round'],
      [isoDate(-5), isoDate(20), 'the current round'],
      [isoDate(90), isoDate(100), 'the first day of the new round'],
    ]) {
      const res = await admin.post('/beheer/rondes',
        { naam: `Overlap ${what}`, opent, sluit, waarde: '7,50' });
      assertPage(res, `a round overlapping ${what}`, 409);
      assert.match(messageOf(res.text), /overlappen/, 'the message says why');
    }
    assert.equal(adminSnapshot(db), before, 'nothing changed');
  });

  test('a round that has not started can be edited; not into an overlap', async () => {
    assert.ok(round.id, 'the round was added');
    const res = await admin.post(`/beheer/rondes/${round.id}`,
      { naam: EDITED, opent: isoDate(101), sluit: isoDate(181), waarde: '5,00' });
    assertRedirect(res, `POST /beheer/rondes/${round.id}`, '/beheer/rondes?gedaan=1');
    const [name, opens, closes, cents] = one(`SELECT name, opens_at, closes_at, voucher_cents
      FROM rounds WHERE id = ${round.id}`).split('|');
    assert.equal(name, EDITED);
    assert.match(opens, localMidnight(isoDate(101)));
    assert.match(closes, localMidnight(isoDate(182)));
    assert.equal(Number(cents), 500);
    assert.equal(countOf('audit_log',
      `action = 'round-edit' AND subject = 'round:${round.id}'`), 1, 'audited');

    const before = adminSnapshot(db);
    const overlap = await admin.post(`/beheer/rondes/${round.id}`,
      { naam: EDITED, opent: isoDate(-5), sluit: isoDate(181), waarde: '5,00' });
    assertPage(overlap, 'an edit into the current round', 409);
    const current = num("SELECT id FROM rounds WHERE opens_at <= datetime('now') " +
      "AND closes_at > datetime('now')");
    const started = await admin.post(`/beheer/rondes/${current}`,
      { naam: 'Najaar anders', opent: isoDate(-60), sluit: isoDate(40), waarde: '7,50' });
    assertPage(started, 'an edit of the round that is open', 409);
    const missing = await admin.post('/beheer/rondes/99999',
      { naam: 'Bestaat niet', opent: isoDate(400), sluit: isoDate(410), waarde: '7,50' });
    assert.ok([404, 409].includes(missing.status), `an unknown round: ${missing.status}`);
    assert.equal(adminSnapshot(db), before, 'nothing changed by the refused edits');
  });

  test('the edit form shows the round as it is', async () => {
    assert.ok(round.id, 'the round was added');
    const page = await admin.get('/beheer/rondes');
    const form = new RegExp(`<form method="post" action="/beheer/rondes/${round.id}" ` +
      '[^>]*>([\\s\\S]*?)</form>').exec(page.text)?.[1];
    assert.ok(form, 'a form to edit the round that has not started');
    const v = formValues(form);
    const cents = /^\d+(,\d\d?)?$/.test(v.waarde ?? '')
      ? Math.round(Number(v.waarde.replace(',', '.')) * 100) : v.waarde;
    assert.deepEqual({ naam: v.naam, opent: v.opent, sluit: v.sluit, waarde_cents: cents },
      { naam: EDITED, opent: isoDate(101), sluit: isoDate(181), waarde_cents: 500 },
      'the form shows the round\'s name, first and last day and value');
  });

  test('issuing gives every household one voucher and stores the printer\'s files', async () => {
    assert.ok(round.id, 'the round was added');
    round.households = countOf('households');
    const files = countOf('issued_files');
    // The demo's own address (http://127.0.0.1:8080) is refused: every letter would point there.
    const refused = await admin.post(`/beheer/rondes/${round.id}/uitgeven`, { bevestigd: '1' });
    assertPage(refused, 'issuing with a loopback base URL', 409);
    assert.match(decode(refused.text), /alleen op deze computer of in het eigen netwerk/);
    assert.equal(countOf('vouchers', `round_id = ${round.id}`), 0, 'nothing issued');
    usePublicBase(db);
    // The confirmation step: the counts, the warning for a round months ahead, one button.
    const confirm = await admin.post(`/beheer/rondes/${round.id}/uitgeven`);
    assertPage(confirm, 'the confirmation step');
    const wijken = num(`SELECT count(DISTINCT coalesce(a.parent_id, a.id)) FROM households h
      JOIN areas a ON a.id = h.area_id`);
    assert.ok(decode(confirm.text).includes(`${round.households} brieven voor ${EDITED}, ` +
      `${wijken} wijken en dorpen`), 'the counts');
    assert.match(decode(confirm.text), /begint pas over \d+ weken/, 'the round is months ahead');
    assert.ok(decode(confirm.text).includes(PUBLIC_BASE), 'where the letters point');
    assert.ok(confirm.text.includes('name="bevestigd" value="1"'));
    assert.equal(countOf('vouchers', `round_id = ${round.id}`), 0, 'nothing issued yet');
    const res = await admin.post(`/beheer/rondes/${round.id}/uitgeven`, { bevestigd: '1' });
    assertPage(res, 'POST uitgeven, confirmed');
    assert.ok(decode(res.text).includes(`${round.households} vouchers uitgegeven voor ${EDITED}.`),
      'a specific result');
    assert.equal(countOf('vouchers', `round_id = ${round.id}`), round.households,
      'as many vouchers as households');
    assert.equal(countOf('vouchers', `round_id = ${round.id} AND value_cents = 500`),
      round.households, 'each worth the round\'s value');
    assert.equal(num(`SELECT count(DISTINCT household_id) FROM vouchers
      WHERE round_id = ${round.id}`), round.households, 'one per household');
    assert.equal(countOf('issued_files'), files + 1, 'the codes are stored, not the letters');
    round.csvId = num(`SELECT id FROM issued_files WHERE round_id = ${round.id}
      AND kind = 'codes'`);
    round.htmlId = round.csvId;
    assert.equal(one(`SELECT title FROM issued_files WHERE id = ${round.csvId}`),
      `${EDITED}, ${round.households} brieven`, 'titled with the real plural');
    assert.equal(one(`SELECT to_value FROM audit_log WHERE action = 'vouchers-issue'
      AND subject = 'round:${round.id}'`), String(round.households), 'audited with the count');

    const page = await admin.get('/beheer/rondes');
    assertPage(page, 'GET /beheer/rondes after issuing');
    assert.match(page.text, new RegExp(`Uitgegeven: ${round.households}, gedoneerd: 0`));
    for (const f of ['csv', 'html', 'pdf']) {
      assert.ok(page.text.includes(`href="/beheer/uitgifte/${round.csvId}?formaat=${f}"`),
        `the ${f} download is listed`);
    }

    const edit = await admin.post(`/beheer/rondes/${round.id}`,
      { naam: EDITED, opent: isoDate(102), sluit: isoDate(181), waarde: '5,00' });
    assertPage(edit, 'an edit once vouchers exist', 409);
  });

  test('the printer\'s CSV: BOM, header, one row per household, valid codes, QR links',
    async () => {
      assert.ok(round.csvId, 'the files were stored');
      const res = await download(admin, `/beheer/uitgifte/${round.csvId}?formaat=csv`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'text/csv; charset=utf-8');
      assert.match(res.headers.get('content-disposition') ?? '',
        /^attachment; filename="[^"]+\.csv"$/);
      assert.match(res.headers.get('cache-control') ?? '', /no-store/, 'never cached');
      assert.ok(res.body.subarray(0, 3).equals(Buffer.from([0xEF, 0xBB, 0xBF])), 'a UTF-8 BOM');
      const { rows } = parseCsv(res.text, ';');
      assert.deepEqual(rows[0],
        ['postcode', 'huisnummer', 'straat', 'woonplaats', 'wijk', 'code', 'link']);
      const data = rows.slice(1);
      assert.equal(data.length, round.households, 'one row per household');
      const base = one("SELECT value FROM settings WHERE key = 'basis_url'");
      const codes = new Set();
      const addresses = new Set();
      for (const [k, r] of data.entries()) {
        const [postcode, huisnummer, , , wijk, code, link] = r;
        assert.equal(r.length, 7, `row ${k + 2}: seven cells`);
        assert.match(postcode, /^[1-9]\d{3} [A-Z]{2}$/, `row ${k + 2}: postcode`);
        assert.ok(wijk, `row ${k + 2}: the area`);
        assert.match(code, CODE_RE, `row ${k + 2}: XXXX-XXXX-XXXX-XXXX`);
        const raw = bare(code);
        assert.equal(raw[15], checkChar(raw.slice(0, 15)), `row ${k + 2}: the check character`);
        assert.equal(link, `${base}/doneren?code=${code}`, `row ${k + 2}: the QR link`);
        codes.add(code);
        addresses.add(`${postcode} ${huisnummer}`);
      }
      assert.equal(codes.size, data.length, 'every code is different');
      assert.equal(addresses.size, data.length, 'every address once');
      round.rows = data.map(([postcode, huisnummer, straat, woonplaats, wijk, code]) =>
        ({ postcode, huisnummer, straat, woonplaats, wijk, code }));
      assert.ok(countOf('audit_log', `action = 'file-download' AND subject = 'file:${round.csvId}'`)
        >= 1, 'the download is audited');
    });

  test('the letters: one section per household with its code and an SVG QR code', async () => {
    assert.ok(round.htmlId && round.rows.length, 'the CSV was read');
    const res = await download(admin, `/beheer/uitgifte/${round.htmlId}?formaat=html`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.match(res.headers.get('content-disposition') ?? '',
      /^attachment; filename="[^"]+\.html"$/);
    const html = res.text;
    assert.match(html, /^<!doctype html>\s*<html lang="nl">/i);
    const sections = html.split('<section class="letter">').slice(1);
    assert.equal(sections.length, round.households, 'one letter per household');
    const shown = new Set();
    for (const [k, s] of sections.entries()) {
      const letter = s.slice(0, s.indexOf('</section>'));
      assert.match(letter, /<svg\b[^>]*>[\s\S]*<\/svg>/, `letter ${k + 1}: a QR code as SVG`);
      const code = /<p class="code">([^<]+)<\/p>/.exec(letter)?.[1];
      assert.match(code ?? '', CODE_RE, `letter ${k + 1}: the code`);
      shown.add(code);
    }
    assert.deepEqual([...shown].sort(), round.rows.map((r) => r.code).sort(),
      'the letters carry exactly the codes of the CSV');
    const first = round.rows[0];
    assert.ok(html.includes(`${first.postcode} ${first.woonplaats}`), 'addressed to the household');
  });

  test('the stored files are encrypted: no code, address or markup in the database', () => {
    assert.ok(round.rows.length, 'the CSV was read');
    const probes = [...round.rows.slice(0, 25).map((r) => r.code),
      ...round.rows.slice(0, 5).map((r) => bare(r.code)),
      'postcode;huisnummer', '<section class="letter">', round.rows[0].straat,
      `${round.rows[0].postcode};${round.rows[0].huisnummer}`];
    for (const p of probes) {
      assert.equal(countOf('issued_files', `instr(data, CAST(${q(p)} AS BLOB)) > 0 OR ` +
        `instr(title, ${q(p)}) > 0`), 0, `the database does not hold ${JSON.stringify(p)}`);
    }
    const stored = num(`SELECT length(data) FROM issued_files WHERE id = ${round.csvId}`);
    assert.ok(stored > 20 * round.households && stored < 80 * round.households,
      `the stored codes are there, a few dozen bytes a letter (${stored} bytes)`);
    assert.equal(countOf('vouchers', `instr(code_hash, CAST(${q(round.rows[0].code)} AS BLOB)) ` +
      `OR instr(code_hash, CAST(${q(bare(round.rows[0].code))} AS BLOB))`), 0,
    'the vouchers keep only a hash');
  });

  test('unknown files and rounds: 404, no 500', async () => {
    assertPage(await admin.get('/beheer/uitgifte/99999'), 'an unknown file', 404);
    assertPage(await admin.get('/beheer/uitgifte/abc'), 'a file id that is no number', 404);
    assertPage(await admin.post('/beheer/rondes/99999/uitgeven'), 'issuing an unknown round', 404);
    assertPage(await admin.post('/beheer/rondes/99999/vervangen',
      { postcode: '7600 AA', huisnummer: '1', toevoeging: '' }), 'replacing in an unknown round',
    404);
  });

  test('deleting a file that does not exist: 404, nothing audited', async () => {
    const before = adminSnapshot(db);
    const res = await admin.post('/beheer/uitgifte/99999/verwijderen');
    assertPage(res, 'POST /beheer/uitgifte/99999/verwijderen', 404);
    assert.equal(adminSnapshot(db), before, 'no audit entry for a deletion that did not happen');
  });
});

// ---- Access: admins only ----

describe('the admin screens are for admins only', () => {
  let pending; // a household upload waiting for confirmation
  let fileId;
  let areaId;
  let openId;
  let fundedId;

  before(async () => {
    const csv = 'postcode;huisnummer;toevoeging;straat;woonplaats;wijk\n' +
      '7790 AA;1;;Toegangstraat;Almelo;de-riet\n';
    const res = await admin.postMultipart('/beheer/huishoudens', {},
      { bestand: { data: Buffer.from(csv), filename: 'toegang.csv', type: 'text/csv' } });
    assert.equal(res.status, 200, 'an upload to confirm');
    pending = lastId('pending_imports');
    fileId = round.csvId ?? 1;
    areaId = num("SELECT id FROM areas WHERE slug = 'de-riet'");
    openId = openInitiative(1000).id;
    fundedId = num("SELECT id FROM initiatives WHERE state = 'gefinancierd' ORDER BY id LIMIT 1");
  });

  const GETS = () => [
    '/beheer/geld', '/beheer/instellingen', '/beheer/medewerkers', '/beheer/medewerkers/regisseur',
    '/beheer/auditlog', '/beheer/auditlog?wie=beheerder', '/beheer/email', '/beheer/gebieden',
    `/beheer/gebieden/${areaId}`, '/beheer/rondes', `/beheer/uitgifte/${fileId}`,
    '/beheer/huishoudens', '/beheer/export?soort=ledger&formaat=csv',
    '/beheer/export?soort=totals&formaat=json', '/beheer/export?soort=areas&formaat=xlsx',
    '/beheer/dashboard',
  ];
  const HOUSEHOLDS_CSV = 'postcode;huisnummer;toevoeging;straat;woonplaats;wijk\n' +
    '7791 AA;1;;Toegangstraat;Almelo;de-riet\n';
  const POSTS = () => [
    ['/beheer/geld/uitbetaling', { initiatief: fundedId, bedrag: '1,00', kenmerk: 'X-1' }],
    ['/beheer/geld/bijdrage', { initiatief: openId, bedrag: '5,00', partner: 'Stichting X' }],
    ['/beheer/instellingen', { gemeente_naam: 'Elders', site_naam: 'Elders Samen',
      basis_url: 'https://elders.example', contact_email: 'a@elders.example', voucher_cents: '100',
      streef_min_cents: '100', streef_max_cents: '1000', mede_organisatoren: '0',
      voucher_pogingen: '5', voucher_venster_minuten: '5' }],
    ['/beheer/medewerkers', { gebruikersnaam: 'indringer', rol: 'admin', email: '' }],
    ['/beheer/medewerkers/beheerder', { actie: 'uitschakelen' }],
    ['/beheer/medewerkers/regisseur', { actie: 'wachtwoord' }],
    ['/beheer/medewerkers/regisseur/gebieden', { gebied: ['kerkelanden'] }],
    ['/beheer/gebieden', { name: 'Nieuwe wijk', kind: 'wijk', parent: '' }],
    [`/beheer/gebieden/${areaId}`, { name: 'De Riet', venue_name: 'Elders' }],
    ['/beheer/rondes', { naam: 'Zomer 2028', opent: isoDate(600), sluit: isoDate(650),
      waarde: '7,50' }],
    [`/beheer/rondes/${round.id ?? 1}`, { naam: 'Anders', opent: isoDate(120),
      sluit: isoDate(190), waarde: '1,00' }],
    [`/beheer/rondes/${round.id ?? 1}/uitgeven`, {}],
    [`/beheer/rondes/${round.id ?? 1}/vervangen`, { postcode: '7600 AA', huisnummer: '1',
      toevoeging: '' }],
    [`/beheer/uitgifte/${fileId}/verwijderen`, {}],
    [`/beheer/huishoudens/${pending}/importeren`, {}],
  ];

  async function postAll(cl, where, expect) {
    for (const [p, fields] of POSTS()) {
      const res = await cl.post(p, fields);
      expect(res, `${where} POST ${p}`);
    }
    const res = await cl.postMultipart('/beheer/huishoudens', {},
      { bestand: { data: Buffer.from(HOUSEHOLDS_CSV), filename: 'h.csv', type: 'text/csv' } });
    expect(res, `${where} POST /beheer/huishoudens`);
  }

  test('anonymous: every GET is sent to the login page, every POST gets 403', async () => {
    const before = adminSnapshot(db);
    const anon = await client(server.base);
    for (const p of GETS()) {
      const res = await anon.get(p);
      assertRedirect(res, `anonymous GET ${p}`, '/beheer/inloggen');
      assert.ok(!/Kerkelanden|€|\d{4} [A-Z]{2}/.test(res.text), `${p}: no data in the redirect`);
    }
    await postAll(anon, 'anonymous', (res, where) => assertPage(res, where, 403));
    assert.equal(adminSnapshot(db), before, 'nothing changed');
  });

  test('with a session cookie but no CSRF token: every POST refused', async () => {
    const before = adminSnapshot(db);
    for (const [p, fields] of POSTS().slice(0, 4)) {
      const res = await admin.post(p, fields, { csrf: null });
      assert.equal(res.status, 403, `POST ${p} without _csrf`);
    }
    assert.equal(adminSnapshot(db), before, 'nothing changed');
  });

  test('the wijkregisseur: 403 on every admin screen and action', async () => {
    const before = adminSnapshot(db);
    for (const p of GETS().filter((x) => x !== '/beheer/dashboard')) {
      const res = await regisseur.get(p);
      if (p.startsWith('/beheer/export') || p.startsWith('/beheer/uitgifte')) {
        assert.equal(res.status, 403, `wijkregisseur GET ${p}`);
        assert.match(res.headers.get('content-type') ?? '', /^text\/html/, `${p}: no file`);
      } else {
        assertPage(res, `wijkregisseur GET ${p}`, 403);
      }
      assert.ok(!res.text.includes('manage-link'), `${p}: no password shown`);
    }
    await postAll(regisseur, 'wijkregisseur', (res, where) => assertPage(res, where, 403));
    assert.equal(adminSnapshot(db), before, 'nothing changed');
  });

  test('the wijkregisseur sees the dashboard of their own areas only', async () => {
    const res = await regisseur.get('/beheer/dashboard');
    assertPage(res, 'wijkregisseur GET /beheer/dashboard');
    const html = contentOf(res.text);
    const areas = tableRows(html, 'id="areas-title"').map((r) => r[0]);
    assert.ok(areas.includes('De Riet'), `De Riet is shown (${areas.join(', ')})`);
    assert.deepEqual([...areas].sort(), [...demo.regisseur.areas].sort(),
      'exactly the areas of the wijkregisseur');
    assert.ok(!html.includes('Kerkelanden'), 'Kerkelanden is nowhere, not in the chart either');
    assert.ok(!html.includes('/beheer/export'), 'no exports');
    assert.ok(!/Hele gemeente/.test(html), 'no municipality totals');
    for (const svg of svgsOf(html)) assertWellFormedXml(svg, 'the wijkregisseur\'s chart');
  });

  test('admin screens answer the admin (structure and headers)', async () => {
    for (const p of GETS().filter((x) => !/export|uitgifte/.test(x))) {
      const res = await admin.get(p);
      assertPage(res, `admin GET ${p}`);
      assert.match(res.headers.get('cache-control') ?? '', /no-store/, `${p}: not cached`);
    }
  });
});

// ---- Households ----

describe('the household import', () => {
  const HEADER = 'postcode;huisnummer;toevoeging;straat;woonplaats;wijk';
  const upload = (text, name = 'adressen.csv') => admin.postMultipart('/beheer/huishoudens', {},
    { bestand: { data: Buffer.from(text), filename: name, type: 'text/csv' } });
  /** The numbers of the preview: {rows, added, updated, unchanged}. */
  const stats = (html) => {
    const get = (dt) => Number(new RegExp(`<dt>${dt}</dt><dd>(\\d+)</dd>`).exec(html)?.[1]);
    return { rows: get('Adressen in het bestand'), added: get('Nieuw'), updated: get('Gewijzigd'),
      unchanged: get('Ongewijzigd') };
  };
  let good;
  let importPath;

  test('the page shows how many addresses there are', async () => {
    const res = await admin.get('/beheer/huishoudens');
    assertPage(res, 'GET /beheer/huishoudens');
    assert.match(res.text,
      new RegExp(`Er staan ${countOf('households')} adressen in het register`));
  });

  test('a file with errors: 400, every error with its line, nothing written', async () => {
    const before = adminSnapshot(db);
    const text = [HEADER,
      '7780 AA;1;;Foutstraat;Almelo;De Riet', // 2: fine
      '12345;2;;Foutstraat;Almelo;De Riet', // 3: bad postcode
      '7780 AA;3;;Foutstraat;Almelo;Nergenshuizen', // 4: unknown wijk
      '7780 AA;1;;Foutstraat;Almelo;de-riet', // 5: the address of line 2 again
      '7780 AA;0;;Foutstraat;Almelo;De Riet', // 6: bad house number
      '7780 AA;7;;;Almelo;De Riet', // 7: no street
      '7780 AA;8;;Foutstraat;Almelo;De Riet', // 8: fine
    ].join('\n');
    const res = await upload(text);
    assertPage(res, 'an upload with errors', 400);
    const alert = /<div class="notice" role="alert">([\s\S]*?)<\/div>/.exec(contentOf(res.text));
    assert.ok(alert, 'the errors are announced');
    const items = [...alert[1].matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => textOf(m[1]));
    const byLine = Object.fromEntries(items.map((t) => [/^Regel (\d+):/.exec(t)?.[1], t]));
    assert.equal(items.length, 5, `five errors: ${items.join(' | ')}`);
    assert.match(byLine[3] ?? '', /postcode '12345'/, 'line 3: the postcode');
    assert.match(byLine[4] ?? '', /wijk 'Nergenshuizen' is onbekend/, 'line 4: the wijk');
    assert.match(byLine[5] ?? '', /7780 AA 1 staat ook op regel 2/, 'line 5: the duplicate');
    assert.match(byLine[6] ?? '', /huisnummer/, 'line 6: the house number');
    assert.match(byLine[7] ?? '', /straat/, 'line 7: the street');
    assert.match(alert[1], /Er is niets ingelezen/);
    assert.ok(!/action="\/beheer\/huishoudens\/\d+\/importeren"/.test(res.text),
      'nothing to confirm');
    assert.equal(adminSnapshot(db), before, 'nothing written, not even a pending upload');
  });

  test('a file without the columns, an empty file, no file: 400', async () => {
    const before = adminSnapshot(db);
    const res = await upload('adres;plaats\nDorpsstraat 1;Almelo\n');
    assertPage(res, 'a file without the header', 400);
    assert.match(textOf(res.text), /Regel 1: kolom 'postcode' ontbreekt/);
    assertPage(await upload(''), 'an empty file', 400);
    assertPage(await admin.postMultipart('/beheer/huishoudens', { iets: 'anders' }),
      'no file', 400);
    assert.equal(adminSnapshot(db), before, 'nothing written');
  });

  test('a good file: a preview with new, changed and unchanged; nothing written yet', async () => {
    const [pc1, hn1, , street1, city1, area1] = one(`SELECT h.postcode, h.house_number,
      h.addition, h.street, h.city, a.slug FROM households h JOIN areas a ON a.id = h.area_id
      WHERE h.addition = '' ORDER BY h.id LIMIT 1`).split('|');
    const [pc2, hn2, , , city2, area2] = one(`SELECT h.postcode, h.house_number, h.addition,
      h.street, h.city, a.name FROM households h JOIN areas a ON a.id = h.area_id
      WHERE h.addition = '' ORDER BY h.id LIMIT 1 OFFSET 1`).split('|');
    good = [HEADER,
      '7781 AB;1;;Nieuwe Laan;Almelo;de-riet',
      '7781AB;2;a;Nieuwe Laan;Almelo;De Riet', // postcode without a space, an addition
      '7781 ab;3;;Nieuwe Laan;Almelo;KERKELANDEN',
      `${pc1};${hn1};;${street1};${city1};${area1}`, // unchanged
      `${pc2};${hn2};;Andere Straat;${city2};${area2}`, // another street: changed
      '',
    ].join('\r\n');
    const before = adminSnapshot(db);
    const households = countOf('households');
    const res = await upload(`\uFEFF${good}`);
    assertPage(res, 'a good upload', 200);
    const html = contentOf(res.text);
    assert.deepEqual(stats(html), { rows: 5, added: 3, updated: 1, unchanged: 1 });
    assert.ok(!/role="alert"/.test(html), 'no errors');
    importPath = /action="(\/beheer\/huishoudens\/\d+\/importeren)"/.exec(html)?.[1];
    assert.ok(importPath, 'a button to confirm');
    assert.equal(countOf('households'), households, 'NOTHING written before importeren');
    assert.equal(countOf('households', `street = 'Andere Straat'`), 0, 'nothing changed either');
    const after = adminSnapshot(db);
    const withoutPending = (snap) => snap.replace(/pending_imports\|\d+/, '');
    assert.equal(withoutPending(after), withoutPending(before), 'only the upload waits');
  });

  test('importeren writes it; importing the same file again adds nothing', async () => {
    assert.ok(importPath, 'the preview had a confirm button');
    const households = countOf('households');
    const audits = countOf('audit_log', "action = 'households-import'");
    const res = await admin.post(importPath);
    assertPage(res, `POST ${importPath}`, 200);
    const html = contentOf(res.text);
    assert.match(html, /<h1>Huishoudens ingelezen<\/h1>/);
    assert.deepEqual(stats(html), { rows: 5, added: 3, updated: 1, unchanged: 1 });
    assert.equal(countOf('households'), households + 3, 'three households more');
    assert.equal(countOf('households', "postcode = '7781 AB'"), 3);
    assert.equal(one("SELECT addition FROM households WHERE postcode = '7781 AB' " +
      'AND house_number = 2'), 'A', 'the addition kept');
    assert.equal(one(`SELECT a.slug FROM households h JOIN areas a ON a.id = h.area_id
      WHERE h.postcode = '7781 AB' AND h.house_number = 3`), 'kerkelanden');
    assert.equal(countOf('households', `street = 'Andere Straat'`), 1, 'the change written');
    assert.equal(countOf('audit_log', "action = 'households-import'"), audits + 1, 'audited');

    const again = await admin.post(importPath);
    assert.equal(again.status, 404, 'a confirmed upload cannot be imported twice');

    const res2 = await upload(good);
    assertPage(res2, 'the same file again', 200);
    assert.deepEqual(stats(contentOf(res2.text)), { rows: 5, added: 0, updated: 0, unchanged: 5 });
    const path2 = /action="(\/beheer\/huishoudens\/\d+\/importeren)"/.exec(res2.text)?.[1];
    const done = await admin.post(path2);
    assertPage(done, 'importing the same file again', 200);
    assert.deepEqual(stats(contentOf(done.text)), { rows: 5, added: 0, updated: 0, unchanged: 5 },
      '0 new');
    assert.equal(countOf('households'), households + 3, 'no household more');
  });

  test('an unknown upload cannot be imported', async () => {
    const before = adminSnapshot(db);
    assertPage(await admin.post('/beheer/huishoudens/99999/importeren'), 'unknown upload', 404);
    assert.equal(adminSnapshot(db), before);
  });
});

// ---- Areas ----

describe('areas', () => {
  test('a buurt is added and an area edited', async () => {
    const deRiet = num("SELECT id FROM areas WHERE slug = 'de-riet'");
    const before = countOf('areas');
    const bad = await admin.post('/beheer/gebieden', { name: '', kind: 'buurt', parent: deRiet });
    assertPage(bad, 'an area without a name', 400);
    const dup = await admin.post('/beheer/gebieden', { name: 'Riet-Noord', kind: 'buurt',
      parent: deRiet });
    assertPage(dup, 'an area whose address exists', 409);
    assert.equal(countOf('areas'), before, 'nothing added');

    const res = await admin.post('/beheer/gebieden', { name: 'Riet-Midden', kind: 'buurt',
      parent: deRiet, slug: '', description: 'Tussen noord en zuid.', venue_name: '',
      venue_address: '', director_name: '', director_email: '', director_phone: '' });
    assertRedirect(res, 'POST /beheer/gebieden', '/beheer/gebieden?gedaan=1');
    assert.equal(one("SELECT kind || ' ' || parent_id || ' ' || name FROM areas " +
      "WHERE slug = 'riet-midden'"), `buurt ${deRiet} Riet-Midden`);
    const list = await admin.get('/beheer/gebieden');
    assertPage(list, 'GET /beheer/gebieden');
    assert.ok(list.text.includes('>Riet-Midden</a>'), 'listed');

    const page = await admin.get(`/beheer/gebieden/${deRiet}`);
    assertPage(page, `GET /beheer/gebieden/${deRiet}`);
    const fields = formValues(contentOf(page.text));
    delete fields._csrf;
    const description = /<textarea[^>]*>([\s\S]*?)<\/textarea>/.exec(page.text)?.[1] ?? '';
    const edit = await admin.post(`/beheer/gebieden/${deRiet}`,
      { ...fields, description: decode(description), venue_name: '\'t Dok (nieuw)' });
    assertRedirect(edit, `POST /beheer/gebieden/${deRiet}`, '/beheer/gebieden?gedaan=1');
    assert.equal(one(`SELECT venue_name || '|' || slug FROM areas WHERE id = ${deRiet}`),
      '\'t Dok (nieuw)|de-riet', 'saved; the address stays');
    assert.ok(countOf('audit_log', `action = 'area-save' AND subject = 'area:${deRiet}'`) >= 1);
    assertPage(await admin.get('/beheer/gebieden/99999'), 'an unknown area', 404);
  });
});

// ---- Money ----

describe('contributions and payouts', () => {
  let target;
  /** The text of the money page's list of what was recorded last. */
  const recentOf = (html) => {
    const m = /<section aria-labelledby="recent-title">([\s\S]*?)<\/section>/.exec(html);
    assert.ok(m, 'the list of what was recorded last');
    return textOf(m[1]);
  };

  test('a contribution counts towards the target on the public page', async () => {
    target = openInitiative(3000);
    const shown = await shownRaised(target.id);
    assert.equal(shown, target.raised, 'the public page shows the ledger total');
    const ledger = countOf('ledger');
    const res = await admin.post('/beheer/geld/bijdrage',
      { initiatief: target.id, bedrag: '12,50', partner: 'Woningcorporatie Beter Wonen' });
    assertRedirect(res, 'POST /beheer/geld/bijdrage', '/beheer/geld?gedaan=bijdrage');
    assert.equal(countOf('ledger'), ledger + 1, 'one ledger row');
    assert.equal(one(`SELECT kind || '|' || amount_cents || '|' || partner || '|' || actor
      FROM ledger ORDER BY id DESC LIMIT 1`),
    `contribution|1250|Woningcorporatie Beter Wonen|${demo.beheerder.username}`);
    assert.equal(await shownRaised(target.id), target.raised + 1250, 'the public total rises');
    assert.equal(one(`SELECT state FROM initiatives WHERE id = ${target.id}`), 'open');
    assert.equal(countOf('audit_log', `action = 'contribution' AND subject =
      'initiative:${target.id}'`), 1, 'audited');
    const page = await admin.get('/beheer/geld?gedaan=bijdrage');
    assertPage(page, 'GET /beheer/geld');
    const recent = recentOf(page.text);
    assert.match(recent, new RegExp('^Laatst vastgelegd .*Bijdrage €\\s12,50 voor .* ' +
      `\\(Woningcorporatie Beter Wonen\\) door ${demo.beheerder.username}`),
    'listed in Dutch, with who recorded it');
    assert.doesNotMatch(recent, /\b(contribution|payout)\b/, 'no ledger kind in English');
  });

  test('bad contributions: 400/404/409, nothing written', async () => {
    const before = adminSnapshot(db);
    const ledger = countOf('ledger');
    const done = num("SELECT id FROM initiatives WHERE state = 'uitgevoerd' ORDER BY id LIMIT 1");
    const submitted = num("SELECT id FROM initiatives WHERE state = 'ingediend' " +
      'ORDER BY id LIMIT 1');
    for (const [fields, status, why] of [
      [{ initiatief: target.id, bedrag: '-5', partner: 'X' }, 400, 'a negative amount'],
      [{ initiatief: target.id, bedrag: '0', partner: 'X' }, 400, 'zero'],
      [{ initiatief: target.id, bedrag: 'tien', partner: 'X' }, 400, 'no number'],
      [{ initiatief: target.id, bedrag: '5', partner: '' }, 400, 'no partner'],
      [{ initiatief: target.id, bedrag: '99999999999', partner: 'X' }, 400, 'a huge amount'],
      [{ initiatief: 'abc', bedrag: '5', partner: 'X' }, 400, 'no initiative'],
      [{ initiatief: 99999, bedrag: '5', partner: 'X' }, 404, 'an unknown initiative'],
      [{ initiatief: done, bedrag: '5', partner: 'X' }, 409, 'a finished initiative'],
      [{ initiatief: submitted, bedrag: '5', partner: 'X' }, 409, 'an unpublished initiative'],
    ]) {
      const res = await admin.post('/beheer/geld/bijdrage', fields);
      assertPage(res, `a contribution with ${why}`, status);
    }
    assert.equal(countOf('ledger'), ledger);
    assert.equal(adminSnapshot(db), before, 'nothing changed');
  });

  test('a contribution that reaches the target makes it gefinancierd', async () => {
    const raised = num(`SELECT raised_cents FROM initiatives WHERE id = ${target.id}`);
    const rest = target.target - raised;
    const euros = `${Math.floor(rest / 100)},${String(rest % 100).padStart(2, '0')}`;
    const res = await admin.post('/beheer/geld/bijdrage',
      { initiatief: target.id, bedrag: euros, partner: PARTNER_FORMULA });
    assertRedirect(res, 'the last contribution', '/beheer/geld?gedaan=bijdrage');
    assert.equal(one(`SELECT state || '|' || raised_cents FROM initiatives
      WHERE id = ${target.id}`), `gefinancierd|${target.target}`);
    assert.equal(await shownRaised(target.id), target.target, 'the public page shows the target');
    const pub = await fetchPage(server.base, `/initiatieven/${target.id}`);
    assert.match(mainOf(pub.text), /<span class="badge badge-gefinancierd">/, 'shown as funded');
    assert.equal(countOf('audit_log', `action = 'state' AND subject = 'initiative:${target.id}'
      AND from_value = 'open' AND to_value = 'gefinancierd'`), 1, 'the state change is audited');
    const page = await admin.get('/beheer/geld');
    assert.ok(page.text.includes(`href="/beheer/initiatieven/${target.id}"`),
      'it waits for its payout');
    assert.ok(page.text.includes('=HYPERLINK(&quot;x&quot;)'), 'the partner shown escaped');
  });

  test('a payout above what was raised: 409, nothing written', async () => {
    const before = adminSnapshot(db);
    const ledger = countOf('ledger');
    const over = target.target + 1;
    const res = await admin.post('/beheer/geld/uitbetaling', { initiatief: target.id,
      bedrag: `${Math.floor(over / 100)},${String(over % 100).padStart(2, '0')}`,
      kenmerk: 'BS-1' });
    assertPage(res, 'a payout of a cent too much', 409);
    assert.match(messageOf(res.text), /meer dan het initiatief heeft opgehaald/);
    const open = openInitiative(100).id;
    assertPage(await admin.post('/beheer/geld/uitbetaling',
      { initiatief: open, bedrag: '1,00', kenmerk: 'BS-2' }), 'a payout to an open initiative',
    409);
    assertPage(await admin.post('/beheer/geld/uitbetaling',
      { initiatief: target.id, bedrag: '1,00', kenmerk: '' }), 'a payout without a reference', 400);
    assertPage(await admin.post('/beheer/geld/uitbetaling',
      { initiatief: target.id, bedrag: '-1,00', kenmerk: 'BS-3' }), 'a negative payout', 400);
    assert.equal(countOf('ledger'), ledger);
    assert.equal(adminSnapshot(db), before, 'nothing changed');
  });

  test('a valid payout is listed and `verify` passes', async () => {
    const half = Math.floor(target.target / 2);
    const euros = (c) => `${Math.floor(c / 100)},${String(c % 100).padStart(2, '0')}`;
    const ask = await admin.post('/beheer/geld/uitbetaling',
      { initiatief: target.id, bedrag: euros(half), kenmerk: 'BS-2026-0042' });
    assertPage(ask, 'a payout without the confirmation: the question', 200);
    assert.equal(countOf('ledger', `kind = 'payout' AND initiative_id = ${target.id}`), 0, 'nothing paid before the confirmation');
    let res = await admin.post('/beheer/geld/uitbetaling',
      { initiatief: target.id, bedrag: euros(half), kenmerk: 'BS-2026-0042', bevestigd: '1' });
    assertRedirect(res, 'a payout of half', '/beheer/geld?gedaan=uitbetaald');
    assert.equal(one(`SELECT kind || '|' || amount_cents || '|' || reference FROM ledger
      ORDER BY id DESC LIMIT 1`), `payout|${half}|BS-2026-0042`);
    const page = await admin.get('/beheer/geld?gedaan=uitbetaald');
    assertPage(page, 'GET /beheer/geld after a payout');
    const recent = recentOf(page.text);
    assert.match(recent,
      new RegExp('Uitbetaling €\\s[\\d.,]+ voor .* \\(kenmerk BS-2026-0042\\) door ' +
        demo.beheerder.username), 'listed in Dutch, with the reference and who recorded it');
    assert.doesNotMatch(recent, /\b(contribution|payout)\b/, 'no ledger kind in English');
    assert.equal(one(`SELECT group_concat(amount_cents) FROM ledger
      WHERE kind = 'payout' AND initiative_id = ${target.id}`), String(half), 'one payout');

    const rest = target.target - half;
    res = await admin.post('/beheer/geld/uitbetaling',
      { initiatief: target.id, bedrag: euros(rest + 1), kenmerk: 'BS-2026-0043' });
    assertPage(res, 'the rest and a cent', 409);
    res = await admin.post('/beheer/geld/uitbetaling',
      { initiatief: target.id, bedrag: euros(rest), kenmerk: 'BS-2026-0043', bevestigd: '1' });
    assertRedirect(res, 'the rest', '/beheer/geld?gedaan=uitbetaald');
    const after = await admin.get('/beheer/geld');
    assert.ok(!after.text.includes(`name="initiatief" value="${target.id}"`),
      'fully paid: no longer waiting for a payout');
    assert.equal(countOf('audit_log',
      `action = 'payout' AND subject = 'initiative:${target.id}'`), 2, 'both audited');

    const v = await cliRun(['verify']);
    assert.equal(v.code, 0, `verify: ${v.stdout}${v.stderr}`);
  });

  test('what was recorded last: the 20 newest, newest first', async () => {
    const into = openInitiative(100);
    for (let k = 1; k <= 25; k++) {
      const res = await admin.post('/beheer/geld/bijdrage',
        { initiatief: into.id, bedrag: '0,01', partner: `Fonds ${k}` });
      assertRedirect(res, `contribution ${k}`, '/beheer/geld?gedaan=bijdrage');
    }
    const items = [...recentOf((await admin.get('/beheer/geld')).text).matchAll(/Bijdrage €\s0,01 voor .*? \((Fonds \d+)\)/g)]
      .map((m) => m[1]);
    assert.deepEqual(items, Array.from({ length: 20 }, (_, i) => `Fonds ${25 - i}`));
    const v = await cliRun(['verify']);
    assert.equal(v.code, 0, `verify: ${v.stdout}${v.stderr}`);
  });
});

// ---- Settings ----

describe('settings', () => {
  test('a bad value: 400, the message next to the field, nothing saved', async () => {
    const fields = await settingsForm({ voucher_pogingen: '10', voucher_venster_minuten: '10',
      mede_organisatoren: 'abc' });
    const before = adminSnapshot(db);
    const res = await admin.post('/beheer/instellingen', fields);
    assertPage(res, 'settings with mede_organisatoren=abc', 400);
    const html = contentOf(res.text);
    const errors = [...html.matchAll(/<p class="error-message" id="([^"]+)">([^<]*)<\/p>/g)];
    assert.deepEqual(errors.map((e) => e[1]), ['s-mede_organisatoren-error'], 'one error');
    assert.match(errors[0][2], /geheel getal/);
    const field = /<div class="field field-error">([\s\S]*?)<\/div>/.exec(html)?.[1] ?? '';
    assert.ok(field.includes('id="s-mede_organisatoren-error"') &&
      field.includes('id="s-mede_organisatoren"'), 'the message stands in the field');
    const input = /<input id="s-mede_organisatoren"[^>]*>/.exec(html)[0];
    assert.match(input, /aria-invalid="true"/);
    assert.match(input, /value="abc"/, 'the typed value stays');
    assert.equal(formValues(html).gemeente_naam, fields.gemeente_naam, 'the other values stay');
    assert.equal(adminSnapshot(db), before, 'nothing saved, nothing audited');

    const range = await admin.post('/beheer/instellingen', { ...fields, mede_organisatoren: '9' });
    assertPage(range, 'mede_organisatoren=9 (at most 8)', 400);
    const url = await admin.post('/beheer/instellingen',
      { ...fields, mede_organisatoren: '2', basis_url: 'javascript:alert(1)' });
    assertPage(url, 'a basis_url that is no web address', 400);
    assert.ok(url.text.includes('id="s-basis_url-error"'));
    const order = await admin.post('/beheer/instellingen',
      { ...fields, mede_organisatoren: '2', streef_min_cents: '9000', streef_max_cents: '8000' });
    assertPage(order, 'min above max', 400);
    assert.equal(adminSnapshot(db), before, 'still nothing saved');
  });

  test('the error message is tied to its field for screen readers', async () => {
    const fields = await settingsForm({ voucher_pogingen: '10', voucher_venster_minuten: '10',
      mede_organisatoren: 'abc' });
    const res = await admin.post('/beheer/instellingen', fields);
    assert.equal(res.status, 400);
    const input = /<input id="s-mede_organisatoren"[^>]*>/.exec(res.text)?.[0] ?? '';
    const described = /aria-describedby="([^"]*)"/.exec(input)?.[1] ?? '';
    assert.ok(described.split(' ').includes('s-mede_organisatoren-error'),
      `aria-describedby of the field names its error message (it is "${described}")`);
  });

  test('the form as shown can be saved (every field shows its value)', async () => {
    const fields = await settingsForm();
    const empty = Object.entries(fields).filter(([, v]) => v === '').map(([k]) => k);
    assert.deepEqual(empty, [], 'no setting shows up empty');
    const res = await admin.post('/beheer/instellingen', fields);
    assertRedirect(res, 'the settings saved unchanged', '/beheer/instellingen?gedaan=1');
  });

  test('a good change is saved and audited', async () => {
    const current = await settingsForm();
    const fields = { ...current, voucher_pogingen: current.voucher_pogingen || '10',
      voucher_venster_minuten: current.voucher_venster_minuten || '10', mede_organisatoren: '3',
      contact_email: 'buurtsamen@almelo.example' };
    const was = one("SELECT value FROM settings WHERE key = 'mede_organisatoren'");
    assert.notEqual(was, '3');
    const res = await admin.post('/beheer/instellingen', fields);
    assertRedirect(res, 'POST /beheer/instellingen', '/beheer/instellingen?gedaan=1');
    assert.equal(one("SELECT value FROM settings WHERE key = 'mede_organisatoren'"), '3');
    assert.equal(one(`SELECT actor || '|' || from_value || '|' || to_value FROM audit_log
      WHERE action = 'setting' AND subject = 'mede_organisatoren' ORDER BY id DESC LIMIT 1`),
    `${demo.beheerder.username}|${was}|3`);
    assert.equal(countOf('audit_log', "action = 'setting' AND subject = 'gemeente_naam'"), 0,
      'an unchanged setting is not audited');
    const page = await admin.get('/beheer/instellingen?gedaan=1');
    assert.equal(formValues(contentOf(page.text)).mede_organisatoren, '3', 'the form shows it');
    assert.match(page.text, /role="status"><p>De wijziging is opgeslagen\./);
    // Back as it was, so the rest of the suite sees the demo settings.
    const back = await admin.post('/beheer/instellingen', { ...fields, mede_organisatoren: was });
    assertRedirect(back, 'the setting restored', '/beheer/instellingen?gedaan=1');
  });
});

describe('plain text as paragraphs on the staff side', () => {
  const nl = 'char(10)';
  const text = `${q('Eerste <b> regel')} || ${nl} || ${q('tweede')} || ${nl} || ${nl}
    || ${q('zie https://example.org/a?b=1&c=2.')}`;
  const html = '<p>Eerste &lt;b&gt; regel<br>\ntweede</p>\n<p>zie <a href="https://example.org/a?b=1&amp;c=2" '
    + 'rel="nofollow noopener">https://example.org/a?b=1&amp;c=2</a>.</p>\n';

  test('the rules on the submission form, from the settings', async () => {
    const was = one("SELECT coalesce((SELECT value FROM settings WHERE key = 'regels'), '')");
    sql(db, `INSERT INTO settings(key, value) VALUES ('regels', ${text})
      ON CONFLICT(key) DO UPDATE SET value = excluded.value`);
    try {
      const res = await fetchPage(server.base, '/initiatief-indienen');
      assert.equal(res.status, 200);
      assert.ok(res.text.includes(html), 'the rules as escaped paragraphs');
      assert.ok(!res.text.includes('<li>Het initiatief is voor en door bewoners'),
        'not the built-in rules');
    } finally {
      sql(db, `UPDATE settings SET value = ${q(was)} WHERE key = 'regels'`);
    }
    const plain = await fetchPage(server.base, '/initiatief-indienen');
    if (!was) assert.match(plain.text, /<li>Het initiatief is voor en door bewoners/, 'no rules set: the built-in ones');
  });

  test('the description on the staff page of an initiative', async () => {
    const was = one('SELECT description FROM initiatives WHERE id = 5');
    sql(db, `UPDATE initiatives SET description = ${text} WHERE id = 5`);
    try {
      const res = await admin.get('/beheer/initiatieven/5');
      assertPage(res, '/beheer/initiatieven/5');
      assert.ok(contentOf(res.text).includes(html), 'the description as escaped paragraphs');
    } finally {
      sql(db, `UPDATE initiatives SET description = ${q(was)} WHERE id = 5`);
    }
  });
});

// ---- Staff ----

describe('staff accounts', () => {
  const NAME = 'nieuwecollega';
  let password;
  let newcomer;

  test('adding a user shows a password once; logging in with it works', async () => {
    const users = countOf('users');
    const bad = await admin.post('/beheer/medewerkers',
      { gebruikersnaam: 'Niet Goed!', rol: 'wijkregisseur' });
    assertPage(bad, 'a bad user name', 400);
    const dup = await admin.post('/beheer/medewerkers',
      { gebruikersnaam: demo.regisseur.username, rol: 'wijkregisseur' });
    assertPage(dup, 'a user name in use', 400);
    const role = await admin.post('/beheer/medewerkers', { gebruikersnaam: 'x1', rol: 'koning' });
    assertPage(role, 'an unknown role', 400);
    assert.equal(countOf('users'), users, 'no user added');

    const res = await admin.post('/beheer/medewerkers', { gebruikersnaam: NAME,
      rol: 'wijkregisseur', email: 'collega@almelo.example', gebied: ['de-riet'] });
    assertPage(res, 'POST /beheer/medewerkers', 200);
    assert.match(res.text, new RegExp(`<h1>Wachtwoord voor ${NAME}</h1>`));
    password = /<p class="manage-link">([^<]+)<\/p>/.exec(res.text)?.[1];
    assert.ok(password && password.length >= 16, `a long password is shown (${password})`);
    assert.match(res.headers.get('cache-control') ?? '', /no-store/, 'the page is not cached');
    assert.equal(countOf('users'), users + 1);
    assert.equal(one(`SELECT role || '|' || email || '|' || disabled FROM users
      WHERE username = '${NAME}'`), 'wijkregisseur|collega@almelo.example|0');
    assert.ok(!one(`SELECT password_hash FROM users WHERE username = '${NAME}'`).includes(password),
      'only a hash is kept');
    assert.match(one(`SELECT password_hash FROM users WHERE username = '${NAME}'`),
      /^\$argon2id\$/);
    assert.equal(countOf('audit_log', `action = 'user-add' AND subject = '${NAME}'`), 1);

    const list = await admin.get('/beheer/medewerkers');
    assertPage(list, 'GET /beheer/medewerkers');
    assert.ok(list.text.includes(`href="/beheer/medewerkers/${NAME}"`), 'listed');
    assert.ok(!list.text.includes(password), 'the password is not shown again');

    newcomer = await login(server.base, NAME, password);
    const home = await newcomer.get('/beheer');
    assertPage(home, `${NAME} GET /beheer`);
    assertPage(await newcomer.get('/beheer/geld'), `${NAME} is no admin`, 403);
  });

  test('assigning areas', async () => {
    assert.ok(newcomer, 'the user was added');
    const page = await admin.get(`/beheer/medewerkers/${NAME}`);
    assertPage(page, `GET /beheer/medewerkers/${NAME}`);
    assert.match(page.text, /id="g-de-riet" name="gebied" value="de-riet" checked/);
    assert.doesNotMatch(page.text, /id="g-kerkelanden" name="gebied" value="kerkelanden" checked/);
    const res = await admin.post(`/beheer/medewerkers/${NAME}/gebieden`,
      { gebied: ['kerkelanden', 'aadorp'] });
    assertRedirect(res, 'POST gebieden', '/beheer/medewerkers?gedaan=1');
    assert.equal(one(`SELECT group_concat(slug, ',') FROM (SELECT a.slug FROM user_areas ua
      JOIN areas a ON a.id = ua.area_id JOIN users u ON u.id = ua.user_id
      WHERE u.username = '${NAME}' ORDER BY a.slug)`), 'aadorp,kerkelanden');
    const again = await admin.get(`/beheer/medewerkers/${NAME}`);
    assert.match(again.text, /id="g-kerkelanden" name="gebied" value="kerkelanden" checked/);
    assert.doesNotMatch(again.text, /value="de-riet" checked/);
    const dash = await newcomer.get('/beheer/dashboard');
    assertPage(dash, `${NAME}'s dashboard`);
    const areas = tableRows(contentOf(dash.text), 'id="areas-title"').map((r) => r[0]);
    assert.deepEqual(areas.sort(), ['Aadorp', 'Kerkelanden'], 'the dashboard follows');
    assert.equal(countOf('audit_log', `action = 'user-areas' AND subject = '${NAME}'`), 1);
    assertPage(await admin.get('/beheer/medewerkers/niemand'), 'an unknown user', 404);
    assertPage(await admin.post('/beheer/medewerkers/niemand/gebieden', { gebied: 'aadorp' }),
      'areas of an unknown user', 404);
  });

  test('an area that does not exist: 400, the areas stay as they were', async () => {
    assert.ok(newcomer, 'the user was added');
    const before = adminSnapshot(db);
    const res = await admin.post(`/beheer/medewerkers/${NAME}/gebieden`,
      { gebied: ['bestaat-niet'] });
    assertPage(res, 'POST gebieden with an unknown area', 400);
    assert.equal(adminSnapshot(db), before, `${NAME} keeps Aadorp and Kerkelanden`);
  });

  test('disabling: the session ends and logging in is refused; enabling again', async () => {
    assert.ok(newcomer, 'the user was added');
    const own = await admin.post(`/beheer/medewerkers/${demo.beheerder.username}`,
      { actie: 'uitschakelen' });
    assertPage(own, 'disabling oneself', 409);
    assertPage(await admin.post(`/beheer/medewerkers/${NAME}`, { actie: 'weggooien' }),
      'an unknown action', 400);

    const res = await admin.post(`/beheer/medewerkers/${NAME}`, { actie: 'uitschakelen' });
    assertRedirect(res, 'uitschakelen', '/beheer/medewerkers?gedaan=1');
    assert.equal(one(`SELECT disabled FROM users WHERE username = '${NAME}'`), '1');
    assertRedirect(await newcomer.get('/beheer'), 'the disabled user\'s session',
      '/beheer/inloggen');
    const { res: refused } = await tryLogin(server.base, NAME, password,
      { localAddress: '127.0.0.41' });
    assert.notEqual(refused.status, 303, 'no login');
    assertPage(refused, 'logging in while disabled', 401);
    const list = await admin.get('/beheer/medewerkers');
    assert.match(list.text, new RegExp(`${NAME}</a></td><td>wijkregisseur</td><td>[^<]*</td>` +
      '<td>uitgeschakeld</td>'), 'shown as disabled');

    const on = await admin.post(`/beheer/medewerkers/${NAME}`, { actie: 'inschakelen' });
    assertRedirect(on, 'inschakelen', '/beheer/medewerkers?gedaan=1');
    newcomer = await login(server.base, NAME, password, { localAddress: '127.0.0.42' });
    assert.equal(countOf('audit_log', `action IN ('user-disable', 'user-enable')
      AND subject = '${NAME}'`), 2);
  });

  test('a new password: shown once; the old one no longer works', async () => {
    assert.ok(newcomer, 'the user was added');
    const res = await admin.post(`/beheer/medewerkers/${NAME}`, { actie: 'wachtwoord' });
    assertPage(res, 'a new password', 200);
    const fresh = /<p class="manage-link">([^<]+)<\/p>/.exec(res.text)?.[1];
    assert.ok(fresh && fresh !== password, 'a different password is shown');
    const { res: old } = await tryLogin(server.base, NAME, password,
      { localAddress: '127.0.0.43' });
    assertPage(old, 'the old password', 401);
    const s = await login(server.base, NAME, fresh, { localAddress: '127.0.0.44' });
    assertPage(await s.get('/beheer'), 'logged in with the new password');
    assert.equal(countOf('audit_log', `action = 'user-passwd' AND subject = '${NAME}'`), 1);
    assertPage(await admin.post('/beheer/medewerkers/niemand', { actie: 'wachtwoord' }),
      'a password for an unknown user', 404);
  });
});

// ---- Exports ----

describe('exports', () => {
  let totals; // the JSON of every round
  let current;

  before(() => {
    current = num("SELECT id FROM rounds WHERE opens_at <= datetime('now') " +
      "AND closes_at > datetime('now')");
  });

  test('totals: CSV, JSON and XLSX in the browser equal the ledger checked with SQL', async () => {
    const json = JSON.parse((await webExport('totals', 'json')).text);
    totals = json;
    const rounds = one('SELECT group_concat(id) FROM (SELECT id FROM rounds ORDER BY opens_at)')
      .split(',').map(Number);
    assert.deepEqual(json.map((r) => r.round_id), rounds, 'one row per round, oldest first');
    for (const r of json) {
      const st = standing(r.round_id);
      const where = `round ${r.round_id}`;
      assert.equal(r.households, countOf('households'), `${where}: households`);
      assert.equal(r.issued, countOf('vouchers', `round_id = ${r.round_id} AND voided_at IS NULL`),
        `${where}: issued`);
      assert.equal(r.donated, st.n, `${where}: standing donations`);
      assert.equal(r.donated_cents, st.cents, `${where}: sum of standing donations`);
      assert.equal(r.contributed_cents, moneyOf(r.round_id, 'contribution'),
        `${where}: contributions`);
      assert.equal(r.paid_out_cents, moneyOf(r.round_id, 'payout'), `${where}: payouts`);
      assert.equal(r.participation_permille,
        r.issued ? Math.floor((r.donated * 1000) / r.issued) : 0, `${where}: participation`);
    }
    const cur = json.find((r) => r.round_id === current);
    assert.ok(cur.contributed_cents >= 1250 && cur.paid_out_cents > 0,
      'this round has the contributions and payouts made above');
    assert.equal(cur.contributed_cents, num("SELECT sum(amount_cents) FROM ledger " +
      "WHERE kind = 'contribution'"), 'every contribution went to an initiative of this round');

    const csv = assertExportCsv((await webExport('totals', 'csv')).text, 'totals.csv',
      TOTALS_HEADER);
    assert.equal(csv.length, json.length);
    for (const [k, r] of json.entries()) {
      const c = csv[k];
      assert.equal(Number(c.ronde), r.round_id);
      assert.equal(c.naam, r.round_name);
      assert.equal(Number(c.uitgegeven), r.issued);
      assert.equal(Number(c.gedoneerd), r.donated);
      assert.equal(commaCents(c.gedoneerd_bedrag), r.donated_cents, 'euros with a decimal comma');
      assert.equal(commaCents(c.bijdragen), r.contributed_cents);
      assert.equal(commaCents(c.uitbetaald), r.paid_out_cents);
      assert.match(c.deelname_pct, /^\d+,\d$/, 'per cent with a decimal comma');
      assert.equal(c.deelname_pct, `${Math.floor(r.participation_permille / 10)},` +
        `${r.participation_permille % 10}`);
      assert.match(c.eerste_dag, /^\d{4}-\d\d-\d\d$/, 'the first day');
      assert.match(c.tot_en_met, /^\d{4}-\d\d-\d\d$/, 'the last day');
    }

    const file = await saveXlsx(await webExport('totals', 'xlsx'), 'totals.xlsx');
    const x = xlsxObjects(file);
    assert.equal(x.formulas, 0, 'no formulas');
    assert.deepEqual(x.header, TOTALS_HEADER);
    assert.equal(x.objects.length, json.length);
    for (const [k, r] of json.entries()) {
      const o = x.objects[k];
      assert.equal(o.ronde, r.round_id, 'numbers as numbers');
      assert.equal(o.uitgegeven, r.issued);
      assert.equal(o.gedoneerd, r.donated);
      assert.equal(Math.round(o.gedoneerd_bedrag * 100), r.donated_cents, 'euros as numbers');
      assert.equal(Math.round(o.bijdragen * 100), r.contributed_cents);
      assert.equal(Math.round(o.uitbetaald * 100), r.paid_out_cents);
    }
    const sheet = xlsxPart(file);
    assert.ok(sheet.includes(`<v>${cur.donated_cents / 100}</v>`), 'the sheet holds the number');
  });

  test('the command line gives the same exports', async () => {
    for (const kind of ['totals', 'areas', 'initiatives', 'ledger']) {
      for (const format of ['csv', 'json']) {
        const cli = await cliExport(kind, format, kind === 'areas' || kind === 'ledger'
          ? current : undefined);
        const web = await webExport(kind, format, kind === 'areas' || kind === 'ledger'
          ? current : undefined);
        assert.equal(cli, web.text, `export ${kind} --format ${format} equals the download`);
      }
    }
    const file = await cliExport('totals', 'xlsx');
    const x = xlsxObjects(file);
    assert.deepEqual(x.objects.map((o) => o.gedoneerd), totals.map((r) => r.donated),
      'the XLSX of the command line');
    const bad = await cliRun(['export', 'totals', '--format', 'pdf']);
    assert.equal(bad.code, 2, 'a wrong format is a usage error');
    const res = await download(admin, '/beheer/export?soort=geheimen&formaat=csv');
    assert.equal(res.status, 400, 'an unknown export');
    const res2 = await download(admin, '/beheer/export?soort=totals&formaat=csv&ronde=abc');
    assert.equal(res2.status, 400, 'a round that is no number');
  });

  test('an export of a round that does not exist: 404 in the browser, exit 1 on the command line',
    async () => {
      const cli = await cliRun(['export', 'totals', '--round', '99999', '--format', 'json']);
      assert.equal(cli.code, 1, `the command line: ${cli.stderr}`);
      assert.match(cli.stderr, /no round 99999/);
      for (const soort of ['totals', 'ledger']) {
        const res = await download(admin, `/beheer/export?soort=${soort}&formaat=json&ronde=99999`);
        assert.equal(res.status, 404, `soort=${soort}&ronde=99999: an unknown round ` +
          `(got ${res.status}: ${messageOf(res.text)})`);
      }
    });

  test('areas of a round add up to the round', async () => {
    const rows = JSON.parse((await webExport('areas', 'json', current)).text);
    const top = countOf('areas', 'parent_id IS NULL');
    assert.equal(rows.length, top, 'one row per wijk and dorp');
    const sum = (k) => rows.reduce((a, r) => a + r[k], 0);
    const t = totals.find((r) => r.round_id === current);
    for (const k of ['households', 'issued', 'donated', 'donated_cents']) {
      assert.equal(sum(k), t[k], `areas add up: ${k}`);
    }
    const deRiet = rows.find((r) => r.area === 'De Riet');
    assert.equal(deRiet.issued, num(`SELECT count(*) FROM vouchers v JOIN households h
      ON h.id = v.household_id JOIN areas a ON a.id = h.area_id WHERE v.round_id = ${current}
      AND v.voided_at IS NULL AND coalesce(a.parent_id, a.id) = ${deRiet.area_id}`),
    'De Riet with its buurten');
    const csv = assertExportCsv((await webExport('areas', 'csv', current)).text, 'areas.csv',
      AREAS_HEADER);
    assert.equal(csv.length, rows.length);
    const file = await saveXlsx(await webExport('areas', 'xlsx', current), 'areas.xlsx');
    const x = xlsxObjects(file);
    assert.deepEqual(x.header, AREAS_HEADER);
    assert.deepEqual(x.objects.map((o) => o.uitgegeven), rows.map((r) => r.issued));
  });

  test('initiatives: totals from the ledger, no contact details', async () => {
    const rows = JSON.parse((await webExport('initiatives', 'json')).text);
    assert.equal(rows.length, countOf('initiatives', 'published_at IS NOT NULL'));
    for (const r of rows) {
      assert.equal(r.total_cents, num(`SELECT coalesce(sum(amount_cents), 0) FROM ledger
        WHERE initiative_id = ${r.id} AND kind IN ('donation', 'release', 'return',
        'contribution')`), `initiative ${r.id}: total`);
      assert.equal(r.total_cents, num(`SELECT raised_cents FROM initiatives WHERE id = ${r.id}`),
        `initiative ${r.id}: the cached total agrees`);
    }
    const csvText = (await webExport('initiatives', 'csv')).text;
    assertExportCsv(csvText, 'initiatives.csv', INITIATIVES_HEADER);
    const secrets = one('SELECT group_concat(initiator_email, \'|\') FROM initiatives').split('|');
    for (const e of secrets) {
      assert.ok(!csvText.includes(e), `no initiator e-mail in the export (${e})`);
    }
    const file = await saveXlsx(await webExport('initiatives', 'xlsx'), 'initiatives.xlsx');
    assert.deepEqual(xlsxObjects(file).header, INITIATIVES_HEADER);
  });

  test('the ledger: every row, amounts that add up to the totals', async () => {
    const all = JSON.parse((await webExport('ledger', 'json')).text);
    assert.equal(all.length, countOf('ledger'), 'every ledger row');
    for (const kind of ['donation', 'release', 'return', 'contribution', 'payout']) {
      const sum = all.filter((r) => r.kind === kind).reduce((a, r) => a + r.amount_cents, 0);
      assert.equal(sum, num(`SELECT coalesce(sum(amount_cents), 0) FROM ledger
        WHERE kind = '${kind}'`), `the sum of ${kind}`);
    }
    for (const t of totals) {
      const rows = JSON.parse((await webExport('ledger', 'json', t.round_id)).text);
      const sum = (kinds) => rows.filter((r) => kinds.includes(r.kind))
        .reduce((a, r) => a + r.amount_cents, 0);
      const where = `round ${t.round_id}`;
      assert.equal(sum(['donation', 'release', 'return']), t.donated_cents,
        `${where}: the ledger's donations less reversals = donated`);
      assert.equal(sum(['contribution']), t.contributed_cents, `${where}: contributions`);
      assert.equal(sum(['payout']), t.paid_out_cents, `${where}: payouts`);
      assert.ok(rows.every((r) => r.round_id === t.round_id || r.round_id === null),
        `${where}: only this round's vouchers`);
    }
    const csv = assertExportCsv((await webExport('ledger', 'csv')).text, 'ledger.csv',
      LEDGER_HEADER);
    assert.equal(csv.length, all.length);
    assert.equal(csv.reduce((a, r) => a + commaCents(r.bedrag), 0),
      all.reduce((a, r) => a + r.amount_cents, 0), 'the CSV amounts add up the same');
    assert.ok(csv.some((r) => /^-\d+,\d\d$/.test(r.bedrag)), 'releases are negative');
  });

  test('a cell that starts with = is neutralised in the CSV, text in the XLSX', async () => {
    const text = (await webExport('ledger', 'csv')).text;
    const rows = csvObjects(text, ';');
    const row = rows.find((r) => r.partner.includes('HYPERLINK'));
    assert.ok(row, 'the contribution of partner =HYPERLINK("x") is in the ledger');
    assert.ok(!/^[=+\-@]/.test(row.partner), `the cell does not start with = (${row.partner})`);
    assert.ok(row.partner.endsWith(PARTNER_FORMULA), 'the text is kept');
    assert.ok(!/(^|;|\n)=HYPERLINK/.test(text), 'no cell starts with =HYPERLINK');
    const cli = await cliExport('ledger', 'csv');
    assert.ok(!/(^|;|\n)=HYPERLINK/.test(cli), 'nor on the command line');
    const json = JSON.parse((await webExport('ledger', 'json')).text);
    assert.ok(json.some((r) => r.partner === PARTNER_FORMULA), 'JSON keeps the text as it is');
    const file = await saveXlsx(await webExport('ledger', 'xlsx'), 'ledger.xlsx');
    const x = xlsxObjects(file);
    assert.equal(x.formulas, 0, 'no formula in the XLSX');
    assert.ok(x.objects.some((o) => String(o.partner).endsWith(PARTNER_FORMULA)),
      'the XLSX has the text as a string');
  });

  test('the ledger never holds a voucher code or an address', async () => {
    const codes = new Set([...demo.codes.map((c) => c.code), demo.used,
      ...round.rows.map((r) => r.code)].map(bare));
    assert.ok(codes.size > 5, 'codes to look for');
    const texts = {
      'ledger.csv': (await webExport('ledger', 'csv')).text,
      'ledger.json': (await webExport('ledger', 'json')).text,
      'ledger.xlsx': xlsxPart(await saveXlsx(await webExport('ledger', 'xlsx'), 'l.xlsx')),
      'cli ledger.csv': await cliExport('ledger', 'csv'),
    };
    for (const [where, text] of Object.entries(texts)) {
      for (const m of text.matchAll(ANY_CODE)) {
        assert.ok(!codes.has(bare(m[0])), `${where}: holds the voucher code ${m[0]}`);
      }
      assert.doesNotMatch(text, POSTCODE, `${where}: holds no postcode`);
      assert.ok(!/voucher_id|household|huishouden|postcode|code_hash/i.test(text),
        `${where}: no voucher or household column`);
    }
  });
});

// ---- Dashboard, transparency, audit log ----

describe('the dashboard', () => {
  test('SVG charts: present, well-formed, role=img with a title and a description', async () => {
    const res = await admin.get('/beheer/dashboard');
    assertPage(res, 'GET /beheer/dashboard');
    const svgs = svgsOf(contentOf(res.text));
    assert.equal(svgs.length, 2, 'a bar chart and a line chart');
    for (const [k, svg] of svgs.entries()) {
      const where = `chart ${k + 1}`;
      assertWellFormedXml(svg, where);
      const open = /^<svg\b[^>]*>/.exec(svg)[0];
      assert.match(open, /\srole="img"/, `${where}: role="img"`);
      assert.match(open, /\sxmlns="http:\/\/www\.w3\.org\/2000\/svg"/, `${where}: namespace`);
      const title = /<title id="([^"]+)">([^<]+)<\/title>/.exec(svg);
      const desc = /<desc id="([^"]+)">([^<]+)<\/desc>/.exec(svg);
      assert.ok(title && desc, `${where}: a title and a description`);
      assert.ok(svg.indexOf('<title') < svg.indexOf('<desc') &&
        svg.indexOf('<title') < svg.indexOf('<g'), `${where}: the title first`);
      const labelled = /aria-labelledby="([^"]+)"/.exec(open)?.[1].split(' ') ?? [];
      assert.ok(labelled.includes(title[1]) && labelled.includes(desc[1]),
        `${where}: labelled by its title and description`);
    }
    const bars = svgs[0];
    const areas = one("SELECT group_concat(name, '|') FROM areas WHERE parent_id IS NULL")
      .split('|');
    for (const a of areas) assert.ok(bars.includes(`>${a}</text>`), `the bars name ${a}`);
    assert.match(/<desc[^>]*>([^<]*)<\/desc>/.exec(bars)[1], /De Riet: \d+,\d%/,
      'the description carries the numbers');
  });

  test('the figures of the current round and of a chosen round', async () => {
    const current = num("SELECT id FROM rounds WHERE opens_at <= datetime('now') " +
      "AND closes_at > datetime('now')");
    const dd = (html, dt) => new RegExp(`<dt>${dt}</dt><dd>([^<]*)</dd>`).exec(html)?.[1];
    for (const id of [current, 1]) {
      const res = await admin.get(`/beheer/dashboard?ronde=${id}`);
      assertPage(res, `GET /beheer/dashboard?ronde=${id}`);
      const html = contentOf(res.text);
      assert.match(html, new RegExp(`<option value="${id}" selected>`), 'the round is chosen');
      const st = standing(id);
      assert.equal(Number(dd(html, 'Vouchers gedoneerd')), st.n, `round ${id}: donated`);
      assert.equal(Number(dd(html, 'Vouchers uitgegeven')),
        countOf('vouchers', `round_id = ${id} AND voided_at IS NULL`), `round ${id}: issued`);
      assert.equal(euro(dd(html, 'Gedoneerd').replace(/€\s/, '')), st.cents, `round ${id}: €`);
      const rows = tableRows(html, 'id="areas-title"');
      assert.equal(rows.reduce((a, r) => a + Number(r[3]), 0), st.n, 'the areas add up');
    }
    assertPage(await admin.get('/beheer/dashboard?ronde=abc'), 'a round that is no number', 400);
  });
});

describe('figures follow the ledger at once', () => {
  test('a donation shows on the dashboard and the transparency page on every reload',
    async () => {
      const current = num("SELECT id FROM rounds WHERE opens_at <= datetime('now') " +
        "AND closes_at > datetime('now')");
      const name = one(`SELECT name FROM rounds WHERE id = ${current}`);
      const dashboardCount = async () => {
        const html = contentOf((await admin.get('/beheer/dashboard')).text);
        return Number(/<dt>Vouchers gedoneerd<\/dt><dd>(\d+)<\/dd>/.exec(html)?.[1]);
      };
      const publicCount = async () => {
        const html = mainOf((await fetchPage(server.base, '/transparantie')).text);
        const section = html.slice(html.indexOf(`<h2>${name}</h2>`));
        return Number(/<dt>Vouchers gedoneerd<\/dt><dd>(\d+) van/.exec(section)?.[1]);
      };
      const before = standing(current).n;
      for (let i = 0; i < 4; i++) {
        assert.equal(await dashboardCount(), before, 'the dashboard before');
        assert.equal(await publicCount(), before, 'the transparency page before');
      }
      const code = demo.codes[0].code;
      const s = await session(server.base, { localAddress: '127.0.0.61' });
      const choice = await s.post('/doneren', { code });
      assert.equal(choice.status, 200, `the demo code ${code} can be used`);
      const done = await s.post('/doneren/bevestigen',
        { code, initiatief: radioIds(choice.text)[0] });
      assert.equal(done.status, 303, 'donated');
      assert.equal(standing(current).n, before + 1);
      for (let i = 0; i < 4; i++) {
        assert.equal(await dashboardCount(), before + 1, `the dashboard after, reload ${i + 1}`);
        assert.equal(await publicCount(), before + 1,
          `the transparency page after, reload ${i + 1}`);
      }
    });
});

describe('the transparency page', () => {
  test('lists every round and the initiatives funded in it', async () => {
    const res = await fetchPage(server.base, '/transparantie');
    assertPage(res, 'GET /transparantie');
    const html = mainOf(res.text);
    const names = one("SELECT group_concat(name, '|') FROM (SELECT name FROM rounds " +
      'ORDER BY opens_at DESC)').split('|');
    const shown = [...html.matchAll(/<h2>([^<]+)<\/h2>/g)].map((m) => decode(m[1]));
    assert.deepEqual(shown, names, 'every round, newest first');
    const funded = one(`SELECT group_concat(id, ',') FROM initiatives
      WHERE state IN ('gefinancierd', 'uitgevoerd')`).split(',').map(Number);
    for (const id of funded) {
      assert.match(html, new RegExp(`<a href="/initiatieven/${id}-[^"]*">`),
        `funded initiative ${id} is listed`);
    }
    const current = one("SELECT name FROM rounds WHERE opens_at <= datetime('now') " +
      "AND closes_at > datetime('now')");
    const section = html.slice(html.indexOf(`<h2>${current}</h2>`));
    const st = standing(num(`SELECT id FROM rounds WHERE name = ${q(current)}`));
    assert.match(section, new RegExp(`<dt>Vouchers gedoneerd</dt><dd>${st.n} van \\d+</dd>`));
    assert.doesNotMatch(html, POSTCODE, 'no addresses');
    assert.doesNotMatch(html, /initiator|@example/, 'no contact details');
  });
});

describe('the audit log', () => {
  test('filters by who and what', async () => {
    const res = await admin.get(`/beheer/auditlog?wie=${demo.beheerder.username}&wat=contribution`);
    assertPage(res, 'the audit log filtered');
    const rows = tableRows(contentOf(res.text));
    assert.equal(rows.length, countOf('audit_log',
      `actor = ${q(demo.beheerder.username)} AND action = 'contribution'`));
    assert.ok(rows.length >= 2, 'the contributions made above');
    for (const r of rows) {
      assert.equal(r[1], demo.beheerder.username);
      assert.match(r[2], /^bijdrage geboekt: €\s[\d.,]+$/);
    }
    assert.match(contentOf(res.text), /id="a-wie" name="wie" type="text" value="beheerder"/,
      'the filter stays filled in');

    const who = tableRows(contentOf((await admin.get(
      `/beheer/auditlog?wie=${demo.beheerder.username}`)).text));
    assert.equal(who.length, Math.min(50, countOf('audit_log',
      `actor = ${q(demo.beheerder.username)}`)));
    assert.ok(who.every((r) => r[1] === demo.beheerder.username));
    assert.ok(new Set(who.map((r) => r[2])).size > 3, 'all that the admin did');

    const what = tableRows(contentOf((await admin.get('/beheer/auditlog?wat=setting')).text));
    assert.equal(what.length, countOf('audit_log', "action = 'setting'"));
    assert.ok(what.every((r) => r[2].startsWith('instelling gewijzigd')));

    const none = tableRows(contentOf((await admin.get(
      `/beheer/auditlog?wie=${demo.regisseur.username}&wat=payout`)).text));
    assert.equal(none.length, 0, 'the wijkregisseur made no payouts');

    const today = new Date().toISOString().slice(0, 10);
    const dated = tableRows(contentOf((await admin.get(
      `/beheer/auditlog?wat=payout&van=${today}&tot=${today}`)).text));
    assert.equal(dated.length, countOf('audit_log', `action = 'payout' AND at >= '${today}'`));
    const past = tableRows(contentOf((await admin.get(
      '/beheer/auditlog?wat=payout&tot=2000-01-01')).text));
    assert.equal(past.length, 0, 'nothing before 2000');
    assertPage(await admin.get('/beheer/auditlog?van=gisteren'), 'a date that is no date', 400);
  });

  test('the e-mail outbox shows what waits', async () => {
    const res = await admin.get('/beheer/email');
    assertPage(res, 'GET /beheer/email');
    const waiting = countOf('outbox', 'sent_at IS NULL');
    assert.match(res.text, new RegExp(`<p>${waiting} bericht\\(en\\) wachten op verzending`));
    assert.equal(tableRows(contentOf(res.text)).length, Math.min(200, countOf('outbox')));
  });
});

// ---- The round opens: a lost letter replaced, a file deleted ----

describe('when the new round opens', () => {
  let lost; // the household whose letter got lost: {postcode, huisnummer, code}
  let replacement;

  test('a lost letter is replaced: the old voucher void, a new file with one letter',
    async () => {
      assert.ok(round.rows.length, 'the round was issued');
      lost = round.rows.find((r) => /^\d+$/.test(r.huisnummer));
      const files = countOf('issued_files');
      const vouchers = countOf('vouchers', `round_id = ${round.id}`);
      assertPage(await admin.post(`/beheer/rondes/${round.id}/vervangen`,
        { postcode: 'ABCD', huisnummer: '1', toevoeging: '' }), 'a bad postcode', 400);
      assertPage(await admin.post(`/beheer/rondes/${round.id}/vervangen`,
        { postcode: '9999 ZZ', huisnummer: '1', toevoeging: '' }), 'an unknown address', 409);
      assert.equal(countOf('issued_files'), files, 'nothing stored for the refusals');

      const res = await admin.post(`/beheer/rondes/${round.id}/vervangen`,
        { postcode: lost.postcode.replace(' ', '').toLowerCase(), huisnummer: lost.huisnummer,
          toevoeging: '' });
      assertRedirect(res, 'POST vervangen', '/beheer/rondes?gedaan=vervangen');
      const told = await admin.get('/beheer/rondes?gedaan=vervangen');
      assert.match(told.text, /role="status"><p>Er is een nieuwe brief gemaakt voor dit adres\. De code in de oude brief werkt niet meer\./,
        'the notice says what happened');
      assert.equal(countOf('vouchers', `round_id = ${round.id}`), vouchers + 1, 'one new voucher');
      assert.equal(countOf('vouchers', `round_id = ${round.id} AND voided_at IS NOT NULL`), 1,
        'the old one void');
      assert.equal(countOf('vouchers', `round_id = ${round.id} AND replaces_id IS NOT NULL`), 1);
      assert.equal(countOf('issued_files'), files + 1, 'the code for the printer');
      const csvId = num(`SELECT max(id) FROM issued_files WHERE kind = 'codes'`);
      assert.match(one(`SELECT title FROM issued_files WHERE id = ${csvId}`),
        /vervanging, 1 brief$/);
      const dl = await download(admin, `/beheer/uitgifte/${csvId}?formaat=csv`);
      const rows = parseCsv(dl.text).rows.slice(1);
      assert.equal(rows.length, 1, 'one row');
      assert.deepEqual(rows[0].slice(0, 2), [lost.postcode, lost.huisnummer], 'for that address');
      replacement = rows[0][5];
      assert.match(replacement, CODE_RE);
      assert.notEqual(replacement, lost.code, 'a new code');
      const letters = await download(admin,
        `/beheer/uitgifte/${csvId}?formaat=html`);
      assert.equal(letters.text.split('<section class="letter">').length - 1, 1, 'one letter');
      assert.ok(letters.text.includes(replacement));
    });

  test('once the round is open the old code is refused as replaced; the new one works',
    async () => {
      assert.ok(replacement, 'the letter was replaced');
      // The round before closes in a second (after every donation made in it so far), this one
      // opens then.
      sql(db, `UPDATE rounds SET closes_at = datetime('now', '+1 second')
          WHERE opens_at <= datetime('now') AND closes_at > datetime('now');
        UPDATE rounds SET opens_at = (SELECT max(closes_at) FROM rounds WHERE id <> ${round.id})
          WHERE id = ${round.id};`);
      for (let i = 0; i < 40 && currentRound(db) !== round.id; i++) await sleep(100);
      assert.equal(currentRound(db), round.id, 'the new round is open');
      const s = await session(server.base, { localAddress: '127.0.0.51' });
      const old = await s.post('/doneren', { code: lost.code });
      assert.equal(old.status, 410, `the old code: ${textOf(old.text).slice(0, 300)}`);
      assert.match(textOf(mainOf(old.text)), /vervangen/, 'the message says it was replaced');
      assert.equal(radioIds(old.text).length, 0, 'no choice of initiatives');

      const fresh = await s.post('/doneren', { code: replacement });
      assert.equal(fresh.status, 200, 'the new code is accepted');
      const choices = radioIds(fresh.text);
      assert.ok(choices.length > 0, 'initiatives to choose from');
      const other = round.rows.find((r) => r.code !== lost.code);
      const ok = await s.post('/doneren', { code: other.code });
      assert.equal(ok.status, 200, 'a code from the printer\'s CSV is a real voucher');

      const ledger = countOf('ledger');
      const done = await s.post('/doneren/bevestigen',
        { code: replacement, initiatief: choices[0] });
      assert.equal(done.status, 303, `the donation: ${textOf(done.text).slice(0, 300)}`);
      assert.equal(countOf('ledger'), ledger + 1);
      assert.equal(num(`SELECT amount_cents FROM ledger ORDER BY id DESC LIMIT 1`), 500,
        'worth the round\'s value');

      const rows = JSON.parse((await webExport('ledger', 'json', round.id)).text);
      assert.equal(rows.filter((r) => r.kind === 'donation').length, 1, 'the round\'s donation');
      const csv = await cliExport('ledger', 'csv', round.id);
      for (const text of [JSON.stringify(rows), csv]) {
        assert.ok(!text.includes(replacement) && !text.includes(bare(replacement)),
          'the ledger does not hold the code');
        assert.doesNotMatch(text, POSTCODE, 'nor the address');
      }
      const v = await cliRun(['verify']);
      assert.equal(v.code, 0, `verify: ${v.stdout}${v.stderr}`);

      const files = countOf('issued_files');
      const used = await admin.post(`/beheer/rondes/${round.id}/vervangen`,
        { postcode: lost.postcode, huisnummer: lost.huisnummer, toevoeging: '' });
      assertPage(used, 'replacing a voucher that was used', 409);
      assert.match(messageOf(used.text), /al gebruikt/);
      assert.equal(countOf('issued_files'), files, 'no new letter');
    });

  test('a file is deleted', async () => {
    const id = num('SELECT min(id) FROM issued_files');
    const res = await admin.post(`/beheer/uitgifte/${id}/verwijderen`);
    assertRedirect(res, 'POST verwijderen', '/beheer/rondes?gedaan=verwijderd');
    assert.equal(countOf('issued_files', `id = ${id}`), 0, 'gone from the database');
    assertPage(await admin.get(`/beheer/uitgifte/${id}`), 'the deleted file', 404);
    const page = await admin.get('/beheer/rondes');
    assert.ok(!page.text.includes(`href="/beheer/uitgifte/${id}"`), 'no longer listed');
    assert.equal(countOf('audit_log', `action = 'file-delete' AND subject = 'file:${id}'`), 1);
    assert.equal(countOf('vouchers', `round_id = ${round.id} AND voided_at IS NULL`),
      round.households, 'the vouchers stay');
  });
});
