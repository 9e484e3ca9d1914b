// Stored and reflected markup: text from the database and from the address is always shown
// escaped, in element content and in attributes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fetchPage, checkSecurityHeaders } from '../lib/pages.mjs';
import { makeDemoDb, removeDb, sql, sqlString as q, startServe } from '../lib/server.mjs';

const PAYLOAD = `<script>alert(1)</script>"'&`;
const ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;';
// Breaks out of a double-quoted attribute if not escaped.
const ATTR_PAYLOAD = `x" onmouseover="alert(2)" data-x="`;

let server;
let db;

before(async () => {
  db = await makeDemoDb();
  const nl = "char(10) || char(10)";
  sql(db, `
    UPDATE initiatives SET
      title = ${q(`Speeltuin ${PAYLOAD}`)},
      summary = ${q(`Samenvatting ${PAYLOAD}`)},
      description = ${q(`Eerste alinea ${PAYLOAD}`)} || ${nl} || ${q(`Tweede alinea ${PAYLOAD}`)}
    WHERE id = 5;
    UPDATE budget_lines SET item = ${q(`Verf ${PAYLOAD}`)}
      WHERE initiative_id = 5 AND position = (SELECT min(position) FROM budget_lines
                                             WHERE initiative_id = 5);
    UPDATE initiative_updates SET body = ${q(`Update ${PAYLOAD}`)},
      author_name = ${q(`Joost ${PAYLOAD}`)} WHERE initiative_id = 5;
    UPDATE initiatives SET initiator_name = ${q(`Joost ${PAYLOAD}`)} WHERE id = 5;
    UPDATE initiatives SET state_reason = ${q(`Verslag ${PAYLOAD}`)} WHERE id = 22;
    UPDATE news SET title = ${q(`Werkdag ${PAYLOAD}`)},
      body = ${q(`Bericht ${PAYLOAD}`)} || ${nl} || ${q(`Meer ${PAYLOAD}`)},
      author_name = ${q(`Ruud ${PAYLOAD}`)}
    WHERE id = 5;
    UPDATE areas SET
      description = ${q(`De Riet ${PAYLOAD}`)},
      venue_name = ${q(`Dok ${PAYLOAD}`)},
      venue_address = ${q(`Rietstraat ${PAYLOAD}`)},
      director_name = ${q(`Ruud ${PAYLOAD}`)},
      director_email = ${q(`${ATTR_PAYLOAD}@almelo.example`)},
      director_phone = ${q(`0546 ${ATTR_PAYLOAD}`)}
    WHERE slug = 'de-riet';
  `);
  server = await startServe({ db });
});

after(async () => {
  await server?.stop();
  if (db) await removeDb(db);
});

function assertEscaped(html, where, { min = 1 } = {}) {
  assert.ok(!html.includes('<script>alert'), `${where}: no raw <script> from the data`);
  assert.ok(!/<script\b/i.test(html), `${where}: no <script> element at all`);
  assert.ok(!html.includes(`"'&<`) && !html.includes(`</script>"'`),
    `${where}: quotes and ampersand are escaped`);
  assert.ok(!/onmouseover="/i.test(html), `${where}: no attribute injected`);
  const count = html.split(ESCAPED).length - 1;
  assert.ok(count >= min, `${where}: the escaped payload appears (${count}×, want ≥ ${min})`);
}

describe('stored text is escaped', () => {
  const pages = [
    // [path, how often the payload must at least appear]
    ['/', 2], // initiative 5 under "Bijna gehaald" (title, summary), news 5 under latest news
    ['/initiatieven?sort=bijna', 2],
    ['/initiatieven?pagina=2', 2],
    ['/initiatieven?wijk=de-riet', 2],
    ['/initiatieven?q=speeltuin', 2],
    ['/initiatieven/5', 8], // title, h1, breadcrumb, caption, lead, 2 paragraphs, budget, updates
    ['/initiatieven/5-speeltuin-script-alert-1-script', 8],
    ['/initiatieven/22', 1],
    ['/wijken', 2], // description and venue of De Riet
    ['/wijken/de-riet', 6],
    ['/berichten', 1],
    ['/berichten/5', 4],
  ];
  for (const [path, min] of pages) {
    test(`GET ${path}`, async () => {
      const res = await fetchPage(server.base, path);
      assert.equal(res.status, 200, `${path}: status`);
      checkSecurityHeaders(res.headers, path);
      assertEscaped(res.text, path, { min });
    });
  }

  test('the <title> of an initiative shows the escaped title', async () => {
    const res = await fetchPage(server.base, '/initiatieven/5');
    const title = /<title>([^<]*)<\/title>/.exec(res.text);
    assert.ok(title, 'the <title> element is not broken up');
    assert.ok(title[1].startsWith(`Speeltuin ${ESCAPED}`), title[1]);
    assert.ok(res.text.includes(`<h1>Speeltuin ${ESCAPED}</h1>`));
  });

  test('links built from a title stay plain slugs', async () => {
    const res = await fetchPage(server.base, '/initiatieven?wijk=de-riet');
    const href = /<a href="(\/initiatieven\/5[^"]*)"/.exec(res.text);
    assert.ok(href, 'card links to initiative 5');
    assert.match(href[1], /^\/initiatieven\/5(-[a-z0-9-]+)?$/);
  });

  test('contact links of an area keep the value inside the attribute', async () => {
    const res = await fetchPage(server.base, '/wijken/de-riet');
    assert.ok(!res.text.includes(`${ATTR_PAYLOAD}`), 'the raw attribute payload is not there');
    assert.ok(res.text.includes('x&quot; onmouseover=&quot;alert(2)&quot;'),
      'the double quotes are escaped');
  });
});

describe('reflected input is escaped', () => {
  test('the search term is shown back escaped in the search field', async () => {
    const res = await fetchPage(server.base,
      `/initiatieven?q=${encodeURIComponent(PAYLOAD)}`);
    assert.equal(res.status, 200);
    assert.ok(res.text.includes(`value="${ESCAPED}"`), 'value attribute holds the escaped term');
    assert.ok(!res.text.includes('<script>alert'));
  });

  test('an attribute break-out in the search term is escaped', async () => {
    const res = await fetchPage(server.base,
      `/initiatieven?q=${encodeURIComponent(ATTR_PAYLOAD)}`);
    assert.equal(res.status, 200);
    assert.ok(!/onmouseover="/i.test(res.text), 'no attribute injected');
    assert.ok(res.text.includes('value="x&quot; onmouseover=&quot;alert(2)&quot; data-x=&quot;"'));
  });

  test('unknown filter values are not echoed raw on the 400 page', async () => {
    for (const field of ['wijk', 'status', 'sort', 'pagina']) {
      const res = await fetchPage(server.base,
        `/initiatieven?${field}=${encodeURIComponent(PAYLOAD)}`);
      assert.equal(res.status, 400, field);
      assert.ok(!res.text.includes('<script>alert'), field);
    }
  });

  test('a path with markup is not echoed raw on the 404 page', async () => {
    const res = await fetchPage(server.base, `/${encodeURIComponent(PAYLOAD)}`);
    assert.equal(res.status, 404);
    assert.ok(!res.text.includes('<script>alert'));
  });
});
