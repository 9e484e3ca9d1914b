// Following by e-mail over HTTP, through a captured sendmail: the opt-in round trip (nothing
// before confirmation), an event as a message with RFC 8058 List-Unsubscribe headers, the
// one-click POST that deletes the follow without cookies or CSRF, a digest sent by
// housekeeping, bad input and the rate limit, and no follower's address anywhere public.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { removeDb, removeTemp, runBin, sql, startServe, tempDir } from '../lib/server.mjs';
import { httpRequest, session } from '../lib/vouchers.mjs';
import { login, makeDemoDbWithStaff } from '../lib/staff.mjs';

const MARK = '#### fake-sendmail: next message ####';
let db;
let server;
let dir;
let config;
let mailLog;
let open; // an open initiative
let wijk; // { id, slug } of a wijk
let demo;
let admin;
const one = (s) => sql(db, s).trim();
const q = (s) => `'${s.replaceAll("'", "''")}'`;

before(async () => {
  demo = await makeDemoDbWithStaff();
  db = demo.db;
  open = Number(one("SELECT min(id) FROM initiatives WHERE state = 'open'"));
  const [id, slug] = one("SELECT id, slug FROM areas WHERE kind = 'wijk' ORDER BY id LIMIT 1").split('|');
  wijk = { id: Number(id), slug };
  sql(db, "INSERT OR REPLACE INTO settings(key, value) VALUES ('volgen_per_uur', '3')");
  dir = await tempDir('buurtsamen-follow-');
  mailLog = path.join(dir, 'delivered.log');
  await fs.writeFile(path.join(dir, 'sendmail'),
    `#!/bin/sh\n{ printf '%s\\n' '${MARK}'; cat; } >> '${mailLog}'\nexit 0\n`, { mode: 0o755 });
  config = path.join(dir, 'mail.ini');
  await fs.writeFile(config, `[mail]\ncommand = ${path.join(dir, 'sendmail')} -t -i\n`);
  server = await startServe({ db, threads: 2 });
  admin = await login(server.base, demo.beheerder.username, demo.beheerder.password);
});

after(async () => {
  await server?.stop();
  if (db) await removeDb(db);
  if (dir) await removeTemp(dir);
});

/** The token after `prefix` in the newest queued message to `to`. */
function tokenFor(to, prefix) {
  const body = one(`SELECT body FROM outbox WHERE to_addr = ${q(to)} ORDER BY id DESC LIMIT 1`);
  const m = new RegExp(`${prefix}([A-Za-z0-9_-]{32})`).exec(body);
  assert.ok(m, `a ${prefix} link in the message to ${to}`);
  return m[1];
}

async function delivered() {
  const out = await runBin(['--config', config, '--db', db, 'mail', 'send']);
  assert.equal(out.code, 0, out.stderr);
  return (await fs.readFile(mailLog, 'utf8').catch(() => '')).split(`${MARK}\n`);
}

/** Asks to follow and confirms through the link in the mail; returns the session. */
async function followAndConfirm(fields, localAddress) {
  const s = await session(server.base, { localAddress });
  const r = await s.post('/volgen', fields);
  assert.equal(r.status, 303, r.text);
  const token = tokenFor(fields.email, '/volgen/bevestigen/');
  const page = await s.get(`/volgen/bevestigen/${token}`);
  assert.equal(page.status, 200);
  const done = await s.post(`/volgen/bevestigen/${token}`);
  assert.equal(done.status, 303);
  assert.equal(done.headers.get('location'), '/volgen/bevestigd');
  return s;
}

test('the initiative and area pages link to the form and stay free of it', async () => {
  const page = await httpRequest(new URL(`/initiatieven/${open}`, server.base));
  assert.match(page.text, new RegExp(`href="/volgen\\?initiatief=${open}"`));
  assert.doesNotMatch(page.text, /name="_csrf"/);
  const area = await httpRequest(new URL(`/wijken/${wijk.slug}`, server.base));
  assert.match(area.text, new RegExp(`href="/volgen\\?gebied=${wijk.slug}"`));
  const form = await httpRequest(new URL(`/volgen?initiatief=${open}`, server.base));
  assert.equal(form.status, 200);
  assert.match(form.text, /action="\/volgen"/);
  assert.match(form.headers.get('cache-control') ?? '', /no-store/);
});

