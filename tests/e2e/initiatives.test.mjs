// Submitting an initiative in a real browser on a phone, with one round of errors, up to the
// management link; the wijkregisseur logs in and approves it; it is public. axe-core
// (WCAG 2.1 A/AA) on every form, error state and staff page of the way.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  assertAccessible, axeContext, DESKTOP, h1, launchBrowser, PHONE, SCREENSHOTS, submitWith,
} from '../lib/browser.mjs';
import { removeDb, sql, startServe } from '../lib/server.mjs';
import { initiativeFields, makeDemoDbWithStaff, makePng } from '../lib/staff.mjs';

const TITLE = 'Picknickbank bij het speelveld aan de Rietstraat';

let server;
let db;
let demo;
let browser;
let phone; // {context, page}
let desk;
let managePath;
let initiativeId;

before(async () => {
  demo = await makeDemoDbWithStaff();
  db = demo.db;
  server = await startServe({ db, threads: 2 });
  browser = await launchBrowser();
  // axeContext: the site's CSP is bypassed there, so that axe can be injected.
  phone = await axeContext(browser, PHONE);
  desk = await axeContext(browser, DESKTOP);
});

after(async () => {
  await phone?.context.close();
  await desk?.context.close();
  await browser?.close();
  await server?.stop();
  if (db) await removeDb(db);
});

/** Fills in the submission form like a resident would (text fields by their id). */
async function fillForm(page, fields) {
  for (const [name, value] of Object.entries(fields)) {
    if (['regels', 'mede_regels', 'akkoord', 'gebied'].includes(name)) continue;
    await page.locator(`#${name}`).fill(value);
  }
  await page.locator('#gebied').selectOption(fields.gebied);
  if (fields.akkoord) await page.locator('#akkoord').check();
}

describe('submitting an initiative on a phone', () => {
  test('the empty form', async () => {
    const { page } = phone;
    const res = await page.goto(`${server.base}/initiatief-indienen`);
    assert.equal(res.status(), 200);
    assert.equal(await h1(page), 'Initiatief indienen');
    assert.equal(await page.getByRole('alert').count(), 0, 'no errors yet');
    await assertAccessible(page, 'the empty submission form');
  });

  test('sent empty: an error summary that is announced, each field marked; axe passes',
    async () => {
      const { page } = phone;
      const res = await submitWith(page,
        () => page.getByRole('button', { name: 'Initiatief indienen' }).click());
      assert.equal(res.status(), 400);
      const alert = page.getByRole('alert');
      assert.equal(await alert.count(), 1, 'one alert');
      assert.ok(await alert.isVisible(), 'the summary is visible');
      assert.match(await alert.innerText(), /Er zijn nog punten om te verbeteren/);
      assert.equal(await page.locator('.error-summary').getAttribute('role'), 'alert');
      const links = await alert.getByRole('link').allInnerTexts();
      assert.ok(links.length >= 8, `the summary lists the problems (${links.length})`);
      assert.ok(links.some((l) => /^Titel:/.test(l)), 'the title is one of them');
      const box = await alert.boundingBox();
      assert.ok(box && box.width <= PHONE.width, 'the summary fits the phone screen');
      assert.equal(await page.locator('#titel').getAttribute('aria-invalid'), 'true');
      const described = await page.locator('#titel').getAttribute('aria-describedby');
      assert.ok(described.split(' ').includes('titel-error'), 'the message belongs to the field');
      assert.match(await page.locator('#titel-error').innerText(), /5 tot 120 tekens/);
      await assertAccessible(page, 'the submission form with errors');

      await fs.mkdir(SCREENSHOTS, { recursive: true });
      const out = path.join(SCREENSHOTS, 'indienen-fouten-telefoon.png');
      await page.screenshot({ path: out, fullPage: true });
      const stat = await fs.stat(out);
      assert.ok(stat.size > 10_000, `the screenshot has content (${stat.size} bytes)`);
    });

  test('filled in properly with a photo: the success page with the management link', async () => {
    const { page } = phone;
    const fields = initiativeFields({ titel: TITLE, email: 'bewoner@example.org' });
    await fillForm(page, fields);
    await page.locator('#foto').setInputFiles({ name: 'speelveld.png', mimeType: 'image/png',
      buffer: makePng(64, 48) });
    const res = await submitWith(page,
      () => page.getByRole('button', { name: 'Initiatief indienen' }).click());
    assert.equal(res.status(), 303, 'post/redirect/get: a refresh sends nothing twice');
    await page.waitForURL(/\/mijn-initiatief\/[A-Za-z0-9_-]{43}\?gedaan=nieuw$/);
    assert.equal(await h1(page), 'Bedankt voor uw initiatief!');
    const link = page.locator('.manage-link a');
    managePath = await link.getAttribute('href');
    assert.match(managePath, /^\/mijn-initiatief\/[A-Za-z0-9_-]{43}$/);
    initiativeId = Number(sql(db, 'SELECT max(id) FROM initiatives').trim());
    assert.equal(sql(db, `SELECT title || '|' || state || '|' || (photo_id IS NOT NULL)
      FROM initiatives WHERE id = ${initiativeId}`).trim(), `${TITLE}|ingediend|1`);
    await assertAccessible(page, 'the success page');
  });

  test('the management link opens the initiator page, state Ingediend', async () => {
    const { page } = phone;
    await Promise.all([page.waitForURL(`${server.base}${managePath}`),
      page.locator('.manage-link a').click()]);
    assert.equal(await h1(page), 'Mijn initiatief');
    assert.equal(await page.locator('.status-box .badge').innerText(), 'Ingediend');
    assert.equal(await page.locator('#titel').inputValue(), TITLE, 'the form to edit it');
    await assertAccessible(page, 'the initiator page (ingediend)');
  });
});

