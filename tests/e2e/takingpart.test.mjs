// The help form (/initiatieven/ID/helpen) and the question form (/initiatieven/ID/vraag) in a
// real browser at phone width with JavaScript off: filled and sent, the error state with the
// message at its field and what was typed kept, then the thank-you notice; axe-core
// (WCAG 2.1 A/AA) clean on every state. axe needs script in the page, so it runs in a second
// context with JavaScript on that is brought to the same states.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertAccessible, axeContext, launchBrowser, PHONE, submitWith } from '../lib/browser.mjs';
import { makeDemoDb, removeDb, sql, startServe } from '../lib/server.mjs';

const TIMEOUT = 60_000;
let server;
let db;
let browser;
let open; // an open initiative that asks for help and takes questions

before(async () => {
  db = await makeDemoDb();
  open = Number(sql(db, "SELECT min(id) FROM initiatives WHERE state = 'open'").trim());
  sql(db, `UPDATE initiatives SET help_wanted = 1, help_text = 'Tenten opzetten',
    questions_open = 1, initiator_email = 'initiatiefnemer@example.org' WHERE id = ${open}`);
  server = await startServe({ db, threads: 2 });
  browser = await launchBrowser();
}, { timeout: TIMEOUT });

after(async () => {
  await browser?.close();
  await server?.stop();
  if (db) await removeDb(db);
}, { timeout: TIMEOUT });

const FORMS = [
  {
    what: 'the help form',
    path: () => `/initiatieven/${open}/helpen`,
    heading: 'Ik help mee',
    button: 'Ik help mee',
    fill: { 'Uw voornaam': 'Anna', 'Uw e-mailadres': 'anna-at-example.org',
      'Waarmee wilt u helpen? (niet verplicht)': 'Ik heb een aanhanger' },
    wrong: 'Uw e-mailadres',
    right: 'anna.helpt@example.org',
    kept: ['Waarmee wilt u helpen? (niet verplicht)', 'Ik heb een aanhanger'],
    message: /geldig e-mailadres/,
    thanks: /De initiatiefnemer heeft uw aanmelding per e-mail gekregen/,
    table: 'volunteers',
  },
  {
    what: 'the question form',
    path: () => `/initiatieven/${open}/vraag`,
    heading: 'Vraag aan de initiatiefnemer',
    button: 'Vraag versturen',
    fill: { 'Uw naam': 'Bert', 'Uw e-mailadres': 'bert@example.org', 'Uw vraag': 'Hoe?' },
    wrong: 'Uw vraag',
    right: 'Hoe laat begint het op zaterdag?',
    kept: ['Uw naam', 'Bert'],
    message: /5 tot 2000 tekens/,
    thanks: /Uw vraag is naar de initiatiefnemer gestuurd/,
    table: 'questions',
  },
];

for (const form of FORMS) {
  describe(`${form.what} on a phone, without JavaScript`, () => {
    let context;
    let page;
    let axe; // {context, page} with JavaScript on, for axe-core only
    before(async () => {
      ({ context, page } = await axeContext(browser, PHONE, { javaScriptEnabled: false }));
      axe = await axeContext(browser, PHONE);
      for (const p of [page, axe.page]) {
        p.setDefaultTimeout(15_000);
        p.setDefaultNavigationTimeout(15_000);
      }
    }, { timeout: TIMEOUT });
    after(async () => {
      await context?.close();
      await axe?.context.close();
    }, { timeout: TIMEOUT });

    /** Fills the form on p with the form's values. */
    const fill = async (p) => {
      for (const [label, value] of Object.entries(form.fill)) {
        await p.getByLabel(label, { exact: true }).fill(value);
      }
    };

    test('axe-core finds no violation: the empty form, the field message, the thanks',
      async () => {
        await axe.page.goto(`${server.base}${form.path()}`);
        await assertAccessible(axe.page, `${form.what}, empty`);
        await fill(axe.page);
        const refused = await submitWith(axe.page,
          () => axe.page.getByRole('button', { name: form.button }).click());
        assert.equal(refused.status(), 400);
        await assertAccessible(axe.page, `${form.what}, with a field message`);
        const done = form.table === 'volunteers' ? 'hulp' : 'vraag';
        await axe.page.goto(`${server.base}/initiatieven/${open}?gedaan=${done}`);
        assert.match(await axe.page.getByRole('status').first().innerText(), form.thanks);
        await assertAccessible(axe.page, `${form.what}, thanked`);
      }, { timeout: TIMEOUT });

    test('fill, send with a mistake, see it at the field, put it right, be thanked', async () => {
      const count = () => Number(sql(db, `SELECT count(*) FROM ${form.table}`).trim());
      const res = await page.goto(`${server.base}${form.path()}`);
      assert.equal(res.status(), 200);
      assert.equal(await page.locator('h1').innerText(), form.heading);
      await fill(page);
      const before = count();
      const refused = await submitWith(page,
        () => page.getByRole('button', { name: form.button }).click());
      assert.equal(refused.status(), 400, 'the form again');
      const wrong = page.getByLabel(form.wrong, { exact: true });
      assert.equal(await wrong.getAttribute('aria-invalid'), 'true');
      const described = (await wrong.getAttribute('aria-describedby')).split(' ');
      const messages = await Promise.all(described.map((id) =>
        page.locator(`[id="${id}"]`).innerText()));
      assert.match(messages.join(' '), form.message, 'the message is tied to the field');
      assert.ok(await page.getByRole('alert').isVisible(), 'a summary at the top');
      const [keptLabel, keptValue] = form.kept;
      assert.equal(await page.getByLabel(keptLabel, { exact: true }).inputValue(), keptValue,
        'what was typed is kept');
      const box = await wrong.boundingBox();
      assert.ok(box.x >= 0 && box.x + box.width <= PHONE.width, 'the field fits the phone');
      assert.equal(count(), before, 'nothing stored');

      await wrong.fill(form.right);
      const sent = await submitWith(page,
        () => page.getByRole('button', { name: form.button }).click());
      assert.equal(sent.status(), 303, 'post/redirect/get');
      assert.match(new URL(page.url()).search, /gedaan=/);
      assert.match(await page.getByRole('status').first().innerText(), form.thanks);
      assert.equal(count(), before + 1, 'stored once');
    }, { timeout: TIMEOUT });
  });
}
