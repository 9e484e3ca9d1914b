// The voucher letters for the mail house and issuing that cannot go wrong: the print-ready PDF
// (cairo) from `vouchers issue --letters`, `vouchers letters` and the admin download, rendered
// again from the stored codes (one A4 page per letter by pdfinfo, each code and address line by
// pdftotext, a buurt's letter naming its wijk, a replaced letter left out); the refusals for a
// closed round and a default or private base URL, the --force for a far round, the
// confirmation step with its counts, and nothing written when there is nothing to issue.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { download } from '../lib/admin.mjs';
import { decode } from '../lib/pages.mjs';
import { makeDemoDb, removeDb, runBin, sql, startServe, tempDir } from '../lib/server.mjs';
import { login, makeDemoDbWithStaff } from '../lib/staff.mjs';
import { cli, currentRound, replaceVoucher, usePublicBase } from '../lib/vouchers.mjs';

let db;
let dir;
let round;

before(async () => {
  db = await makeDemoDb();
  usePublicBase(db);
  dir = await tempDir('buurtsamen-pdf-');
  round = currentRound(db);
});

after(async () => {
  if (dir) await fs.rm(dir, { recursive: true, force: true });
  if (db) await removeDb(db);
});

function pdfPages(file) {
  const m = /^Pages:\s+(\d+)$/m.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }));
  assert.ok(m, 'pdfinfo reads the PDF');
  return Number(m[1]);
}

const pdfText = (file, page) => execFileSync('pdftotext',
  [...(page ? ['-f', String(page), '-l', String(page)] : []), '-layout', file, '-'],
  { encoding: 'utf8' });

const HOUSEHOLDS = [
  ['7798 AB', '1', '', 'Drukkerstraat', 'Almelo', 'binnenstad'],
  ['7798 AB', '2', 'b', 'Drukkerstraat', 'Almelo', 'riet-noord'],
  ['7798 AC', '14', '', 'Vensterweg', 'Bornerbroek', 'bornerbroek'],
];

