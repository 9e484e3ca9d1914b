// The same public pages through a real nginx and the FastCGI front, plus what the FastCGI
// path must get right on its own: statuses, headers, HEAD, conditional requests, bodies.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkHtmlPage, checkSecurityHeaders, definePageTests, fetchPage,
} from '../lib/pages.mjs';
import { makeDemoDb, rawRequest, removeDb, startNginxFcgi } from '../lib/server.mjs';

const MiB = 1024 * 1024;

let front;
let db;

before(async () => {
  db = await makeDemoDb();
  front = await startNginxFcgi({ db });
});

after(async () => {
  if (front) {
    const exits = await front.stop();
    assert.deepEqual(exits.fcgi, { code: 0, signal: null }, 'fcgi stops cleanly on SIGTERM');
  }
  if (db) await removeDb(db);
});

function head(method, target, lines = []) {
  return [`${method} ${target} HTTP/1.1`, 'Host: 127.0.0.1', ...lines, 'Connection: close', '', '']
    .join('\r\n');
}

const raw = (text, opts) => rawRequest(front.port, text, opts);

definePageTests(() => front.base);

describe('through nginx and FastCGI', () => {
  test('the answer comes from nginx with the application headers', async () => {
    const res = await fetchPage(front.base, '/');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('server') ?? '', /^nginx/);
    checkSecurityHeaders(res.headers, '/');
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
  });

  test('unknown path → 404 page', async () => {
    const res = await fetchPage(front.base, '/bestaat-niet/ook-niet');
    assert.equal(res.status, 404);
    checkHtmlPage(res, '404');
    checkSecurityHeaders(res.headers, '404');
    assert.ok(res.text.includes('<h1>Pagina niet gevonden</h1>'));
  });

  test('static file with ETag, 304 on If-None-Match', async () => {
    const first = await raw(head('GET', '/static/site.css'));
    assert.equal(first.status, 200);
    assert.ok(first.headers['content-type'].startsWith('text/css'));
    const etag = first.headers.etag;
    assert.match(etag ?? '', /^(W\/)?"[^"]+"$/, 'ETag passes through nginx');
    assert.ok(first.bodyBytes.length > 1000);

    const again = await raw(head('GET', '/static/site.css', [`If-None-Match: ${etag}`]));
    assert.equal(again.status, 304);
    assert.equal(again.bodyBytes.length, 0);
    assert.equal(again.headers.etag, etag);
    checkSecurityHeaders(again.headers, '304');

    const other = await raw(head('GET', '/static/site.css', ['If-None-Match: "anders"']));
    assert.equal(other.status, 200);
    assert.equal(other.bodyBytes.length, first.bodyBytes.length);
  });

  test('HEAD gives the headers without a body', async () => {
    const get = await raw(head('GET', '/initiatieven'));
    const h = await raw(head('HEAD', '/initiatieven'));
    assert.equal(h.status, 200);
    assert.equal(h.bodyBytes.length, 0);
    assert.equal(h.headers['content-type'], 'text/html; charset=utf-8');
    if (h.headers['content-length'] !== undefined) {
      assert.equal(Number(h.headers['content-length']), get.bodyBytes.length);
    }
    checkSecurityHeaders(h.headers, 'HEAD');
    const nf = await raw(head('HEAD', '/bestaat-niet'));
    assert.equal(nf.status, 404);
    assert.equal(nf.bodyBytes.length, 0);
  });

  test('bad percent-encoding and invalid UTF-8 → 400', async () => {
    // nginx itself refuses some of these in the path; the rest reach the application.
    for (const target of ['/%zz', '/initiatieven?q=%G1', '/%c3%28', '/initiatieven?q=%c3%28',
      '/wijken/%ff']) {
      const r = await raw(head('GET', target));
      assert.equal(r.status, 400, target);
    }
    for (const target of ['/initiatieven?q=%G1', '/%c3%28', '/initiatieven?q=%ed%a0%80']) {
      const r = await raw(head('GET', target));
      assert.equal(r.status, 400, target);
      checkSecurityHeaders(r.headers, target);
      assert.ok(r.body.includes('<h1>Ongeldig verzoek</h1>'), `${target}: the Dutch 400 page`);
    }
  });

  test('unknown filter values → 400 with the Dutch reason', async () => {
    const res = await fetchPage(front.base, '/initiatieven?wijk=atlantis');
    assert.equal(res.status, 400);
    assert.ok(res.text.includes('Ongeldig verzoek'));
  });

  test('more than 200 query fields → 400', async () => {
    const q = Array.from({ length: 201 }, (_, i) => `f${i}=1`).join('&');
    const r = await raw(head('GET', `/initiatieven?${q}`));
    assert.equal(r.status, 400);
  });

  test('POST to a GET-only route → 405 with Allow', async () => {
    const r = await raw(head('POST', '/initiatieven',
      ['Content-Type: application/x-www-form-urlencoded', 'Content-Length: 7']) + 'q=markt');
    assert.equal(r.status, 405);
    assert.match(r.headers.allow ?? '', /GET/);
    checkSecurityHeaders(r.headers, '405');
  });

  test('a body over 10 MiB → 413 from the application', async () => {
    const size = 11 * MiB;
    const r = await raw(head('POST', '/initiatieven', [`Content-Length: ${size}`]),
      { extra: Buffer.alloc(size, 0x61), timeoutMs: 30_000 });
    assert.equal(r.status, 413);
    checkSecurityHeaders(r.headers, '413');
  });

  test('a body over nginx\'s own limit → 413', async () => {
    const r = await raw(head('POST', '/initiatieven', [`Content-Length: ${30 * MiB}`]));
    assert.equal(r.status, 413);
  });

  test('search terms with UTF-8 reach the application intact', async () => {
    const res = await fetchPage(front.base, '/initiatieven?q=caf%C3%A9');
    assert.equal(res.status, 200);
    assert.ok(res.text.includes('value="café"'));
    assert.ok(res.text.includes('Repair Café'));
  });

  test('thirty requests at once all succeed', async () => {
    const paths = ['/', '/initiatieven', '/initiatieven/5', '/wijken/aadorp', '/berichten/5'];
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) =>
      fetch(front.base + paths[i % paths.length]).then(async (r) => {
        await r.arrayBuffer();
        return r.status;
      })));
    assert.deepEqual(results, Array(30).fill(200));
  });

  test('still healthy afterwards', async () => {
    const res = await fetchPage(front.base, '/healthz');
    assert.equal(res.status, 200);
    assert.equal(res.text.trim(), 'ok');
    assert.ok(front.alive(), 'nginx and the FastCGI process still run');
  });
});
