// Initiatives from idea to done through the built-in HTTP server: submission with a photo,
// a change request, edit and resubmission, approval, donations until funded, updates and the
// completion report, with the audit trail and `verify`; the refused paths (CSRF, another
// area, an expired or ended session, a forged management link, transitions that do not
// apply); validation of every field; escaping of everything a user typed on every page that
// shows it; the initiator's private contact never public; staff login, throttling, disabled
// accounts and logout; news for a wijk with its Atom feeds.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  checkHtmlPage, checkSecurityHeaders, decode, fetchPage, mainOf, newsIds, textOf,
} from '../lib/pages.mjs';
import { removeDb, runBin, sql, sqlString as q, startServe } from '../lib/server.mjs';
import { issueCodes, ledgerCount, session } from '../lib/vouchers.mjs';
import {
  addStaffUser, client, escapeHtml, initiativeFields, login, makeDemoDbWithStaff,
  makePng, setCookieValue, submitInitiative, tryLogin, userCommand,
} from '../lib/staff.mjs';

const OTHER_AREA_SUBMITTED = 27; // ingediend, Ossenkoppelerhoek: not one of the regisseur's areas
const PAYLOAD = '<script>alert(1)</script>"\'&';
const PNG = makePng(40, 30);

let db;
let demo; // {regisseur, beheerder, ...}
let server;
let staff; // the demo wijkregisseur, logged in
let deRietCodes; // unused vouchers of De Riet households
let DE_RIET_ID; // areas.id of the wijk De Riet
let KERKELANDEN_ID;

before(async () => {
  demo = await makeDemoDbWithStaff();
  db = demo.db;
  // Many submissions from one address and e-mail address: above the rate limits of a resident.
  sql(db, "INSERT OR REPLACE INTO settings(key, value) VALUES ('indienen_per_uur', '1000'), " +
    "('wijzigingen_per_uur', '1000')");
  DE_RIET_ID = Number(one("SELECT id FROM areas WHERE slug = 'de-riet'"));
  KERKELANDEN_ID = Number(one("SELECT id FROM areas WHERE slug = 'kerkelanden'"));
  assert.equal(one(`SELECT i.state || ' ' || a.slug FROM initiatives i JOIN areas a
    ON a.id = i.area_id WHERE i.id = ${OTHER_AREA_SUBMITTED}`), 'ingediend ossenkoppelerhoek',
  'the demo data has a submitted initiative outside the wijkregisseur\'s areas');
  deRietCodes = await issueCodes(db, 8, { area: 'de-riet' });
  server = await startServe({ db, threads: 2 });
  staff = await login(server.base, demo.regisseur.username, demo.regisseur.password);
});

after(async () => {
  await server?.stop();
  if (db) await removeDb(db);
});

// ---- Helpers ----

const one = (statement) => sql(db, statement).trim();
const stateOf = (id) => one(`SELECT state FROM initiatives WHERE id = ${id}`);
const countOf = (table, where = '1') => Number(one(`SELECT count(*) FROM ${table} WHERE ${where}`));
const lastId = (table) => Number(one(`SELECT coalesce(max(id), 0) FROM ${table}`));
const auditCount = () => countOf('audit_log');

/**
 * Status, HTML structure and security headers. For the pages behind a management link
 * ({manage: true}) the Referrer-Policy is left to its own test (it must be no-referrer there).
 */
function assertPage(res, where, status, { manage = false } = {}) {
  assert.equal(res.status, status, `${where}: status (${textOf(res.text).slice(0, 300)})`);
  checkHtmlPage(res, where);
  const headers = manage ? { get: (n) => (n === 'referrer-policy' ? 'no-referrer'
    : res.headers.get(n)) } : res.headers;
  checkSecurityHeaders(headers, where);
}

function assertRedirect(res, where, location) {
  assert.equal(res.status, 303, `${where}: 303 (${textOf(res.text).slice(0, 300)})`);
  const got = res.headers.get('location');
  if (location instanceof RegExp) assert.match(got ?? '', location, `${where}: Location`);
  else assert.equal(got, location, `${where}: Location`);
}

/** The status badge text on an initiative page, staff page or management page. */
function badge(html) {
  const m = /<span class="badge badge-([a-z_]+)">([^<]*)<\/span>/.exec(mainOf(html));
  return m ? { state: m[1], label: decode(m[2]) } : null;
}

/** The value attribute of the input with the given id (decoded); asserts the input exists. */
function inputValue(html, id) {
  const tag = new RegExp(`<input\\b[^>]*\\bid="${id}"[^>]*>`).exec(html)?.[0];
  assert.ok(tag, `the page has <input id="${id}">`);
  return decode(/\bvalue="([^"]*)"/.exec(tag)?.[1] ?? '');
}

function textareaValue(html, id) {
  const m = new RegExp(`<textarea\\b[^>]*\\bid="${id}"[^>]*>([\\s\\S]*?)</textarea>`).exec(html);
  assert.ok(m, `the page has <textarea id="${id}">`);
  // A browser reads CRLF in a textarea as LF (and multipart sends line breaks as CRLF).
  return decode(m[1]).replace(/\r\n/g, '\n');
}

function selectedOption(html, id) {
  const m = new RegExp(`<select\\b[^>]*\\bid="${id}"[^>]*>([\\s\\S]*?)</select>`).exec(html);
  assert.ok(m, `the page has <select id="${id}">`);
  const opt = /<option value="([^"]*)"[^>]*\sselected\b/.exec(m[1]);
  return opt ? decode(opt[1]) : null;
}

function isChecked(html, id) {
  const tag = new RegExp(`<input\\b[^>]*\\bid="${id}"[^>]*>`).exec(html)?.[0];
  assert.ok(tag, `the page has <input id="${id}">`);
  return /\schecked\b/.test(tag);
}

const TEXTAREAS = new Set(['samenvatting', 'beschrijving']);
const HIDDEN = new Set(['regels', 'mede_regels', '_csrf']);

/** Asserts that the form in html shows every posted value except those in `except`. */
function assertKept(html, fields, except = [], where = '') {
  for (const [name, value] of Object.entries(fields)) {
    if (HIDDEN.has(name) || except.includes(name)) continue;
    if (TEXTAREAS.has(name)) {
      assert.equal(textareaValue(html, name), value, `${where}: ${name} kept`);
    } else if (name === 'gebied') {
      assert.equal(selectedOption(html, 'gebied'), value, `${where}: gebied kept`);
    } else if (name === 'akkoord') {
      assert.ok(isChecked(html, 'akkoord'), `${where}: akkoord stays ticked`);
    } else {
      assert.equal(inputValue(html, name), value, `${where}: ${name} kept`);
    }
  }
}

/**
 * Asserts that the message with id errId matches `message` and stands next to the control:
 * between the two there is no other field's boundary.
 */
function assertErrorNextTo(html, errId, controlId, message, where) {
  const errAt = html.indexOf(` id="${errId}"`);
  assert.ok(errAt >= 0, `${where}: an error message with id ${errId}`);
  const text = textOf(/^[^>]*>([\s\S]*?)<\/p>/.exec(html.slice(errAt))[1]);
  assert.match(text, message, `${where}: the message "${text}"`);
  const ctlAt = html.search(new RegExp(`<(?:input|textarea|select)\\b[^>]*\\bid="${controlId}"`));
  assert.ok(ctlAt >= 0, `${where}: the control ${controlId}`);
  const between = html.slice(Math.min(errAt, ctlAt), Math.max(errAt, ctlAt));
  assert.ok(!/<div\b|<\/div>|<\/td>|<\/fieldset>/.test(between),
    `${where}: the message ${errId} stands in the same field as ${controlId}`);
  return text;
}

/** The error summary: role=alert, and a link to #target whose text matches message. */
function assertSummaryLinks(html, target, message, where) {
  const m = /<div class="notice error-summary" role="alert"[^>]*>([\s\S]*?)<\/div>/.exec(html);
  assert.ok(m, `${where}: an error summary with role=alert`);
  const link = new RegExp(`<a href="#${target}">([^<]*)</a>`).exec(m[1]);
  assert.ok(link, `${where}: the summary links to #${target}`);
  assert.match(decode(link[1]), message, `${where}: the summary names the problem`);
}

/** Asserts the payload appears only escaped: never a raw <script>alert, each piece escaped. */
function assertEscaped(html, where, pieces) {
  assert.ok(!/<script>alert/i.test(html), `${where}: no raw <script>alert`);
  assert.ok(!html.includes(PAYLOAD), `${where}: the payload never raw`);
  for (const p of pieces) {
    assert.ok(html.includes(escapeHtml(p)), `${where}: shows ${JSON.stringify(p)} escaped`);
  }
}

const png = () => ({ data: PNG, filename: 'bankje.png', type: 'image/png' });

