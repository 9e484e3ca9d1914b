// Behind a reverse proxy: with trusted_proxies, X-Forwarded-For names the client the throttles
// count (so one resident's wrong codes block only that resident) and X-Forwarded-Proto: https
// gives __Host- Secure cookies and HSTS; from any other peer, and without the setting, these
// headers change nothing. Under `serve` and under nginx + FastCGI alike.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { removeDb, sql, startNginxFcgi, startServe } from '../lib/server.mjs';
import {
  formBody, httpRequest, issueVouchers, makeDemoDbWithCodes, randomCode,
} from '../lib/vouchers.mjs';

const TRUSTED = '[server]\ntrusted_proxies = 127.0.0.1, ::1\n';

let db;
let codes; // fresh valid vouchers, one per test that needs one
before(async () => {
  ({ db } = await makeDemoDbWithCodes());
  codes = await issueVouchers(db, 8);
});
after(async () => {
  if (db) await removeDb(db);
});

/**
 * A resident as a proxy passes them on: every request carries `headers` (X-Forwarded-*),
 * from localAddress. Keeps the CSRF cookie under whichever name the server set.
 */
async function resident(base, headers, { localAddress } = {}) {
  const first = await httpRequest(new URL('/doneren', base), { headers, localAddress });
  assert.equal(first.status, 200);
  const setCookie = first.headers.get('set-cookie') ?? '';
  const m = /^((?:__Host-)?bs_csrf)=([^;]+)/.exec(setCookie);
  assert.ok(m, `a CSRF cookie: ${setCookie}`);
  const csrf = /<input type="hidden" name="_csrf" value="([^"]*)">/.exec(first.text)[1];
  return {
    first,
    setCookie,
    cookie: `${m[1]}=${m[2]}`,
    post(p, fields, { cookie } = {}) {
      return httpRequest(new URL(p, base), { method: 'POST', localAddress,
        headers: { ...headers, cookie: cookie ?? this.cookie,
          'content-type': 'application/x-www-form-urlencoded' },
        body: formBody({ _csrf: csrf, ...fields }) });
    },
  };
}

const A = { 'x-forwarded-for': '203.0.113.10' };
const B = { 'x-forwarded-for': '203.0.113.20' };

async function tenWrongCodes(who) {
  for (let i = 0; i < 10; i++) {
    const r = await who.post('/doneren', { code: randomCode() });
    assert.equal(r.status, 404, `unknown code ${i + 1}`);
  }
  assert.equal((await who.post('/doneren', { code: randomCode() })).status, 429,
    'the eleventh try waits');
}

function defineProxyTests(name, start, { untrustedPeer }) {
  describe(name, () => {
    // Every test starts with no failed tries on record: they share one database.
    beforeEach(() => sql(db, 'DELETE FROM throttle'));

    test('with trusted_proxies: ten wrong codes from A do not throttle B', async () => {
      const srv = await start(TRUSTED);
      try {
        await tenWrongCodes(await resident(srv.base, A));
        const b = await resident(srv.base, B);
        const ok = await b.post('/doneren', { code: codes.pop().code });
        assert.equal(ok.status, 200, 'B (another resident behind the same proxy) gets in');
        // A left-most address a client wrote itself does not make it someone else.
        const spoof = await resident(srv.base, { 'x-forwarded-for': '198.51.100.1, 203.0.113.10' });
        assert.equal((await spoof.post('/doneren', { code: codes.pop().code })).status, 429,
          'A stays A whatever it puts in front');
      } finally {
        await srv.stop();
      }
    });

    test('without trusted_proxies X-Forwarded-For is ignored', async () => {
      const srv = await start('');
      try {
        await tenWrongCodes(await resident(srv.base, { 'x-forwarded-for': '203.0.113.30' }));
        const b = await resident(srv.base, { 'x-forwarded-for': '203.0.113.40' });
        assert.equal((await b.post('/doneren', { code: codes.pop().code })).status, 429,
          'the same peer is the same client, whatever the header says');
      } finally {
        await srv.stop();
      }
    });

    test('X-Forwarded-Proto: https from a trusted proxy → __Host- Secure cookie and HSTS',
      async () => {
        const srv = await start(TRUSTED);
        try {
          const s = await resident(srv.base, { 'x-forwarded-proto': 'https' });
          assert.match(s.setCookie, /^__Host-bs_csrf=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Secure$/);
          assert.equal(s.first.headers.get('strict-transport-security'), 'max-age=31536000');
          // The cookie is read back under its __Host- name only.
          const ok = await s.post('/doneren', { code: codes.pop().code });
          assert.equal(ok.status, 200, 'the __Host- cookie carries the CSRF token');
          const plain = await s.post('/doneren', { code: randomCode() },
            { cookie: s.cookie.replace('__Host-', '') });
          assert.equal(plain.status, 403, 'a cookie without the prefix is not believed over HTTPS');

          // Plain HTTP (no header): no Secure, no HSTS, and the __Host- cookie is not read.
          const h = await resident(srv.base, {});
          assert.match(h.setCookie, /^bs_csrf=/);
          assert.doesNotMatch(h.setCookie, /Secure/);
          assert.equal(h.first.headers.get('strict-transport-security'), null);
        } finally {
          await srv.stop();
        }
      });

    test('from a peer that is not trusted these headers change nothing', async () => {
      const srv = await start(TRUSTED.replace('127.0.0.1, ::1', '127.0.0.1'));
      try {
        const s = await resident(srv.base, { 'x-forwarded-proto': 'https', ...A },
          { localAddress: untrustedPeer });
        assert.match(s.setCookie, /^bs_csrf=/);
        assert.doesNotMatch(s.setCookie, /Secure/);
        assert.equal(s.first.headers.get('strict-transport-security'), null);
      } finally {
        await srv.stop();
      }
    });
  });
}

defineProxyTests('serve behind a proxy',
  (ini) => startServe({ db, threads: 2, ini }), { untrustedPeer: '127.0.0.2' });
// Under FastCGI the peer is nginx's REMOTE_ADDR: the test client, here the "proxy".
defineProxyTests('fcgi behind nginx behind a proxy',
  (ini) => startNginxFcgi({ db, ini }), { untrustedPeer: '127.0.0.2' });

test('a trusted_proxies entry that is not an address stops serve with a reason', async () => {
  await assert.rejects(startServe({ db, ini: '[server]\ntrusted_proxies = proxy.example\n' }),
    /trusted_proxies: 'proxy\.example' is not an address or CIDR/);
});
