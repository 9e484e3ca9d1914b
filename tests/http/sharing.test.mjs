// Sharing: Open Graph and description meta on every public page, with the canonical address
// from the base URL setting; share links on initiative pages that work without JavaScript.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decode, fetchPage } from '../lib/pages.mjs';
import { makeDemoDb, removeDb, sql, startServe } from '../lib/server.mjs';

let server;
let db;
let base;

before(async () => {
  db = await makeDemoDb();
  server = await startServe({ db, threads: 2 });
  base = sql(db, "SELECT value FROM settings WHERE key = 'basis_url'").trim().replace(/\/+$/, '');
});

after(async () => {
  await server?.stop();
  if (db) await removeDb(db);
});

function meta(html, attr, name) {
  const m = new RegExp(`<meta ${attr}="${name}" content="([^"]*)">`).exec(html);
  return m ? decode(m[1]) : null;
}

describe('Open Graph and description', () => {
  const id = () => Number(sql(db, `SELECT id FROM initiatives WHERE state = 'open'
    AND photo_id IS NOT NULL ORDER BY id LIMIT 1`).trim() || 1);
  for (const path of ['/', '/initiatieven', '/wijken', '/wijken/de-riet', '/berichten',
    '/berichten/1', '/doneren', '/initiatief-indienen', '/toegankelijkheid', '/privacy']) {
    test(`${path} has description, og:title, og:description, og:url`, async () => {
      const res = await fetchPage(server.base, path);
      assert.equal(res.status, 200);
      assert.ok(meta(res.text, 'name', 'description')?.length > 20, 'description');
      assert.ok(meta(res.text, 'property', 'og:title'), 'og:title');
      assert.ok(meta(res.text, 'property', 'og:description'), 'og:description');
      assert.equal(meta(res.text, 'property', 'og:url'), `${base}${path}`);
      assert.match(res.text, new RegExp(`<link rel="canonical" href="${base}${path}">`));
    });
  }
  test('an initiative page: its title, summary, photo and canonical address', async () => {
    const i = id();
    const res = await fetchPage(server.base, `/initiatieven/${i}`);
    assert.equal(res.status, 200);
    const title = sql(db, `SELECT title FROM initiatives WHERE id = ${i}`).trim();
    const summary = sql(db, `SELECT summary FROM initiatives WHERE id = ${i}`).trim();
    const photo = sql(db, `SELECT photo_id FROM initiatives WHERE id = ${i}`).trim();
    assert.equal(meta(res.text, 'property', 'og:title'), title);
    assert.equal(meta(res.text, 'name', 'description'), summary);
    assert.equal(meta(res.text, 'property', 'og:type'), 'article');
    if (photo) assert.equal(meta(res.text, 'property', 'og:image'), `${base}/fotos/${photo}.jpg`);
    const url = meta(res.text, 'property', 'og:url');
    assert.match(url, new RegExp(`^${base}/initiatieven/${i}-[a-z0-9-]+$`));
  });
});

describe('share links', () => {
  test('WhatsApp, e-mail and a link to copy, all plain HTML', async () => {
    const res = await fetchPage(server.base, '/initiatieven/1');
    const url = meta(res.text, 'property', 'og:url');
    const wa = /<a href="https:\/\/wa\.me\/\?text=([^"]+)"/.exec(res.text);
    assert.ok(wa, 'a WhatsApp link');
    assert.ok(decodeURIComponent(decode(wa[1])).endsWith(` ${url}`), 'WhatsApp text ends with the address');
    const mail = /<a href="mailto:\?subject=([^"&]+)&amp;body=([^"]+)"/.exec(res.text);
    assert.ok(mail, 'an e-mail link');
    assert.ok(decodeURIComponent(mail[2]).includes(url));
    assert.match(res.text, new RegExp(`<input id="share-link" type="text" readonly value="${url}">`));
    assert.match(res.text, /<label for="share-link">/);
  });
});