/** Submits a valid initiative with overrides; asserts 200; returns {id, token, path, fields}. */
async function submitOk(overrides = {}, files = {}) {
  const fields = initiativeFields(overrides);
  const before = lastId('initiatives');
  const { res, path, token } = await submitInitiative(server.base, fields, files);
  assertPage(res, 'POST /initiatief-indienen', 200);
  assert.ok(path, 'the success page shows the management link');
  const id = lastId('initiatives');
  assert.equal(id, before + 1, 'one new initiative');
  return { id, token, path, fields };
}

/** A fresh resident client for the management pages (keeps its own CSRF cookie). */
const resident = () => client(server.base, { firstPage: '/initiatief-indienen' });

const SECRET_PATTERNS = (email, phone) => [email, phone, phone.replace(/\s/g, '')];

/** The Atom feed: asserts 200, type, well-formed XML; returns the text. */
async function feed(path) {
  const res = await fetchPage(server.base, path);
  assert.equal(res.status, 200, path);
  assert.match(res.headers.get('content-type'), /^application\/atom\+xml/, `${path}: type`);
  assertWellFormedXml(res.text, path);
  return res.text;
}

let xmllint = true;
function assertWellFormedXml(text, where) {
  if (xmllint) {
    try {
      execFileSync('xmllint', ['--noout', '--nonet', '-'],
        { input: text, stdio: ['pipe', 'pipe', 'pipe'] });
      return;
    } catch (err) {
      if (err.code !== 'ENOENT') {
        assert.fail(`${where} is not well-formed XML:\n${err.stderr?.toString()}`);
      }
      xmllint = false;
    }
  }
  // Without xmllint: every element closes in order and no stray '<' or '&'.
  const stack = [];
  const body = text.replace(/^<\?xml[^>]*\?>\s*/, '');
  for (const m of body.matchAll(/<(\/?)([A-Za-z][\w:.-]*)\b[^>]*?(\/?)>/g)) {
    if (m[3]) continue;
    if (m[1]) assert.equal(stack.pop(), m[2], `${where}: </${m[2]}> closes the open element`);
    else stack.push(m[2]);
  }
  assert.deepEqual(stack, [], `${where}: every element is closed`);
  assert.ok(!/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(body), `${where}: entities`);
}

const XML_ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const xmlDecode = (s) => s.replace(/&(amp|lt|gt|quot|apos|#\d+);/g, (_, e) =>
  (e[0] === '#' ? String.fromCharCode(Number(e.slice(1))) : XML_ENTITIES[e]));

/** The entries of an Atom feed: [{id, title, updated, link, content}] (text decoded). */
function feedEntries(xml) {
  return [...xml.matchAll(/<entry>([\s\S]*?)<\/entry>/g)].map((m) => {
    const e = m[1];
    const el = (name) => {
      const x = new RegExp(`<${name}\\b[^>]*>([\\s\\S]*?)</${name}>`).exec(e);
      return x ? xmlDecode(x[1]) : null;
    };
    return {
      raw: e,
      id: el('id'),
      title: el('title'),
      updated: el('updated'),
      content: el('content'),
      link: /<link\b[^>]*\brel="alternate"[^>]*\bhref="([^"]+)"/.exec(e)?.[1] ?? null,
    };
  });
}

const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

// ---- The whole way ----

