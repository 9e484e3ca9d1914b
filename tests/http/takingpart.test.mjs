// Taking part beyond the voucher over HTTP: "Ik help mee" and a question to the initiator,
// with post/redirect/get and a thank-you notice, bad input back with its fields and nothing
// stored or sent, 429 past the rate limits, the relay through a captured sendmail with
// Reply-To the asker, and no e-mail address of anyone on a public page, the API or a feed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { makeDemoDb, removeDb, removeTemp, runBin, sql, startServe, tempDir } from '../lib/server.mjs';
import { httpRequest, session } from '../lib/vouchers.mjs';
import { initiativeFields, login, makeDemoDbWithStaff, submitInitiative } from '../lib/staff.mjs';

const MARK = '#### fake-sendmail: next message ####';
let db;
let server;
let dir;
let config;
let mailLog;
let open; // an open initiative
let demo;
const one = (s) => sql(db, s).trim();

before(async () => {
  demo = await makeDemoDbWithStaff();
  db = demo.db;
  open = Number(one("SELECT min(id) FROM initiatives WHERE state = 'open'"));
  sql(db, `UPDATE initiatives SET help_wanted = 1, help_text = 'Tenten opzetten',
    initiator_email = 'initiatiefnemer@example.org' WHERE id = ${open}`);
  sql(db, "INSERT OR REPLACE INTO settings(key, value) VALUES ('hulp_per_uur', '3'), " +
    "('vragen_per_uur', '3')");
  dir = await tempDir('buurtsamen-takingpart-');
  mailLog = path.join(dir, 'delivered.log');
  await fs.writeFile(path.join(dir, 'sendmail'),
    `#!/bin/sh\n{ printf '%s\\n' '${MARK}'; cat; } >> '${mailLog}'\nexit 0\n`, { mode: 0o755 });
  config = path.join(dir, 'mail.ini');
  await fs.writeFile(config, `[mail]\ncommand = ${path.join(dir, 'sendmail')} -t -i\n`);
  server = await startServe({ db, threads: 2 });
});

after(async () => {
  await server?.stop();
  if (db) await removeDb(db);
  if (dir) await removeTemp(dir);
});

describe('volunteers', () => {
  test('the page shows "Hulp gezocht" and the form; an offer is thanked and counted', async () => {
    const s = await session(server.base, { localAddress: '127.0.0.21' });
    let page = await s.get(`/initiatieven/${open}`);
    assert.match(page.text, /Hulp gezocht: Tenten opzetten/);
    // A link to the form, not the form: the initiative page stays one page for everyone.
    assert.match(page.text, /href="\/initiatieven\/\d+\/helpen"/);
    assert.doesNotMatch(page.text, /name="_csrf"/);
    const form = await s.get(`/initiatieven/${open}/helpen`);
    assert.equal(form.status, 200);
    assert.match(form.text, /action="\/initiatieven\/\d+\/helpen"/);
    const r = await s.post(`/initiatieven/${open}/helpen`,
      { voornaam: 'Anna', email: 'anna.helper@example.org', bericht: 'Ik heb een aanhanger' });
    assert.equal(r.status, 303);
    assert.match(r.headers.get('location'), /gedaan=hulp/);
    page = await s.get(r.headers.get('location'));
    assert.match(page.text, /Bedankt!/);
    assert.match(page.text, /1 buurtgenoot helpt mee/);
    assert.equal(one(`SELECT count(*) FROM outbox WHERE reply_to = 'Anna <anna.helper@example.org>'`), '1');
  });

  test('bad input comes back with field messages, input kept, nothing stored', async () => {
    const s = await session(server.base, { localAddress: '127.0.0.22' });
    const before = one('SELECT count(*) FROM volunteers');
    for (const fields of [
      { voornaam: '', email: 'x@example.org' },
      { voornaam: 'B'.repeat(61), email: 'x@example.org' },
      { voornaam: 'Bert', email: 'geen-adres' },
      { voornaam: 'Bert\nBcc: x@example.org', email: 'x@example.org' },
    ]) {
      const r = await s.post(`/initiatieven/${open}/helpen`, fields);
      assert.equal(r.status, 400, JSON.stringify(fields));
      assert.match(r.text, /error-summary/);
      assert.match(r.text, /aria-invalid="true"/);
    }
    const kept = await s.post(`/initiatieven/${open}/helpen`, { voornaam: 'Bert', email: 'fout' });
    assert.match(kept.text, /value="Bert"/);
    const ctl = await s.post(`/initiatieven/${open}/helpen`, { voornaam: 'B\u0001', email: 'x@example.org' });
    assert.equal(ctl.status, 400);
    assert.equal(one('SELECT count(*) FROM volunteers'), before);
  });

  test('without CSRF nothing is stored', async () => {
    const s = await session(server.base, { localAddress: '127.0.0.23' });
    const r = await s.post(`/initiatieven/${open}/helpen`,
      { voornaam: 'C', email: 'c@example.org' }, { cookie: null });
    assert.equal(r.status, 403);
  });

  test('past hulp_per_uur: 429 in Dutch, nothing stored', async () => {
    const s = await session(server.base, { localAddress: '127.0.0.24' });
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await s.post(`/initiatieven/${open}/helpen`,
        { voornaam: 'Dirk', email: `dirk${i}@example.org` })).status);
    }
    assert.deepEqual(statuses, [303, 303, 303, 429]);
    const r = await s.post(`/initiatieven/${open}/helpen`, { voornaam: 'Dirk', email: 'dirk9@example.org' });
    assert.equal(r.status, 429);
    assert.match(r.text, /Probeer het over/);
    assert.ok(r.headers.get('retry-after'));
  });
});

