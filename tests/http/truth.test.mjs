// What the public pages say must be true: no card shows a value of another card (the template
// engine never resolves a missing key from another item), on the demo data.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fetchPage, mainOf } from '../lib/pages.mjs';
import { makeDemoDb, removeDb, startServe } from '../lib/server.mjs';

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

/** [{state, body}] for every card in the page. */
function cardBodies(html) {
  return [...html.matchAll(/<li class="card state-([a-z_]+)">([\s\S]*?)<\/li>/g)]
    .map((m) => ({ state: m[1], body: m[2] }));
}

describe('cards', () => {
  const paths = ['/', '/initiatieven', '/initiatieven?pagina=2', '/initiatieven?pagina=3',
    '/wijken/de-riet', '/wijken/kerkelanden', '/wijken/binnenstad', '/wijken/gemeentebreed',
    '/initiatieven?status=gefinancierd', '/initiatieven?sort=bijna'];
  for (const path of paths) {
    test(`no card of an initiative that is not open shows days left on ${path}`, async () => {
      const res = await fetchPage(server.base, path);
      assert.equal(res.status, 200);
      const all = cardBodies(mainOf(res.text));
      for (const c of all.filter((x) => x.state !== 'open'))
        assert.doesNotMatch(c.body, /Nog \d|Sluit vandaag/, `${path}: ${c.body.slice(0, 300)}`);
    });
  }
  test('the pages that showed it have a mix of open and other cards', async () => {
    const html = mainOf((await fetchPage(server.base, '/wijken/de-riet')).text);
    const states = new Set(cardBodies(html).map((c) => c.state));
    assert.ok(states.has('open') && states.size > 1, [...states].join(','));
  });
});
