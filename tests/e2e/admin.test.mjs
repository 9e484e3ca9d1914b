// The admin screens in a real browser at desktop width, logged in as the demo admin: axe-core
// (WCAG 2.1 A/AA) on every screen, the settings form in its error state, the household
// upload with its preview (a file chosen in the file input), the dashboard with its SVG
// charts (a screenshot for the CI's artefacts), and the public transparency page at desktop
// and phone width.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  assertAccessible, axeContext, DESKTOP, h1, launchBrowser, PHONE, SCREENSHOTS, submitWith,
} from '../lib/browser.mjs';
import { removeDb, sql, startServe } from '../lib/server.mjs';
import { makeDemoDbWithStaff } from '../lib/staff.mjs';

let server;
let db;
let demo;
let browser;
let desk; // {context, page}: the admin, logged in
let phone;

before(async () => {
  demo = await makeDemoDbWithStaff();
  db = demo.db;
  server = await startServe({ db, threads: 2 });
  browser = await launchBrowser();
  // axeContext: the site's CSP is bypassed there, so that axe can be injected.
  desk = await axeContext(browser, DESKTOP);
  phone = await axeContext(browser, PHONE);
});

after(async () => {
  await desk?.context.close();
  await phone?.context.close();
  await browser?.close();
  await server?.stop();
  if (db) await removeDb(db);
});

/** Opens a staff page; asserts 200 and its heading; opens every <details> so axe sees it all. */
async function open(page, p, heading) {
  const res = await page.goto(server.base + p);
  assert.equal(res.status(), 200, `GET ${p}`);
  if (heading) assert.equal(await h1(page), heading, `${p}: the heading`);
  await page.$$eval('details', (ds) => ds.forEach((d) => { d.open = true; }));
}

const ADMIN_PAGES = [
  ['/beheer/geld', 'Bijdragen en uitbetalingen', 'money'],
  ['/beheer/instellingen', 'Instellingen', 'settings'],
  ['/beheer/medewerkers', 'Medewerkers', 'staff accounts'],
  ['/beheer/medewerkers/regisseur', 'regisseur (wijkregisseur)', 'a staff member\'s areas'],
  ['/beheer/auditlog', 'Auditlog', 'the audit log'],
  ['/beheer/auditlog?wie=beheerder&wat=setting', 'Auditlog', 'the audit log filtered'],
  ['/beheer/email', 'E-mail', 'the e-mail outbox'],
  ['/beheer/gebieden', 'Wijken, dorpen en buurten', 'areas'],
  ['/beheer/gebieden/4', 'De Riet', 'an area'],
  ['/beheer/rondes', 'Voucherrondes', 'rounds'],
  ['/beheer/huishoudens', 'Huishoudens', 'households'],
];

