// The voucher letters on paper: the printable HTML letters printed by Chromium to PDF give
// exactly one A4 page per letter (counted with pdfinfo from poppler-utils); issuing in the
// browser goes through a confirmation step, and both steps pass axe-core.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  assertAccessible, axeContext, DESKTOP, h1, launchBrowser, submitWith,
} from '../lib/browser.mjs';
import { removeDb, sql, startServe, tempDir } from '../lib/server.mjs';
import { makeDemoDbWithStaff } from '../lib/staff.mjs';
import { cli, currentRound, usePublicBase } from '../lib/vouchers.mjs';

let db;
let demo;
let dir;
let browser;

before(async () => {
  demo = await makeDemoDbWithStaff();
  db = demo.db;
  usePublicBase(db);
  dir = await tempDir('buurtsamen-letters-');
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
  if (db) await removeDb(db);
});

/** The number of pages of a PDF file, as pdfinfo reads it. */
export function pdfPages(file) {
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  const m = /^Pages:\s+(\d+)$/m.exec(info);
  assert.ok(m, `pdfinfo names the pages:\n${info}`);
  return Number(m[1]);
}

/** Imports n new households and issues their letters; resolves with the letters' HTML. */
async function issueLetters(n) {
  const rows = ['postcode;huisnummer;toevoeging;straat;woonplaats;wijk'];
  for (let i = 1; i <= n; i++) rows.push(`7799 ZZ;${i};;Briefstraat;Almelo;binnenstad`);
  const csv = path.join(dir, 'households.csv');
  await fs.writeFile(csv, `${rows.join('\n')}\n`);
  await cli(db, ['households', 'import', csv]);
  const html = path.join(dir, 'letters.html');
  await cli(db, ['vouchers', 'issue', '--round', String(currentRound(db)),
    '--out', path.join(dir, 'issued.csv'), '--letters', html]);
  return fs.readFile(html, 'utf8');
}

test('three letters printed from the browser are three A4 pages', async () => {
  const html = await issueLetters(3);
  assert.equal(html.split('<section class="letter">').length - 1, 3, 'three letters');
  const page = await browser.newPage();
  try {
    await page.setContent(html, { waitUntil: 'load' });
    const pdf = path.join(dir, 'letters.pdf');
    // preferCSSPageSize: the page size and margins of the letters' own @page rule.
    await page.pdf({ path: pdf, preferCSSPageSize: true, printBackground: true });
    assert.equal(pdfPages(pdf), 3, 'one page per letter');
    // Nothing is cut off: every page ends with the letter's last sentence.
    for (let p = 1; p <= 3; p++) {
      const text = execFileSync('pdftotext', ['-f', String(p), '-l', String(p), pdf, '-'],
        { encoding: 'utf8' });
      assert.match(text.replace(/\s+/g, ' '), /de oude code vervalt dan\./, `page ${p} is whole`);
    }
  } finally {
    await page.close();
  }
});

test('issuing in the browser: a confirmation step, a result, letters that print one a page',
  async () => {
    const rows = ['postcode;huisnummer;toevoeging;straat;woonplaats;wijk'];
    for (let i = 1; i <= 2; i++) rows.push(`7799 ZY;${i};;Printweg;Almelo;riet-zuid`);
    const csv = path.join(dir, 'more.csv');
    await fs.writeFile(csv, `${rows.join('\n')}\n`);
    await cli(db, ['households', 'import', csv]);
    const round = currentRound(db);
    const name = sql(db, `SELECT name FROM rounds WHERE id = ${round}`).trim();
    const server = await startServe({ db });
    const { context, page } = await axeContext(browser, DESKTOP);
    try {
      await page.goto(`${server.base}/beheer/inloggen`);
      await page.getByLabel('Gebruikersnaam').fill(demo.beheerder.username);
      await page.getByLabel('Wachtwoord').fill(demo.beheerder.password);
      await submitWith(page, () => page.getByRole('button', { name: 'Inloggen' }).click());
      await page.goto(`${server.base}/beheer/rondes`);
      const step = await submitWith(page, () => page.getByRole('button',
        { name: `Vouchers uitgeven voor ${name}` }).click());
      assert.equal(step.status(), 200);
      assert.equal(await h1(page), 'Vouchers uitgeven');
      assert.match(await page.locator('main').innerText(), new RegExp(`2 brieven voor ${name}, ` +
        '1 wijk of dorp'));
      await assertAccessible(page, 'the confirmation step');
      const done = await submitWith(page,
        () => page.getByRole('button', { name: '2 vouchers uitgeven' }).click());
      assert.equal(done.status(), 200);
      assert.equal(await h1(page), 'Vouchers uitgegeven');
      assert.match(await page.getByRole('status').innerText(),
        new RegExp(`2 vouchers uitgegeven voor ${name}\\.`));
      await assertAccessible(page, 'the result');
      const href = await page.getByRole('link', { name: 'Brieven om zelf te printen' })
        .getAttribute('href');
      const res = await context.request.get(server.base + href);
      assert.equal(res.status(), 200);
      const html = await res.text();
      assert.match(html, /initiatief in De Riet \(daar hoort uw buurt Riet-Zuid bij\)/);
      const letters = await context.newPage();
      await letters.setContent(html, { waitUntil: 'load' });
      const pdf = path.join(dir, 'browser.pdf');
      await letters.pdf({ path: pdf, preferCSSPageSize: true, printBackground: true });
      await letters.close();
      assert.equal(pdfPages(pdf), 2, 'one page per letter');
    } finally {
      await context.close();
      await server.stop();
    }
  });
