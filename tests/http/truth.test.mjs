// What the public pages say must be true: no card shows a value of another card (the template
// engine never resolves a missing key from another item); partner money is told apart from the
// vouchers wherever money is shown; area figures say what they count. On the demo data.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fetchPage, mainOf, textOf } from '../lib/pages.mjs';
import { removeDb, sql, startServe } from '../lib/server.mjs';
import { login, makeDemoDbWithStaff } from '../lib/staff.mjs';

let server;
let db;
let demo;

before(async () => {
  demo = await makeDemoDbWithStaff();
  db = demo.db;
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

describe('partner money', () => {
  test('is shown apart from the vouchers on the initiative, the list, the area and the home page', async () => {
    const row = sql(db, `SELECT i.id || '|' || a.slug FROM initiatives i JOIN areas a
      ON a.id = i.area_id WHERE i.state = 'open' AND a.parent_id IS NULL
      AND i.target_cents - i.raised_cents > 5000 ORDER BY i.id LIMIT 1`).trim();
    const [id, slug] = row.split('|');
    const admin = await login(server.base, demo.beheerder.username, demo.beheerder.password);
    const homeBefore = textOf(mainOf((await fetchPage(server.base, '/')).text));
    const res = await admin.post('/beheer/geld/bijdrage',
      { initiatief: id, bedrag: '25,00', partner: 'Woningcorporatie Beter Wonen' });
    assert.equal(res.status, 303);
    const page = textOf(mainOf((await fetchPage(server.base, `/initiatieven/${id}`)).text));
    assert.match(page, /uit vouchers, €\s?25 van partners/);
    const area = textOf(mainOf((await fetchPage(server.base, `/wijken/${slug}`)).text));
    assert.match(area, /€\s?25 uit vouchers|van partners/);
    assert.match(area, /Waarvan van partners €\s?25\b/);
    assert.match(area, /Alle rondes samen/);
    const home = textOf(mainOf((await fetchPage(server.base, '/')).text));
    assert.match(home, /Waarvan uit vouchers/);
    const partnerOf = (t) => /Waarvan van partners €\s?([\d.]+)/.exec(t)?.[1];
    assert.equal(partnerOf(homeBefore), '0');
    assert.equal(partnerOf(home), '25');
  });
});

describe('deadlines', () => {
  test('no open initiative of the demo data has a deadline after the current round', () => {
    const beyond = sql(db, `SELECT count(*) FROM initiatives i WHERE i.state = 'open'
      AND i.deadline > (SELECT max(closes_at) FROM rounds)`).trim();
    assert.equal(beyond, '0');
  });
});

describe('bylines', () => {
  test('staff posts show a public role line, never the login name', async () => {
    const staff = await login(server.base, demo.regisseur.username, demo.regisseur.password);
    const area = sql(db, "SELECT id FROM areas WHERE slug = 'de-riet'").trim();
    const title = `Byline ${Date.now()}`;
    const res = await staff.post('/beheer/berichten/nieuw',
      { gebied: area, titel: title, tekst: 'Tekst van de wijkregisseur.', publiceren: 'ja' });
    assert.equal(res.status, 303);
    const id = sql(db, `SELECT id FROM news WHERE title = '${title}'`).trim();
    const page = await fetchPage(server.base, `/berichten/${id}`);
    assert.equal(page.status, 200);
    const meta = textOf(/<p class="news-meta">([\s\S]*?)<\/p>/.exec(page.text)[1]);
    assert.match(meta, /[Ww]ijkregisseur .*De Riet/, meta);
    assert.doesNotMatch(meta, new RegExp(`· ${demo.regisseur.username}$`), meta);
    const stored = sql(db, `SELECT author_name FROM news WHERE id = ${id}`).trim();
    assert.notEqual(stored, demo.regisseur.username);

    const open = sql(db, `SELECT i.id FROM initiatives i JOIN areas a ON a.id = i.area_id
      WHERE i.state = 'open' AND a.slug = 'de-riet' ORDER BY i.id LIMIT 1`).trim();
    const up = await staff.post(`/beheer/initiatieven/${open}/update`, { tekst: 'Van de gemeente.' });
    assert.equal(up.status, 303);
    const author = sql(db, `SELECT author_name FROM initiative_updates
      WHERE initiative_id = ${open} ORDER BY id DESC LIMIT 1`).trim();
    assert.notEqual(author, demo.regisseur.username);
    assert.match(author, /^Wijkregisseur .*De Riet/);
  });
});

describe('copy', () => {
  const paths = ['/', '/berichten', '/initiatieven', '/wijken/kerkelanden', '/wijken/aadorp',
    ...Array.from({ length: 11 }, (_, i) => `/berichten/${i + 1}`),
    ...Array.from({ length: 25 }, (_, i) => `/initiatieven/${i + 1}`)];
  test('residents are addressed as "u" everywhere, also in the demo data', async () => {
    for (const path of paths) {
      const res = await fetchPage(server.base, path);
      if (res.status !== 200) continue;
      const text = textOf(mainOf(res.text));
      const m = /[^.]{0,40}\b(je|jij|jou|jouw|jullie)\b[^.]{0,20}/i.exec(text);
      assert.ok(!m, `${path}: "${m?.[0]}"`);
    }
  });
  test('no "…." endings', async () => {
    for (const path of paths.slice(0, 3)) {
      const res = await fetchPage(server.base, path);
      assert.doesNotMatch(res.text, /…\.|\.…/, path);
    }
  });
  test('success notices are green; the current nav item is not styled like focus', async () => {
    const css = (await fetchPage(server.base, '/static/site.css')).text;
    assert.match(css, /\.notice\[role="status"\]:not\(\.notice-warning\)\s*\{[^}]*var\(--green\)/);
    for (const m of css.matchAll(/([^{}]*aria-current[^{}]*)\{([^}]*)\}/g))
      assert.doesNotMatch(m[2], /--focus/, `${m[1].trim()} uses the focus colour`);
  });
});
