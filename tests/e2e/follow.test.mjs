// Following by e-mail in a real browser at phone width: from the initiative page to the form,
// an error shown next to its field, the request, the confirmation button and the unsubscribe
// button, each page without a WCAG 2.1 A/AA violation (axe-core) and within the width.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertAccessible, axeContext, h1, launchBrowser, PHONE } from '../lib/browser.mjs';
import { makeDemoDb, removeDb, sql, startServe } from '../lib/server.mjs';

let server;
let db;
let browser;
let context;
let page;
let open;

before(async () => {
  db = await makeDemoDb();
  server = await startServe({ db, threads: 2 });
  browser = await launchBrowser();
  open = Number(sql(db, "SELECT min(id) FROM initiatives WHERE state = 'open'").trim());
  ({ context, page } = await axeContext(browser, PHONE));
});

after(async () => {
  await context?.close();
  await browser?.close();
  await server?.stop();
  if (db) await removeDb(db);
});

async function fitsTheWidth(what) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= PHONE.width, `${what}: no sideways scrolling (${width}px)`);
}

test('follow an initiative at phone width: form, error, request, confirm, unsubscribe', async () => {
  await page.goto(`${server.base}/initiatieven/${open}`);
  await page.getByRole('link', { name: 'Volg dit initiatief per e-mail' }).click();
  assert.match(await h1(page), /^Volg .+ per e-mail$/);
  await fitsTheWidth('the form');
  await assertAccessible(page, 'the follow form');

  await page.getByLabel('Uw e-mailadres').fill('geen-adres');
  await page.getByRole('button', { name: 'Volgen' }).click();
  assert.ok(await page.locator('.error-summary').isVisible());
  assert.equal(await page.getByLabel('Uw e-mailadres').getAttribute('aria-invalid'), 'true');
  await assertAccessible(page, 'the form with an error');

  await page.getByLabel('Uw e-mailadres').fill('telefoon@example.org');
  await page.getByLabel('Eén keer per week, een overzicht').check();
  await page.getByRole('button', { name: 'Volgen' }).click();
  assert.equal(await h1(page), 'Kijk in uw mailbox');
  await assertAccessible(page, 'the request sent');

  const body = sql(db, "SELECT body FROM outbox WHERE to_addr = 'telefoon@example.org'").trim();
  const confirm = /\/volgen\/bevestigen\/[A-Za-z0-9_-]{32}/.exec(body)[0];
  const unsubscribe = /\/afmelden\/[A-Za-z0-9_-]{32}/.exec(body)[0];
  await page.goto(`${server.base}${confirm}`);
  await fitsTheWidth('the confirmation');
  await assertAccessible(page, 'the confirmation');
  await page.getByRole('button', { name: 'Ja, ik wil dit volgen' }).click();
  assert.equal(await h1(page), 'U volgt het nu');

  await page.goto(`${server.base}${unsubscribe}`);
  await assertAccessible(page, 'the unsubscribe page');
  await page.getByRole('button', { name: 'Afmelden' }).click();
  assert.equal(await h1(page), 'U bent afgemeld');
  await assertAccessible(page, 'unsubscribed');
  assert.equal(sql(db, "SELECT count(*) FROM follows WHERE email = 'telefoon@example.org'").trim(), '0');
});