describe('the admin screens at desktop width', () => {
  test('the demo admin logs in', async () => {
    const { page } = desk;
    await page.goto(`${server.base}/beheer/inloggen`);
    await page.getByLabel('Gebruikersnaam').fill(demo.beheerder.username);
    await page.getByLabel('Wachtwoord').fill(demo.beheerder.password);
    const res = await submitWith(page,
      () => page.getByRole('button', { name: 'Inloggen' }).click());
    assert.equal(res.status(), 303);
    await page.waitForURL(`${server.base}/beheer`);
    const bar = page.locator('nav.staff-bar').first();
    for (const name of ['Geld', 'Instellingen', 'Medewerkers', 'Rondes', 'Dashboard']) {
      assert.equal(await bar.getByRole('link', { name }).count(), 1, `the staff bar has ${name}`);
    }
  });

  for (const [p, heading, what] of ADMIN_PAGES) {
    test(`axe: ${what} (${p})`, async () => {
      assert.equal(sql(db, "SELECT name FROM areas WHERE id = 4").trim(), 'De Riet');
      await open(desk.page, p, heading);
      await assertAccessible(desk.page, what);
    });
  }

  test('settings with a bad value: the message at the field; axe passes', async () => {
    const { page } = desk;
    await open(page, '/beheer/instellingen', 'Instellingen');
    // The throttling fields may show up empty (a separate finding): give them their default.
    for (const id of ['s-voucher_pogingen', 's-voucher_venster_minuten']) {
      if (!(await page.locator(`#${id}`).inputValue())) await page.locator(`#${id}`).fill('10');
    }
    await page.getByLabel('Aantal mede-organisatoren').fill('abc');
    const res = await submitWith(page, () => page.getByRole('button', { name: 'Opslaan' }).click());
    assert.equal(res.status(), 400);
    const field = page.locator('#s-mede_organisatoren');
    assert.equal(await field.getAttribute('aria-invalid'), 'true');
    assert.equal(await field.inputValue(), 'abc', 'the typed value stays');
    const message = page.locator('#s-mede_organisatoren-error');
    assert.ok(await message.isVisible(), 'the message is visible');
    assert.match(await message.innerText(), /geheel getal/);
    const fieldBox = await field.boundingBox();
    const messageBox = await message.boundingBox();
    assert.ok(Math.abs(fieldBox.y - messageBox.y) < 120, 'the message stands at the field');
    assert.equal(sql(db, "SELECT value FROM settings WHERE key = 'mede_organisatoren'").trim(), '2',
      'nothing saved');
    await assertAccessible(page, 'settings with an error');
  });

  test('households: a file chosen and checked gives a preview; axe passes', async () => {
    const { page } = desk;
    await open(page, '/beheer/huishoudens', 'Huishoudens');
    const households = Number(sql(db, 'SELECT count(*) FROM households').trim());
    const csv = 'postcode;huisnummer;toevoeging;straat;woonplaats;wijk\r\n' +
      '7782 AA;1;;Schermstraat;Almelo;de-riet\r\n7782 AA;2;;Schermstraat;Almelo;De Riet\r\n';
    await page.locator('#bestand').setInputFiles({ name: 'adressen.csv', mimeType: 'text/csv',
      buffer: Buffer.from(csv) });
    const res = await submitWith(page,
      () => page.getByRole('button', { name: 'Controleren' }).click());
    assert.equal(res.status(), 200);
    assert.equal(await h1(page), 'Voorbeeld van de import');
    assert.match(await page.locator('dl.stats').innerText(), /Nieuw\s+2/);
    assert.equal(await page.getByRole('button', { name: 'Importeren' }).count(), 1);
    assert.equal(Number(sql(db, 'SELECT count(*) FROM households').trim()), households,
      'nothing imported yet');
    await assertAccessible(page, 'the household preview');
  });

  test('households: a file with errors lists them; axe passes', async () => {
    const { page } = desk;
    await open(page, '/beheer/huishoudens', 'Huishoudens');
    await page.locator('#bestand').setInputFiles({ name: 'fout.csv', mimeType: 'text/csv',
      buffer: Buffer.from('postcode;huisnummer;toevoeging;straat;woonplaats;wijk\n' +
        '1234;1;;Schermstraat;Almelo;Atlantis\n') });
    const res = await submitWith(page,
      () => page.getByRole('button', { name: 'Controleren' }).click());
    assert.equal(res.status(), 400);
    assert.match(await page.getByRole('alert').innerText(), /Regel 2:/);
    await assertAccessible(page, 'the household upload with errors');
  });

  test('the dashboard: SVG charts with a text alternative; axe passes; a screenshot', async () => {
    const { page } = desk;
    await open(page, '/beheer/dashboard', 'Dashboard');
    const charts = page.locator('.chart svg[role="img"]');
    assert.equal(await charts.count(), 2, 'two charts');
    for (let i = 0; i < 2; i++) {
      const chart = charts.nth(i);
      const box = await chart.boundingBox();
      assert.ok(box && box.width > 300 && box.height > 100, `chart ${i + 1} is drawn (${
        JSON.stringify(box)})`);
      assert.ok(box.x + box.width <= DESKTOP.width, `chart ${i + 1} fits the window`);
      const label = await chart.evaluate((el) => el.getAttribute('aria-labelledby').split(' ')
        .map((id) => document.getElementById(id)?.textContent ?? '').join(' '));
      assert.match(label, /\w{5,}.*\d/, `chart ${i + 1}: a title and a description with numbers`);
    }
    assert.ok(await page.locator('.chart svg rect').count() >= 12, 'a bar per wijk and dorp');
    await assertAccessible(page, 'the dashboard');

    await fs.mkdir(SCREENSHOTS, { recursive: true });
    const out = path.join(SCREENSHOTS, 'dashboard.png');
    await page.screenshot({ path: out, fullPage: true });
    const stat = await fs.stat(out);
    assert.ok(stat.size > 20_000, `the screenshot has content (${stat.size} bytes)`);
  });

  test('at desktop width no word is broken in the staff bar or the dashboard table', async () => {
    const { page } = desk;
    await open(page, '/beheer/dashboard', 'Dashboard');
    // A text that takes more lines than it has words was broken inside a word.
    const broken = await page.$$eval('nav.staff-bar a, .results th', (els) => els.flatMap((el) => {
      const text = el.innerText.trim().replace(/\s+/g, ' ');
      if (!text) return [];
      const range = document.createRange();
      range.selectNodeContents(el);
      const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0)
        .map((r) => Math.round(r.top)));
      return lines.size > text.split(' ').length ? [`"${text}" on ${lines.size} lines`] : [];
    }));
    assert.deepEqual(broken, [], `words broken at ${DESKTOP.width}px:\n${broken.join('\n')}`);
  });

  test('the dashboard of another round', async () => {
    const { page } = desk;
    await open(page, '/beheer/dashboard', 'Dashboard');
    const first = sql(db, 'SELECT name FROM rounds WHERE id = 1').trim();
    await page.getByLabel('Voucherronde').selectOption({ label: first });
    await Promise.all([page.waitForURL(/\/beheer\/dashboard\?ronde=1$/),
      page.getByRole('button', { name: 'Toon' }).click()]);
    assert.equal(await page.locator('#ronde').inputValue(), '1');
    await assertAccessible(page, 'the dashboard of the first round');
  });
});

