// Bad and unusual requests against the built-in HTTP server: every answer is a 4xx with a Dutch
// page and the security headers, never a 5xx, a hang or a crash; the server stays healthy.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { checkHtmlPage, checkSecurityHeaders, fetchPage } from '../lib/pages.mjs';
import { makeDemoDb, rawRequest, removeDb, startServe } from '../lib/server.mjs';

const MiB = 1024 * 1024;
const LIMIT = 10 * MiB;

let server;
let db;

before(async () => {
  db = await makeDemoDb();
  server = await startServe({ db, threads: 2 });
});

after(async () => {
  await server?.stop();
  if (db) await removeDb(db);
});

/** A request head with Host and Connection: close; `lines` are extra header lines. */
function head(method, target, lines = []) {
  return [`${method} ${target} HTTP/1.1`, 'Host: 127.0.0.1', ...lines, 'Connection: close', '', '']
    .join('\r\n');
}

const raw = (text, opts) => rawRequest(server.port, text, opts);

/** The Dutch explanation on an error page (the lead paragraph). */
function reason(body) {
  return /<p class="lead">([^<]*)<\/p>/.exec(body)?.[1] ?? '';
}

// rawRequest's headers are a plain object; give it the Headers interface checkHtmlPage expects.
function asFetchResponse(r) {
  return { status: r.status, text: r.body, headers: new Headers(r.headers) };
}

async function assertHealthy() {
  const res = await fetch(`${server.base}/healthz`, { signal: AbortSignal.timeout(3000) });
  assert.equal(res.status, 200);
  assert.equal((await res.text()).trim(), 'ok');
  assert.ok(server.alive(), 'the server process is still running');
}

describe('not found', () => {
  for (const path of ['/bestaat-niet', '/initiatieven/5/extra', '/wijken/', '/beheer/x',
    '/static/nope.css', '//', '/initiatieven//5']) {
    test(`GET ${path} → 404 HTML page`, async () => {
      const r = await raw(head('GET', path));
      assert.equal(r.status, 404);
      checkSecurityHeaders(r.headers, path);
      checkHtmlPage(asFetchResponse(r), path);
      assert.ok(r.body.includes('<h1>Pagina niet gevonden</h1>'));
    });
  }
});

describe('method not allowed', () => {
  for (const [method, path] of [['POST', '/'], ['POST', '/initiatieven'], ['PUT', '/'],
    ['DELETE', '/initiatieven/5'], ['PATCH', '/wijken'], ['POST', '/static/site.css'],
    ['POST', '/healthz'], ['OPTIONS', '/berichten'], ['BREW', '/']]) {
    test(`${method} ${path} → 405 with Allow`, async () => {
      const r = await raw(head(method, path, ['Content-Length: 3', 'Content-Type: text/plain']) +
        'a=b');
      assert.equal(r.status, 405);
      const allow = (r.headers.allow ?? '').split(/\s*,\s*/);
      assert.ok(allow.includes('GET'), `Allow lists GET: ${r.headers.allow}`);
      assert.ok(allow.includes('HEAD'), `Allow lists HEAD: ${r.headers.allow}`);
      assert.ok(!allow.includes(method), `Allow does not list ${method}`);
      checkSecurityHeaders(r.headers, `${method} ${path}`);
      checkHtmlPage(asFetchResponse(r), `${method} ${path}`);
      assert.ok(reason(r.body).length > 10, 'explains in Dutch');
    });
  }

  test('POST to an unknown path is 404, not 405', async () => {
    const r = await raw(head('POST', '/bestaat-niet', ['Content-Length: 3']) + 'a=b');
    assert.equal(r.status, 404);
  });
});

