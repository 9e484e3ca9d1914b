// Who may reach the staff wing, read from the route table itself (src/pages/routes.c): every
// /beheer route but login and logout carries ROUTE_STAFF or ROUTE_ADMIN, and the router refuses
// before the handler runs — anonymous GETs go to the login page, anonymous POSTs get 403, a
// wijkregisseur gets 403 on every admin route — and nothing changes. A route added to the table
// is checked here without anyone listing it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { checkSecurityHeaders } from '../lib/pages.mjs';
import { ROOT, removeDb, startServe } from '../lib/server.mjs';
import { client, login, makeDemoDbWithStaff } from '../lib/staff.mjs';
import { adminSnapshot } from '../lib/admin.mjs';

const OPEN = new Set(['/beheer/inloggen', '/beheer/uitloggen']);

/** The table's rows: [{method, pattern, handler, flags}]. */
async function routeTable() {
  const text = await fs.readFile(path.join(ROOT, 'src/pages/routes.c'), 'utf8');
  const rows = [];
  const re = /\{M_(GET|POST),\s+"([^"]+)",\s+(\w+),\s+([\w\s|]+)\}/g;
  for (let m; (m = re.exec(text));) {
    rows.push({ method: m[1], pattern: m[2], handler: m[3], flags: m[4].trim().split(/\s*\|\s*/) });
  }
  return rows;
}

/** A path that the pattern matches: each captured segment a plausible id. */
const pathOf = (pattern) => pattern.replace(/\*\*|\*/g, '1');

let db;
let demo;
let server;
let staff; // [{method, pattern, handler, flags}] under /beheer, login and logout left out

before(async () => {
  demo = await makeDemoDbWithStaff();
  db = demo.db;
  server = await startServe({ db, threads: 2 });
  staff = (await routeTable()).filter((r) => (r.pattern === '/beheer'
    || r.pattern.startsWith('/beheer/')) && !OPEN.has(r.pattern));
});

after(async () => {
  await server?.stop();
  if (db) await removeDb(db);
});

describe('the staff wing is guarded by the route table', () => {
  test('the table is read, and every /beheer route carries ROUTE_STAFF or ROUTE_ADMIN', () => {
    assert.ok(staff.length >= 40, `found ${staff.length} /beheer routes in routes.c`);
    assert.ok(staff.some((r) => r.flags.includes('ROUTE_ADMIN')), 'some admin routes');
    for (const r of staff) {
      assert.ok(r.flags.includes('ROUTE_STAFF') || r.flags.includes('ROUTE_ADMIN'),
        `${r.method} ${r.pattern} (${r.handler}) has no access flag`);
    }
  });

  test('anonymous: every GET is sent to the login page, every POST gets 403', async () => {
    const snapshot = adminSnapshot(db);
    const anon = await client(server.base);
    for (const r of staff) {
      const p = pathOf(r.pattern);
      const where = `anonymous ${r.method} ${p} (${r.handler})`;
      const res = r.method === 'GET' ? await anon.get(p) : await anon.post(p, {});
      if (r.method === 'GET') {
        assert.equal(res.status, 303, `${where}: status`);
        assert.equal(res.headers.get('location'), '/beheer/inloggen', `${where}: Location`);
      } else {
        assert.equal(res.status, 403, `${where}: status`);
        assert.match(res.text, /niet \(meer\) ingelogd/, `${where}: the reason`);
      }
      assert.equal(res.headers.get('cache-control'), 'no-store', `${where}: never cached`);
      checkSecurityHeaders(res.headers, where);
    }
    assert.equal(adminSnapshot(db), snapshot, 'nothing changed');
  });

  test('a wijkregisseur: 403 on every admin route, GET and POST', async () => {
    const regisseur = await login(server.base, demo.regisseur.username, demo.regisseur.password);
    const snapshot = adminSnapshot(db); // after the login, which writes its own audit row
    const admin = staff.filter((r) => r.flags.includes('ROUTE_ADMIN'));
    for (const r of admin) {
      const p = pathOf(r.pattern);
      const where = `wijkregisseur ${r.method} ${p} (${r.handler})`;
      const res = r.method === 'GET' ? await regisseur.get(p) : await regisseur.post(p, {});
      assert.equal(res.status, 403, `${where}: status`);
      assert.match(res.text, /alleen voor beheerders/, `${where}: the reason`);
      assert.match(res.headers.get('content-type') ?? '', /^text\/html/, `${where}: no file`);
    }
    // Still logged in: the refusals ended no session.
    const home = await regisseur.get('/beheer');
    assert.equal(home.status, 200, 'the wijkregisseur still reaches /beheer');
    assert.equal(adminSnapshot(db), snapshot, 'nothing changed');
  });
});
