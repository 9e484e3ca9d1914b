// The response cache of anonymous public pages: a second anonymous GET comes from memory
// (X-Cache: hit), HEAD and 304 too; a donation, an approval and a news post change what is
// served at once; staff requests and pages with a resident's CSRF token are never shared.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { removeDb, sql, startNginxFcgi, startServe } from '../lib/server.mjs';
import { fetchPage } from '../lib/pages.mjs';
import {
  CSRF_COOKIE, hiddenValue, initiativeFields, login, makeDemoDbWithStaff, makePng,
  submitInitiative,
} from '../lib/staff.mjs';
import { httpRequest, openCityWideInitiative, session } from '../lib/vouchers.mjs';

let demo;
let db;
let server;

const one = (q) => sql(db, q).trim();
const get = (path, headers = {}) => httpRequest(new URL(path, server.base), { headers });
const cacheOf = (res) => res.headers.get('x-cache');

// The server's housekeeping pass may write once after the start; wait until the home page is
// answered from the cache twice in a row, so that the tests below start from a quiet database.
async function settle(base) {
  let hits = 0;
  for (let i = 0; i < 40 && hits < 2; i++) {
    const res = await httpRequest(new URL('/', base));
    hits = res.headers.get('x-cache') === 'hit' ? hits + 1 : 0;
    if (hits < 2) await new Promise((r) => setTimeout(r, 25));
  }
  assert.equal(hits, 2, 'the home page comes from the cache once the server is quiet');
}

before(async () => {
  demo = await makeDemoDbWithStaff();
  db = demo.db;
  server = await startServe({ db, threads: 1 });
  await settle(server.base);
});

after(async () => {
  await server?.stop();
  await removeDb(db);
});

describe('anonymous pages from the cache', () => {
  test('the second anonymous GET is a hit with the same body, headers and ETag', async () => {
    for (const path of ['/initiatieven?cache=1', '/api/v1/initiatieven?cache=1',
      '/feeds/gemeente.atom?cache=1', '/transparantie?cache=1']) {
      const first = await get(path);
      assert.equal(first.status, 200, path);
      assert.equal(cacheOf(first), 'miss', `${path}: the first is rendered`);
      const second = await get(path);
      assert.equal(cacheOf(second), 'hit', `${path}: the second comes from the cache`);
      assert.equal(second.text, first.text, `${path}: the same body`);
      for (const h of ['content-type', 'etag', 'cache-control', 'last-modified',
        'content-security-policy', 'x-content-type-options']) {
        assert.equal(second.headers.get(h), first.headers.get(h), `${path}: ${h} replayed`);
      }
      assert.ok(second.headers.get('etag'), `${path}: an ETag`);
      assert.equal(second.headers.get('set-cookie'), null, `${path}: no cookie`);
    }
  });

  test('a resident carrying only the CSRF cookie is served from the cache too', async () => {
    await get('/wijken?csrf-cookie=1');
    const res = await get('/wijken?csrf-cookie=1', { cookie: `${CSRF_COOKIE}=${'a'.repeat(32)}` });
    assert.equal(cacheOf(res), 'hit');
  });

  test('HEAD and a conditional GET are answered from the cache', async () => {
    const path = '/berichten?head=1';
    const full = await get(path);
    const head = await httpRequest(new URL(path, server.base), { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(cacheOf(head), 'hit');
    assert.equal(head.text, '', 'no body');
    assert.equal(Number(head.headers.get('content-length')), Buffer.byteLength(full.text));
    assert.equal(head.headers.get('etag'), full.headers.get('etag'));

    const again = await get(path, { 'if-none-match': full.headers.get('etag') });
    assert.equal(again.status, 304);
    assert.equal(cacheOf(again), 'hit');
    assert.equal(again.text, '');
    assert.equal(again.headers.get('etag'), full.headers.get('etag'));
  });

  test('the query is part of the key', async () => {
    const a = await get('/initiatieven?status=open&key=1');
    const b = await get('/initiatieven?status=gefinancierd&key=1');
    assert.equal(cacheOf(b), 'miss');
    assert.notEqual(a.text, b.text);
  });

  test('the front-line refusals and missing pages are never kept', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await get('/bestaat-niet');
      assert.equal(res.status, 404);
      assert.notEqual(cacheOf(res), 'hit');
    }
  });
});