describe('request body size', () => {
  test(`announcing ${LIMIT + 1} bytes is 413 before any body is sent`, async () => {
    const r = await raw(head('POST', '/initiatieven', [`Content-Length: ${LIMIT + 1}`,
      'Content-Type: application/x-www-form-urlencoded']));
    assert.equal(r.status, 413);
    checkSecurityHeaders(r.headers, '413');
    checkHtmlPage(asFetchResponse(r), '413');
    assert.match(reason(r.body), /te groot/i);
  });

  test('an oversized body is refused even to a GET-only route, and while it streams', async () => {
    for (const method of ['POST', 'GET', 'PUT']) {
      const r = await raw(head(method, '/', [`Content-Length: ${11 * MiB}`]),
        { extra: Buffer.alloc(MiB, 0x61) });
      assert.equal(r.status, 413, `${method} with an 11 MiB body`);
      checkSecurityHeaders(r.headers, `${method} 413`);
    }
  });

  test('a body of exactly the limit is read, then the route decides (405)', async () => {
    const r = await raw(head('POST', '/initiatieven', [`Content-Length: ${LIMIT}`]),
      { extra: Buffer.alloc(LIMIT, 0x61), timeoutMs: 20_000 });
    assert.equal(r.status, 405);
  });

  test('an absurd or negative Content-Length is a 4xx', async () => {
    for (const len of ['99999999999999999999', '-1', 'abc']) {
      const r = await raw(head('POST', '/initiatieven', [`Content-Length: ${len}`]));
      assert.ok(r.status >= 400 && r.status < 500, `Content-Length: ${len} → ${r.status}`);
    }
    await assertHealthy();
  });
});

describe('bad encoding', () => {
  const cases = [
    ['/%zz', '%-codering'],
    ['/%', '%-codering'],
    ['/initiatieven?q=%G1', '%-codering'],
    ['/initiatieven?q=%4', '%-codering'],
    ['/initiatieven?%zz=1', '%-codering'],
    ['/%c3%28', 'UTF-8'],
    ['/wijken/%c3%28', 'UTF-8'],
    ['/initiatieven?q=%c3', 'UTF-8'],
    ['/initiatieven?q=%ff', 'UTF-8'],
    ['/%c0%af', 'UTF-8'], // overlong "/"
    ['/initiatieven?q=%ed%a0%80', 'UTF-8'], // UTF-16 surrogate
    ['/initiatieven?q=%f4%90%80%80', 'UTF-8'], // beyond U+10FFFF
  ];
  for (const [target, word] of cases) {
    test(`GET ${target} → 400`, async () => {
      const r = await raw(head('GET', target));
      assert.equal(r.status, 400);
      checkSecurityHeaders(r.headers, target);
      checkHtmlPage(asFetchResponse(r), target);
      assert.ok(r.body.includes('<h1>Ongeldig verzoek</h1>'));
      assert.ok(reason(r.body).includes(word), `reason "${reason(r.body)}" mentions ${word}`);
    });
  }

  test('raw invalid UTF-8 bytes in the query are a 400', async () => {
    const r = await raw(Buffer.concat([Buffer.from('GET /initiatieven?q='),
      Buffer.from([0xff, 0xfe]), Buffer.from(' HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')]));
    assert.equal(r.status, 400);
  });

  test('valid UTF-8 in a search is fine', async () => {
    const r = await fetchPage(server.base, '/initiatieven?q=caf%C3%A9');
    assert.equal(r.status, 200);
    assert.ok(r.text.includes('value="café"'), 'the search term is shown back');
    assert.ok(r.text.includes('Repair Café'), 'and finds the Repair Café');
  });

  test('a NUL byte in a value is refused', async () => {
    const r = await raw(head('GET', '/initiatieven?q=a%00b'));
    assert.equal(r.status, 400);
  });
});