describe('an initiative, each event at once', () => {
  const email = 'volger.direct@example.org';
  let unsubscribe;

  test('opt-in: a confirmation mail, nothing before confirming, then a message per event', async () => {
    const s = await session(server.base, { localAddress: '127.0.0.51' });
    const r = await s.post('/volgen', { initiatief: String(open), email, frequentie: 'direct' });
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), '/volgen/aangevraagd');
    assert.match((await s.get('/volgen/aangevraagd')).text, /Kijk in uw mailbox/);
    assert.equal(one(`SELECT count(*) FROM outbox WHERE to_addr = ${q(email)}`), '1');
    const token = tokenFor(email, '/volgen/bevestigen/');
    // Only a hash of it is kept.
    assert.equal(one(`SELECT count(*) FROM follows WHERE instr(email || hex(confirm_hash), ${q(token)})`), '0');
    assert.equal(one(`SELECT count(*) FROM follows WHERE email = ${q(email)} AND confirmed_at IS NULL`), '1');

    // An update before confirmation reaches nobody.
    let res = await admin.post(`/beheer/initiatieven/${open}/update`, { tekst: 'De tenten zijn besteld.' });
    assert.equal(res.status, 303);
    assert.equal(one(`SELECT count(*) FROM outbox WHERE to_addr = ${q(email)}`), '1');

    // GET shows a button and changes nothing; the POST confirms.
    const page = await s.get(`/volgen/bevestigen/${token}`);
    assert.equal(page.status, 200);
    assert.match(page.text, /Ja, ik wil dit volgen/);
    assert.equal(one(`SELECT count(*) FROM follows WHERE email = ${q(email)} AND confirmed_at IS NULL`), '1');
    const done = await s.post(`/volgen/bevestigen/${token}`);
    assert.equal(done.status, 303);
    assert.match((await s.get(done.headers.get('location'))).text, /U volgt het nu/);
    assert.equal((await s.post(`/volgen/bevestigen/${token}`)).status, 404, 'a link works once');

    res = await admin.post(`/beheer/initiatieven/${open}/update`, { tekst: 'De tenten staan.' });
    assert.equal(res.status, 303);
    assert.equal(one(`SELECT count(*) FROM outbox WHERE to_addr = ${q(email)} AND subject LIKE 'Nieuwe update bij%'`), '1');
    unsubscribe = tokenFor(email, '/afmelden/');

    const messages = await delivered();
    const msg = messages.find((m) => new RegExp(`^To: ${email.replace('.', '\\.')}$`, 'm').test(m) &&
      /Nieuwe update/.test(m));
    assert.ok(msg, 'the update was handed to sendmail');
    const header = /^List-Unsubscribe:\s*<([^>]+)>$/m.exec(msg.replace(/\n /g, ' '));
    assert.ok(header, 'a List-Unsubscribe header');
    assert.match(header[1], new RegExp(`^https?://[^ ]+/afmelden/${unsubscribe}$`));
    assert.match(msg, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
    for (const line of msg.split('\n').slice(0, msg.split('\n').indexOf(''))) {
      assert.ok(Buffer.byteLength(line) <= 78, `header line under 78 octets: ${line}`);
    }
    // Once sent, no link token stays in the outbox.
    assert.equal(one(`SELECT count(*) FROM outbox WHERE instr(body || list_unsubscribe, ${q(unsubscribe)})
      OR instr(body, ${q(token)})`), '0');
  });

  test('a GET of the unsubscribe link asks; a one-click POST without cookies or CSRF deletes the follow', async () => {
    const page = await httpRequest(new URL(`/afmelden/${unsubscribe}`, server.base));
    assert.equal(page.status, 200);
    assert.match(page.text, /<button type="submit" class="button">Afmelden<\/button>/);
    assert.equal(one(`SELECT count(*) FROM follows WHERE email = ${q(email)}`), '1');
    const before = Number(one('SELECT coalesce(sum(unsubscribed), 0) FROM follow_stats'));
    // RFC 8058: exactly what a mail program sends.
    const r = await httpRequest(new URL(`/afmelden/${unsubscribe}`, server.base), {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    assert.equal(r.status, 200);
    assert.match(r.text, /U bent afgemeld/);
    assert.equal(one(`SELECT count(*) FROM follows WHERE email = ${q(email)}`), '0');
    assert.equal(one('SELECT count(*) FROM follow_tokens WHERE follow_id NOT IN (SELECT id FROM follows)'), '0');
    assert.equal(Number(one('SELECT coalesce(sum(unsubscribed), 0) FROM follow_stats')), before + 1);
    assert.equal((await httpRequest(new URL(`/afmelden/${unsubscribe}`, server.base))).status, 404);
    // Later events reach nobody.
    await admin.post(`/beheer/initiatieven/${open}/update`, { tekst: 'Nog een update.' });
    assert.equal(one(`SELECT count(*) FROM outbox WHERE to_addr = ${q(email)} AND sent_at IS NULL`), '0');
  });
});

test('an area with a daily digest: news waits for housekeeping, then one message lists it', async () => {
  const email = 'volger.dag@example.org';
  await followAndConfirm({ gebied: wijk.slug, email, frequentie: 'dag' }, '127.0.0.52');
  const res = await admin.post('/beheer/berichten/nieuw', { gebied: String(wijk.id),
    titel: 'Snoeidag in de wijk', tekst: 'Zaterdag snoeien we samen.', publiceren: 'ja' });
  assert.equal(res.status, 303, res.text);
  assert.equal(one(`SELECT count(*) FROM follow_events e JOIN follows f ON f.id = e.follow_id
    WHERE f.email = ${q(email)} AND e.headline LIKE '%Snoeidag%'`), '1');
  assert.equal(one(`SELECT count(*) FROM outbox WHERE to_addr = ${q(email)}`), '1'); // the confirmation
  // A day later, as far as the digest is concerned.
  sql(db, `UPDATE follows SET last_digest_at = datetime('now', '-2 days') WHERE email = ${q(email)}`);
  const out = await runBin(['--config', config, '--db', db, 'housekeeping']);
  assert.equal(out.code, 0, out.stderr);
  assert.equal(one(`SELECT count(*) FROM outbox WHERE to_addr = ${q(email)} AND subject LIKE 'Het nieuws van vandaag%'`), '1');
  assert.equal(one(`SELECT count(*) FROM follow_events e JOIN follows f ON f.id = e.follow_id
    WHERE f.email = ${q(email)}`), '0');
  const log = await fs.readFile(mailLog, 'utf8');
  const msg = log.split(`${MARK}\n`).find((m) => m.includes(`To: ${email}`) && /Snoeidag/.test(m));
  assert.ok(msg, 'the digest was handed to sendmail');
  assert.match(msg, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
});

describe('bad input', () => {
  test('empty, too long, invalid or unreadable: 422 with field messages, nothing stored or sent', async () => {
    const s = await session(server.base, { localAddress: '127.0.0.53' });
    const follows = one('SELECT count(*) FROM follows');
    const mails = one('SELECT count(*) FROM outbox');
    for (const fields of [
      { email: '', frequentie: 'direct' },
      { email: `${'a'.repeat(250)}@example.org`, frequentie: 'direct' },
      { email: 'geen-adres', frequentie: 'direct' },
      { email: 'a@example.org\nBcc: b@example.org', frequentie: 'direct' },
      { email: 'a\u0001@example.org', frequentie: 'direct' },
      { email: 'a@example.org', frequentie: 'elk uur' },
      { email: 'a@example.org' },
    ]) {
      const r = await s.post('/volgen', { initiatief: String(open), ...fields });
      assert.equal(r.status, 422, JSON.stringify(fields));
      assert.match(r.text, /error-summary/);
      assert.match(r.text, /aria-invalid="true"|id="freq-error"/);
    }
    const kept = await s.post('/volgen', { initiatief: String(open), email: 'fout', frequentie: 'week' });
    assert.match(kept.text, /value="fout"/);
    assert.match(kept.text, /value="week" checked/);
    assert.equal(one('SELECT count(*) FROM follows'), follows);
    assert.equal(one('SELECT count(*) FROM outbox'), mails);
  });

  test('what cannot be followed is 404; a bad link is 404', async () => {
    const hidden = one("SELECT min(id) FROM initiatives WHERE state = 'ingediend'");
    for (const p of [`/volgen?initiatief=${hidden}`, '/volgen?initiatief=999999', '/volgen?gebied=nergens',
      '/volgen', '/volgen/bevestigen/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', '/afmelden/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA']) {
      assert.equal((await httpRequest(new URL(p, server.base))).status, 404, p);
    }
    const s = await session(server.base, { localAddress: '127.0.0.54' });
    assert.equal((await s.post('/volgen', { initiatief: hidden, email: 'x@example.org', frequentie: 'direct' })).status, 404);
  });

  test('the form without CSRF is refused', async () => {
    const s = await session(server.base, { localAddress: '127.0.0.55' });
    const r = await s.post('/volgen', { initiatief: String(open), email: 'c@example.org', frequentie: 'direct' },
      { cookie: null });
    assert.equal(r.status, 403);
  });

  test('past volgen_per_uur, per internet address and per e-mail address: 429 in Dutch', async () => {
    const s = await session(server.base, { localAddress: '127.0.0.56' });
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await s.post('/volgen', { initiatief: String(open), email: `veel${i}@example.org`,
        frequentie: 'direct' })).status);
    }
    assert.deepEqual(statuses, [303, 303, 303, 429]);
    const r = await s.post('/volgen', { initiatief: String(open), email: 'veel9@example.org', frequentie: 'direct' });
    assert.equal(r.status, 429);
    assert.match(r.text, /Probeer het over \d+ minu/);
    assert.ok(r.headers.get('retry-after'));
    const byEmail = [];
    for (let i = 0; i < 4; i++) {
      const t = await session(server.base, { localAddress: `127.0.0.${60 + i}` });
      byEmail.push((await t.post('/volgen', { gebied: wijk.slug, email: 'een.adres@example.org',
        frequentie: 'week' })).status);
    }
    assert.deepEqual(byEmail, [303, 303, 303, 429]);
    assert.equal(one("SELECT count(*) FROM follows WHERE email = 'een.adres@example.org'"), '1');
  });
});