describe('from idea to done', () => {
  const NEW_TITLE = 'Bankjes en prullenbakken opknappen aan de Rietstraat';
  const EMAIL = 'anna.devries@example.org';
  const PHONE = '06 12345678';
  let it; // {id, token, path, fields}
  let photoId;
  let initiator; // the initiator's browser

  test('submitting with a photo: the management link, and the initiator page says Ingediend',
    async () => {
      const audit = auditCount();
      it = await submitOk({ email: EMAIL, telefoon: PHONE, streefbedrag: '50' }, { foto: png() });
      const row = one(`SELECT i.state || '|' || a.slug || '|' || i.target_cents || '|' ||
        coalesce(i.photo_id, '') FROM initiatives i JOIN areas a ON a.id = i.area_id
        WHERE i.id = ${it.id}`).split('|');
      assert.deepEqual(row.slice(0, 3), ['ingediend', 'de-riet', '5000']);
      photoId = Number(row[3]);
      assert.ok(photoId > 0, 'the photo was stored');
      assert.equal(one(`SELECT width || 'x' || height FROM photos WHERE id = ${photoId}`), '40x30');
      assert.equal(countOf('budget_lines', `initiative_id = ${it.id}`), 2);
      assert.equal(countOf('co_organisers', `initiative_id = ${it.id}`), 2);
      assert.equal(auditCount(), audit + 1, 'the submission is one audit entry');
      assert.equal(one(`SELECT length(manage_token_hash) || '|' ||
        (CAST(manage_token_hash AS TEXT) = ${q(it.token)}) FROM initiatives WHERE id = ${it.id}`),
      '32|0', 'only a hash of the management token is stored');

      initiator = await resident();
      const page = await initiator.get(it.path);
      assertPage(page, 'the management page', 200, { manage: true });
      assert.deepEqual(badge(page.text), { state: 'ingediend', label: 'Ingediend' });
      assert.match(page.headers.get('cache-control') ?? '', /no-store/);
      assert.ok(page.text.includes(`<h2>${it.fields.titel}</h2>`), 'names the initiative');
      assert.equal(inputValue(page.text, 'titel'), it.fields.titel, 'the edit form is filled in');
    });

  test('while it is under review nothing of it is public', async () => {
    assert.equal((await fetchPage(server.base, `/initiatieven/${it.id}`)).status, 404);
    const list = await fetchPage(server.base, '/initiatieven?wijk=de-riet');
    assert.ok(!list.text.includes(`/initiatieven/${it.id}`), 'not on the list');
    const anon = await fetchPage(server.base, `/fotos/${photoId}.jpg`);
    assert.equal(anon.status, 404, 'an anonymous client cannot see the photo yet');
  });

  test('the wijkregisseur sees the photo while reviewing', async () => {
    const seen = await staff.get(`/fotos/${photoId}.jpg`);
    assert.equal(seen.status, 200, `GET /fotos/${photoId}.jpg with a staff session`);
    assert.equal(seen.headers.get('content-type'), 'image/jpeg');
  });

  test('the wijkregisseur finds it in the queue and asks for a change', async () => {
    const queue = await staff.get('/beheer');
    assertPage(queue, 'GET /beheer', 200);
    const main = mainOf(queue.text);
    const review = main.slice(main.indexOf('queue-title'), main.indexOf('waiting-title'));
    assert.ok(review.includes(`<a href="/beheer/initiatieven/${it.id}">${it.fields.titel}</a>`),
      'in the queue "Te beoordelen"');
    assert.ok(review.includes('<td>De Riet</td>'), 'with its area');

    const detail = await staff.get(`/beheer/initiatieven/${it.id}`);
    assertPage(detail, 'the staff page', 200);
    for (const s of [EMAIL, PHONE, 'Verf en kwasten', 'Bert Jansen', 'Carla Smit',
      `/beheer/initiatieven/${it.id}/goedkeuren`, `/beheer/initiatieven/${it.id}/wijziging`]) {
      assert.ok(detail.text.includes(s), `the staff page shows ${s}`);
    }

    const audit = auditCount();
    const message = 'Kunt u de prullenbakken bij het speelveld ook meenemen in de titel?';
    const res = await staff.post(`/beheer/initiatieven/${it.id}/wijziging`, { bericht: message });
    assertRedirect(res, 'POST wijziging', `/beheer/initiatieven/${it.id}?gedaan=wijziging`);
    assert.equal(stateOf(it.id), 'wijziging_gevraagd');
    assert.equal(auditCount(), audit + 1);
    const after = await staff.get(`/beheer/initiatieven/${it.id}?gedaan=wijziging`);
    assert.match(textOf(after.text), /Uw vraag is naar de initiatiefnemer gestuurd/);
    const queue2 = mainOf((await staff.get('/beheer')).text);
    const waiting = queue2.slice(queue2.indexOf('waiting-title'), queue2.indexOf('running-title'));
    assert.ok(waiting.includes(`/beheer/initiatieven/${it.id}"`), 'now waits for the initiator');

    const page = await initiator.get(it.path);
    assertPage(page, 'the management page after the request', 200, { manage: true });
    assert.deepEqual(badge(page.text),
      { state: 'wijziging_gevraagd', label: 'Wijziging gevraagd' });
    const messages = /<section aria-labelledby="messages-title">([\s\S]*?)<\/section>/
      .exec(page.text);
    assert.ok(messages && messages[1].includes(message), 'the initiator reads the message');
    assert.match(page.text, new RegExp(`action="${it.path}/indienen"`), 'and can resubmit');
  });

  test('the initiator changes the title and resubmits', async () => {
    const fields = initiativeFields({ ...it.fields, titel: NEW_TITLE });
    let res = await initiator.postMultipart(`${it.path}/bewerken`, fields);
    assertRedirect(res, 'POST bewerken', `${it.path}?gedaan=bewerkt`);
    assert.equal(one(`SELECT title FROM initiatives WHERE id = ${it.id}`), NEW_TITLE);
    assert.equal(stateOf(it.id), 'wijziging_gevraagd', 'editing alone does not resubmit');
    assert.equal(Number(one(`SELECT photo_id FROM initiatives WHERE id = ${it.id}`)), photoId,
      'the photo stays when none is sent');
    let page = await initiator.get(`${it.path}?gedaan=bewerkt`);
    assert.match(textOf(page.text), /Uw wijzigingen zijn opgeslagen/);
    assert.ok(page.text.includes(`<h2>${NEW_TITLE}</h2>`));

    const answer = 'De prullenbakken staan er nu bij.';
    res = await initiator.post(`${it.path}/indienen`, { antwoord: answer });
    assertRedirect(res, 'POST indienen', `${it.path}?gedaan=ingediend`);
    assert.equal(stateOf(it.id), 'ingediend');
    page = await initiator.get(it.path);
    assert.deepEqual(badge(page.text), { state: 'ingediend', label: 'Ingediend' });
    const detail = await staff.get(`/beheer/initiatieven/${it.id}`);
    assert.ok(detail.text.includes(answer), 'the wijkregisseur reads the answer');
    assert.ok(detail.text.includes(`<h1>${NEW_TITLE}</h1>`));
  });

  test('approval publishes it with the new title; now the photo is public', async () => {
    const res = await staff.post(`/beheer/initiatieven/${it.id}/goedkeuren`);
    assertRedirect(res, 'POST goedkeuren', `/beheer/initiatieven/${it.id}?gedaan=goedgekeurd`);
    assert.equal(stateOf(it.id), 'open');
    assert.equal(one(`SELECT published_at IS NOT NULL AND deadline IS NOT NULL FROM initiatives
      WHERE id = ${it.id}`), '1', 'published, with a deadline');

    const pub = await fetchPage(server.base, `/initiatieven/${it.id}`);
    assertPage(pub, 'the public page', 200);
    assert.ok(pub.text.includes(`<h1>${NEW_TITLE}</h1>`), 'with the new title');
    assert.deepEqual(badge(pub.text), { state: 'open', label: 'Open voor vouchers' });
    assert.ok(pub.text.includes(`src="/fotos/${photoId}.jpg"`), 'shows the photo');
    assert.ok(pub.text.includes(`/doneren?initiatief=${it.id}`), 'invites donations');
    for (const s of SECRET_PATTERNS(EMAIL, PHONE)) {
      assert.ok(!pub.text.includes(s), `the public page does not show ${s}`);
    }

    const list = await fetchPage(server.base, '/initiatieven?wijk=de-riet');
    assert.ok(list.text.includes(`/initiatieven/${it.id}`), 'on the list of De Riet');
    const area = await fetchPage(server.base, '/wijken/de-riet');
    assert.ok(area.text.includes(`/initiatieven/${it.id}`), 'on the page of De Riet');
    for (const page of [list, area]) {
      for (const s of SECRET_PATTERNS(EMAIL, PHONE)) assert.ok(!page.text.includes(s));
    }
    const mine = await initiator.get(it.path);
    assert.deepEqual(badge(mine.text), { state: 'open', label: 'Open voor vouchers' });
    assert.ok(!/id="titel"/.test(mine.text), 'no edit form once approved');
  });

  test('households of De Riet donate until it is funded', async () => {
    const resident = await session(server.base);
    for (let i = 0; i < 7; i++) {
      assert.equal(stateOf(it.id), 'open', `open before voucher ${i + 1}`);
      const res = await resident.post('/doneren/bevestigen',
        { code: deRietCodes[i], initiatief: it.id });
      assert.equal(res.status, 303, `voucher ${i + 1}: ${textOf(res.text).slice(0, 200)}`);
    }
    assert.equal(stateOf(it.id), 'gefinancierd');
    assert.equal(one(`SELECT raised_cents || ' ' || voucher_count FROM initiatives
      WHERE id = ${it.id}`), '5250 7');
    const ledger = ledgerCount(db);
    const late = await resident.post('/doneren/bevestigen',
      { code: deRietCodes[7], initiatief: it.id });
    assert.notEqual(late.status, 303, 'no donation after the target was reached');
    assert.ok(late.status >= 400 && late.status < 500, `a refusal (${late.status})`);
    assert.equal(ledgerCount(db), ledger);

    const pub = await fetchPage(server.base, `/initiatieven/${it.id}`);
    assertPage(pub, 'the funded page', 200);
    assert.deepEqual(badge(pub.text), { state: 'gefinancierd', label: 'Gefinancierd' });
    assert.match(pub.text, /Het streefbedrag is gehaald!/);
    assert.ok(!pub.text.includes(`/doneren?initiatief=${it.id}`), 'no more donate button');
  });

  test('updates by the initiator and the wijkregisseur, newest first', async () => {
    const first = 'Eerste update: de verf is besteld.';
    const second = 'Tweede update: zaterdag 10 uur beginnen we.';
    let res = await initiator.postMultipart(`${it.path}/update`, { tekst: first });
    assertRedirect(res, 'POST update', `${it.path}?gedaan=update`);
    res = await initiator.postMultipart(`${it.path}/update`, { tekst: second },
      { foto: { data: makePng(20, 20), filename: 'verf.png', type: 'image/png' } });
    assertRedirect(res, 'POST update with a photo', `${it.path}?gedaan=update`);
    const fromStaff = 'De gemeente zorgt voor afzetlint.';
    res = await staff.post(`/beheer/initiatieven/${it.id}/update`, { tekst: fromStaff });
    assertRedirect(res, 'POST staff update', `/beheer/initiatieven/${it.id}?gedaan=update`);

    const pub = await fetchPage(server.base, `/initiatieven/${it.id}`);
    const updates = /<ol class="updates">([\s\S]*?)<\/ol>/.exec(pub.text)?.[1] ?? '';
    const at = [fromStaff, second, first].map((t) => updates.indexOf(t));
    assert.ok(at.every((x) => x >= 0), 'all three updates are shown');
    assert.ok(at[0] < at[1] && at[1] < at[2], 'newest first');
    assert.match(updates, /\(wijkregisseur\)/);
    assert.match(updates, /Anna de Vries \(initiatiefnemer\)/);
    assert.match(updates, /<img class="update-photo" src="\/fotos\/\d+\.jpg"/,
      'the update shows its photo');
  });

  test('once published, the photos are public JPEGs', async () => {
    const pub = await fetchPage(server.base, `/initiatieven/${it.id}`);
    const srcs = [...pub.text.matchAll(/<img class="(?:initiative|update)-photo" src="([^"]+)"/g)]
      .map((m) => m[1]);
    assert.equal(srcs[0], `/fotos/${photoId}.jpg`, 'the initiative\'s own photo first');
    assert.equal(srcs.length, 2, 'and the photo of the update');
    for (const src of srcs) {
      const res = await fetch(server.base + src);
      assert.equal(res.status, 200, `GET ${src} without a session`);
      assert.equal(res.headers.get('content-type'), 'image/jpeg', src);
      const bytes = Buffer.from(await res.arrayBuffer());
      assert.deepEqual([...bytes.subarray(0, 3)], [0xFF, 0xD8, 0xFF], `${src} is a JPEG`);
    }
  });

  test('reporting completion: the public page says uitgevoerd, with the report', async () => {
    const report = 'Alle drie de bankjes zijn geschuurd en groen geverfd. Dank aan 14 buren!';
    const res = await initiator.postMultipart(`${it.path}/uitgevoerd`, { verslag: report });
    assertRedirect(res, 'POST uitgevoerd', `${it.path}?gedaan=uitgevoerd`);
    assert.equal(stateOf(it.id), 'uitgevoerd');
    const pub = await fetchPage(server.base, `/initiatieven/${it.id}`);
    assertPage(pub, 'the completed page', 200);
    assert.deepEqual(badge(pub.text), { state: 'uitgevoerd', label: 'Uitgevoerd' });
    assert.match(pub.text, /Dit initiatief is uitgevoerd/);
    const section = /<section aria-labelledby="report-title">([\s\S]*?)<\/section>/.exec(pub.text);
    assert.ok(section && section[1].includes(report), 'the report is on the page');
    const mine = await initiator.get(`${it.path}?gedaan=uitgevoerd`);
    assert.deepEqual(badge(mine.text), { state: 'uitgevoerd', label: 'Uitgevoerd' });
    assert.ok(!mine.text.includes(`${it.path}/update"`), 'no more updates form');
    const again = await initiator.postMultipart(`${it.path}/uitgevoerd`, { verslag: report });
    assert.equal(again.status, 409, 'reporting twice is refused');
  });

  test('the audit log has every change of state in order, with its actor; verify passes',
    async () => {
      const rows = one(`SELECT actor || '|' || from_value || '|' || to_value FROM audit_log
        WHERE subject = 'initiative:${it.id}' AND action = 'state' ORDER BY id`).split('\n');
      const who = demo.regisseur.username;
      assert.deepEqual(rows, [
        'initiatiefnemer||ingediend',
        `${who}|ingediend|wijziging_gevraagd`,
        'initiatiefnemer|wijziging_gevraagd|ingediend',
        `${who}|ingediend|open`,
        'systeem|open|gefinancierd',
        'initiatiefnemer|gefinancierd|uitgevoerd',
      ]);
      const times = one(`SELECT at FROM audit_log WHERE subject = 'initiative:${it.id}'
        AND action = 'state' ORDER BY id`).split('\n');
      assert.deepEqual(times, [...times].sort(), 'in time order');
      const detail = await staff.get(`/beheer/initiatieven/${it.id}`);
      const history = /<ol class="history">([\s\S]*?)<\/ol>/.exec(detail.text)?.[1] ?? '';
      assert.equal((history.match(/<li>/g) ?? []).length, 6, 'the staff page shows the history');
      const r = await runBin(['--db', db, 'verify']);
      assert.equal(r.code, 0, `verify: ${r.stdout}${r.stderr}`);
    });
});