describe('limits on the request head', () => {
  test('an oversized header is a 4xx, not a crash', async () => {
    for (const size of [64 * 1024, 1024 * 1024]) {
      const r = await raw(head('GET', '/', [`X-Big: ${'a'.repeat(size)}`]));
      assert.ok(r.status >= 400 && r.status < 500, `${size}-byte header → ${r.status}`);
    }
    await assertHealthy();
  });

  test('hundreds of header lines are a 4xx or served, never a 5xx', async () => {
    const lines = Array.from({ length: 2000 }, (_, i) => `X-H${i}: ${i}`);
    const r = await raw(head('GET', '/', lines));
    assert.ok(r.status < 500, `status ${r.status}`);
    await assertHealthy();
  });

  test('a very long URL is a 4xx', async () => {
    const r = await raw(head('GET', `/initiatieven?q=${'a'.repeat(200_000)}`));
    assert.ok(r.status >= 400 && r.status < 500, `status ${r.status}`);
    await assertHealthy();
  });

  test('a search term longer than the field allows is a 400', async () => {
    const r = await fetchPage(server.base, `/initiatieven?q=${'a'.repeat(500)}`);
    assert.equal(r.status, 400);
  });

  test('more than 200 query fields → 400', async () => {
    const q = Array.from({ length: 201 }, (_, i) => `f${i}=1`).join('&');
    const r = await raw(head('GET', `/initiatieven?${q}`));
    assert.equal(r.status, 400);
    checkSecurityHeaders(r.headers, 'too many fields');
    assert.match(reason(r.body), /te veel velden/);
  });

  test('the same field repeated 201 times → 400', async () => {
    const q = Array.from({ length: 201 }, () => 'q=a').join('&');
    const r = await raw(head('GET', `/initiatieven?${q}`));
    assert.equal(r.status, 400);
  });

  test('200 unknown query fields are ignored', async () => {
    const q = Array.from({ length: 200 }, (_, i) => `f${i}=1`).join('&');
    const r = await raw(head('GET', `/initiatieven?${q}`));
    assert.equal(r.status, 200);
  });

  test('a malformed request gets no 2xx and does not hurt the server', async () => {
    for (const [text, expected] of [['GET / HTTP/1.1\r\nNo colon here\r\n\r\n', 400],
      ['GET / HTTP/9.9\r\n\r\n', 505]]) {
      const r = await raw(text);
      assert.equal(r.status, expected, JSON.stringify(text));
    }
    // Garbage may be answered, dropped, or left to the connection timeout; never a 2xx.
    for (const text of ['GARBAGE\r\n\r\n', 'GET\r\n\r\n', '\x00\x01\x02\x03\r\n\r\n']) {
      try {
        const r = await raw(text, { timeoutMs: 1000 });
        assert.ok(r.status >= 400, `${JSON.stringify(text)} → ${r.status}`);
      } catch (err) {
        assert.match(err.message, /no complete HTTP response|timed out/, JSON.stringify(text));
      }
    }
    await assertHealthy();
  });
});

