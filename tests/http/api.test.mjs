// The open-data API (/api/v1) through the built-in HTTP server, on the demo data: shapes,
// filters, refusals, privacy, and totals checked against SQL of our own over the ledger.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BY_STATE, HIDDEN_IDS, PUBLIC_IDS } from '../lib/pages.mjs';
import { makeDemoDb, rawRequest, removeDb, sql, sqlString, startServe } from '../lib/server.mjs';

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

const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const DATE = /^\d{4}-\d\d-\d\d$/;
const CARD_KEYS = ['aantal_vouchers', 'einddatum', 'gebied', 'geplande_datum', 'gepubliceerd_op',
  'id', 'opgehaald_centen', 'samenvatting', 'status', 'streefbedrag_centen', 'thema', 'titel',
  'url'];
const DETAIL_KEYS = [...CARD_KEYS, 'begrotingsposten', 'beschrijving', 'initiatiefnemer',
  'updates', 'verslag'].sort();
const AREA_KEYS = ['beschrijving', 'buurten', 'naam', 'open_initiatieven', 'slug', 'soort', 'url',
  'wijkaccommodatie', 'wijkregisseur'];
const ROUND_KEYS = ['id', 'naam', 'opent_op', 'sluit_op', 'vouchers_gedoneerd',
  'vouchers_uitgegeven', 'voucherwaarde_centen'];
const TOTAL_ROUND_KEYS = ['aantal_gefinancierd', 'deelname_promille', 'gedoneerd_centen', 'id',
  'naam', 'opent_op', 'sluit_op', 'vouchers_gebruikt', 'vouchers_uitgegeven'];
const ALL_TIME_KEYS = ['aantal_gefinancierd', 'aantal_open', 'opgehaald_centen',
  'vouchers_gebruikt'];

const keysOf = (obj) => Object.keys(obj).sort();
const sorted = (xs) => [...xs].sort((a, b) => a - b);

/** Rows of a SELECT as objects: `columns` is the json_object() argument list. */
function rows(columns, from) {
  const out = sql(db, `SELECT coalesce(json_group_array(json_object(${columns})), '[]')
    FROM (SELECT * ${from})`).trim();
  return JSON.parse(out);
}

/** One integer from SQL. */
function number(statement) {
  return Number(sql(db, statement).trim());
}

/** A database timestamp as the API writes it. */
const iso = (column) => `strftime('%Y-%m-%dT%H:%M:%SZ', ${column})`;

/**
 * GET (or another method) of an API path; every answer must be JSON in UTF-8 that any origin
 * may read (a refusal as problem details, RFC 9457), with the API's version. Resolves with
 * {status, headers, body, text}.
 */
async function api(path, init = {}) {
  const res = await fetch(new URL(path, server.base), { redirect: 'manual', ...init });
  const text = await res.text();
  assert.equal(res.headers.get('content-type'), res.status === 200
    ? 'application/json; charset=utf-8' : 'application/problem+json', `${path}: content type`);
  assert.equal(res.headers.get('access-control-allow-origin'), '*', `${path}: CORS header`);
  assert.equal(res.headers.get('api-version'), '1.0.0', `${path}: API-Version header`);
  let body;
  assert.doesNotThrow(() => { body = JSON.parse(text); }, `${path}: body is JSON`);
  return { status: res.status, headers: res.headers, body, text };
}

async function ok(path) {
  const r = await api(path);
  assert.equal(r.status, 200, `${path}: ${r.text}`);
  assert.equal(r.headers.get('cache-control'), 'public, max-age=60', `${path}: cache header`);
  return r.body;
}

/** A refusal: the given status as problem details with a Dutch title and detail. */
async function refused(path, status, init) {
  const r = await api(path, init);
  assert.equal(r.status, status, `${path}: ${r.text}`);
  assert.deepEqual(keysOf(r.body), ['detail', 'instance', 'status', 'title', 'type'],
    `${path}: problem details`);
  assert.equal(r.body.status, status);
  assert.equal(r.body.type, 'about:blank');
  assert.equal(r.body.instance, new URL(path, server.base).pathname.replace(/%C3%A9/, 'é'));
  assert.ok(r.body.title.length > 3, `${path}: a title`);
  assert.ok(r.body.detail.length > 10, `${path}: a message`);
  assert.doesNotMatch(r.text, /<html|<!doctype/i);
  return r;
}

