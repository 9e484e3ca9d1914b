// The OpenAPI document of the open-data API, held against what the API really answers: the
// document is valid OpenAPI 3.1, every documented path answers with the documented shape
// (schemas forbid undocumented fields), paging links lead where they say, and answers
// revalidate with ETag and Last-Modified (304).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { PUBLIC_IDS } from '../lib/pages.mjs';
import { makeDemoDb, removeDb, sql, startServe } from '../lib/server.mjs';

let server;
let db;
let doc;
let ajv;

before(async () => {
  db = await makeDemoDb();
  server = await startServe({ db, threads: 2 });
  const res = await fetch(new URL('/api/v1/openapi.json', server.base));
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.equal(res.headers.get('api-version'), '1.0.0');
  doc = await res.json();
  ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'openapi', components: doc.components });
});

after(async () => {
  await server?.stop();
  if (db) await removeDb(db);
});

/** The schema of a documented answer, compiled. */
function schemaFor(path, status) {
  const response = doc.paths[path].get.responses[status];
  assert.ok(response, `${path} documents ${status}`);
  const ref = response.$ref
    ? doc.components.responses[response.$ref.split('/').pop()] : response;
  const [type, media] = Object.entries(ref.content)[0];
  return { type, validate: ajv.compile({ $ref: `openapi${media.schema.$ref}` }) };
}

async function get(path, headers = {}) {
  const res = await fetch(new URL(path, server.base), { headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text };
}

/** Fetches a concrete address of a documented path and checks status, type and shape. */
async function conforms(template, url, status = '200') {
  const r = await get(url);
  assert.equal(String(r.status), status, `${url}: ${r.text}`);
  const { type, validate } = schemaFor(template, status);
  assert.ok(r.headers.get('content-type').startsWith(type), `${url}: ${type}`);
  assert.equal(r.headers.get('api-version'), doc.info.version, `${url}: API-Version`);
  const body = JSON.parse(r.text);
  assert.ok(validate(body), `${url}: ${JSON.stringify(validate.errors, null, 1)}`);
  return { ...r, body };
}

describe('the OpenAPI document', () => {
  test('is valid OpenAPI 3.1 with a data licence and Dutch paths', async () => {
    const copy = structuredClone(doc);
    await SwaggerParser.validate(copy);
    assert.match(doc.openapi, /^3\.1\./);
    assert.equal(doc.info.license.identifier, 'CC0-1.0');
    assert.deepEqual(Object.keys(doc.paths).sort(), ['/initiatieven', '/initiatieven/{id}',
      '/openapi.json', '/rondes', '/totalen', '/wijken', '/wijken/{slug}']);
    assert.deepEqual(doc.servers, [{ url: '/api/v1', description: 'Deze site' }]);
  });
});

describe('live answers hold to the document', () => {
  test('the list, with every filter and page, and each public initiative', async () => {
    const first = await conforms('/initiatieven', '/api/v1/initiatieven');
    assert.equal(first.body.totaal, PUBLIC_IDS.length);
    for (const query of ['status=open', 'wijk=de-riet', 'wijk=gemeentebreed', 'q=voetbal',
      'sort=bijna', 'sort=populair', 'per_pagina=3&pagina=2', 'pagina=1000']) {
      await conforms('/initiatieven', `/api/v1/initiatieven?${query}`);
    }
    for (const id of PUBLIC_IDS) {
      await conforms('/initiatieven/{id}', `/api/v1/initiatieven/${id}`);
    }
  });

  test('areas, rounds and totals', async () => {
    const { body } = await conforms('/wijken', '/api/v1/wijken');
    for (const slug of sql(db, 'SELECT slug FROM areas').trim().split('\n')) {
      await conforms('/wijken/{slug}', `/api/v1/wijken/${slug}`);
    }
    assert.ok(body.resultaten.length > 0);
    await conforms('/rondes', '/api/v1/rondes');
    await conforms('/totalen', '/api/v1/totalen');
    await conforms('/rondes', '/api/v1/rondes?pagina=2&per_pagina=1');
    await conforms('/totalen', '/api/v1/totalen?pagina=2&per_pagina=1');
  });

  test('documented refusals are problem details', async () => {
    await conforms('/initiatieven', '/api/v1/initiatieven?status=geheim', '400');
    await conforms('/initiatieven/{id}', '/api/v1/initiatieven/999999', '404');
    await conforms('/wijken/{slug}', '/api/v1/wijken/atlantis', '404');
    await conforms('/rondes', '/api/v1/rondes?per_pagina=0', '400');
    await conforms('/totalen', '/api/v1/totalen?pagina=0', '400');
  });
});

/** The links of a Link header by relation. */
function links(header) {
  const out = {};
  for (const part of (header ?? '').split(/,\s*(?=<)/)) {
    const m = part.match(/^<([^>]+)>;\s*rel="([^"]+)"$/);
    if (m) out[m[2]] = m[1];
  }
  return out;
}

