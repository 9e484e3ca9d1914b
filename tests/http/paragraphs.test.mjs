// Plain text shown as paragraphs on the public pages ({{paras …}} in the templates): blank lines
// make paragraphs, single newlines line breaks, http(s) addresses links, everything escaped —
// in an initiative's description, its report and updates, a news item, and (escaped once more)
// in the Atom feed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fetchPage } from '../lib/pages.mjs';
import { makeDemoDb, removeDb, sql, sqlString as q, startServe } from '../lib/server.mjs';

const nl = 'char(10)';
const text = (tag) => `${q(`${tag} één <b>`)} || ${nl} || ${q('regel twee')} || ${nl} || ${nl}
  || ${q('zie https://example.org/a?b=1&c=2.')}`;
const html = (tag) => `<p>${tag} één &lt;b&gt;<br>\nregel twee</p>\n`
  + '<p>zie <a href="https://example.org/a?b=1&amp;c=2" rel="nofollow noopener">'
  + 'https://example.org/a?b=1&amp;c=2</a>.</p>\n';

let server;
let db;

before(async () => {
  db = await makeDemoDb();
  sql(db, `
    UPDATE initiatives SET description = ${text('Beschrijving')} WHERE id = 5;
    UPDATE initiative_updates SET body = ${text('Update')} WHERE initiative_id = 5;
    UPDATE initiatives SET state_reason = ${text('Verslag')} WHERE id = 22;
    UPDATE news SET body = ${text('Bericht')} WHERE id = 5;
  `);
  server = await startServe({ db });
});

after(async () => {
  await server?.stop();
  if (db) await removeDb(db);
});

describe('plain text as paragraphs', () => {
  test('an initiative: description and updates', async () => {
    const res = await fetchPage(server.base, '/initiatieven/5');
    assert.equal(res.status, 200);
    assert.ok(res.text.includes(html('Beschrijving')), 'the description');
    assert.ok(res.text.includes(html('Update')), 'an update');
  });

  test('a completed initiative: its report', async () => {
    const res = await fetchPage(server.base, '/initiatieven/22');
    assert.equal(res.status, 200);
    const section = /<section aria-labelledby="report-title">([\s\S]*?)<\/section>/.exec(res.text);
    assert.ok(section, 'a report section');
    assert.ok(section[1].includes(html('Verslag')), 'the report');
  });

  test('a news item, and the same in the feed as escaped HTML', async () => {
    const res = await fetchPage(server.base, '/berichten/5');
    assert.equal(res.status, 200);
    assert.ok(res.text.includes(html('Bericht')), 'the news body');
    const feed = await fetchPage(server.base, '/feeds/gemeente.atom');
    assert.equal(feed.status, 200);
    const escaped = html('Bericht').replaceAll('&', '&amp;').replaceAll('<', '&lt;')
      .replaceAll('>', '&gt;').replaceAll('"', '&quot;');
    assert.ok(feed.text.includes(escaped), 'the feed carries the HTML as text');
  });
});