const basisUrl = () => sql(db, "SELECT value FROM settings WHERE key = 'basis_url'").trim()
  .replace(/\/+$/, '');

/** The public initiatives with what the list shows, straight from the tables. */
function publicInitiatives(where = '1') {
  return rows(`'id', id, 'titel', title, 'samenvatting', summary, 'status', state,
    'thema', theme, 'streefbedrag_centen', target_cents, 'opgehaald_centen', raised_cents,
    'aantal_vouchers', voucher_count, 'einddatum', ${iso('deadline')},
    'geplande_datum', planned_date, 'gepubliceerd_op', ${iso('published_at')},
    'area_slug', area_slug, 'area_name', area_name`,
  `, a.slug AS area_slug, a.name AS area_name FROM initiatives i LEFT JOIN areas a
    ON a.id = i.area_id WHERE i.published_at IS NOT NULL
    AND i.state NOT IN ('ingediend', 'wijziging_gevraagd', 'afgewezen') AND (${where})
    ORDER BY i.id`);
}

function assertCard(item, expected, keys = CARD_KEYS) {
  assert.deepEqual(keysOf(item), keys, `initiative ${item.id}: fields`);
  for (const key of ['id', 'titel', 'samenvatting', 'status', 'thema', 'streefbedrag_centen',
    'opgehaald_centen', 'aantal_vouchers', 'einddatum', 'geplande_datum', 'gepubliceerd_op']) {
    assert.deepEqual(item[key], expected[key], `initiative ${item.id}: ${key}`);
  }
  assert.deepEqual(item.gebied,
    expected.area_slug ? { slug: expected.area_slug, naam: expected.area_name } : null,
    `initiative ${item.id}: gebied`);
  assert.match(item.gepubliceerd_op, ISO_UTC);
  if (item.einddatum !== null) assert.match(item.einddatum, ISO_UTC);
  if (item.geplande_datum !== null) assert.match(item.geplande_datum, DATE);
  assert.ok(item.url.startsWith(`${basisUrl()}/initiatieven/${item.id}`), item.url);
  assert.match(item.url, /^https?:\/\/[^/]+\/initiatieven\/\d+(-[a-z0-9-]+)?$/);
}

async function listIds(query) {
  const body = await ok(`/api/v1/initiatieven?per_pagina=100&${query}`);
  assert.equal(body.totaal, body.resultaten.length, `${query}: everything on one page`);
  return body.resultaten.map((i) => i.id);
}