describe('the PDF letters', () => {
  let issued; // rows of the printer's file
  let pdf;

  before(async () => {
    const csv = path.join(dir, 'households.csv');
    await fs.writeFile(csv, ['postcode;huisnummer;toevoeging;straat;woonplaats;wijk',
      ...HOUSEHOLDS.map((h) => h.join(';'))].join('\n') + '\n');
    await cli(db, ['households', 'import', csv]);
    pdf = path.join(dir, 'issued.pdf');
    const out = path.join(dir, 'issued.csv');
    await cli(db, ['vouchers', 'issue', '--round', String(round), '--out', out, '--letters', pdf]);
    issued = (await fs.readFile(out, 'utf8')).replace(/^\uFEFF/, '').trim().split(/\r?\n/)
      .slice(1).map((l) => l.split(';'));
    assert.equal(issued.length, 3, 'three households got a voucher');
  });

  test('vouchers issue --letters FILE.pdf: one page per letter, with each code and address', () => {
    assert.equal(pdfPages(pdf), 3);
    for (let p = 1; p <= 3; p++) {
      const text = pdfText(pdf, p);
      const [postcode, huisnummer, straat, woonplaats, , code] = issued[p - 1];
      assert.ok(text.includes(code), `page ${p} carries the code of its household`);
      assert.ok(text.includes(`${straat} ${huisnummer}`), `page ${p}: the street line`);
      assert.match(text, new RegExp(`${postcode}\\s+${woonplaats}`), `page ${p}: the town line`);
    }
  });

  test('a buurt\'s letter names its wijk, a dorp\'s letter its dorp', () => {
    const all = pdfText(pdf).replace(/\s+/g, ' ');
    assert.match(all, /initiatief in De Riet \(daar hoort uw buurt Riet-Noord bij\)/);
    assert.match(all, /initiatief in Bornerbroek, of aan/);
  });

  test('vouchers letters renders them again from the stored codes; a replaced one is left out',
    async () => {
      const again = path.join(dir, 'again.pdf');
      const r = await runBin(['--db', db, 'vouchers', 'letters', '--round', String(round),
        '--out', again]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(pdfPages(again), 3);
      const old = issued[0][5];
      assert.ok(pdfText(again).includes(old));
      const fresh = await replaceVoucher(db, round, '7798 AB', 1);
      const third = path.join(dir, 'third.pdf');
      await cli(db, ['vouchers', 'letters', '--round', String(round), '--out', third]);
      assert.equal(pdfPages(third), 3, 'the void letter out, its replacement in');
      const text = pdfText(third);
      assert.ok(!text.includes(old), 'the voided code is not printed again');
      assert.ok(text.includes(fresh), 'the new code is');
      // What is stored is the codes, not rendered letters: a few dozen bytes a letter.
      const stored = sql(db, "SELECT kind, length(data) FROM issued_files WHERE kind = 'codes'")
        .trim().split('\n').map((l) => Number(l.split('|')[1]));
      assert.ok(stored.length >= 2 && stored.every((n) => n < 100 * 3), `stored: ${stored}`);
    });

  test('vouchers letters for a round without stored letters fails with a reason', async () => {
    const r = await runBin(['--db', db, 'vouchers', 'letters', '--round', '999', '--out',
      path.join(dir, 'none.pdf')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no stored letters/);
  });
});

describe('issuing that cannot go wrong (CLI)', () => {
  const issue = (round, ...extra) => runBin(['--db', db, 'vouchers', 'issue', '--round',
    String(round), '--out', path.join(dir, `r${round}.csv`), ...extra]);
  const setBase = (url) => sql(db, `UPDATE settings SET value = '${url}' WHERE key = 'basis_url'`);
  const addHousehold = async (n) => {
    const csv = path.join(dir, `more${n}.csv`);
    await fs.writeFile(csv, `postcode;huisnummer;toevoeging;straat;woonplaats;wijk\n7797 AA;${n};;` +
      'Nieuwstraat;Almelo;binnenstad\n');
    await cli(db, ['households', 'import', csv]);
  };

  test('refused while the base URL is an example or a loopback/private address', async () => {
    await addHousehold(1);
    const vouchers = sql(db, 'SELECT count(*) FROM vouchers').trim();
    for (const [url, why] of [
      ['https://buurtsamen.almelo.example', /still the example/],
      ['http://127.0.0.1:8080', /loopback or private/], ['http://localhost', /loopback or private/],
      ['http://10.1.2.3', /loopback or private/], ['http://192.168.1.10:8080', /loopback/],
      ['http://172.20.0.5', /loopback/], ['http://[::1]:8080', /loopback/],
      ['ftp://buurtsamen.almelo.nl', /no http\(s\) address/]]) {
      setBase(url);
      const r = await issue(round);
      assert.equal(r.code, 1, `${url}: refused`);
      assert.match(r.stderr, why, url);
      assert.ok(r.stderr.includes(url), `${url}: the message names it`);
    }
    // 172.32.x is public again: the rule is exactly the private ranges.
    assert.equal(sql(db, 'SELECT count(*) FROM vouchers').trim(), vouchers, 'nothing issued');
    usePublicBase(db);
    const r = await issue(round);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /issued 1 voucher;/, 'a real singular');
  });

  test('nothing to issue writes no file', async () => {
    const out = path.join(dir, `r${round}.csv`);
    await fs.rm(out, { force: true });
    const r = await issue(round);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /nothing to issue/);
    await assert.rejects(fs.stat(out), 'no empty file');
  });

  test('a closed round is refused; a round months ahead needs --force', async () => {
    const closed = Number(sql(db, "SELECT id FROM rounds WHERE closes_at <= datetime('now') " +
      'ORDER BY id LIMIT 1').trim());
    assert.ok(closed, 'the demo has a closed round');
    const r = await issue(closed);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /this round has closed/);
    const last = sql(db, 'SELECT max(closes_at) FROM rounds').trim().slice(0, 10);
    const day = (n) => new Date(Date.parse(`${last}T00:00:00Z`) + n * 86_400_000)
      .toISOString().slice(0, 10);
    await cli(db, ['round', 'add', 'Verre ronde', '--opens', day(120), '--closes', day(200)]);
    const far = Number(sql(db, "SELECT id FROM rounds WHERE name = 'Verre ronde'").trim());
    const warned = await issue(far);
    assert.equal(warned.code, 1);
    assert.match(warned.stderr, /opens in \d+ weeks.*--force/s);
    assert.equal(sql(db, `SELECT count(*) FROM vouchers WHERE round_id = ${far}`).trim(), '0');
    const forced = await issue(far, '--force');
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stdout, /issued \d+ vouchers;/);
  });
});