describe('paging and the licence', () => {
  test('Link headers and _links agree and walk the whole list', async () => {
    let url = '/api/v1/initiatieven?per_pagina=4&status=open';
    const seen = [];
    let pages = 0;
    let previous = null;
    while (url) {
      const { headers, body } = await conforms('/initiatieven', url);
      const rel = links(headers.get('link'));
      assert.equal(rel.license, 'https://creativecommons.org/publicdomain/zero/1.0/');
      for (const name of ['self', 'first', 'prev', 'next', 'last']) {
        assert.equal(rel[name], body._links[name]?.href, `${url}: ${name}`);
      }
      assert.equal(rel.prev !== undefined, previous !== null, `${url}: prev only after page 1`);
      if (previous) assert.equal(new URL(rel.prev).search, new URL(previous).search);
      seen.push(...body.resultaten.map((i) => i.id));
      previous = rel.self;
      url = rel.next ? new URL(rel.next).pathname + new URL(rel.next).search : null;
      pages++;
      assert.ok(pages < 50, 'the walk ends');
    }
    const all = (await conforms('/initiatieven', '/api/v1/initiatieven?per_pagina=100&status=open'))
      .body.resultaten.map((i) => i.id);
    assert.deepEqual(seen, all);
    assert.equal(pages, Math.max(1, Math.ceil(all.length / 4)));
  });

  test('filters survive in the links, percent-encoded', async () => {
    const { body } = await conforms('/initiatieven', '/api/v1/initiatieven?q=speel%20tuin&per_pagina=1');
    assert.match(body._links.self.href, /\?q=speel%20tuin&pagina=1&per_pagina=1$/);
  });
});

describe('conditional GET', () => {
  test('the API answers 304 on If-None-Match and If-Modified-Since, and 200 after a change',
    async () => {
      const path = '/api/v1/wijken/de-riet';
      const first = await get(path);
      const etag = first.headers.get('etag');
      const modified = first.headers.get('last-modified');
      assert.match(etag, /^"[0-9a-f]+-[0-9a-f]+"$/);
      assert.match(modified, /^\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT$/);

      const again = await get(path, { 'if-none-match': etag });
      assert.equal(again.status, 304);
      assert.equal(again.text, '');
      assert.equal(again.headers.get('etag'), etag);
      assert.equal((await get(path, { 'if-none-match': `"other", W/${etag}` })).status, 304);
      assert.equal((await get(path, { 'if-modified-since': modified })).status, 304);
      assert.equal((await get(path, { 'if-none-match': '"other"' })).status, 200);
      assert.equal((await get(path, {
        'if-modified-since': 'Sat, 01 Jan 2000 00:00:00 GMT',
      })).status, 200);

      // A change to public data: the old ETag no longer matches.
      await new Promise((resolve) => { setTimeout(resolve, 1100); });
      sql(db, "UPDATE areas SET description = description || ' Nu ook met moestuin.' WHERE slug = 'de-riet'");
      const changed = await get(path, { 'if-none-match': etag });
      assert.equal(changed.status, 200);
      assert.notEqual(changed.headers.get('etag'), etag);
      assert.match(changed.text, /moestuin/);
      assert.ok(Date.parse(changed.headers.get('last-modified')) > Date.parse(modified));
      assert.equal((await get(path, { 'if-modified-since': modified })).status, 200);
    });

  test('feeds and pages revalidate too', async () => {
    for (const path of ['/feeds/gemeente.atom', '/feeds/de-riet.atom', '/', '/initiatieven',
      '/wijken/de-riet', '/berichten']) {
      const first = await get(path);
      assert.equal(first.status, 200, path);
      const etag = first.headers.get('etag');
      assert.ok(etag, `${path}: ETag`);
      const again = await get(path, { 'if-none-match': etag });
      assert.equal(again.status, 304, path);
      assert.equal(again.text, '', path);
    }
  });

  test('answers that must not be stored carry no ETag', async () => {
    const r = await get('/doneren?code=ABCD-EFGH-JKMN-PQR2');
    assert.match(r.headers.get('cache-control') ?? '', /no-store|no-cache|private/);
    if (/no-store/.test(r.headers.get('cache-control'))) assert.equal(r.headers.get('etag'), null);
  });
});

describe('/open-data', () => {
  test('names the licence, the OpenAPI document and the CSV files', async () => {
    const page = await get('/open-data');
    assert.equal(page.status, 200);
    assert.match(page.text, /<h1>Open data<\/h1>/);
    assert.match(page.text, /href="https:\/\/creativecommons\.org\/publicdomain\/zero\/1\.0\/deed\.nl" rel="license"/);
    for (const href of ['/api/v1/openapi.json', '/open-data/initiatieven.csv',
      '/open-data/wijken.csv', '/open-data/rondes.csv']) {
      assert.match(page.text, new RegExp(`href="${href}"`), href);
    }
    assert.match((await get('/')).text, /href="\/open-data"/, 'linked from every page');
  });

  test('the CSV files hold the public data and nothing private', async () => {
    const secrets = sql(db, `SELECT initiator_email FROM initiatives
      UNION SELECT initiator_phone FROM initiatives WHERE initiator_phone <> ''`)
      .trim().split('\n').filter(Boolean);
    const files = {
      'initiatieven.csv': PUBLIC_IDS.length,
      'wijken.csv': Number(sql(db, 'SELECT count(*) FROM areas').trim()),
      'rondes.csv': Number(sql(db, 'SELECT count(*) FROM rounds').trim()),
    };
    for (const [file, count] of Object.entries(files)) {
      const r = await get(`/open-data/${file}`);
      assert.equal(r.status, 200, file);
      assert.equal(r.headers.get('content-type'), 'text/csv; charset=utf-8');
      assert.match(r.headers.get('link'), /rel="license"/);
      const lines = r.text.split('\r\n').filter(Boolean);
      assert.equal(lines.length, count + 1, `${file}: a header and a row each`);
      assert.match(lines[0], /^(id|slug);/);
      for (const s of secrets) assert.ok(!r.text.includes(s), `${file} leaks ${s}`);
    }
    const ids = (await get('/open-data/initiatieven.csv')).text.split('\r\n').slice(1)
      .filter(Boolean).map((l) => Number(l.split(';')[0])).sort((a, b) => a - b);
    assert.deepEqual(ids, PUBLIC_IDS);
    assert.equal((await get('/open-data/huishoudens.csv')).status, 404);
  });
});