describe('GET /api/v1/initiatieven', () => {
  test('lists every public initiative, and only those, with the documented fields', async () => {
    const body = await ok('/api/v1/initiatieven');
    assert.deepEqual(keysOf(body), ['_links', 'pagina', 'per_pagina', 'resultaten', 'totaal']);
    assert.equal(body.totaal, PUBLIC_IDS.length);
    assert.equal(body.pagina, 1);
    assert.equal(body.per_pagina, 50);
    assert.deepEqual(sorted(body.resultaten.map((i) => i.id)), PUBLIC_IDS);
    const expected = new Map(publicInitiatives().map((r) => [r.id, r]));
    for (const item of body.resultaten) assertCard(item, expected.get(item.id));
    for (const id of HIDDEN_IDS) assert.ok(!body.resultaten.some((i) => i.id === id), `${id} hidden`);
  });

  test('the url of an initiative opens its page on the site', async () => {
    const { resultaten: items } = await ok('/api/v1/initiatieven?per_pagina=1');
    const path = new URL(items[0].url).pathname;
    const res = await fetch(new URL(path, server.base));
    assert.equal(res.status, 200);
    assert.match(await res.text(), new RegExp(items[0].titel.slice(0, 20)
      .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  });

  test('status filters on each public state', async () => {
    for (const [state, ids] of Object.entries(BY_STATE)) {
      assert.deepEqual(sorted(await listIds(`status=${state}`)), ids, state);
    }
  });

  test('wijk filters on a wijk with its buurten, on one buurt, and on city-wide ones', async () => {
    const riet = publicInitiatives(`i.area_id IN (SELECT id FROM areas WHERE slug = 'de-riet'
      OR parent_id = (SELECT id FROM areas WHERE slug = 'de-riet'))`).map((r) => r.id);
    assert.ok(riet.length > 0, 'demo data has initiatives in De Riet');
    assert.deepEqual(sorted(await listIds('wijk=de-riet')), riet);

    const buurt = sql(db, `SELECT a.slug FROM initiatives i JOIN areas a ON a.id = i.area_id
      WHERE a.kind = 'buurt' AND i.published_at IS NOT NULL LIMIT 1`).trim();
    if (buurt) {
      const inBuurt = publicInitiatives(`a.slug = ${sqlString(buurt)}`).map((r) => r.id);
      assert.deepEqual(sorted(await listIds(`wijk=${buurt}`)), inBuurt);
    }

    const citywide = publicInitiatives('i.area_id IS NULL').map((r) => r.id);
    assert.ok(citywide.length > 0, 'demo data has city-wide initiatives');
    const body = await ok('/api/v1/initiatieven?per_pagina=100&wijk=gemeentebreed');
    assert.deepEqual(sorted(body.resultaten.map((i) => i.id)), citywide);
    for (const item of body.resultaten) assert.equal(item.gebied, null);
  });

  test('q searches the text, combined with the other filters', async () => {
    const word = 'voetbal';
    const matches = rows("'id', rid",
      `, rowid AS rid FROM initiatives_fts WHERE initiatives_fts MATCH '"${word}"*'`)
      .map((r) => r.id)
      .filter((id) => PUBLIC_IDS.includes(id));
    assert.ok(matches.length > 0, 'demo data mentions football');
    assert.deepEqual(sorted(await listIds(`q=${word}`)), sorted(matches));
    const open = matches.filter((id) => BY_STATE.open.includes(id));
    assert.deepEqual(sorted(await listIds(`q=${word}&status=open`)), sorted(open));
    assert.deepEqual(await listIds('q=zzzzqqqxxx'), []);
  });

  test('sort: nieuw by publication, bijna open ones closest to target, populair by vouchers',
    async () => {
      const newest = (await ok('/api/v1/initiatieven?per_pagina=100')).resultaten;
      const explicit = (await ok('/api/v1/initiatieven?per_pagina=100&sort=nieuw')).resultaten;
      assert.deepEqual(explicit.map((i) => i.id), newest.map((i) => i.id));
      for (let k = 1; k < newest.length; k++) {
        assert.ok(newest[k - 1].gepubliceerd_op >= newest[k].gepubliceerd_op, 'newest first');
      }

      const closest = (await ok('/api/v1/initiatieven?per_pagina=100&sort=bijna')).resultaten;
      const firstOther = closest.findIndex((i) => i.status !== 'open');
      assert.ok(firstOther > 0);
      assert.ok(closest.slice(firstOther).every((i) => i.status !== 'open'), 'open ones first');
      const ratio = (i) => Math.floor((i.opgehaald_centen * 10000) / i.streefbedrag_centen);
      for (let k = 1; k < firstOther; k++) {
        assert.ok(ratio(closest[k - 1]) >= ratio(closest[k]), 'closest to target first');
      }

      const popular = (await ok('/api/v1/initiatieven?per_pagina=100&sort=populair')).resultaten;
      for (let k = 1; k < popular.length; k++) {
        assert.ok(popular[k - 1].aantal_vouchers >= popular[k].aantal_vouchers, 'most vouchers first');
      }
    });

  test('pagina and per_pagina page through the whole list without gaps or repeats', async () => {
    const all = (await ok('/api/v1/initiatieven?per_pagina=100')).resultaten.map((i) => i.id);
    const seen = [];
    for (let page = 1; page <= Math.ceil(all.length / 5); page++) {
      const body = await ok(`/api/v1/initiatieven?per_pagina=5&pagina=${page}`);
      assert.equal(body.pagina, page);
      assert.equal(body.per_pagina, 5);
      assert.equal(body.totaal, all.length);
      seen.push(...body.resultaten.map((i) => i.id));
    }
    assert.deepEqual(seen, all);
    const beyond = await ok('/api/v1/initiatieven?per_pagina=5&pagina=999');
    assert.deepEqual(beyond.resultaten, []);
    assert.equal(beyond.totaal, all.length);
    // An empty value counts as absent, as on the HTML list.
    const empty = await ok('/api/v1/initiatieven?wijk=&status=&q=&sort=&pagina=&per_pagina=');
    assert.equal(empty.totaal, PUBLIC_IDS.length);
  });

  test('unknown or out-of-range values are refused with 400 and a JSON message', async () => {
    for (const query of ['wijk=atlantis', 'wijk=DE-RIET', 'status=ingediend',
      'status=wijziging_gevraagd', 'status=afgewezen', 'status=gesloten', 'sort=oud',
      'sort=NIEUW', 'pagina=0', 'pagina=-1', 'pagina=1001', 'pagina=abc', 'pagina=1.5',
      'pagina=99999999999999999999', 'per_pagina=0', 'per_pagina=101', 'per_pagina=x',
      `q=${'a'.repeat(101)}`, 'q=%ZZ', 'q=%FF']) {
      await refused(`/api/v1/initiatieven?${query}`, 400);
    }
    // 100 characters (not bytes) is still fine.
    await ok(`/api/v1/initiatieven?q=${encodeURIComponent('é'.repeat(100))}`);
  });
});

describe('GET /api/v1/initiatieven/ID', () => {
  test('every public initiative in full: text, budget lines, updates, initiator name', async () => {
    const expected = new Map(publicInitiatives().map((r) => [r.id, r]));
    for (const id of PUBLIC_IDS) {
      const item = await ok(`/api/v1/initiatieven/${id}`);
      assertCard(item, expected.get(id), DETAIL_KEYS);
      const [own] = rows("'description', description, 'initiator_name', initiator_name, " +
        "'state_reason', state_reason", `FROM initiatives WHERE id = ${id}`);
      assert.equal(item.beschrijving, own.description);
      assert.equal(item.initiatiefnemer, own.initiator_name);
      assert.equal(item.verslag,
        item.status === 'uitgevoerd' && own.state_reason ? own.state_reason : null);
      assert.deepEqual(item.begrotingsposten, rows(
        "'omschrijving', item, 'bedrag_centen', amount_cents",
        `FROM budget_lines WHERE initiative_id = ${id} ORDER BY position`));
      assert.deepEqual(item.updates, rows(`'auteur_rol', author_role,
        'auteur', author_name, 'tekst', body, 'geplaatst_op', ${iso('created_at')}`,
      `FROM initiative_updates WHERE initiative_id = ${id} ORDER BY created_at DESC, id DESC`));
    }
    const withUpdates = number('SELECT count(DISTINCT initiative_id) FROM initiative_updates');
    assert.ok(withUpdates > 0, 'demo data has updates');
  });

  test('the id may carry the slug, as on the site', async () => {
    const item = await ok('/api/v1/initiatieven/1');
    const slugged = await ok(new URL(item.url).pathname.replace('/initiatieven/',
      '/api/v1/initiatieven/'));
    assert.deepEqual(slugged, item);
  });

  test('hidden and unknown initiatives are 404 in JSON', async () => {
    for (const id of [...HIDDEN_IDS, 0, 999999, 'abc', '99999999999999999999999', '-1']) {
      await refused(`/api/v1/initiatieven/${id}`, 404);
    }
  });
});

describe('GET /api/v1/wijken', () => {
  // A wijk or dorp (or buurt) as the API must show it, from the areas table.
  function expectedArea(row) {
    const buurten = rows("'slug', slug, 'naam', name",
      `FROM areas WHERE parent_id = ${row.id} ORDER BY name`);
    const open = number(`SELECT count(*) FROM initiatives i JOIN areas a ON a.id = i.area_id
      WHERE (a.id = ${row.id} OR a.parent_id = ${row.id}) AND i.state = 'open'`);
    return {
      slug: row.slug,
      naam: row.name,
      soort: row.kind,
      beschrijving: row.description,
      url: `${basisUrl()}/wijken/${row.slug}`,
      wijkaccommodatie: row.venue_name
        ? { naam: row.venue_name, adres: row.venue_address || null } : null,
      wijkregisseur: row.director_name ? {
        naam: row.director_name,
        email: row.director_email || null,
        telefoon: row.director_phone || null,
      } : null,
      buurten,
      open_initiatieven: open,
    };
  }
  const AREA_COLUMNS = `'id', id, 'parent_id', parent_id, 'slug', slug, 'name', name,
    'kind', kind, 'description', description, 'venue_name', venue_name,
    'venue_address', venue_address, 'director_name', director_name,
    'director_email', director_email, 'director_phone', director_phone`;

  test('lists wijken and dorpen with buurten, venue, wijkregisseur and open count', async () => {
    const body = await ok('/api/v1/wijken');
    assert.deepEqual(keysOf(body), ['resultaten']);
    const top = rows(AREA_COLUMNS, 'FROM areas WHERE parent_id IS NULL');
    assert.ok(top.length >= 12, 'the Almelo wijken and dorpen');
    assert.deepEqual(body.resultaten.map((a) => a.slug).sort(), top.map((a) => a.slug).sort());
    const bySlug = new Map(top.map((a) => [a.slug, a]));
    for (const area of body.resultaten) {
      assert.deepEqual(keysOf(area), AREA_KEYS, `${area.slug}: fields`);
      assert.ok(['wijk', 'dorp'].includes(area.soort));
      assert.deepEqual(area, expectedArea(bySlug.get(area.slug)), area.slug);
    }
    assert.ok(body.resultaten.some((a) => a.buurten.length > 0), 'some area has buurten');
    assert.ok(body.resultaten.some((a) => a.open_initiatieven > 0),
      'some area has open initiatives');
  });

  test('one wijk, dorp or buurt by slug, with its parent for a buurt', async () => {
    const all = rows(AREA_COLUMNS, 'FROM areas ORDER BY id');
    const byId = new Map(all.map((a) => [a.id, a]));
    for (const row of all) {
      const area = await ok(`/api/v1/wijken/${row.slug}`);
      assert.deepEqual(keysOf(area), [...AREA_KEYS, 'valt_onder'].sort(), `${row.slug}: fields`);
      const parent = row.parent_id
        ? { slug: byId.get(row.parent_id).slug, naam: byId.get(row.parent_id).name } : null;
      assert.deepEqual(area, { ...expectedArea(row), valt_onder: parent }, row.slug);
    }
  });

  test('an unknown slug is 404 in JSON', async () => {
    for (const slug of ['atlantis', 'gemeentebreed', 'De-Riet', '%C3%A9', 'x'.repeat(300)]) {
      await refused(`/api/v1/wijken/${slug}`, 404);
    }
  });
});

describe('GET /api/v1/rondes', () => {
  test('every round with its period in UTC, voucher value, issued and donated', async () => {
    const body = await ok('/api/v1/rondes');
    assert.deepEqual(keysOf(body), ['_links', 'pagina', 'per_pagina', 'resultaten', 'totaal']);
    assert.equal(body.totaal, number('SELECT count(*) FROM rounds'));
    assert.equal(body.pagina, 1);
    assert.equal(body.per_pagina, 20, 'twenty rounds a page unless asked');
    const expected = rows(`'id', id, 'naam', name, 'opent_op', ${iso('opens_at')},
      'sluit_op', ${iso('closes_at')}, 'voucherwaarde_centen', voucher_cents,
      'vouchers_uitgegeven', issued, 'vouchers_gedoneerd', donated`,
    `, (SELECT count(*) FROM vouchers v WHERE v.round_id = r.id AND v.voided_at IS NULL)
      AS issued, (SELECT count(*) FROM ledger d JOIN vouchers v ON v.id = d.voucher_id
        WHERE v.round_id = r.id AND d.kind = 'donation'
        AND d.id NOT IN (SELECT reverses_id FROM ledger WHERE reverses_id IS NOT NULL)) AS donated
      FROM rounds r ORDER BY opens_at DESC`);
    assert.ok(expected.length > 0, 'demo data has rounds');
    assert.deepEqual(body.resultaten, expected);
    for (const round of body.resultaten) {
      assert.deepEqual(keysOf(round), ROUND_KEYS);
      assert.match(round.opent_op, ISO_UTC);
      assert.match(round.sluit_op, ISO_UTC);
      assert.ok(round.opent_op < round.sluit_op);
    }
  });
});

describe('GET /api/v1/totalen', () => {
  test('per round and all-time totals equal the ledger', async () => {
    const body = await ok('/api/v1/totalen');
    assert.deepEqual(keysOf(body),
      ['_links', 'aantal_rondes', 'pagina', 'per_pagina', 'rondes', 'totaal']);
    assert.equal(body.aantal_rondes, number('SELECT count(*) FROM rounds'));
    assert.equal(body.per_pagina, 20, 'twenty rounds a page unless asked');
    const rounds = rows(`'id', id, 'name', name, 'opens_at', ${iso('opens_at')},
      'closes_at', ${iso('closes_at')}`, 'FROM rounds ORDER BY opens_at DESC');
    assert.deepEqual(body.rondes.map((r) => r.id), rounds.map((r) => r.id));

    // Donations that still stand: not released or returned since.
    const standing = `FROM ledger d JOIN vouchers v ON v.id = d.voucher_id
      WHERE d.kind = 'donation' AND NOT EXISTS (SELECT 1 FROM ledger x WHERE x.reverses_id = d.id)`;
    for (const [k, round] of body.rondes.entries()) {
      assert.deepEqual(keysOf(round), TOTAL_ROUND_KEYS);
      const own = rounds[k];
      assert.equal(round.naam, own.name);
      assert.equal(round.opent_op, own.opens_at);
      assert.equal(round.sluit_op, own.closes_at);
      const issued = number(`SELECT count(*) FROM vouchers WHERE round_id = ${own.id}
        AND voided_at IS NULL`);
      const used = number(`SELECT count(*) ${standing} AND v.round_id = ${own.id}`);
      const cents = number(`SELECT coalesce(sum(d.amount_cents), 0) ${standing}
        AND v.round_id = ${own.id}`);
      const funded = number(`SELECT count(*) FROM audit_log l JOIN rounds r ON r.id = ${own.id}
        WHERE l.action = 'state' AND l.to_value = 'gefinancierd'
        AND l.subject LIKE 'initiative:%' AND l.at >= r.opens_at AND l.at < r.closes_at`);
      assert.equal(round.vouchers_uitgegeven, issued, `${own.name}: issued`);
      assert.equal(round.vouchers_gebruikt, used, `${own.name}: vouchers used`);
      assert.equal(round.gedoneerd_centen, cents, `${own.name}: donated`);
      assert.equal(round.aantal_gefinancierd, funded, `${own.name}: funded`);
      assert.equal(round.deelname_promille, issued ? Math.floor((used * 1000) / issued) : 0);
    }
    assert.ok(body.rondes.some((r) => r.gedoneerd_centen > 0), 'demo data has donations');

    const all = body.totaal;
    assert.deepEqual(keysOf(all), ALL_TIME_KEYS);
    // Every row that changes an initiative's total: donations, releases, returns, contributions.
    assert.equal(all.opgehaald_centen, number(`SELECT coalesce(sum(l.amount_cents), 0) FROM ledger l
      JOIN initiatives i ON i.id = l.initiative_id
      WHERE l.kind <> 'payout' AND i.published_at IS NOT NULL`));
    assert.equal(all.vouchers_gebruikt, number(`SELECT count(*) ${standing}`));
    assert.equal(all.vouchers_gebruikt,
      body.rondes.reduce((n, r) => n + r.vouchers_gebruikt, 0));
    assert.equal(all.aantal_gefinancierd,
      BY_STATE.gefinancierd.length + BY_STATE.uitgevoerd.length);
    assert.equal(all.aantal_open, BY_STATE.open.length);

    // The rounds endpoint counts the same donations.
    const { resultaten } = await ok('/api/v1/rondes');
    for (const round of body.rondes) {
      assert.equal(resultaten.find((r) => r.id === round.id).vouchers_gedoneerd,
        round.vouchers_gebruikt);
    }
  });
});

describe('the rounds and totals a page at a time', () => {
  /** The links of a Link header by relation. */
  function links(header) {
    const out = {};
    for (const part of (header ?? '').split(/,\s*(?=<)/)) {
      const m = part.match(/^<([^>]+)>;\s*rel="([^"]+)"$/);
      if (m) out[m[2]] = m[1];
    }
    return out;
  }

  for (const [path, list] of [['/api/v1/rondes', 'resultaten'], ['/api/v1/totalen', 'rondes']]) {
    test(`${path}: one round a page walks every round, newest first, by its links`, async () => {
      const newest = sql(db, 'SELECT id FROM rounds ORDER BY opens_at DESC, id DESC').trim()
        .split('\n').map(Number);
      assert.ok(newest.length >= 2, 'demo data has two rounds or more');
      let url = `${path}?per_pagina=1`;
      const seen = [];
      let pages = 0;
      while (url) {
        const r = await api(url);
        assert.equal(r.status, 200, `${url}: ${r.text}`);
        const rel = links(r.headers.get('link'));
        for (const name of ['self', 'first', 'prev', 'next', 'last']) {
          assert.equal(rel[name], r.body._links[name]?.href, `${url}: ${name}`);
        }
        assert.equal(r.body.per_pagina, 1);
        assert.equal(r.body.pagina, pages + 1);
        assert.equal(r.body[list].length, 1, `${url}: one round`);
        assert.equal(rel.prev !== undefined, pages > 0, `${url}: prev only after page 1`);
        assert.match(rel.last, new RegExp(`${path}\\?pagina=${newest.length}&per_pagina=1$`));
        seen.push(...r.body[list].map((x) => x.id));
        url = rel.next ? new URL(rel.next).pathname + new URL(rel.next).search : null;
        pages++;
        assert.ok(pages <= newest.length, 'the walk ends');
      }
      assert.deepEqual(seen, newest);
      const past = await api(`${path}?pagina=${newest.length + 1}&per_pagina=1`);
      assert.equal(past.status, 200);
      assert.deepEqual(past.body[list], [], 'past the last page: no rounds');
    });

    test(`${path}: a page number or size out of range is 400`, async () => {
      for (const q of ['pagina=0', 'pagina=1001', 'pagina=x', 'per_pagina=0', 'per_pagina=101']) {
        await refused(`${path}?${q}`, 400);
      }
    });
  }

  test('the city totals do not depend on the page', async () => {
    const all = (await ok('/api/v1/totalen')).totaal;
    assert.deepEqual((await ok('/api/v1/totalen?pagina=2&per_pagina=1')).totaal, all);
  });
});

describe('privacy', () => {
  // Fields that would be personal data, or secrets; the wijkregisseur's e-mail and phone and the
  // wijkaccommodatie's address are the municipality's public contact, as on the area pages.
  const FORBIDDEN = new RegExp(['mail', 'phone', 'telefoon', 'postcode', 'code', 'token', 'hash',
    'secret', 'household', 'huishoud', 'address', 'adres', 'street', 'straat', 'house',
    'huisnummer', 'co_?organi', 'voucher_id'].join('|'), 'i');
  const ALLOWED = /(^|\.)(wijkregisseur\.(email|telefoon)|wijkaccommodatie\.adres)$/;

  // Walks a JSON value; calls visit(path, key, value) for every object member.
  function walk(value, path, visit) {
    if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, `${path}[${i}]`, visit));
    } else if (value && typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) {
        visit(`${path}.${key}`.replace(/\[\d+\]/g, ''), key, v);
        walk(v, `${path}.${key}`, visit);
      }
    }
  }

  async function everyResponse() {
    const paths = ['/api/v1/initiatieven?per_pagina=100', '/api/v1/wijken', '/api/v1/rondes',
      '/api/v1/totalen'];
    for (const id of PUBLIC_IDS) paths.push(`/api/v1/initiatieven/${id}`);
    for (const slug of sql(db, 'SELECT slug FROM areas').trim().split('\n')) {
      paths.push(`/api/v1/wijken/${slug}`);
    }
    const out = [];
    for (const path of paths) out.push({ path, ...(await api(path)) });
    return out;
  }

  test('no personal field, no initiator contact, and only integers as numbers', async () => {
    const directorEmails = new Set(sql(db, 'SELECT director_email FROM areas').trim().split('\n'));
    const secrets = sql(db, `SELECT initiator_email FROM initiatives
      UNION SELECT initiator_phone FROM initiatives WHERE initiator_phone <> ''
      UNION SELECT name FROM co_organisers UNION SELECT email FROM users WHERE email <> ''`)
      .trim().split('\n').filter((s) => s && !directorEmails.has(s));
    assert.ok(secrets.length > 30, 'demo data has initiator contact details');
    for (const { path, status, body, text } of await everyResponse()) {
      assert.equal(status, 200, path);
      for (const secret of secrets) {
        assert.ok(!text.includes(JSON.stringify(secret).slice(1, -1)), `${path}: leaks ${secret}`);
      }
      walk(body, '', (where, key, value) => {
        if (FORBIDDEN.test(key)) assert.match(where, ALLOWED, `${path}: field ${where}`);
        if (typeof value === 'number') {
          assert.ok(Number.isInteger(value), `${path}: ${where} is an integer`);
        }
        if (typeof value === 'string' && value.includes('@')) {
          assert.match(where, /\.wijkregisseur\.email$/, `${path}: an e-mail address at ${where}`);
          assert.ok(directorEmails.has(value), `${path}: ${value} is a wijkregisseur's`);
        }
      });
    }
  });
});

