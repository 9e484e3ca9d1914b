// Donating a voucher in a real browser on a phone: from the home page through code, choice
// and confirmation to the receipt, with axe-core (WCAG 2.1 A/AA) on every page of the way,
// on the code form in its error states and on the several-codes pages; and the same with
// JavaScript off, by keyboard only.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  assertAccessible, axeContext, h1, launchBrowser, PHONE, SCREENSHOTS, submitWith,
} from '../lib/browser.mjs';
import { removeDb, sql, startServe } from '../lib/server.mjs';
import { issueCodes, makeDemoDbWithCodes, randomCode, typo } from '../lib/vouchers.mjs';

const CITY_WIDE = 16; // open, city-wide, with room for many vouchers in the demo data
const CITY_WIDE_TITLE = 'Feestkist om te lenen: alles voor een buurtfeest';

let server;
let db;
let browser;
let demo; // the codes init --demo printed
let codes; // fresh Binnenstad codes

before(async () => {
  demo = await makeDemoDbWithCodes();
  db = demo.db;
  codes = await issueCodes(db, 8);
  server = await startServe({ db, threads: 2 });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (db) await removeDb(db);
});

/** Presses Tab until `matches(activeElement)` holds; asserts it does within `max` presses. */
async function tabTo(page, what, matches, max = 40) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(matches)) return;
  }
  assert.fail(`${what} is not reachable with Tab on ${page.url()}`);
}

describe('donating on a phone, with axe-core on every page', () => {
  let context;
  let page;
  before(async () => {
    ({ context, page } = await axeContext(browser, PHONE));
  });
  after(async () => {
    await context?.close();
  });

  test('home → code → choice → confirmation → receipt', async () => {
    const code = demo.codes.find((c) => c.area === 'Binnenstad').code;
    const raised = () => Number(sql(db,
      `SELECT raised_cents FROM initiatives WHERE id = ${CITY_WIDE}`));
    const raisedBefore = raised();

    const home = await page.goto(`${server.base}/`);
    assert.equal(home.status(), 200);
    await assertAccessible(page, 'home');
    await Promise.all([page.waitForURL(`${server.base}/doneren`),
      page.locator('main').getByRole('link', { name: 'Voucher doneren' }).click()]);
    assert.equal(await h1(page), 'Voucher doneren');
    await assertAccessible(page, 'the code form');

    await page.getByLabel('Vouchercode').pressSequentially(code, { delay: 5 });
    let res = await submitWith(page, () => page.getByRole('button', { name: 'Verder' }).click());
    assert.equal(res.status(), 200);
    assert.equal(await h1(page), 'Kies een initiatief');
    await assertAccessible(page, 'the choice of initiatives');

    await page.getByRole('radio', { name: new RegExp(CITY_WIDE_TITLE.slice(0, 20)) }).check();
    res = await submitWith(page, () => page.getByRole('button', { name: 'Verder' }).click());
    assert.equal(res.status(), 200);
    assert.equal(await h1(page), 'Bevestig uw donatie');
    assert.match(await page.locator('main').innerText(), new RegExp(CITY_WIDE_TITLE));
    await assertAccessible(page, 'the confirmation');

    res = await submitWith(page,
      () => page.getByRole('button', { name: 'Ja, doneer mijn voucher' }).click());
    assert.equal(res.status(), 303, 'the confirmation redirects to the receipt');
    await page.waitForURL(/\/doneren\/ontvangst\/\d+-[0-9a-f]+$/);
    assert.equal(await h1(page), 'Bedankt!');
    const text = await page.locator('main').innerText();
    assert.match(text, /€\s7,50 gaat naar/);
    assert.ok(text.includes(CITY_WIDE_TITLE), 'names the initiative');
    await assertAccessible(page, 'the receipt');
    assert.equal(raised(), raisedBefore + 750, 'the donation is in the database');

    await fs.mkdir(SCREENSHOTS, { recursive: true });
    const out = path.join(SCREENSHOTS, 'ontvangst-telefoon.png');
    await page.screenshot({ path: out, fullPage: true });
    const stat = await fs.stat(out);
    assert.ok(stat.size > 10_000, `the screenshot has content (${stat.size} bytes)`);
  });

  for (const [what, wrong, status, words] of [
    ['a typo', () => typo(codes[0]), 400, /klopt niet/],
    ['an unknown code', () => randomCode(), 404, /kennen we niet/],
    ['a used code', () => demo.used, 409, /al gebruikt/],
  ]) {
    test(`the code form after ${what}`, async () => {
      await page.goto(`${server.base}/doneren`);
      const input = page.getByLabel('Vouchercode');
      await input.fill(wrong());
      const res = await submitWith(page, () => page.getByRole('button', { name: 'Verder' }).click());
      assert.equal(res.status(), status);
      assert.equal(await h1(page), 'Voucher doneren');
      assert.match(await page.locator('#code-error').innerText(), words);
      assert.equal(await input.getAttribute('aria-invalid'), 'true');
      const described = await input.evaluate((el) => el.getAttribute('aria-describedby'));
      assert.ok(described.split(' ').includes('code-error'), 'the message belongs to the field');
      await assertAccessible(page, `the code form after ${what}`);
    });
  }

  test('several codes: the form and its results', async () => {
    const res0 = await page.goto(`${server.base}/doneren/meerdere?initiatief=${CITY_WIDE}`);
    assert.equal(res0.status(), 200);
    await assertAccessible(page, 'the several-codes form');
    assert.equal(await page.getByLabel('Initiatief').inputValue(), String(CITY_WIDE));
    await page.getByLabel('Vouchercodes').fill([codes[1], codes[2], 'XYZ', typo(codes[3])]
      .join('\n'));
    const res = await submitWith(page,
      () => page.getByRole('button', { name: 'Codes doneren' }).click());
    assert.equal(res.status(), 200);
    assert.equal(await h1(page), 'Resultaat');
    assert.equal(await page.locator('table.results tbody tr').count(), 4);
    assert.equal(await page.locator('tr.result-ok').count(), 2);
    await assertAccessible(page, 'the several-codes results');
  });
});

