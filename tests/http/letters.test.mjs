// The voucher letters for the mail house: the print-ready PDF (cairo) from `vouchers issue
// --letters` and from `vouchers letters`, rendered again from the stored codes: one A4 page per
// letter (pdfinfo), each code and each address line in it (pdftotext), a buurt's letter naming
// its wijk, and a replaced letter left out.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { makeDemoDb, removeDb, runBin, sql, tempDir } from '../lib/server.mjs';
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