test('no follower address on a public page, the API or a feed; the dashboard has counts only', async () => {
  const kept = 'volger.blijft@example.org';
  await followAndConfirm({ initiatief: String(open), email: kept, frequentie: 'week' }, '127.0.0.57');
  const paths = [`/initiatieven/${open}`, '/initiatieven', '/', `/wijken/${wijk.slug}`, '/wijken',
    `/api/v1/initiatieven/${open}`, '/api/v1/initiatieven', `/api/v1/wijken/${wijk.slug}`,
    `/feeds/initiatieven/${open}.atom`, `/feeds/${wijk.slug}.atom`, '/feeds/gemeente.atom',
    '/transparantie', '/open-data', `/volgen?initiatief=${open}`];
  for (const p of paths) {
    const r = await httpRequest(new URL(p, server.base));
    for (const address of [kept, 'volger.dag@example.org', 'een.adres@example.org']) {
      assert.ok(!r.text.includes(address), `${address} on ${p}`);
    }
  }
  const dash = await admin.get('/beheer/dashboard');
  assert.equal(dash.status, 200);
  const following = one('SELECT count(*) FROM follows WHERE confirmed_at IS NOT NULL');
  assert.match(dash.text, new RegExp(`Volgers per e-mail</dt>\\s*<dd>${following}<`));
  assert.match(dash.text, /Afmeldingen \(30 dagen\)<\/dt>\s*<dd>1</);
  assert.ok(!dash.text.includes(kept));
});