describe('without JavaScript, by keyboard only', () => {
  /** From the code form to the confirmation by keyboard: Tab, type, Enter, Space, arrows. */
  async function toConfirmation(page, code) {
    await page.goto(`${server.base}/doneren`);
    await tabTo(page, 'the code field', () => document.activeElement?.id === 'code');
    await page.keyboard.type(code.toLowerCase());
    let res = await submitWith(page, () => page.keyboard.press('Enter'));
    assert.equal(res.status(), 200, 'Enter in the field submits the code');
    assert.equal(await h1(page), 'Kies een initiatief');

    // Into the group of radio buttons; Space chooses, the arrow keys move the choice.
    await tabTo(page, 'the choice of initiatives',
      () => document.activeElement?.getAttribute('type') === 'radio');
    await page.keyboard.press('Space');
    for (let i = 0; i < 10; i++) {
      if (await page.evaluate((id) => document.activeElement?.value === String(id), CITY_WIDE)) {
        break;
      }
      await page.keyboard.press('ArrowDown');
    }
    const checked = await page.locator('input[name=initiatief]:checked').getAttribute('value');
    assert.equal(checked, String(CITY_WIDE), 'the initiative is chosen by keyboard');
    await tabTo(page, 'the Verder button',
      () => document.activeElement?.tagName === 'BUTTON' &&
        document.activeElement.textContent.trim() === 'Verder');
    res = await submitWith(page, () => page.keyboard.press('Enter'));
    assert.equal(res.status(), 200);
    assert.equal(await h1(page), 'Bevestig uw donatie');
    await tabTo(page, 'the confirm button',
      () => document.activeElement?.textContent.trim() === 'Ja, doneer mijn voucher');
  }

  test('Tab, type, Enter, Space: a code is donated and the receipt shown', async () => {
    const context = await browser.newContext({ viewport: PHONE, javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      const code = codes[4];
      await toConfirmation(page, code);
      const focus = await page.evaluate(() => {
        const s = getComputedStyle(document.activeElement);
        return { style: s.outlineStyle, width: parseFloat(s.outlineWidth), shadow: s.boxShadow };
      });
      assert.ok((focus.style !== 'none' && focus.width > 0) || focus.shadow !== 'none',
        `the focused button shows its focus: ${JSON.stringify(focus)}`);

      // The same confirmation open in a second tab (a resident who opened the letter's link
      // twice): Space on its focused button, after Enter in the first, lands on the same
      // receipt, not on an error.
      const second = await context.newPage();
      await toConfirmation(second, code);

      let res = await submitWith(page, () => page.keyboard.press('Enter'));
      assert.equal(res.status(), 303);
      await page.waitForURL(/\/doneren\/ontvangst\//);
      assert.equal(await h1(page), 'Bedankt!');
      assert.match(await page.locator('main').innerText(), new RegExp(CITY_WIDE_TITLE));
      const receipt = page.url();

      res = await submitWith(second, () => second.keyboard.press('Space'));
      assert.equal(res.status(), 303);
      await second.waitForURL(/\/doneren\/ontvangst\//);
      assert.equal(second.url(), receipt, 'a repeat lands on the same receipt');

      // Back from the receipt: the confirmation is not kept in the browser's history (the next
      // person at a shared computer must not find the code there); the browser asks to fetch
      // it again rather than showing it from memory.
      const back = await page.goBack().then((r) => r, (e) => e);
      if (back instanceof Error) assert.match(back.message, /ERR_CACHE_MISS/);
      // The browser may still be on its way to its own error page: read once it has settled.
      let shown;
      for (let tries = 0; shown === undefined; tries++) {
        await page.waitForLoadState();
        shown = await page.content().catch((e) => {
          if (tries < 20 && /navigating/.test(e.message)) return undefined;
          throw e;
        });
        if (shown === undefined) await page.waitForTimeout(50);
      }
      assert.ok(!shown.includes(code) && !shown.toLowerCase().includes(code.toLowerCase()),
        'going back does not show the voucher code from the history');

      // Going forward again fetches the receipt afresh, and it still works by keyboard.
      await page.goto(receipt);
      assert.equal(await h1(page), 'Bedankt!');
      await tabTo(page, 'a link on the receipt', () => document.activeElement?.tagName === 'A');
    } finally {
      await context.close();
    }
  });
});
