// "Ik kan iets lenen" in a real browser at phone width: from the initiative page to the form,
// the empty form and the form with its field errors pass axe-core (WCAG 2.1 A/AA; axe needs
// script in the page, the form itself needs none), fit the width, and an offer goes through by
// keyboard to the thank-you notice.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertAccessible, axeContext, launchBrowser, PHONE, submitWith } from '../lib/browser.mjs';
import { makeDemoDb, removeDb, sql, startServe } from '../lib/server.mjs';

let server;
let db;
let browser;
let context;
let page;
let id;

before(async () => {
  db = await makeDemoDb();
  server = await startServe({ db, threads: 2 });
  browser = await launchBrowser();
  id = Number(sql(db, `SELECT min(id) FROM initiatives WHERE state = 'open'
    AND (deadline IS NULL OR deadline > datetime('now'))`).trim());
  ({ context, page } = await axeContext(browser, PHONE));
});

after(async () => {
  await context?.close();
  await browser?.close();
  await server?.stop();
  if (db) await removeDb(db);
});

async function fitsTheWidth() {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= PHONE.width, `no sideways scrolling (${width}px)`);
}

test('the form at phone width: accessible empty and with errors, sent by keyboard', async () => {
  const res = await page.goto(`${server.base}/initiatieven/${id}`);
  assert.equal(res.status(), 200);
  await Promise.all([page.waitForURL(new RegExp(`/initiatieven/${id}/lenen$`)),
    page.getByRole('link', { name: 'Ik kan iets lenen' }).click()]);
  await assertAccessible(page, 'the empty offer form');
  await fitsTheWidth();

  let posted = await submitWith(page, () => page.getByRole('button', { name: 'Aanbod versturen' })
    .click());
  assert.equal(posted.status(), 400);
  await assertAccessible(page, 'the offer form with errors');
  await fitsTheWidth();
  assert.ok(await page.getByRole('alert').isVisible(), 'the error summary is shown');

  await page.getByRole('group', { name: /Welk onderdeel/ }).getByRole('radio').first().check();
  await page.getByRole('radio', { name: /Ik leen het uit/ }).check();
  await page.getByLabel('Uw voornaam').fill('Fenna');
  await page.getByLabel('Uw e-mailadres').fill('fenna@example.org');
  await page.getByLabel(/Toelichting/).focus();
  posted = await submitWith(page, () => page.keyboard.press('Enter'));
  assert.equal(posted.status(), 303);
  assert.match(await page.getByRole('status').innerText(), /Bedankt! De initiatiefnemer heeft uw aanbod/);
  await assertAccessible(page, 'the initiative page with the thank-you notice');
});
