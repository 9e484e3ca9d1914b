// E-mail through the outbox and `mail send` with a fake sendmail: the confirmation with the
// management link to the initiator and the notice to the wijkregisseur after a submission,
// each exactly once; nothing lost while the mail command fails, delivered once it works
// again; the change-request, approval, rejection and funded e-mails to the right people.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { removeDb, removeTemp, runBin, sql, startServe, tempDir } from '../lib/server.mjs';
import { issueCodes, session } from '../lib/vouchers.mjs';
import {
  client, initiativeFields, login, makeDemoDbWithStaff, submitInitiative,
} from '../lib/staff.mjs';

const MARK = '#### fake-sendmail: next message ####';
const STAFF_EMAIL = 'wijkregisseur@almelo.example'; // the demo wijkregisseur's address

let db;
let demo;
let server;
let dir; // the fake sendmail scripts, their logs and the config files
let okConfig;
let failConfig;
let mailLog;
let failLog;
let staff;
let deRietCodes;

before(async () => {
  demo = await makeDemoDbWithStaff();
  db = demo.db;
  // Many submissions from one address and e-mail address: above the rate limits of a resident.
  sql(db, "INSERT OR REPLACE INTO settings(key, value) VALUES ('indienen_per_uur', '1000'), " +
    "('wijzigingen_per_uur', '1000')");
  deRietCodes = await issueCodes(db, 7, { area: 'de-riet' });
  dir = await tempDir('buurtsamen-mail-');
  mailLog = path.join(dir, 'delivered.log');
  failLog = path.join(dir, 'refused.log');
  const script = (log, status) => `#!/bin/sh\n{ printf '%s\\n' '${MARK}'; cat; } >> '${log}'\n` +
    `exit ${status}\n`;
  await fs.writeFile(path.join(dir, 'sendmail-ok'), script(mailLog, 0), { mode: 0o755 });
  await fs.writeFile(path.join(dir, 'sendmail-down'), script(failLog, 75), { mode: 0o755 });
  okConfig = path.join(dir, 'ok.ini');
  failConfig = path.join(dir, 'down.ini');
  await fs.writeFile(okConfig, `[mail]\ncommand = ${path.join(dir, 'sendmail-ok')} -t -i\n`);
  await fs.writeFile(failConfig, `[mail]\ncommand = ${path.join(dir, 'sendmail-down')} -t -i\n`);
});

after(async () => {
  await server?.stop();
  if (db) await removeDb(db);
  if (dir) await removeTemp(dir);
});

// ---- Helpers ----

/**
 * A fresh server for each group of tests. A running server works the outbox itself when it
 * starts and every minute after (with the system's sendmail, absent here); a group takes
 * seconds, so with its own server no such pass falls between a test's steps. The pass at
 * start-up is awaited: it removes expired sessions first, so an expired one put in before
 * tells when it ran.
 */
async function freshServer() {
  await server?.stop();
  sql(db, `INSERT INTO sessions(token_hash, user_id, created_at, expires_at)
    VALUES (randomblob(32), (SELECT min(id) FROM users), 0, 1)`);
  server = await startServe({ db, threads: 2 });
  const deadline = Date.now() + 10_000;
  while (one('SELECT count(*) FROM sessions WHERE expires_at = 1') !== '0' &&
    Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 25));
  }
  staff = await login(server.base, demo.regisseur.username, demo.regisseur.password);
}

const one = (statement) => sql(db, statement).trim();