describe('HTTP behaviour', () => {
  test('HEAD answers like GET, without a body', async () => {
    for (const path of ['/api/v1/initiatieven?status=open', '/api/v1/initiatieven/1',
      '/api/v1/wijken', '/api/v1/wijken/de-riet', '/api/v1/rondes', '/api/v1/totalen']) {
      const get = await api(path);
      const head = await rawRequest(server.port,
        `HEAD ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
      assert.equal(head.status, 200, path);
      assert.equal(head.headers['content-type'], 'application/json; charset=utf-8');
      assert.equal(head.headers['access-control-allow-origin'], '*');
      assert.equal(head.headers['api-version'], '1.0.0');
      assert.equal(head.headers['cache-control'], 'public, max-age=60');
      assert.equal(Number(head.headers['content-length']), Buffer.byteLength(get.text), path);
      assert.equal(head.bodyBytes.length, 0, `${path}: no body`);
    }
    const missing = await rawRequest(server.port,
      'HEAD /api/v1/initiatieven/999999 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    assert.equal(missing.status, 404);
    assert.equal(missing.headers['content-type'], 'application/problem+json');
  });

  test('unknown API addresses are 404 in JSON, other methods 405 in JSON', async () => {
    for (const path of ['/api/v1/', '/api/v1/huishoudens', '/api/v1/initiatieven/1/extra',
      '/api/v1/wijken/de-riet/buurten', '/api/v2/initiatieven']) {
      await refused(path, 404);
    }
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const r = await refused('/api/v1/initiatieven', 405, {
        method,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'status=open',
      });
      assert.match(r.headers.get('allow') ?? '', /GET/);
    }
    // The API changed nothing on the way.
    assert.equal((await ok('/api/v1/initiatieven')).totaal, PUBLIC_IDS.length);
  });

  test('the server stayed up', () => {
    assert.ok(server.alive(), server.output());
  });
});