// ---- Refusals ----

describe('refused requests change nothing', () => {
  let b; // a submitted initiative in De Riet

  before(async () => {
    b = await submitOk({ titel: 'Geveltuinen in de Rietstraat' });
  });

  test('a POST without a valid CSRF token is 403', async () => {
    const audit = auditCount();
    const initiatives = lastId('initiatives');
    const forged = 'A'.repeat(32);
    for (const [what, opts] of [['no token', { csrf: null }], ['a wrong token', { csrf: forged }],
      ['no CSRF cookie', { cookie: `bs_session=${staff.sessionToken}` }]]) {
      const res = await staff.post(`/beheer/initiatieven/${b.id}/goedkeuren`, {}, opts);
      assertPage(res, `goedkeuren with ${what}`, 403);
      assert.match(textOf(res.text), /formulier is verlopen/);
    }
    const initiator = await resident();
    let res = await initiator.post(`${b.path}/intrekken`, { zeker: 'ja' }, { csrf: null });
    assert.equal(res.status, 403, 'withdrawing without a token');
    res = await initiator.postMultipart('/initiatief-indienen',
      initiativeFields({ titel: 'Zonder token ingediend' }), {}, { csrf: null });
    assert.equal(res.status, 403, 'submitting without a token');
    res = await staff.post('/beheer/berichten/nieuw',
      { gebied: DE_RIET_ID, titel: 'Zonder token', tekst: 'Tekst', publiceren: 'ja' },
      { csrf: forged });
    assert.equal(res.status, 403, 'news without a valid token');
    assert.equal(stateOf(b.id), 'ingediend');
    assert.equal(lastId('initiatives'), initiatives, 'no initiative was added');
    assert.equal(countOf('news', "title = 'Zonder token'"), 0);
    assert.equal(auditCount(), audit, 'no audit entry');
  });

  test('resubmitting when no change was asked is 409', async () => {
    const initiator = await resident();
    const messages = countOf('initiative_messages', `initiative_id = ${b.id}`);
    const audit = auditCount();
    const res = await initiator.post(`${b.path}/indienen`, { antwoord: 'Nog een keer indienen.' });
    assertPage(res, 'POST indienen while ingediend', 409, { manage: true });
    assert.equal(stateOf(b.id), 'ingediend');
    assert.equal(auditCount(), audit);
    assert.equal(countOf('initiative_messages', `initiative_id = ${b.id}`), messages,
      'the refused resubmission leaves no message behind');
  });

  test('approving twice is 409; editing after approval is 409', async () => {
    let res = await staff.post(`/beheer/initiatieven/${b.id}/goedkeuren`);
    assertRedirect(res, 'the first approval', `/beheer/initiatieven/${b.id}?gedaan=goedgekeurd`);
    const audit = auditCount();
    res = await staff.post(`/beheer/initiatieven/${b.id}/goedkeuren`);
    assertPage(res, 'the second approval', 409);
    res = await staff.post(`/beheer/initiatieven/${b.id}/wijziging`, { bericht: 'Te laat' });
    assertPage(res, 'a change request after approval', 409);
    const initiator = await resident();
    res = await initiator.postMultipart(`${b.path}/bewerken`,
      initiativeFields({ titel: 'Nu toch een andere titel' }));
    assertPage(res, 'editing after approval', 409, { manage: true });
    assert.equal(one(`SELECT title FROM initiatives WHERE id = ${b.id}`),
      'Geveltuinen in de Rietstraat');
    assert.equal(stateOf(b.id), 'open');
    assert.equal(auditCount(), audit);
  });

  test('a forged management link is 404', async () => {
    const initiator = await resident();
    const forged = randomBytes(32).toString('base64url');
    assert.equal(forged.length, 43);
    for (const token of [forged, b.token.slice(0, -1), `${b.token}A`, 'x']) {
      const res = await initiator.get(`/mijn-initiatief/${token}`);
      assertPage(res, `GET a forged link (${token.length} characters)`, 404, { manage: true });
    }
    const audit = auditCount();
    for (const [action, fields] of [['bewerken', initiativeFields()], ['indienen', {}],
      ['intrekken', { zeker: 'ja' }], ['update', { tekst: 'Nep' }],
      ['uitgevoerd', { verslag: 'Nep' }]]) {
      const res = await initiator.postMultipart(`/mijn-initiatief/${forged}/${action}`, fields);
      assert.equal(res.status, 404, `POST ${action} with a forged link`);
    }
    assert.equal(auditCount(), audit);
    assert.equal(stateOf(b.id), 'open');
  });

  test('the pages behind a management link send Referrer-Policy: no-referrer, and only that',
    async () => {
      // The token is in the address: no request from these pages may carry it in a Referer.
      const initiator = await resident();
      for (const [what, res] of [
        ['GET the management page', await initiator.get(b.path)],
        ['GET a forged link', await initiator.get(`/mijn-initiatief/${'B'.repeat(43)}`)],
        ['a refused resubmission', await initiator.post(`${b.path}/indienen`, {})],
      ]) {
        assert.equal(res.headers.get('referrer-policy'), 'no-referrer', what);
      }
    });

  test('another area or a city-wide initiative: 403 for the wijkregisseur, with an audit entry',
    async () => {
      const cityWide = await submitOk({ titel: 'Gemeentebrede opruimdag',
        gebied: 'gemeentebreed' });
      const kerkelanden = await submitOk({ titel: 'Bloembakken in Kerkelanden',
        gebied: 'kerkelanden' });
      const queue = await staff.get('/beheer');
      for (const id of [OTHER_AREA_SUBMITTED, cityWide.id, kerkelanden.id]) {
        assert.ok(!queue.text.includes(`/beheer/initiatieven/${id}"`), `${id} not in the queue`);
        const page = await staff.get(`/beheer/initiatieven/${id}`);
        assertPage(page, `GET /beheer/initiatieven/${id}`, 403);
        const state = stateOf(id);
        for (const [action, fields, to] of [['goedkeuren', {}, 'open'],
          ['wijziging', { bericht: 'Graag aanpassen' }, 'wijziging_gevraagd'],
          ['afwijzen', { reden: 'Past niet' }, 'afgewezen']]) {
          const refused = `action = 'geweigerd' AND subject = 'initiative:${id}'`;
          const refusals = countOf('audit_log', refused);
          const res = await staff.post(`/beheer/initiatieven/${id}/${action}`, fields);
          assertPage(res, `POST ${action} on ${id}`, 403);
          assert.equal(stateOf(id), state, `${id} keeps its state after ${action}`);
          assert.equal(countOf('audit_log', refused),
            refusals + 1, `one audit entry for the refused ${action} on ${id}`);
          assert.equal(one(`SELECT actor || '|' || to_value FROM audit_log
            WHERE action = 'geweigerd' ORDER BY id DESC LIMIT 1`),
          `${demo.regisseur.username}|${to}`, 'naming who tried what');
        }
        const upd = await staff.post(`/beheer/initiatieven/${id}/update`, { tekst: 'Hallo' });
        assert.equal(upd.status, 403, `POST update on ${id}`);
      }
      // The admin handles city-wide initiatives.
      const admin = await login(server.base, demo.beheerder.username, demo.beheerder.password);
      const adminQueue = await admin.get('/beheer');
      assert.ok(adminQueue.text.includes(`/beheer/initiatieven/${cityWide.id}"`),
        'the city-wide initiative is in the admin\'s queue');
      assertPage(await admin.get(`/beheer/initiatieven/${cityWide.id}`), 'admin: city-wide', 200);
    });

  test('not logged in: GET redirects to the login, POST is 403', async () => {
    const anon = await client(server.base);
    for (const p of ['/beheer', `/beheer/initiatieven/${b.id}`, '/beheer/berichten',
      '/beheer/berichten/nieuw', '/beheer/berichten/1']) {
      assertRedirect(await anon.get(p), `GET ${p}`, '/beheer/inloggen');
    }
    const audit = auditCount();
    for (const p of [`/beheer/initiatieven/${OTHER_AREA_SUBMITTED}/goedkeuren`,
      '/beheer/berichten/nieuw', '/beheer/berichten/12/publiceren']) {
      const res = await anon.post(p, { gebied: DE_RIET_ID, titel: 'x', tekst: 'y' });
      assertPage(res, `POST ${p}`, 403);
    }
    assert.equal(auditCount(), audit);
    assert.equal(stateOf(OTHER_AREA_SUBMITTED), 'ingediend');
  });

  test('an expired session: GET redirects to the login, POST is 403', async () => {
    const s = await login(server.base, demo.regisseur.username, demo.regisseur.password);
    assertPage(await s.get('/beheer'), 'before expiry', 200);
    sql(db, `UPDATE sessions SET expires_at = CAST(strftime('%s', 'now') AS INTEGER) - 60
      WHERE rowid = (SELECT max(rowid) FROM sessions)`);
    assertRedirect(await s.get('/beheer'), 'GET /beheer after expiry', '/beheer/inloggen');
    const c = await submitOk({ titel: 'Speelplek voor peuters' });
    const res = await s.post(`/beheer/initiatieven/${c.id}/goedkeuren`);
    assertPage(res, 'POST after expiry', 403);
    assert.equal(stateOf(c.id), 'ingediend');
    assertPage(await staff.get('/beheer'), 'another session of the same user still works', 200);
  });
});