describe('a photo kept after an error, at phone and desktop width', () => {
  for (const [name, viewport] of [['phone', PHONE], ['desktop', DESKTOP]]) {
    test(`on a ${name}: shown back after the error, and on the initiative when sent`, async () => {
      const { context, page } = await axeContext(browser, viewport);
      try {
        await page.goto(`${server.base}/initiatief-indienen`);
        const title = `Een foto die blijft, op een ${name === 'phone' ? 'telefoon' : 'computer'}`;
        await fillForm(page, initiativeFields({ titel: 'Kort', email: `foto-${name}@example.org` }));
        await page.locator('#foto').setInputFiles({ name: 'plek.png', mimeType: 'image/png',
          buffer: makePng(48, 36) });
        const bad = await submitWith(page,
          () => page.getByRole('button', { name: 'Initiatief indienen' }).click());
        assert.equal(bad.status(), 400);
        const kept = page.locator('.photo-kept img');
        assert.ok(await kept.isVisible(), 'the photo is shown back');
        assert.equal(await kept.evaluate((img) => img.complete && img.naturalWidth), 48,
          'and it loads');
        const box = await kept.boundingBox();
        assert.ok(box.x >= 0 && box.x + box.width <= viewport.width, 'it fits the screen');
        assert.ok(await page.getByLabel('Foto weghalen').isVisible(), 'it can be removed');
        await assertAccessible(page, `the form with a kept photo (${name})`);
        await page.locator('#titel').fill(title);
        const good = await submitWith(page,
          () => page.getByRole('button', { name: 'Initiatief indienen' }).click());
        assert.equal(good.status(), 303);
        assert.equal(await h1(page), 'Bedankt voor uw initiatief!');
        assert.equal(sql(db, `SELECT p.width || 'x' || p.height FROM initiatives i
          JOIN photos p ON p.id = i.photo_id WHERE i.title = '${title}'`).trim(), '48x36',
        'the photo is on the initiative');
      } finally {
        await context.close();
      }
    });
  }
});