describe('security headers, HEAD and caching', () => {
  test('every kind of response carries the security headers', async () => {
    const targets = ['/', '/initiatieven', '/initiatieven/5', '/wijken/de-riet', '/berichten/1',
      '/toegankelijkheid', '/healthz', '/static/site.css', '/static/logo.svg', '/bestaat-niet',
      '/initiatieven?wijk=atlantis', '/%zz'];
    for (const t of targets) {
      const r = await raw(head('GET', t));
      assert.ok([200, 400, 404].includes(r.status), `${t}: ${r.status}`);
      checkSecurityHeaders(r.headers, t);
    }
  });

  test('HTML pages are revalidated, not served from a cache', async () => {
    const r = await raw(head('GET', '/initiatieven'));
    assert.match(r.headers['cache-control'] ?? '', /no-cache|no-store|private|max-age=0/);
  });

  test('HEAD / gives the headers of GET / without a body', async () => {
    const get = await raw(head('GET', '/'));
    const h = await raw(head('HEAD', '/'));
    assert.equal(h.status, 200);
    assert.equal(h.bodyBytes.length, 0, 'no body');
    assert.equal(h.headers['content-type'], get.headers['content-type']);
    assert.equal(Number(h.headers['content-length']), get.bodyBytes.length,
      'Content-Length is that of the GET body');
    checkSecurityHeaders(h.headers, 'HEAD /');
  });

  test('HEAD on a 404 and on a static file', async () => {
    const nf = await raw(head('HEAD', '/bestaat-niet'));
    assert.equal(nf.status, 404);
    assert.equal(nf.bodyBytes.length, 0);
    const css = await raw(head('HEAD', '/static/site.css'));
    assert.equal(css.status, 200);
    assert.equal(css.bodyBytes.length, 0);
    assert.ok(css.headers.etag, 'ETag on HEAD');
    assert.ok(Number(css.headers['content-length']) > 1000);
  });

  test('static file: 304 on If-None-Match, 200 on another ETag', async () => {
    const first = await raw(head('GET', '/static/site.css'));
    assert.equal(first.status, 200);
    const etag = first.headers.etag;
    assert.match(etag, /^(W\/)?"[^"]+"$/);
    assert.match(first.headers['cache-control'] ?? '', /max-age=\d+/);

    const again = await raw(head('GET', '/static/site.css', [`If-None-Match: ${etag}`]));
    assert.equal(again.status, 304);
    assert.equal(again.bodyBytes.length, 0);
    assert.equal(again.headers.etag, etag);
    checkSecurityHeaders(again.headers, '304');

    const list = await raw(head('GET', '/static/site.css', [`If-None-Match: "x", ${etag}`]));
    assert.equal(list.status, 304, 'a matching ETag in a list');

    const other = await raw(head('GET', '/static/site.css', ['If-None-Match: "not-it"']));
    assert.equal(other.status, 200);
    assert.equal(other.bodyBytes.length, first.bodyBytes.length);

    const logo = await raw(head('GET', '/static/logo.svg', [`If-None-Match: ${etag}`]));
    assert.equal(logo.status, 200, "another file's ETag does not match");
  });

  test('static files are served with nosniff and their own type', async () => {
    const r = await raw(head('GET', '/static/site.css'));
    assert.equal(r.headers['content-type'], 'text/css; charset=utf-8');
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
  });
});

describe('robustness', () => {
  test('stalled clients do not block others', async () => {
    const sockets = [];
    try {
      for (let i = 0; i < 8; i++) {
        const s = net.connect({ host: '127.0.0.1', port: server.port });
        s.on('error', () => {});
        s.write('GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ');
        sockets.push(s);
      }
      await new Promise((r) => setTimeout(r, 200));
      const t0 = Date.now();
      await assertHealthy();
      assert.ok(Date.now() - t0 < 2000, 'answered promptly');
    } finally {
      for (const s of sockets) s.destroy();
    }
  });

  test('fifty requests at once all succeed', async () => {
    const paths = ['/', '/initiatieven', '/initiatieven/5', '/wijken', '/berichten'];
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) =>
      fetch(server.base + paths[i % paths.length]).then(async (r) => {
        await r.arrayBuffer();
        return r.status;
      })));
    assert.deepEqual(results, Array(50).fill(200));
  });

  test('a client that hangs up mid-request does no harm', async () => {
    for (let i = 0; i < 20; i++) {
      const s = net.connect({ host: '127.0.0.1', port: server.port });
      s.on('error', () => {});
      await new Promise((r) => s.on('connect', r));
      s.write(i % 2 ? 'GET /initiatieven HTTP/1.1\r\nHost: x\r\n' :
        `POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n${'a'.repeat(10)}`);
      s.destroy();
    }
    await assertHealthy();
  });

  test('after all the bad requests the server is healthy and serves pages', async () => {
    await assertHealthy();
    const r = await fetchPage(server.base, '/initiatieven/5');
    assert.equal(r.status, 200);
    // Request log lines: "TIME METHOD PATH STATUS DURATIONms".
    const logged = server.output().split('\n').filter((l) => /^\S+ [A-Z]+ \S+ \d{3} /.test(l));
    assert.ok(logged.length > 100, 'requests are logged');
    const failed = logged.filter((l) => /^\S+ [A-Z]+ \S+ 5\d\d /.test(l));
    assert.deepEqual(failed, [], 'no request was answered with a 5xx');
  });
});