// ---- Validation ----

describe('validation of the submission form', () => {
  // [what, overrides, error element id, control id, summary target, message]
  const CASES = [
    ['a title too short', { titel: 'Kort' }, 'titel-error', 'titel', 'titel', /5 tot 120 tekens/],
    ['a summary too short', { samenvatting: 'Te kort' }, 'samenvatting-error', 'samenvatting',
      'samenvatting', /10 tot 300 tekens/],
    ['a description too short', { beschrijving: 'Veel te kort.' }, 'beschrijving-error',
      'beschrijving', 'beschrijving', /30 tot 10\.000 tekens/],
    ['an unknown area', { gebied: 'atlantis' }, 'gebied-error', 'gebied', 'gebied',
      /Kies de wijk/],
    ['a date in the past', { datum: '2020-01-01' }, 'datum-error', 'datum', 'datum',
      /in de toekomst/],
    ['a date in another format', { datum: '16-05-2027' }, 'datum-error', 'datum', 'datum',
      /jjjj-mm-dd/],
    ['a target below the minimum', { streefbedrag: '10', post_1_bedrag: '5', post_2_bedrag: '5' },
      'streefbedrag-error', 'streefbedrag', 'streefbedrag', /ligt tussen €\s50 en €\s5\.000/],
    ['a target that is not a number', { streefbedrag: 'veel' }, 'streefbedrag-error',
      'streefbedrag', 'streefbedrag', /in hele euro's in, zoals 1250 of 1\.250/],
    ['a budget amount that is not an amount', { post_1_bedrag: 'duur' }, 'post_1_bedrag-error',
      'post_1_bedrag', null, /bedrag in euro/],
    ['a budget amount without an item', { post_1_omschrijving: '' }, 'post_1_omschrijving-error',
      'post_1_omschrijving', null, /Omschrijf deze begrotingspost/],
    ['a name too short', { naam: 'A' }, 'naam-error', 'naam', 'naam', /naam in/],
    ['an e-mail address without @', { email: 'anna.example.org' }, 'email-error', 'email',
      'email', /geldig e-mailadres/],
    ['a phone number too short', { telefoon: '12345' }, 'telefoon-error', 'telefoon', 'telefoon',
      /telefoonnummer/],
    ['a wrong postcode', { postcode: '76O1' }, 'postcode-error', 'postcode', 'postcode',
      /postcode in/],
    ['a wrong house number', { huisnummer: 'nul' }, 'huisnummer-error', 'huisnummer',
      'huisnummer', /huisnummer in/],
    ['a co-organiser at the initiator\'s address',
      { mede_2_postcode: '7601 CK', mede_2_huisnummer: '12' }, 'mede_2-error', 'mede_2_naam', null,
      /komt al voor/],
    ['the rules not accepted', { akkoord: null }, 'akkoord-error', 'akkoord', 'akkoord',
      /regels/],
  ];

  for (const [what, overrides, errId, controlId, target, message] of CASES) {
    test(`${what}: 400, the message next to the field, the other values kept`, async () => {
      const fields = initiativeFields(overrides);
      const before = lastId('initiatives');
      const { res } = await submitInitiative(server.base, fields);
      assertPage(res, what, 400);
      assertErrorNextTo(res.text, errId, controlId, message, what);
      if (target) assertSummaryLinks(res.text, target, message, what);
      if (!['akkoord', 'mede_2_naam'].includes(controlId)) {
        const tag = new RegExp(`<(?:input|textarea|select)\\b[^>]*\\bid="${controlId}"[^>]*>`)
          .exec(res.text)[0];
        assert.match(tag, /aria-invalid="true"/, `${what}: the field is marked invalid`);
        assert.match(/aria-describedby="([^"]*)"/.exec(tag)?.[1] ?? '',
          new RegExp(`(^| )${errId}( |$)`), `${what}: the message belongs to the field`);
      }
      assertKept(res.text, fields, Object.keys(overrides), what);
      assert.equal(lastId('initiatives'), before, `${what}: nothing was stored`);
    });
  }

  test('budget lines that do not add up to the target: 400 with both sums named', async () => {
    const fields = initiativeFields({ post_2_bedrag: '20' });
    const { res } = await submitInitiative(server.base, fields);
    assertPage(res, 'budget mismatch', 400);
    const m = /<p class="error-message" id="begroting-error">([^<]*)<\/p>/.exec(res.text);
    assert.ok(m, 'a message above the budget table');
    assert.match(decode(m[1]), /tot €\s55, maar het streefbedrag is €\s50\./);
    assertSummaryLinks(res.text, 'post_1_omschrijving', /tellen op tot/, 'budget mismatch');
    assertKept(res.text, fields, [], 'budget mismatch');
  });

  test('too few co-organisers: 400 with the message in their fieldset', async () => {
    const fields = initiativeFields({ mede_2_naam: null, mede_2_postcode: null,
      mede_2_huisnummer: null });
    const { res } = await submitInitiative(server.base, fields);
    assertPage(res, 'one co-organiser', 400);
    const fieldset = /<legend>Mede-organisatoren<\/legend>([\s\S]*?)<\/fieldset>/.exec(res.text);
    assert.ok(fieldset, 'the co-organisers fieldset');
    assert.match(textOf(fieldset[1]), /minstens 2 mede-organisatoren/);
    assertSummaryLinks(res.text, 'mede_1_naam', /minstens 2/, 'one co-organiser');
    assertKept(res.text, fields, [], 'one co-organiser');
  });

  test('an empty form: 400, a message for each required field', async () => {
    const { res } = await submitInitiative(server.base, { regels: '5', mede_regels: '3' });
    assertPage(res, 'empty form', 400);
    for (const id of ['titel', 'samenvatting', 'beschrijving', 'gebied', 'datum', 'streefbedrag',
      'naam', 'email', 'postcode', 'huisnummer', 'akkoord']) {
      assert.ok(res.text.includes(`id="${id}-error"`), `empty form: a message for ${id}`);
    }
    assert.ok(!res.text.includes('id="telefoon-error"'), 'the phone number is optional');
  });

  test('"Meer begrotingsposten" adds three rows and keeps what was typed', async () => {
    const fields = initiativeFields({ meer_regels: '1', titel: 'Nog niet af' });
    const before = lastId('initiatives');
    const { res } = await submitInitiative(server.base, fields);
    assertPage(res, 'meer_regels', 200);
    assert.ok(!res.text.includes('error-summary'), 'no errors shown');
    assert.equal(/<input type="hidden" name="regels" value="(\d+)">/.exec(res.text)?.[1], '8');
    for (let n = 1; n <= 8; n++) {
      assert.ok(res.text.includes(`id="post_${n}_omschrijving"`), `row ${n}`);
      assert.ok(res.text.includes(`id="post_${n}_bedrag"`), `row ${n} amount`);
    }
    assert.ok(!res.text.includes('id="post_9_omschrijving"'), 'three rows more, not more');
    const { meer_regels: _, ...rest } = fields;
    assertKept(res.text, rest, [], 'meer_regels');
    assert.equal(lastId('initiatives'), before, 'nothing was submitted');

    // The eighth row counts when the form is sent.
    const eight = initiativeFields({ regels: '8', streefbedrag: '60', post_8_omschrijving: 'Koffie',
      post_8_bedrag: '10', titel: 'Bankjes met koffie' });
    const ok = await submitInitiative(server.base, eight);
    assertPage(ok.res, 'eight rows', 200);
    assert.equal(one(`SELECT group_concat(item, ',') FROM budget_lines WHERE initiative_id =
      ${lastId('initiatives')}`), 'Verf en kwasten,Schuurpapier,Koffie');
  });

  test('a text file named .jpg is refused as photo: 400 with the photo message', async () => {
    const fields = initiativeFields();
    const before = lastId('initiatives');
    const photos = countOf('photos');
    for (const file of [
      { data: Buffer.from('Dit is geen foto maar gewone tekst.\n'), filename: 'foto.jpg',
        type: 'image/jpeg' },
      { data: PNG.subarray(0, 40), filename: 'half.png', type: 'image/png' },
    ]) {
      const { res } = await submitInitiative(server.base, fields, { foto: file });
      assertPage(res, `photo ${file.filename}`, 400);
      const text = assertErrorNextTo(res.text, 'foto-error', 'foto', /foto|JPEG|PNG/,
        file.filename);
      if (file.filename === 'foto.jpg') assert.match(text, /geen JPEG- of PNG-foto/);
      assertSummaryLinks(res.text, 'foto', /foto|JPEG/i, file.filename);
      assertKept(res.text, fields, [], file.filename);
    }
    assert.equal(lastId('initiatives'), before, 'nothing was stored');
    assert.equal(countOf('photos'), photos, 'no photo was stored');
  });
});