describe('issuing and the PDF in the admin screens', () => {
  let wdb;
  let server;
  let admin;

  before(async () => {
    const demo = await makeDemoDbWithStaff();
    wdb = demo.db;
    usePublicBase(wdb);
    const csv = path.join(dir, 'web-households.csv');
    await fs.writeFile(csv, ['postcode;huisnummer;toevoeging;straat;woonplaats;wijk',
      ...HOUSEHOLDS.map((h) => h.join(';'))].join('\n') + '\n');
    await cli(wdb, ['households', 'import', csv]);
    server = await startServe({ db: wdb });
    admin = await login(server.base, demo.beheerder.username, demo.beheerder.password);
  });

  after(async () => {
    await server?.stop();
    if (wdb) await removeDb(wdb);
  });

  test('confirm, issue, then the PDF: one A4 per letter with each code and address', async () => {
    const r = currentRound(wdb);
    const name = sql(wdb, `SELECT name FROM rounds WHERE id = ${r}`).trim();
    const confirm = await admin.post(`/beheer/rondes/${r}/uitgeven`);
    assert.equal(confirm.status, 200);
    assert.ok(decode(confirm.text).includes(`3 brieven voor ${name}, 3 wijken en dorpen`),
      'the counts: Binnenstad, De Riet (for Riet-Noord) and Bornerbroek');
    assert.ok(!/begint pas over/.test(confirm.text), 'an open round: no warning');
    assert.equal(sql(wdb, 'SELECT count(*) FROM issued_files').trim(), '0', 'nothing yet');
    const done = await admin.post(`/beheer/rondes/${r}/uitgeven`, { bevestigd: '1' });
    assert.equal(done.status, 200);
    assert.ok(decode(done.text).includes(`3 vouchers uitgegeven voor ${name}.`));
    const id = /\/beheer\/uitgifte\/(\d+)\?formaat=pdf/.exec(done.text)?.[1];
    assert.ok(id, 'the result links the PDF');
    const res = await download(admin, `/beheer/uitgifte/${id}?formaat=pdf`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/pdf');
    assert.match(res.headers.get('content-disposition') ?? '', /filename="[^"]+\.pdf"/);
    const pdf = path.join(dir, 'web.pdf');
    await fs.writeFile(pdf, res.body);
    assert.equal(pdfPages(pdf), 3);
    const csv = await download(admin, `/beheer/uitgifte/${id}?formaat=csv`);
    const rows = csv.text.replace(/^\uFEFF/, '').trim().split(/\r?\n/).slice(1)
      .map((l) => l.split(';'));
    assert.equal(rows.length, 3);
    const text = pdfText(pdf);
    for (const [postcode, huisnummer, straat, woonplaats, , code] of rows) {
      assert.ok(text.includes(code), `the PDF has ${code}`);
      assert.ok(text.includes(`${straat} ${huisnummer}`));
      assert.match(text, new RegExp(`${postcode}\\s+${woonplaats}`));
    }
    assertRefusal(await download(admin, `/beheer/uitgifte/${id}?formaat=docx`), 400);
  });

  test('nothing left to issue: said so, no file made', async () => {
    const r = currentRound(wdb);
    const files = sql(wdb, 'SELECT count(*) FROM issued_files').trim();
    for (const form of [{}, { bevestigd: '1' }]) {
      const res = await admin.post(`/beheer/rondes/${r}/uitgeven`, form);
      assert.equal(res.status, 200);
      assert.match(decode(res.text), /Alle huishoudens hebben al een voucher/);
      assert.ok(!res.text.includes('name="bevestigd"'), 'no button to issue nothing');
    }
    assert.equal(sql(wdb, 'SELECT count(*) FROM issued_files').trim(), files);
  });

  test('a closed round is refused, for issuing and for a replacement', async () => {
    const closed = Number(sql(wdb, "SELECT id FROM rounds WHERE closes_at <= datetime('now') " +
      'ORDER BY id LIMIT 1').trim());
    const vouchers = sql(wdb, 'SELECT count(*) FROM vouchers').trim();
    for (const form of [{}, { bevestigd: '1' }]) {
      const res = await admin.post(`/beheer/rondes/${closed}/uitgeven`, form);
      assertRefusal(res, 409);
      assert.match(decode(res.text), /Deze ronde is afgelopen/);
    }
    const rep = await admin.post(`/beheer/rondes/${closed}/vervangen`,
      { postcode: '7798 AB', huisnummer: '1', toevoeging: '' });
    assertRefusal(rep, 409);
    assert.equal(sql(wdb, 'SELECT count(*) FROM vouchers').trim(), vouchers, 'nothing issued');
  });

  test('the example base URL is refused in the browser too, naming it', async () => {
    const r = currentRound(wdb);
    sql(wdb, "UPDATE settings SET value = 'https://buurtsamen.almelo.example' " +
      "WHERE key = 'basis_url'");
    try {
      const res = await admin.post(`/beheer/rondes/${r}/uitgeven`);
      assertRefusal(res, 409);
      assert.match(decode(res.text), /voorbeeldadres https:\/\/buurtsamen\.almelo\.example/);
      const rep = await admin.post(`/beheer/rondes/${r}/vervangen`,
        { postcode: '7798 AB', huisnummer: '1', toevoeging: '' });
      assertRefusal(rep, 409);
    } finally {
      usePublicBase(wdb);
    }
  });
});

function assertRefusal(res, status) {
  assert.equal(res.status, status, res.text.slice(0, 300));
}