describe('the wijkregisseur', () => {
  test('the login page, and its error state', async () => {
    const { page } = desk;
    const res = await page.goto(`${server.base}/beheer/inloggen`);
    assert.equal(res.status(), 200);
    assert.equal(await h1(page), 'Inloggen voor medewerkers');
    await assertAccessible(page, 'the login page');
    await page.getByLabel('Gebruikersnaam').fill(demo.regisseur.username);
    await page.getByLabel('Wachtwoord').fill('niet-het-goede-wachtwoord');
    const loginButton = page.getByRole('button', { name: 'Inloggen' });
    const bad = await submitWith(page, () => loginButton.click());
    assert.equal(bad.status(), 401);
    assert.match(await page.getByRole('alert').innerText(),
      /De gebruikersnaam of het wachtwoord klopt niet/);
    await assertAccessible(page, 'the login page after a wrong password');
  });

  test('logging in leads to the queue, which lists the new initiative', async () => {
    const { page } = desk;
    await page.getByLabel('Wachtwoord').fill(demo.regisseur.password);
    const res = await submitWith(page,
      () => page.getByRole('button', { name: 'Inloggen' }).click());
    assert.equal(res.status(), 303);
    await page.waitForURL(`${server.base}/beheer`);
    assert.equal(await h1(page), 'Beheer');
    // The row's own link (its cell's first child); a duplicate flag under another row may
    // link here too.
    assert.equal(await page.locator('table.results td > a', { hasText: TITLE }).count(), 1);
    await assertAccessible(page, '/beheer');
  });

  test('the initiative page; approving it', async () => {
    const { page } = desk;
    await Promise.all([page.waitForURL(`${server.base}/beheer/initiatieven/${initiativeId}`),
      page.locator('table.results td > a', { hasText: TITLE }).click()]);
    assert.equal(await h1(page), TITLE);
    assert.match(await page.locator('main').innerText(), /bewoner@example\.org/);
    await assertAccessible(page, '/beheer/initiatieven/ID');
    const res = await submitWith(page,
      () => page.getByRole('button', { name: 'Goedkeuren en publiceren' }).click());
    assert.equal(res.status(), 303);
    await page.waitForURL(/\?gedaan=goedgekeurd$/);
    assert.match(await page.getByRole('status').innerText(), /goedgekeurd en staat online/);
    assert.equal(sql(db, `SELECT state FROM initiatives WHERE id = ${initiativeId}`).trim(),
      'open');
    await assertAccessible(page, '/beheer/initiatieven/ID after approval');
  });

  test('news: the list, the empty form and the form with errors', async () => {
    const { page } = desk;
    await Promise.all([page.waitForURL(`${server.base}/beheer/berichten`),
      page.locator('nav.staff-bar').first().getByRole('link', { name: 'Berichten' }).click()]);
    assert.equal(await h1(page), 'Berichten beheren');
    await assertAccessible(page, '/beheer/berichten');
    await Promise.all([page.waitForURL(`${server.base}/beheer/berichten/nieuw`),
      page.getByRole('link', { name: 'Nieuw bericht' }).click()]);
    assert.equal(await h1(page), 'Nieuw bericht');
    await assertAccessible(page, 'the news form');
    const res = await submitWith(page, () => page.getByRole('button', { name: 'Opslaan' }).click());
    assert.equal(res.status(), 400);
    assert.equal(await page.locator('#titel').getAttribute('aria-invalid'), 'true');
    assert.match(await page.locator('#titel-error').innerText(), /titel/);
    await assertAccessible(page, 'the news form with errors');
  });
});

describe('after approval', () => {
  test('the initiative is public, and the initiator page says it is open', async () => {
    const { page } = phone;
    const res = await page.goto(`${server.base}/initiatieven/${initiativeId}`);
    assert.equal(res.status(), 200);
    assert.equal(await h1(page), TITLE);
    assert.equal(await page.locator('.badge').first().innerText(), 'Open voor vouchers');
    assert.equal(await page.getByRole('link', { name: 'Doneer uw voucher' }).count(), 1);
    assert.doesNotMatch(await page.locator('main').innerText(), /bewoner@example\.org/);

    await page.goto(server.base + managePath);
    assert.equal(await page.locator('.status-box .badge').innerText(), 'Open voor vouchers');
    assert.equal(await page.getByRole('link', { name: 'Bekijk de openbare pagina' }).count(), 1);
    await assertAccessible(page, 'the initiator page (open)');
  });
});