// ---- Escaping ----

describe('everything typed is shown escaped', () => {
  const P = PAYLOAD;
  const texts = {
    titel: `Feest ${P}`,
    samenvatting: `Samenvatting ${P} voor de buurt`,
    beschrijving: `Beschrijving ${P} van ons plan voor de hele straat.`,
    post_1_omschrijving: `Verf ${P}`,
    post_2_omschrijving: `Kwasten ${P}`,
    naam: `Naam ${P}`,
  };
  const ask = `Vraag ${P}`;
  const answer = `Antwoord ${P}`;
  const update = `Update ${P}`;
  const staffUpdate = `Regisseur ${P}`;
  const newsTitle = `Nieuws ${P}`;
  const newsBody = `Bericht ${P} aan de wijk.`;
  let x;
  let initiator;
  let newsId;

  test('the initiator page, the staff pages and the queue', async () => {
    x = await submitOk(texts);
    initiator = await resident();
    let page = await initiator.get(x.path);
    assertPage(page, 'initiator page', 200, { manage: true });
    assertEscaped(page.text, 'initiator page', Object.values(texts));
    const queue = await staff.get('/beheer');
    assertEscaped(queue.text, 'queue', [texts.titel]);
    let detail = await staff.get(`/beheer/initiatieven/${x.id}`);
    assertPage(detail, 'staff page', 200);
    assertEscaped(detail.text, 'staff page', Object.values(texts));

    assertRedirect(await staff.post(`/beheer/initiatieven/${x.id}/wijziging`, { bericht: ask }),
      'change request', `/beheer/initiatieven/${x.id}?gedaan=wijziging`);
    page = await initiator.get(x.path);
    assertEscaped(page.text, 'initiator page with the request', [ask, ...Object.values(texts)]);
    assertRedirect(await initiator.post(`${x.path}/indienen`, { antwoord: answer }),
      'resubmission', `${x.path}?gedaan=ingediend`);
    detail = await staff.get(`/beheer/initiatieven/${x.id}`);
    assertEscaped(detail.text, 'staff page with messages and history', [ask, answer]);
  });

  test('the public pages, after approval and updates', async () => {
    assertRedirect(await staff.post(`/beheer/initiatieven/${x.id}/goedkeuren`), 'approval',
      `/beheer/initiatieven/${x.id}?gedaan=goedgekeurd`);
    assertRedirect(await initiator.postMultipart(`${x.path}/update`, { tekst: update }),
      'update', `${x.path}?gedaan=update`);
    assertRedirect(await staff.post(`/beheer/initiatieven/${x.id}/update`, { tekst: staffUpdate }),
      'staff update', `/beheer/initiatieven/${x.id}?gedaan=update`);
    const pub = await fetchPage(server.base, `/initiatieven/${x.id}`);
    assertPage(pub, 'public page', 200);
    assertEscaped(pub.text, 'public page', [...Object.values(texts), update, staffUpdate]);
    assert.ok(pub.text.includes(`<title>${escapeHtml(texts.titel)} — Almelo Buurt Samen</title>`),
      'the <title> is escaped too');
    for (const p of ['/initiatieven', '/initiatieven?wijk=de-riet', '/wijken/de-riet']) {
      const res = await fetchPage(server.base, p);
      assertPage(res, p, 200);
      assertEscaped(res.text, p, [texts.titel]);
    }
    const mine = await initiator.get(x.path);
    assertEscaped(mine.text, 'initiator page when open', [texts.titel]);
    const detail = await staff.get(`/beheer/initiatieven/${x.id}`);
    assertEscaped(detail.text, 'staff page when open', [texts.titel, ask, answer]);
  });

  test('news: the public post, the lists, the home page, the staff pages and the feeds',
    async () => {
      const res = await staff.post('/beheer/berichten/nieuw',
        { gebied: DE_RIET_ID, titel: newsTitle, tekst: newsBody, publiceren: 'ja' });
      assertRedirect(res, 'new post', '/beheer/berichten?gedaan=opgeslagen');
      newsId = lastId('news');
      assert.equal(one(`SELECT title FROM news WHERE id = ${newsId}`), newsTitle);
      for (const p of [`/berichten/${newsId}`, '/berichten', '/', '/wijken/de-riet']) {
        const page = await fetchPage(server.base, p);
        assertPage(page, p, 200);
        assertEscaped(page.text, p,
          p === `/berichten/${newsId}` ? [newsTitle, newsBody] : [newsTitle]);
      }
      for (const p of ['/beheer/berichten', `/beheer/berichten/${newsId}`]) {
        const page = await staff.get(p);
        assertPage(page, p, 200);
        assertEscaped(page.text, p, [newsTitle]);
      }
      const form = await staff.get(`/beheer/berichten/${newsId}`);
      assert.equal(inputValue(form.text, 'titel'), newsTitle, 'the edit form holds the title');
      assert.equal(textareaValue(form.text, 'tekst'), newsBody);
      for (const p of ['/feeds/de-riet.atom', '/feeds/gemeente.atom']) {
        const xml = await feed(p);
        assert.ok(!/<script/i.test(xml), `${p}: no <script element`);
        const entry = feedEntries(xml).find((e) => e.link?.endsWith(`/berichten/${newsId}`));
        assert.ok(entry, `${p}: has the post`);
        assert.equal(entry.title, newsTitle, `${p}: the title is the text, escaped once`);
        assert.ok(entry.content && !/<script/i.test(entry.content),
          `${p}: the HTML content holds no script element`);
        assert.ok(entry.content.includes(escapeHtml(newsBody)), `${p}: the body is escaped HTML`);
      }
    });
});

// ---- Privacy ----

describe('the initiator\'s private contact', () => {
  test('e-mail and phone never appear on public pages or feeds', async () => {
    const email = 'prive.persoon@example.net';
    const phone = '06 98765432';
    const p = await submitOk({ titel: 'Zitbankje bij de bushalte', email, telefoon: phone });
    assertRedirect(await staff.post(`/beheer/initiatieven/${p.id}/goedkeuren`), 'approval',
      `/beheer/initiatieven/${p.id}?gedaan=goedgekeurd`);
    for (const path of [`/initiatieven/${p.id}`, '/initiatieven', '/initiatieven?wijk=de-riet',
      '/wijken/de-riet', '/', '/feeds/de-riet.atom', '/feeds/gemeente.atom',
      `/api/v1/initiatieven/${p.id}`]) {
      const res = await fetchPage(server.base, path);
      for (const s of SECRET_PATTERNS(email, phone)) {
        assert.ok(!res.text.includes(s), `${path} (${res.status}) does not show ${s}`);
      }
    }
    const detail = await staff.get(`/beheer/initiatieven/${p.id}`);
    assert.ok(detail.text.includes(email) && detail.text.includes(phone), 'staff do see them');
  });
});

// ---- Logging in ----