/** `mail send` (or another command) with the given config; asserts exit 0; returns stdout. */
async function run(config, ...command) {
  const r = await runBin(['--config', config, '--db', db, ...(command.length ? command
    : ['mail', 'send'])]);
  assert.equal(r.code, 0, `${command.join(' ') || 'mail send'}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** Quoted-printable to text: soft line breaks go, =XX become bytes, read as UTF-8. */
function decodeQuotedPrintable(s) {
  const joined = s.replace(/=\r?\n/g, '');
  const bytes = [];
  for (let i = 0; i < joined.length; i++) {
    const hex = joined[i] === '=' ? /^[0-9A-Fa-f]{2}/.exec(joined.slice(i + 1, i + 3)) : null;
    if (hex) {
      bytes.push(parseInt(hex[0], 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(joined[i], 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8').replace(/\r\n/g, '\n');
}

/** RFC 2047 encoded words (B and Q) in a header value. */
function decodeWords(value) {
  return value.replace(/=\?UTF-8\?([BQ])\?([^?]*)\?=\s*/gi, (_, enc, text) =>
    (enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8')
      : decodeQuotedPrintable(text.replace(/_/g, ' '))));
}

/** The messages in a fake sendmail log: [{headers: {name: value}, body, raw}]. */
async function messages(log = mailLog) {
  const text = await fs.readFile(log, 'utf8').catch(() => '');
  return text.split(`${MARK}\n`).slice(1).map((raw) => {
    const end = raw.search(/\r?\n\r?\n/);
    const head = raw.slice(0, end).replace(/\r?\n[ \t]+/g, ' ');
    const headers = {};
    for (const line of head.split(/\r?\n/)) {
      const i = line.indexOf(':');
      headers[line.slice(0, i).toLowerCase()] = decodeWords(line.slice(i + 1).trim());
    }
    const body = raw.slice(end).replace(/^\r?\n\r?\n/, '');
    const qp = /quoted-printable/i.test(headers['content-transfer-encoding'] ?? '');
    return { headers, raw, body: qp ? decodeQuotedPrintable(body) : body };
  });
}

/** The messages to `to` whose subject is `subject` (and whose body includes `about`). */
async function mailsTo(to, subject, about) {
  return (await messages()).filter((m) => m.headers.to === to && m.headers.subject === subject &&
    (!about || m.body.includes(about)));
}

/** Submits an initiative; asserts 200; returns {id, token, path, fields}. */
async function submit(overrides) {
  const fields = initiativeFields(overrides);
  const { res, path: p, token } = await submitInitiative(server.base, fields);
  assert.equal(res.status, 200, 'the submission is accepted');
  assert.ok(p, 'with a management link');
  const id = Number(one('SELECT max(id) FROM initiatives'));
  return { id, token, path: p, fields };
}

const unsent = () => Number(one('SELECT count(*) FROM outbox WHERE sent_at IS NULL'));

// ---- Tests ----

describe('e-mail after a submission', () => {
  let a;
  before(freshServer);

  test('the initiator gets the confirmation with the management link, once; staff a notice',
    async () => {
      a = await submit({ titel: 'Bloemen voor het plein', email: 'initiatiefnemer@example.org' });
      assert.equal(unsent(), 2, 'two messages wait in the outbox');
      const out = await run(okConfig);
      assert.match(out, /^2 sent, 0 waiting$/m);

      const mine = await mailsTo('initiatiefnemer@example.org', 'Uw initiatief is ontvangen');
      assert.equal(mine.length, 1, 'exactly one confirmation');
      const [m] = mine;
      assert.match(m.body, /^Beste Anna de Vries,/);
      assert.ok(m.body.includes('"Bloemen voor het plein"'), 'names the initiative');
      const link = /(https?:\/\/\S+\/mijn-initiatief\/([A-Za-z0-9_-]+))/.exec(m.body);
      assert.ok(link, `the management link is in the body:\n${m.body}`);
      assert.equal(link[2], a.token, 'the same link the success page showed');
      assert.match(m.headers.from ?? '', /buurtsamen@almelo\.example/);
      assert.match(m.headers['content-type'] ?? '', /^text\/plain; charset=UTF-8/i);
      assert.ok(m.headers.date && m.headers['message-id'], 'Date and Message-ID');
      for (const line of m.raw.slice(m.raw.search(/\r?\n\r?\n/)).split(/\r?\n/)) {
        assert.ok(line.length <= 76, `quoted-printable lines are at most 76 characters: ${line}`);
      }
      // The link works: it is the initiator's page.
      const page = await (await client(server.base, { firstPage: '/initiatief-indienen' }))
        .get(new URL(link[1]).pathname);
      assert.equal(page.status, 200);

      const notice = await mailsTo(STAFF_EMAIL, 'Nieuw initiatief om te beoordelen');
      assert.equal(notice.length, 1, 'one notice to the wijkregisseur');
      assert.ok(notice[0].body.includes(`/beheer/initiatieven/${a.id}`), 'with the staff link');
      assert.ok(!notice[0].body.includes(a.token), 'the notice does not carry the private link');
      assert.equal(one(`SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL AND attempts = 1`),
        '2', 'recorded as sent after one attempt');
    });

  test('once sent, the management token is nowhere in the database file or its WAL',
    async () => {
      const files = [db, `${db}-wal`, `${db}-journal`];
      let read = 0;
      for (const f of files) {
        const bytes = await fs.readFile(f).catch(() => null);
        if (!bytes) continue;
        read += bytes.length;
        assert.equal(bytes.indexOf(Buffer.from(a.token)), -1, `the token in plain text in ${f}`);
      }
      assert.ok(read > 0, 'the database was read');
      const body = one(`SELECT body FROM outbox WHERE to_addr = 'initiatiefnemer@example.org'
        ORDER BY id DESC LIMIT 1`);
      assert.match(body, /mijn-initiatief\/\(verwijderd na verzending\)/,
        'what stays of the message says the link was removed');
      // The link itself still works: only its hash was ever needed.
      const page = await (await client(server.base, { firstPage: '/initiatief-indienen' }))
        .get(a.path);
      assert.equal(page.status, 200);
    });

  test('a second run sends nothing again', async () => {
    const before = (await messages()).length;
    const out = await run(okConfig);
    assert.match(out, /^0 sent, 0 waiting$/m);
    assert.equal((await messages()).length, before, 'no message twice');
  });
});

describe('while the mail system is down', () => {
  let b;
  before(freshServer);

  test('a failing mail command loses nothing', async () => {
    const delivered = (await messages()).length;
    b = await submit({ titel: 'Picknicktafels bij de vijver', email: 'tweede@example.org' });
    const out = await run(failConfig);
    assert.match(out, /^0 sent, 2 waiting$/m);
    assert.equal((await messages(failLog)).length, 2, 'both were offered to the command');
    assert.equal((await messages()).length, delivered, 'nothing was delivered');
    const rows = one(`SELECT to_addr || '|' || attempts || '|' || (sent_at IS NULL) || '|' ||
      (next_attempt_at > CAST(strftime('%s', 'now') AS INTEGER)) || '|' || last_error
      FROM outbox WHERE sent_at IS NULL ORDER BY id`).split('\n');
    assert.equal(rows.length, 2, 'both still in the outbox');
    for (const row of rows) {
      const [to, attempts, notSent, later, error] = row.split('|');
      assert.ok(['tweede@example.org', STAFF_EMAIL].includes(to), to);
      assert.ok(Number(attempts) >= 1, `${to}: the attempt is counted`);
      assert.equal(notSent, '1');
      assert.equal(later, '1', `${to}: the next attempt waits`);
      assert.match(error, /75/, `${to}: the reason is kept`);
    }
    // Not due yet: the working command does not see them before their time.
    assert.match(await run(okConfig), /^0 sent, 2 waiting$/m);
  });

  test('once the command works, each waiting message is delivered exactly once', async () => {
    sql(db, 'UPDATE outbox SET next_attempt_at = 0 WHERE sent_at IS NULL');
    const out = await run(okConfig);
    assert.match(out, /^2 sent, 0 waiting$/m);
    assert.equal((await mailsTo('tweede@example.org', 'Uw initiatief is ontvangen')).length, 1);
    const confirmation = (await mailsTo('tweede@example.org', 'Uw initiatief is ontvangen'))[0];
    assert.ok(confirmation.body.includes(`/mijn-initiatief/${b.token}`), 'with its link');
    assert.equal((await mailsTo(STAFF_EMAIL, 'Nieuw initiatief om te beoordelen',
      `/beheer/initiatieven/${b.id}`)).length, 1);
    assert.equal(one(`SELECT min(attempts) FROM outbox WHERE to_addr = 'tweede@example.org'`), '2');
    assert.match(await run(okConfig), /^0 sent, 0 waiting$/m);
    assert.equal((await mailsTo('tweede@example.org', 'Uw initiatief is ontvangen')).length, 1,
      'still once');
  });
});

describe('e-mail along the way', () => {
  const EMAIL = 'derde@example.org';
  let c;
  let initiator;
  before(freshServer);

  test('a change request goes to the initiator; the resubmission to staff', async () => {
    c = await submit({ titel: 'Jeu-de-boulesbaan aan de Rietstraat', email: EMAIL });
    await run(okConfig);
    const ask = 'Wilt u de begroting voor het grind nog toelichten?';
    let res = await staff.post(`/beheer/initiatieven/${c.id}/wijziging`, { bericht: ask });
    assert.equal(res.status, 303);
    assert.match(await run(okConfig), /^1 sent/m, 'one message: to the initiator');
    const mails = await mailsTo(EMAIL, 'Uw initiatief: de wijkregisseur vraagt een aanpassing');
    assert.equal(mails.length, 1);
    assert.ok(mails[0].body.includes(ask), 'with the question');
    assert.ok(mails[0].body.includes('"Jeu-de-boulesbaan aan de Rietstraat"'));

    initiator = await client(server.base, { firstPage: '/initiatief-indienen' });
    res = await initiator.post(`${c.path}/indienen`, { antwoord: 'Het grind kost € 20.' });
    assert.equal(res.status, 303);
    await run(okConfig);
    assert.equal((await mailsTo(STAFF_EMAIL, 'Nieuw initiatief om te beoordelen',
      `/beheer/initiatieven/${c.id}`)).length, 2, 'submitted and resubmitted: two notices');
  });

  test('approval goes to the initiator, with the public address', async () => {
    const res = await staff.post(`/beheer/initiatieven/${c.id}/goedkeuren`);
    assert.equal(res.status, 303);
    await run(okConfig);
    const mails = await mailsTo(EMAIL, 'Uw initiatief is goedgekeurd en staat online');
    assert.equal(mails.length, 1);
    assert.match(mails[0].body, new RegExp(`https?://\\S+/initiatieven/${c.id}\\b`));
    assert.equal((await messages()).filter((m) => m.headers.to === STAFF_EMAIL &&
      m.body.includes(`/beheer/initiatieven/${c.id}`) && /goedgekeurd/.test(m.headers.subject))
      .length, 0, 'the wijkregisseur who approved it gets nothing');
  });

  test('reaching the target: the initiator and the wijkregisseur hear of it', async () => {
    const resident = await session(server.base);
    for (const code of deRietCodes) {
      const res = await resident.post('/doneren/bevestigen', { code, initiatief: c.id });
      assert.equal(res.status, 303);
    }
    assert.equal(one(`SELECT state FROM initiatives WHERE id = ${c.id}`), 'gefinancierd');
    await run(okConfig);
    const funded = await mailsTo(EMAIL, 'Uw initiatief heeft het streefbedrag gehaald');
    assert.equal(funded.length, 1);
    assert.ok(funded[0].body.includes('"Jeu-de-boulesbaan aan de Rietstraat"'));
    const notice = await mailsTo(STAFF_EMAIL, 'Initiatief gefinancierd',
      `/beheer/initiatieven/${c.id}`);
    assert.equal(notice.length, 1);
  });

  test('a rejection goes to the initiator with the reason; housekeeping sends it', async () => {
    const d = await submit({ titel: 'Vuurkorf op het speelveld', email: 'vierde@example.org' });
    await run(okConfig);
    const reason = 'Open vuur mag niet op het speelveld.';
    const res = await staff.post(`/beheer/initiatieven/${d.id}/afwijzen`,
      { reden: reason, bevestigd: '1' });
    assert.equal(res.status, 303);
    assert.equal(unsent(), 1);
    await run(okConfig, 'housekeeping');
    assert.equal(unsent(), 0, 'housekeeping emptied the queue');
    const mails = await mailsTo('vierde@example.org', 'Uw initiatief is niet goedgekeurd');
    assert.equal(mails.length, 1);
    assert.ok(mails[0].body.includes(reason), 'with the reason');
    // Every message went to exactly one of the addresses involved, each exactly once.
    const all = await messages();
    const ids = all.map((m) => m.headers['message-id']);
    assert.equal(new Set(ids).size, ids.length, 'no message was delivered twice');
    for (const m of all) {
      assert.ok(['initiatiefnemer@example.org', 'tweede@example.org', EMAIL, 'vierde@example.org',
        STAFF_EMAIL].includes(m.headers.to), `recipient ${m.headers.to}`);
    }
  });
});
