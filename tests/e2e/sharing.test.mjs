// Sharing an initiative in a real browser, at phone and desktop width, without JavaScript: the
// share links are on screen, reachable by keyboard and say the page's own address; the link to
// copy is the canonical address; the Open Graph tags a messenger reads name the initiative, its
// summary and a photo that loads. axe-core (WCAG 2.1 A/AA) on the page as shared.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertAccessible, axeContext, DESKTOP, launchBrowser, PHONE } from '../lib/browser.mjs';
import { makeDemoDb, removeDb, sql, startServe } from '../lib/server.mjs';

let server;
let db;
let browser;
let initiative; // {id, title, summary}

before(async () => {
  db = await makeDemoDb();
  server = await startServe({ db, threads: 2 });
  browser = await launchBrowser();
  const [id, title, summary] = sql(db, `SELECT id || char(9) || title || char(9) || summary
    FROM initiatives WHERE state = 'open' ORDER BY id LIMIT 1`).trim().split('\t');
  initiative = { id: Number(id), title, summary };
  // The demo has no photos: give this initiative one, a JPEG the browser itself made.
  const shot = await browser.newPage({ viewport: { width: 64, height: 48 } });
  const jpeg = await shot.screenshot({ type: 'jpeg' });
  await shot.close();
  const photo = sql(db, `INSERT INTO photos(jpeg, width, height)
    VALUES (X'${jpeg.toString('hex')}', 64, 48) RETURNING id`).trim();
  sql(db, `UPDATE initiatives SET photo_id = ${photo} WHERE id = ${initiative.id}`);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (db) await removeDb(db);
});

/** The content of <meta property|name="key"> as the browser parsed it, or null. */
const metaOf = (page, key) => page.evaluate((k) =>
  document.querySelector(`meta[property="${k}"], meta[name="${k}"]`)?.content ?? null, key);

for (const [label, viewport] of [['phone', PHONE], ['desktop', DESKTOP]]) {
  describe(`sharing an initiative on a ${label}, without JavaScript`, () => {
    let context;
    let page;
    before(async () => {
      ({ context, page } = await axeContext(browser, viewport, { javaScriptEnabled: false }));
      const res = await page.goto(`${server.base}/initiatieven/${initiative.id}`);
      assert.equal(res.status(), 200);
    });
    after(() => context?.close());

    test('the Open Graph tags name the initiative, its summary and a photo that loads', async () => {
      const canonical = await page.locator('link[rel="canonical"]').getAttribute('href');
      assert.match(canonical, new RegExp(`/initiatieven/${initiative.id}-[a-z0-9-]+$`));
      assert.equal(await metaOf(page, 'og:title'), initiative.title);
      assert.equal(await metaOf(page, 'og:description'), initiative.summary);
      assert.equal(await metaOf(page, 'description'), initiative.summary);
      assert.equal(await metaOf(page, 'og:url'), canonical);
      assert.equal(await metaOf(page, 'og:type'), 'article');
      const image = await metaOf(page, 'og:image');
      assert.match(image, /^https?:\/\/[^/]+\/fotos\/\d+\.jpg$/, 'an absolute photo address');
      // The base URL of the demo is the public one; the photo is fetched from this server.
      const photo = await context.request.get(`${server.base}${new URL(image).pathname}`);
      assert.equal(photo.status(), 200);
      assert.equal(photo.headers()['content-type'], 'image/jpeg');
    });

    test('the share links are on screen, within the width, and say the page address', async () => {
      const canonical = await page.locator('link[rel="canonical"]').getAttribute('href');
      const share = page.getByRole('region', { name: 'Delen' });
      await share.scrollIntoViewIfNeeded();
      const whatsapp = share.getByRole('link', { name: 'Delen via WhatsApp' });
      const mail = share.getByRole('link', { name: 'Delen per e-mail' });
      const copy = share.getByRole('textbox', { name: 'Link om te kopiëren' });
      for (const [what, el] of [['WhatsApp', whatsapp], ['e-mail', mail], ['copy', copy]]) {
        assert.ok(await el.isVisible(), `${what} is visible`);
        const box = await el.boundingBox();
        assert.ok(box.x >= 0 && box.x + box.width <= viewport.width, `${what} fits the width`);
        assert.ok(box.height >= 24, `${what} is a target of at least 24 px`);
      }
      const wa = new URL(await whatsapp.getAttribute('href'));
      assert.equal(wa.origin, 'https://wa.me');
      assert.ok(wa.searchParams.get('text').includes(canonical), 'WhatsApp text has the address');
      const mailto = await mail.getAttribute('href');
      assert.match(mailto, /^mailto:\?subject=/);
      const body = new URLSearchParams(mailto.slice('mailto:?'.length)).get('body');
      assert.ok(body.includes(canonical), 'the e-mail body has the address');
      assert.equal(await copy.inputValue(), canonical, 'the link to copy is the canonical one');
      const overflow = await page.evaluate(() =>
        document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `no sideways scrolling (${overflow} px)`);
    });

    test('the keyboard reaches every share link and the address to copy', async () => {
      const reached = new Set();
      await page.locator('body').focus();
      for (let i = 0; i < 80 && reached.size < 3; i++) {
        await page.keyboard.press('Tab');
        const name = await page.evaluate(() => {
          const el = document.activeElement;
          return el?.closest('.share') ? (el.id || el.textContent.trim()) : null;
        });
        if (name) reached.add(name);
      }
      assert.deepEqual([...reached].sort(),
        ['Delen per e-mail', 'Delen via WhatsApp', 'share-link'].sort());
      const selected = await page.evaluate(() => {
        const el = document.getElementById('share-link');
        return el === document.activeElement && el.readOnly;
      });
      assert.ok(selected, 'the address to copy takes focus and cannot be changed by accident');
    });

    test('the page as shared has no WCAG 2.1 A/AA violation', async () => {
      // axe needs script in the page: a second context with JavaScript on, same address.
      const withJs = await axeContext(browser, viewport);
      try {
        await withJs.page.goto(`${server.base}/initiatieven/${initiative.id}`);
        await assertAccessible(withJs.page, `the initiative page on a ${label}`);
      } finally {
        await withJs.context.close();
      }
    });
  });
}