describe('questions', () => {
  test('relayed to the initiator with Reply-To the asker, scrubbed once sent', async () => {
    const s = await session(server.base, { localAddress: '127.0.0.31' });
    const r = await s.post(`/initiatieven/${open}/vraag`,
      { naam: 'Piet, de buurman', email: 'piet.vraagt@example.org', vraag: 'Mag de hond mee?' });
    assert.equal(r.status, 303);
    const page = await s.get(r.headers.get('location'));
    assert.match(page.text, /Uw vraag is naar de initiatiefnemer gestuurd/);
    const out = await runBin(['--config', config, '--db', db, 'mail', 'send']);
    assert.equal(out.code, 0, out.stderr);
    const log = await fs.readFile(mailLog, 'utf8');
    const msg = log.split(`${MARK}\n`).find((m) => m.includes('piet.vraagt@example.org') &&
      /^To: initiatiefnemer@example.org$/m.test(m) && /Reply-To/.test(m));
    assert.ok(msg, 'the relayed question was handed to sendmail');
    assert.match(msg, /^Reply-To: "Piet, de buurman" <piet\.vraagt@example\.org>$/m);
    assert.equal(one("SELECT count(*) FROM outbox WHERE body LIKE '%hond%' OR reply_to <> ''"), '0');
    assert.equal(one(`SELECT count(*) FROM questions WHERE initiative_id = ${open}`), '1');
  });

  test('bad input and the rate limit', async () => {
    const s = await session(server.base, { localAddress: '127.0.0.32' });
    const bad = await s.post(`/initiatieven/${open}/vraag`, { naam: 'Piet', email: 'p@example.org', vraag: '' });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /value="Piet"/);
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await s.post(`/initiatieven/${open}/vraag`,
        { naam: 'Els', email: 'els@example.org', vraag: `Vraag nummer ${i}` })).status);
    }
    assert.deepEqual(statuses, [303, 303, 303, 429]);
  });
});

test('no e-mail address of a volunteer, asker or initiator on a public page, the API or a feed', async () => {
  const paths = [`/initiatieven/${open}`, '/initiatieven', '/', `/api/v1/initiatieven/${open}`,
    '/api/v1/initiatieven', `/feeds/initiatieven/${open}.atom`, '/feeds/gemeente.atom'];
  for (const p of paths) {
    const r = await httpRequest(new URL(p, server.base));
    for (const address of ['anna.helper@example.org', 'piet.vraagt@example.org',
      'initiatiefnemer@example.org', 'dirk0@example.org', 'els@example.org']) {
      assert.ok(!r.text.includes(address), `${address} on ${p}`);
    }
  }
});

test('the initiator sees the volunteers and turns help and questions on and off', async () => {
  const sub = await submitInitiative(server.base, initiativeFields({ email: 'eigen@example.org' }),
    {}, { localAddress: '127.0.0.41' });
  assert.ok(sub.token, 'a management link');
  const id = Number(one('SELECT max(id) FROM initiatives'));
  sql(db, `UPDATE initiatives SET state = 'open', published_at = datetime('now'),
    deadline = datetime('now', '+30 days') WHERE id = ${id}`);
  const cl = sub.client;
  let page = await cl.get(sub.path);
  const csrf = /name="_csrf" value="([^"]*)"/.exec(page.text)[1];
  let r = await cl.post(`${sub.path}/meedoen`, { _csrf: csrf, hulp_gezocht: 'ja',
    hulp_tekst: 'Koffie schenken', vragen: 'ja' });
  assert.equal(r.status, 303);
  const s = await session(server.base, { localAddress: '127.0.0.42' });
  assert.match((await s.get(`/initiatieven/${id}`)).text, /Hulp gezocht: Koffie schenken/);
  assert.equal((await s.post(`/initiatieven/${id}/helpen`,
    { voornaam: 'Gijs', email: 'gijs@example.org' })).status, 303);
  page = await cl.get(sub.path);
  assert.match(page.text, /Gijs, <a href="mailto:gijs@example.org">/);
  r = await cl.post(`${sub.path}/meedoen`, { _csrf: csrf });
  assert.equal(r.status, 303);
  const pub = await s.get(`/initiatieven/${id}`);
  assert.doesNotMatch(pub.text, /\/helpen"|\/vraag"/);
  assert.match(pub.text, /1 buurtgenoot helpt mee/);
  assert.equal((await s.post(`/initiatieven/${id}/vraag`,
    { naam: 'Hans', email: 'hans@example.org', vraag: 'Nog plek?' })).status, 409);
});

test('the review page shows the counts, not the people', async () => {
  const admin = await login(server.base, demo.beheerder.username, demo.beheerder.password);
  const r = await admin.get(`/beheer/initiatieven/${open}`);
  assert.equal(r.status, 200);
  const volunteers = one(`SELECT count(*) FROM volunteers WHERE initiative_id = ${open}`);
  assert.match(r.text, new RegExp(`Buurtgenoten die helpen</dt><dd>${volunteers}<`));
  const questions = one(`SELECT count(*) FROM questions WHERE initiative_id = ${open}`);
  assert.ok(Number(questions) >= 1);
  assert.match(r.text, new RegExp(`Vragen aan de initiatiefnemer</dt><dd>${questions}<`));
  assert.ok(!r.text.includes('anna.helper@example.org'));
});