describe('staff login', () => {
  const PASSWORD = 'paars-schaap-fietst-7';

  test('the login page carries a CSRF token; a wrong password is 401 with a Dutch message',
    async () => {
      const { client: cl, res } = await tryLogin(server.base, demo.regisseur.username,
        'helemaal-fout-123', { localAddress: '127.0.0.11' });
      assertPage(cl.firstResponse, 'GET /beheer/inloggen', 200);
      assertPage(res, 'wrong password', 401);
      const alert = /<div class="notice" role="alert"><p>([^<]*)<\/p><\/div>/.exec(res.text);
      assert.ok(alert, 'the message is announced');
      assert.equal(decode(alert[1]), 'De gebruikersnaam of het wachtwoord klopt niet.');
      assert.equal(setCookieValue(res.headers, 'bs_session'), null, 'no session');
      assert.equal(inputValue(res.text, 'gebruikersnaam'), demo.regisseur.username,
        'the name is kept');
      assert.ok(!res.text.includes('helemaal-fout-123'), 'the password is not shown back');
      assert.equal(one(`SELECT to_value || '|' || reason FROM audit_log WHERE action = 'login'
        AND subject = 'user:${demo.regisseur.username}' ORDER BY id DESC LIMIT 1`),
      'mislukt|127.0.0.11', 'the attempt is in the audit log');

      const unknown = await tryLogin(server.base, 'niemand', 'helemaal-fout-123',
        { localAddress: '127.0.0.11' });
      assertPage(unknown.res, 'unknown user', 401);
      assert.match(textOf(unknown.res.text), /De gebruikersnaam of het wachtwoord klopt niet/);
      const empty = await tryLogin(server.base, '', '', { localAddress: '127.0.0.11' });
      assertPage(empty.res, 'empty form', 400);
      assert.match(textOf(empty.res.text), /Vul uw gebruikersnaam in/);
      assert.match(textOf(empty.res.text), /Vul uw wachtwoord in/);
    });

  test('a good login: 303 to /beheer with an HttpOnly SameSite=Lax session cookie, audited',
    async () => {
      const before = countOf('audit_log', `action = 'login' AND to_value = 'gelukt'`);
      const s = await login(server.base, demo.regisseur.username, demo.regisseur.password);
      const cookie = setCookieValue(s.loginResponse.headers, 'bs_session');
      assert.ok(cookie && cookie.value.length >= 32, 'a long random session token');
      assert.match(cookie.header, /;\s*HttpOnly/i);
      assert.match(cookie.header, /;\s*SameSite=Lax/i);
      assert.match(cookie.header, /;\s*Path=\//);
      assert.equal(countOf('audit_log', `action = 'login' AND to_value = 'gelukt'`), before + 1);
    });

  test('five failures for one account: the failing address waits, a clean one still logs in',
    async () => {
      const user = await addStaffUser(db, 'slotwachter', { areas: ['kerkelanden'],
        email: 'slotwachter@almelo.example', password: PASSWORD });
      for (let i = 0; i < 5; i++) {
        const { res } = await tryLogin(server.base, user.username, `fout-wachtwoord-${i}`,
          { localAddress: '127.0.0.12' });
        assert.equal(res.status, 401, `failure ${i + 1}`);
      }
      const { res } = await tryLogin(server.base, user.username, PASSWORD,
        { localAddress: '127.0.0.12' });
      assertPage(res, 'the right password from the failing address', 429);
      const retry = Number(res.headers.get('retry-after'));
      assert.ok(Number.isInteger(retry) && retry > 0 && retry <= 15, `Retry-After ${retry}`);
      assert.match(textOf(res.text), /Te veel mislukte pogingen.*Probeer het over \d+ seconden/);
      assert.equal(setCookieValue(res.headers, 'bs_session'), null, 'no session');
      const log = one(`SELECT group_concat(to_value, ',') FROM (SELECT to_value FROM audit_log
        WHERE action = 'login' AND subject = 'user:slotwachter' ORDER BY id)`);
      assert.equal(log, 'mislukt,mislukt,mislukt,mislukt,mislukt,geblokkeerd',
        'every attempt is in the audit log');
      // The guesser cannot lock the owner out: the right password from an address that never
      // failed logs in at once.
      await login(server.base, user.username, PASSWORD, { localAddress: '127.0.0.13' });
      // Another account from the same address is not affected.
      await login(server.base, demo.regisseur.username, demo.regisseur.password,
        { localAddress: '127.0.0.13' });
    });

  test('five failures from one address: 429 there for any account, not elsewhere', async () => {
    for (let i = 0; i < 5; i++) {
      const { res } = await tryLogin(server.base, `onbekend${i}`, 'fout-wachtwoord-0',
        { localAddress: '127.0.0.14' });
      assert.equal(res.status, 401, `failure ${i + 1}`);
    }
    const { res } = await tryLogin(server.base, demo.regisseur.username, demo.regisseur.password,
      { localAddress: '127.0.0.14' });
    assertPage(res, 'from the throttled address', 429);
    assert.ok(Number(res.headers.get('retry-after')) > 0, 'Retry-After');
    await login(server.base, demo.regisseur.username, demo.regisseur.password,
      { localAddress: '127.0.0.15' });
  });

  test('parallel wrong logins from one address: no more than five are checked', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) =>
      tryLogin(server.base, 'parallelnaam', `fout-parallel-${i}`,
        { localAddress: '127.0.0.17' })));
    const statuses = results.map(({ res }) => res.status);
    assert.equal(statuses.filter((s) => s === 401).length, 5, statuses.join(','));
    assert.equal(statuses.filter((s) => s === 429).length, 7, statuses.join(','));
  });

  test('a disabled account cannot log in, and its session ends', async () => {
    const user = await addStaffUser(db, 'oudcollega', { areas: ['de-riet'], password: PASSWORD });
    const s = await login(server.base, user.username, PASSWORD, { localAddress: '127.0.0.16' });
    assertPage(await s.get('/beheer'), 'before disabling', 200);
    await userCommand(db, 'disable', user.username);
    assertRedirect(await s.get('/beheer'), 'the old session', '/beheer/inloggen');
    const { res } = await tryLogin(server.base, user.username, PASSWORD,
      { localAddress: '127.0.0.16' });
    assert.notEqual(res.status, 303, 'no login');
    assertPage(res, 'disabled account', 401);
    assert.equal(setCookieValue(res.headers, 'bs_session'), null, 'no session cookie');
  });

  test('logging out ends the session: the old cookie no longer works', async () => {
    const s = await login(server.base, demo.regisseur.username, demo.regisseur.password);
    const oldCookie = s.cookie;
    const sessions = countOf('sessions');
    const res = await s.post('/beheer/uitloggen');
    assertRedirect(res, 'logout', '/');
    const cleared = setCookieValue(res.headers, 'bs_session');
    assert.ok(cleared && cleared.value === '' && /Max-Age=0/i.test(cleared.header),
      'the cookie is cleared');
    assert.equal(countOf('sessions'), sessions - 1, 'the session is gone from the database');
    assertRedirect(await s.get('/beheer', { cookie: oldCookie }), 'GET with the old cookie',
      '/beheer/inloggen');
    const c = await submitOk({ titel: 'Na het uitloggen' });
    const post = await s.post(`/beheer/initiatieven/${c.id}/goedkeuren`, {}, { cookie: oldCookie });
    assertPage(post, 'POST with the old cookie', 403);
    assert.equal(stateOf(c.id), 'ingediend');
  });
});

// ---- News ----