describe('staff forms that say what to fix, and ask before they destroy', () => {
  /** The computed colours of an element: {background, color, border}. */
  const colours = (locator) => locator.evaluate((el) => {
    const cs = getComputedStyle(el);
    return { background: cs.backgroundColor, color: cs.color, border: cs.borderTopColor };
  });

  test('a round with errors: the summary links to the fields; axe passes', async () => {
    const { page } = desk;
    await open(page, '/beheer/rondes', 'Voucherrondes');
    const form = page.locator('form[action="/beheer/rondes"]');
    await form.getByLabel('Naam').fill('Proef met fouten');
    await form.getByLabel('Waarde (€)').fill('2.000');
    const res = await submitWith(page,
      () => form.getByRole('button', { name: 'Ronde toevoegen' }).click());
    assert.equal(res.status(), 400);
    const summary = page.getByRole('alert');
    assert.match(await summary.innerText(), /Controleer het formulier[\s\S]*te hoog/);
    await summary.getByRole('link', { name: /Waarde/ }).click();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'n-waarde',
      'the link in the summary goes to the field');
    assert.equal(await page.locator('#n-waarde').inputValue(), '2.000', 'as typed');
    assert.equal(await page.locator('#n-naam').inputValue(), 'Proef met fouten');
    await assertAccessible(page, 'the rounds page with errors');
  });

  test('a success notice is green, not the orange of a warning', async () => {
    const { page } = desk;
    await open(page, '/beheer/rondes?gedaan=vervangen', 'Voucherrondes');
    const notice = page.locator('.notice[role="status"]');
    assert.match(await notice.innerText(), /nieuwe brief gemaakt/);
    const c = await notice.evaluate((el) => getComputedStyle(el).borderLeftColor);
    assert.equal(c, 'rgb(27, 107, 47)', 'the green of --green');
    await assertAccessible(page, 'the rounds page with a notice');
  });

  test('the review page: primary, secondary and destructive buttons look different',
    async () => {
      const { page } = desk;
      const id = Number(sql(db, "SELECT id FROM initiatives WHERE state = 'ingediend' " +
        'ORDER BY id LIMIT 1').trim());
      await open(page, `/beheer/initiatieven/${id}`);
      const approve = await colours(page.getByRole('button', { name: 'Goedkeuren en publiceren' }));
      const changes = await colours(page.getByRole('button', { name: 'Aanpassing vragen' }));
      const reject = await colours(page.getByRole('button', { name: 'Afwijzen', exact: true }));
      assert.notDeepEqual(changes, approve, 'the secondary button differs from the primary');
      assert.notDeepEqual(reject, approve, 'the destructive button differs from the primary');
      assert.notDeepEqual(reject, changes, 'and from the secondary');
      assert.equal(changes.background, 'rgb(255, 255, 255)', 'the secondary is white');
      assert.equal(reject.background, 'rgb(179, 38, 30)', 'the destructive is red');
      await assertAccessible(page, 'the review page');

      // Afwijzen asks first; Terug goes back and nothing happened.
      await page.locator('#reden').fill('Dit valt buiten de regels.');
      const res = await submitWith(page,
        () => page.getByRole('button', { name: 'Afwijzen', exact: true }).click());
      assert.equal(res.status(), 200);
      assert.equal(await h1(page), 'Initiatief afwijzen?');
      assert.equal(await page.locator('#reden').inputValue(), 'Dit valt buiten de regels.');
      await assertAccessible(page, 'the confirmation of a rejection');
      const yes = await colours(page.getByRole('button', { name: 'Ja, afwijzen' }));
      assert.equal(yes.background, 'rgb(179, 38, 30)', 'the confirming button is red');
      await Promise.all([page.waitForURL(`${server.base}/beheer/initiatieven/${id}`),
        page.getByRole('link', { name: 'Terug' }).click()]);
      assert.equal(sql(db, `SELECT state FROM initiatives WHERE id = ${id}`).trim(), 'ingediend',
        'nothing rejected');
    });

  test('a payout asks first; the question page passes axe', async () => {
    const { page } = desk;
    await open(page, '/beheer/geld', 'Bijdragen en uitbetalingen');
    const form = page.locator('form.payout-form').first();
    const payouts = Number(sql(db, "SELECT count(*) FROM ledger WHERE kind = 'payout'").trim());
    await form.getByLabel('Betalingskenmerk').fill('BS-E2E-1');
    const res = await submitWith(page, () => form.getByRole('button', { name: /Uitbetalen/ }).click());
    assert.equal(res.status(), 200);
    assert.equal(await h1(page), 'Uitbetaling vastleggen?');
    await assertAccessible(page, 'the confirmation of a payout');
    assert.equal(Number(sql(db, "SELECT count(*) FROM ledger WHERE kind = 'payout'").trim()),
      payouts, 'nothing paid yet');
  });
});

describe('the transparency page', () => {
  test('at desktop width', async () => {
    const { page } = desk;
    const res = await page.goto(`${server.base}/transparantie`);
    assert.equal(res.status(), 200);
    assert.equal(await h1(page), 'Verantwoording');
    assert.equal(await page.locator('section.round-box h2').count(),
      Number(sql(db, 'SELECT count(*) FROM rounds').trim()), 'every round');
    await assertAccessible(page, 'the transparency page');
  });

  test('at phone width: no sideways scrolling', async () => {
    const { page } = phone;
    const res = await page.goto(`${server.base}/transparantie`);
    assert.equal(res.status(), 200);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(wide <= PHONE.width, `the page fits the phone (${wide}px)`);
    assert.ok(await page.getByRole('link').filter({ hasText: 'Taalcafé' }).count() >= 1,
      'the funded initiatives are links');
    await assertAccessible(page, 'the transparency page');
  });
});