describe('a change is seen at once', () => {
  test('a donation changes the initiative page and the home page', async () => {
    const id = openCityWideInitiative(db, 'Cachetest buurtfeest');
    await settle(server.base);
    const path = `/initiatieven/${id}`;
    await get(path);
    const before = await get(path);
    assert.equal(cacheOf(before), 'hit');
    const home = await get('/');
    assert.equal(cacheOf(home), 'hit');

    const s = await session(server.base);
    const code = demo.codes[0].code;
    const done = await s.post('/doneren/bevestigen', { code, initiatief: id });
    assert.equal(done.status, 303, 'the donation went through');

    const after1 = await get(path);
    assert.equal(cacheOf(after1), 'miss', 'rendered anew after the donation');
    assert.notEqual(after1.text, before.text);
    assert.notEqual(after1.headers.get('etag'), before.headers.get('etag'));
    assert.match(after1.text, /€\s7,50/, 'shows the donated amount');
    assert.doesNotMatch(before.text, /€\s7,50/);
    const homeAfter = await get('/');
    assert.notEqual(cacheOf(homeAfter), 'hit');
    assert.notEqual(homeAfter.text, home.text, 'the round figures on the home page moved');
  });

  test('an approval puts the initiative on the list; a news post on the news page', async () => {
    const { res } = await submitInitiative(server.base,
      initiativeFields({ titel: 'Cachetest bankje', email: 'cache@example.org' }), {},
      { localAddress: '127.0.0.81' });
    assert.equal(res.status, 200, 'submitted');
    const id = Number(one("SELECT id FROM initiatives WHERE title = 'Cachetest bankje'"));
    await settle(server.base);
    await get('/initiatieven?approval=1');
    const list = await get('/initiatieven?approval=1');
    assert.equal(cacheOf(list), 'hit');
    assert.ok(!list.text.includes('Cachetest bankje'));

    const staff = await login(server.base, demo.regisseur.username, demo.regisseur.password,
      { localAddress: '127.0.0.82' });
    const ok = await staff.post(`/beheer/initiatieven/${id}/goedkeuren`, {});
    assert.equal(ok.status, 303, 'approved');
    const listed = await get('/initiatieven?approval=1');
    assert.notEqual(cacheOf(listed), 'hit');
    assert.ok(listed.text.includes('Cachetest bankje'), 'on the list at once');

    await get('/berichten?news=1');
    assert.equal(cacheOf(await get('/berichten?news=1')), 'hit');
    const area = Number(one("SELECT id FROM areas WHERE slug = 'de-riet'"));
    const posted = await staff.post('/beheer/berichten/nieuw', { gebied: area,
      titel: 'Cachetest bericht', tekst: 'Een bericht.', publiceren: 'ja' });
    assert.equal(posted.status, 303, 'posted');
    const news = await get('/berichten?news=1');
    assert.notEqual(cacheOf(news), 'hit');
    assert.ok(news.text.includes('Cachetest bericht'), 'on the news page at once');
  });
});

describe('never shared', () => {
  test('a request with a staff session is never answered from the cache', async () => {
    const staff = await login(server.base, demo.regisseur.username, demo.regisseur.password,
      { localAddress: '127.0.0.83' });
    await get('/?staff=1');
    assert.equal(cacheOf(await get('/?staff=1')), 'hit');
    const seen = await staff.get('/?staff=1');
    assert.equal(seen.status, 200);
    assert.equal(cacheOf(seen), null, 'the cache is not consulted');
    // Nor is a staff answer kept: a photo under review is the reviewer's only.
    const { res } = await submitInitiative(server.base,
      initiativeFields({ titel: 'Cachetest foto', email: 'foto@example.org' }),
      { foto: { data: makePng(40, 30), filename: 'f.png', type: 'image/png' } },
      { localAddress: '127.0.0.84' });
    assert.equal(res.status, 200);
    const photo = one("SELECT photo_id FROM initiatives WHERE title = 'Cachetest foto'");
    const url = `/fotos/${photo}.jpg`;
    assert.equal((await staff.get(url)).status, 200, 'the reviewer sees it');
    for (let i = 0; i < 2; i++) {
      const anon = await get(url);
      assert.equal(anon.status, 404, 'an anonymous client does not, cached or not');
    }
    // An invalid or expired session cookie: not consulted either.
    const stale = await get('/?staff=1', { cookie: 'bs_session=verlopen' });
    assert.equal(cacheOf(stale), null);
  });

  test("one resident's CSRF token never appears in another's answer", async () => {
    for (const path of ['/doneren', '/initiatief-indienen', '/beheer/inloggen']) {
      const tokens = new Set();
      for (let i = 0; i < 3; i++) {
        // A new visitor (no cookie) and one with a cookie of their own, each twice.
        const fresh = await get(path);
        assert.equal(fresh.status, 200, path);
        const token = hiddenValue(fresh.text, '_csrf');
        assert.ok(token, `${path}: a form token`);
        assert.match(fresh.headers.get('set-cookie') ?? '', new RegExp(`${CSRF_COOKIE}=${token}`),
          `${path}: the token is the visitor's own new cookie`);
        assert.ok(!tokens.has(token), `${path}: a token nobody else got`);
        tokens.add(token);
        assert.notEqual(cacheOf(fresh), 'hit');
        const mine = 'R'.repeat(31) + String(i);
        for (let j = 0; j < 2; j++) {
          const withCookie = await get(path, { cookie: `${CSRF_COOKIE}=${mine}` });
          assert.equal(hiddenValue(withCookie.text, '_csrf'), mine, `${path}: the resident's own`);
          assert.notEqual(cacheOf(withCookie), 'hit');
        }
      }
    }
  });
});

describe('through nginx and FastCGI', () => {
  let fcgi;
  before(async () => {
    fcgi = await startNginxFcgi({ db, threads: 1 });
    await settle(fcgi.base);
  });
  after(async () => {
    await fcgi?.stop();
  });

  test('the second anonymous GET is a hit; a form page is not', async () => {
    const path = '/initiatieven?fcgi=1';
    const first = await fetchPage(fcgi.base, path);
    const second = await fetchPage(fcgi.base, path);
    assert.equal(first.headers.get('x-cache'), 'miss');
    assert.equal(second.headers.get('x-cache'), 'hit');
    assert.equal(second.text, first.text);
    const etag = second.headers.get('etag');
    const cond = await fetchPage(fcgi.base, path, { headers: { 'if-none-match': etag } });
    assert.equal(cond.status, 304);
    const a = await fetchPage(fcgi.base, '/doneren');
    const b = await fetchPage(fcgi.base, '/doneren');
    assert.notEqual(hiddenValue(a.text, '_csrf'), hiddenValue(b.text, '_csrf'));
  });
});