describe('news for a wijk', () => {
  const title = 'Snoeiploeg zoekt handen in De Riet';
  const body = 'Zaterdag snoeien we de struiken langs de Rietstraat.\n\n' +
    'Meer op https://example.org/snoei.';
  let id;

  const inFeed = (xml) => feedEntries(xml).some((e) => e.link?.endsWith(`/berichten/${id}`));

  test('a draft for De Riet is not public', async () => {
    const form = await staff.get('/beheer/berichten/nieuw');
    assertPage(form, 'the news form', 200);
    const options = [...form.text.matchAll(/<option value="(\d+)"/g)].map((m) => Number(m[1]));
    assert.ok(options.includes(DE_RIET_ID), 'De Riet can be chosen');
    assert.ok(!options.includes(0) && !options.includes(KERKELANDEN_ID),
      'not city-wide nor another area');
    const res = await staff.post('/beheer/berichten/nieuw',
      { gebied: DE_RIET_ID, titel: title, tekst: body });
    assertRedirect(res, 'a new draft', '/beheer/berichten?gedaan=opgeslagen');
    id = lastId('news');
    assert.equal(one(`SELECT published || '|' || area_id FROM news WHERE id = ${id}`),
      `0|${DE_RIET_ID}`);
    assertPage(await fetchPage(server.base, `/berichten/${id}`), 'the draft', 404);
    assert.ok(!newsIds(mainOf((await fetchPage(server.base, '/berichten')).text)).includes(id));
    assert.ok(!inFeed(await feed('/feeds/de-riet.atom')), 'not in the feed');
    const list = await staff.get('/beheer/berichten');
    assertPage(list, '/beheer/berichten', 200);
    const row = new RegExp(`<a href="/beheer/berichten/${id}">[\\s\\S]*?</tr>`).exec(list.text);
    assert.ok(row && /Concept/.test(row[0]) &&
      row[0].includes(`/beheer/berichten/${id}/publiceren`),
      'listed as a draft with a publish button');
  });

  test('publishing: the page, the feeds of De Riet and the city, the home page', async () => {
    const res = await staff.post(`/beheer/berichten/${id}/publiceren`);
    assertRedirect(res, 'publish', '/beheer/berichten?gedaan=opgeslagen');
    const page = await fetchPage(server.base, `/berichten/${id}`);
    assertPage(page, 'the published post', 200);
    assert.ok(page.text.includes(`<h1>${title}</h1>`));
    assert.ok(page.text.includes('<a href="https://example.org/snoei"'), 'links in the text work');
    assert.ok(inFeed(await feed('/feeds/de-riet.atom')), 'in the feed of De Riet');
    assert.ok(inFeed(await feed('/feeds/gemeente.atom')), 'in the feed of the city');
    assert.ok(!inFeed(await feed('/feeds/aadorp.atom')), 'not in the feed of Aadorp');
    const home = await fetchPage(server.base, '/');
    assert.equal(newsIds(mainOf(home.text))[0], id, 'the latest news on the home page');
    const area = await fetchPage(server.base, '/wijken/de-riet');
    assert.ok(newsIds(mainOf(area.text)).includes(id), 'on the page of De Riet');
  });

  test('unpublishing takes it off again', async () => {
    assertRedirect(await staff.post(`/beheer/berichten/${id}/depubliceren`, { bevestigd: '1' }),
      'unpublish',
      '/beheer/berichten?gedaan=opgeslagen');
    assertPage(await fetchPage(server.base, `/berichten/${id}`), 'unpublished', 404);
    assert.ok(!inFeed(await feed('/feeds/de-riet.atom')));
    assert.ok(!inFeed(await feed('/feeds/gemeente.atom')));
    assert.ok(!newsIds(mainOf((await fetchPage(server.base, '/')).text)).includes(id));
  });

  test('a wijkregisseur cannot post city-wide or for another area: 400; the admin can',
    async () => {
      const before = lastId('news');
      for (const gebied of [0, KERKELANDEN_ID, 999, 'abc']) {
        const res = await staff.post('/beheer/berichten/nieuw',
          { gebied, titel: 'Voor iedereen', tekst: 'Tekst voor de hele stad', publiceren: 'ja' });
        assertPage(res, `gebied ${gebied}`, 400);
        assertErrorNextTo(res.text, 'gebied-error', 'gebied', /Kies een gebied/,
          `gebied ${gebied}`);
        assert.equal(inputValue(res.text, 'titel'), 'Voor iedereen', 'the title is kept');
        assert.equal(textareaValue(res.text, 'tekst'), 'Tekst voor de hele stad');
      }
      assert.equal(lastId('news'), before, 'nothing was saved');
      const empty = await staff.post('/beheer/berichten/nieuw',
        { gebied: DE_RIET_ID, titel: '', tekst: 'Alleen tekst' });
      assertPage(empty, 'no title', 400);
      assertErrorNextTo(empty.text, 'titel-error', 'titel', /titel/, 'no title');
      assert.equal(textareaValue(empty.text, 'tekst'), 'Alleen tekst');

      const admin = await login(server.base, demo.beheerder.username, demo.beheerder.password);
      const res = await admin.post('/beheer/berichten/nieuw',
        { gebied: 0, titel: 'Nieuwe voucherronde', tekst: 'Voor de hele stad.', publiceren: 'ja' });
      assertRedirect(res, 'admin: city-wide post', '/beheer/berichten?gedaan=opgeslagen');
      const cityId = lastId('news');
      assert.equal(one(`SELECT area_id IS NULL FROM news WHERE id = ${cityId}`), '1');
      const inArea = feedEntries(await feed('/feeds/de-riet.atom'))
        .some((e) => e.link?.endsWith(`/berichten/${cityId}`));
      assert.ok(inArea, 'city-wide news is in the feed of every wijk');
      assertPage(await staff.get(`/beheer/berichten/${cityId}`), 'regisseur: city-wide post', 403);
      const refused = await staff.post(`/beheer/berichten/${cityId}/depubliceren`);
      assertPage(refused, 'regisseur unpublishes a city-wide post', 403);
      assert.equal(one(`SELECT published FROM news WHERE id = ${cityId}`), '1');
    });

  test("a buurt's news reaches its wijk's page and feed; every page links its own feed",
    async () => {
      one(`INSERT INTO news (area_id, title, body, author_name, published, published_at)
        VALUES ((SELECT id FROM areas WHERE slug = 'riet-noord'), 'Snoeiavond Riet-Noord',
        'Samen de heggen snoeien.', 'Wijkregisseur', 1, datetime('now'))`);
      const id = Number(one('SELECT max(id) FROM news'));
      const inFeed = feedEntries(await feed('/feeds/de-riet.atom'))
        .some((e) => e.link?.endsWith(`/berichten/${id}`));
      assert.ok(inFeed, "the buurt's post is in its wijk's feed");
      const wijk = await fetchPage(server.base, '/wijken/de-riet');
      assert.match(wijk.text, /Snoeiavond Riet-Noord/, "and on its wijk's page");
      const elsewhere = feedEntries(await feed('/feeds/aadorp.atom'))
        .some((e) => e.link?.endsWith(`/berichten/${id}`));
      assert.ok(!elsewhere, 'not in the feed of another dorp');
      const alternate = (html) => [...html.matchAll(
        /<link rel="alternate" type="application\/atom\+xml" title="[^"]+" href="([^"]+)">/g)]
        .map((m) => m[1]);
      assert.deepEqual(alternate(wijk.text), ['/feeds/de-riet.atom'], 'a wijk links its own feed');
      assert.deepEqual(alternate((await fetchPage(server.base, '/wijken/riet-noord')).text),
        ['/feeds/de-riet.atom'], "a buurt links its wijk's feed");
      assert.deepEqual(alternate((await fetchPage(server.base, '/')).text),
        ['/feeds/gemeente.atom'], 'other pages link the city feed');
      // Every <time> on the news pages names its moment with a zone.
      for (const path of ['/berichten', `/berichten/${id}`, '/wijken/de-riet', '/']) {
        const { text } = await fetchPage(server.base, path);
        for (const m of text.matchAll(/<time datetime="([^"]*)"/g)) {
          assert.match(m[1], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, `${path}: ${m[1]}`);
        }
      }
    });

  test("an initiative's updates as a feed, linked from its page", async () => {
    const withUpdates = Number(one(`SELECT u.initiative_id FROM initiative_updates u
      JOIN initiatives i ON i.id = u.initiative_id WHERE i.published_at IS NOT NULL
      AND i.state NOT IN ('ingediend', 'wijziging_gevraagd', 'afgewezen')
      GROUP BY u.initiative_id ORDER BY count(*) DESC LIMIT 1`));
    const page = await fetchPage(server.base, `/initiatieven/${withUpdates}`);
    assert.match(page.text,
      new RegExp(`<link rel="alternate" type="application/atom\\+xml" title="[^"]+" href="/feeds/initiatieven/${withUpdates}.atom">`));
    assert.match(page.text, new RegExp(`href="/feeds/initiatieven/${withUpdates}.atom"`));
    const xml = await feed(`/feeds/initiatieven/${withUpdates}.atom`);
    const entries = feedEntries(xml);
    const count = Number(one(`SELECT count(*) FROM initiative_updates
      WHERE initiative_id = ${withUpdates}`));
    assert.equal(entries.length, count, 'one entry per update');
    assert.equal(new Set(entries.map((e) => e.id)).size, count, 'unique entry ids');
    for (const e of entries) {
      assert.match(e.updated ?? '', RFC3339);
      assert.match(e.link ?? '', new RegExp(`/initiatieven/${withUpdates}#update-\\d+$`));
      const anchor = e.link.split('#')[1];
      assert.match(page.text, new RegExp(`id="${anchor}"`), `${anchor} is on the page`);
    }
    for (const p of ['/feeds/initiatieven/999999.atom', '/feeds/initiatieven/1.rss',
      `/feeds/initiatieven/${one("SELECT min(id) FROM initiatives WHERE state = 'ingediend'")}.atom`]) {
      assert.equal((await fetchPage(server.base, p)).status, 404, p);
    }
  });

  test('the feeds are well-formed Atom', async () => {
    for (const p of ['/feeds/de-riet.atom', '/feeds/gemeente.atom', '/feeds/aadorp.atom']) {
      const xml = await feed(p);
      assert.match(xml,
        /^<\?xml version="1.0" encoding="utf-8"\?>\s*<feed xmlns="http:\/\/www\.w3\.org\/2005\/Atom"/,
        `${p}: an Atom feed`);
      const head = xml.slice(0, xml.indexOf('<entry>') >= 0 ? xml.indexOf('<entry>') : xml.length);
      assert.match(head, /<title>[^<]+<\/title>/, `${p}: <title>`);
      assert.match(head, /<id>[^<]+<\/id>/, `${p}: <id>`);
      const updated = /<updated>([^<]+)<\/updated>/.exec(head)?.[1];
      assert.match(updated ?? '', RFC3339, `${p}: feed <updated> in RFC 3339`);
      const entries = feedEntries(xml);
      assert.ok(entries.length > 0, `${p}: has entries`);
      for (const e of entries) {
        assert.ok(e.id, `${p}: entry <id>`);
        assert.ok(e.title, `${p}: entry <title>`);
        assert.match(e.updated ?? '', RFC3339, `${p}: entry <updated> in RFC 3339`);
        assert.match(e.link ?? '', /^https?:\/\/[^/]+\/berichten\/\d+$/, `${p}: entry <link>`);
      }
      const times = entries.map((e) => e.updated);
      assert.deepEqual(times, [...times].sort().reverse(), `${p}: newest first`);
      assert.equal(updated, times[0], `${p}: the feed is as new as its newest entry`);
    }
    for (const p of ['/feeds/atlantis.atom', '/feeds/riet-noord.atom', '/feeds/de-riet.rss',
      '/feeds/de-riet', '/feeds/.atom']) {
      const res = await fetchPage(server.base, p);
      assert.equal(res.status, 404, p);
    }
  });
});
