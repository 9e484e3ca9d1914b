// Every form says at the field when a text holds characters the site cannot store: a control
// character (U+0001), a noncharacter (U+FFFE) or bytes that are no UTF-8 come back as 400 with
// the message at that field (aria-invalid, its own error text), every other typed value kept,
// the bad characters not echoed, and nothing stored. Forms without a typed field are refused as
// a whole; the unit test of the route table proves which those are.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decode, textOf } from '../lib/pages.mjs';
import { removeDb, sql, startServe } from '../lib/server.mjs';
import { adminSnapshot } from '../lib/admin.mjs';
import { client, initiativeFields, isoDate, login, makeDemoDbWithStaff, submitInitiative }
  from '../lib/staff.mjs';
import { formBody, httpRequest } from '../lib/vouchers.mjs';

const BAD_TEXT = /tekens die we niet kunnen opslaan/;
const KINDS = [
  ['a control character U+0001', Buffer.from([0x01])],
  ['a noncharacter U+FFFE', Buffer.from([0xef, 0xbf, 0xbe])],
  ['invalid UTF-8', Buffer.from([0xff])],
];

let db;
let demo;
let server;
let admin;
let regisseur;
let open; // an open initiative that takes help and questions
const links = {}; // management links by state
const one = (s) => sql(db, s).trim();

/** What any of these forms could write: the admin snapshot and the public side's rows. */
function snapshot() {
  return `${adminSnapshot(db)}\n${sql(db, `
    SELECT 'counts', (SELECT count(*) FROM news), (SELECT count(*) FROM volunteers),
      (SELECT count(*) FROM questions), (SELECT count(*) FROM initiative_messages),
      (SELECT count(*) FROM initiative_updates), (SELECT count(*) FROM letter_requests);
    SELECT 'initiatives', group_concat(id || ',' || title || ',' || help_wanted || ',' ||
      ifnull(help_text, '') || ',' || questions_open, '|') FROM (SELECT * FROM initiatives ORDER BY id);
    SELECT 'news', group_concat(id || ',' || title || ',' || body, '|') FROM news;`).trim()}`;
}

before(async () => {
  demo = await makeDemoDbWithStaff();
  db = demo.db;
  open = Number(one("SELECT min(id) FROM initiatives WHERE state = 'open' AND area_id = " +
    "(SELECT id FROM areas WHERE slug = 'de-riet')"));
  sql(db, `UPDATE initiatives SET help_wanted = 1, help_text = 'Tenten opzetten' WHERE id = ${open}`);
  sql(db, "INSERT OR REPLACE INTO settings(key, value) VALUES ('indienen_per_uur', '1000'), " +
    "('wijzigingen_per_uur', '1000')");
  server = await startServe({ db, threads: 2 });
  admin = await login(server.base, demo.beheerder.username, demo.beheerder.password);
  const future = await admin.post('/beheer/rondes',
    { naam: 'Ronde om te wijzigen', opent: isoDate(500), sluit: isoDate(530), waarde: '7,50' });
  assert.equal(future.status, 303, 'a round not started yet, to edit');
  regisseur = await login(server.base, demo.regisseur.username, demo.regisseur.password);
  for (const state of ['ingediend', 'wijziging_gevraagd', 'open', 'gefinancierd']) {
    const { path } = await submitInitiative(server.base,
      initiativeFields({ titel: `Veldcontrole ${state}`, email: `${state}@example.org` }));
    assert.ok(path, `a management link (${state})`);
    links[state] = path;
    if (state === 'ingediend') continue;
    const id = one(`SELECT id FROM initiatives WHERE title = 'Veldcontrole ${state}'`);
    const res = state === 'wijziging_gevraagd'
      ? await regisseur.post(`/beheer/initiatieven/${id}/wijziging`, { bericht: 'Graag de datum.' })
      : await regisseur.post(`/beheer/initiatieven/${id}/goedkeuren`);
    assert.equal(res.status, 303, `${state}: ${res.text.slice(0, 200)}`);
    if (state === 'gefinancierd') sql(db, `UPDATE initiatives SET state = 'gefinancierd' WHERE id = ${id}`);
  }
});

after(async () => {
  await server?.stop();
  if (db) await removeDb(db);
});

/** An urlencoded body with one field's value holding raw bytes. */
function urlencoded(fields, name, bytes, [head, tail] = ['Met', 'teken']) {
  const rest = formBody(Object.fromEntries(Object.entries(fields).filter(([k]) => k !== name)));
  const raw = [...bytes].map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join('');
  return `${rest}&${encodeURIComponent(name)}=${encodeURIComponent(head)}${raw}${encodeURIComponent(tail)}`;
}

/** A multipart body with one field's value holding raw bytes. */
function multipart(fields, name, bytes) {
  const boundary = '----veldcontrole7d1f';
  const parts = [];
  for (const [k, v] of Object.entries(fields)) {
    for (const x of Array.isArray(v) ? v : [v]) {
      const value = k === name ? Buffer.concat([Buffer.from('Met'), bytes, Buffer.from('teken')])
        : Buffer.from(String(x));
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n`),
        value, Buffer.from('\r\n'));
    }
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` };
}

/** Posts the form with the bytes inside field `name`, between around[0] and around[1]: what is
 * left once they are taken out may well be a valid value, which must not be used either. */
async function postBad(cl, path, fields, name, bytes, { multi = false, around } = {}) {
  const all = { _csrf: cl.csrf, ...fields, [name]: fields[name] ?? '' };
  const { body, type } = multi ? multipart(all, name, bytes)
    : { body: urlencoded(all, name, bytes, around), type: 'application/x-www-form-urlencoded' };
  return httpRequest(new URL(path, server.base), { method: 'POST', localAddress: cl.localAddress,
    headers: { 'content-type': type, cookie: cl.cookie }, body });
}

/** The controls named `name` in the page; the refused one carries aria-invalid and its message. */
function assertAtField(html, name, where) {
  const tags = [...html.matchAll(new RegExp(`<(?:input|textarea|select)\\b[^>]*\\bname="${name}"[^>]*>`,
    'g'))].map((m) => m[0]);
  assert.ok(tags.length, `${where}: a field named ${name}`);
  const refused = tags.find((t) => /aria-invalid="true"/.test(t));
  assert.ok(refused, `${where}: aria-invalid on ${name}: ${tags.join(' ')}`);
  const id = /\bid="([^"]+)"/.exec(refused)?.[1];
  const described = /aria-describedby="([^"]+)"/.exec(refused)?.[1] ?? '';
  const message = described.split(' ').map((d) =>
    new RegExp(`<p class="error-message" id="${d}">([\\s\\S]*?)</p>`).exec(html)?.[1] ?? '')
    .join(' ');
  assert.match(textOf(message), BAD_TEXT, `${where}: the message at ${id}, described by it`);
}

/** Each form: the client, its path, valid values, the field made bad, a field whose typed
 * value must come back, and whether the form is sent as multipart. */
const FORMS = [
  ['the submission form', () => ({ cl: 'resident', first: '/initiatief-indienen',
    path: '/initiatief-indienen', multi: true,
    fields: initiativeFields({ titel: 'Een titel met genoeg tekens', samenvatting: 'Blijft staan.' }),
    bad: 'titel', kept: ['samenvatting', 'Blijft staan.'] })],
  ['the submission form, a budget line', () => ({ cl: 'resident', first: '/initiatief-indienen',
    path: '/initiatief-indienen', multi: true,
    fields: initiativeFields({ samenvatting: 'Blijft staan.' }),
    bad: 'post_2_omschrijving', kept: ['samenvatting', 'Blijft staan.'] })],
  ['the help form', () => ({ cl: 'resident', first: `/initiatieven/${open}/helpen`,
    path: `/initiatieven/${open}/helpen`,
    fields: { voornaam: 'Anna', email: 'anna.veld@example.org', bericht: 'Ik heb een kar' },
    bad: 'voornaam', kept: ['bericht', 'Ik heb een kar'] })],
  ['the question form', () => ({ cl: 'resident', first: `/initiatieven/${open}/vraag`,
    path: `/initiatieven/${open}/vraag`,
    fields: { naam: 'Bert', email: 'bert.veld@example.org', vraag: 'Hoe laat begint het?' },
    bad: 'vraag', kept: ['naam', 'Bert'] })],
  ['the initiator edit form', () => ({ cl: 'resident', first: links.ingediend,
    path: `${links.ingediend}/bewerken`, multi: true,
    fields: initiativeFields({ samenvatting: 'Blijft staan.' }),
    bad: 'beschrijving', kept: ['samenvatting', 'Blijft staan.'] })],
  ['the resubmission', () => ({ cl: 'resident', first: links.wijziging_gevraagd,
    path: `${links.wijziging_gevraagd}/indienen`, fields: { antwoord: '' }, bad: 'antwoord' })],
  ['an initiator update', () => ({ cl: 'resident', first: links.open,
    path: `${links.open}/update`, multi: true, fields: { tekst: '' }, bad: 'tekst' })],
  ['the completion report', () => ({ cl: 'resident', first: links.gefinancierd,
    path: `${links.gefinancierd}/uitgevoerd`, multi: true, fields: { verslag: '' }, bad: 'verslag' })],
  ['the help settings', () => ({ cl: 'resident', first: links.open,
    path: `${links.open}/meedoen`, fields: { hulp_gezocht: 'ja', hulp_tekst: '', vragen: 'ja' },
    bad: 'hulp_tekst' })],
  ['the login form', () => ({ cl: 'resident', first: '/beheer/inloggen', path: '/beheer/inloggen',
    fields: { gebruikersnaam: '', wachtwoord: 'geheim' }, bad: 'gebruikersnaam' })],
  ['asking for changes', () => ({ cl: 'regisseur', first: '/beheer',
    path: `/beheer/initiatieven/${one("SELECT id FROM initiatives WHERE title = 'Veldcontrole ingediend'")}/wijziging`,
    fields: { bericht: '' }, bad: 'bericht' })],
  ['rejecting', () => ({ cl: 'regisseur', first: '/beheer',
    path: `/beheer/initiatieven/${one("SELECT id FROM initiatives WHERE title = 'Veldcontrole ingediend'")}/afwijzen`,
    fields: { reden: '', bevestigd: '1' }, bad: 'reden' })],
  ['a staff update', () => ({ cl: 'regisseur', first: '/beheer',
    path: `/beheer/initiatieven/${open}/update`, fields: { tekst: '' }, bad: 'tekst' })],
  ['a new news post', () => ({ cl: 'regisseur', first: '/beheer',
    path: '/beheer/berichten/nieuw',
    fields: { gebied: one("SELECT id FROM areas WHERE slug = 'de-riet'"), titel: 'Nieuws',
      tekst: 'Blijft staan.', publiceren: 'ja' }, bad: 'titel', kept: ['tekst', 'Blijft staan.'] })],
  ['a news edit', () => ({ cl: 'admin', first: '/beheer',
    path: `/beheer/berichten/${one('SELECT min(id) FROM news')}`,
    fields: { gebied: '', titel: 'Blijft staan', tekst: 'Een tekst.' }, bad: 'tekst',
    kept: ['titel', 'Blijft staan'] })],
  ['a contribution', () => ({ cl: 'admin', first: '/beheer', path: '/beheer/geld/bijdrage',
    fields: { initiatief: String(open), partner: '', bedrag: '12,50' }, bad: 'partner',
    kept: ['bedrag', '12,50'] })],
  ['a payout', () => ({ cl: 'admin', first: '/beheer', path: '/beheer/geld/uitbetaling',
    fields: { initiatief: one("SELECT min(id) FROM initiatives WHERE state = 'gefinancierd'"),
      bedrag: '1', kenmerk: '' }, bad: 'kenmerk', kept: ['bedrag', '1'] })],
  ['a new staff account', () => ({ cl: 'admin', first: '/beheer', path: '/beheer/medewerkers',
    fields: { gebruikersnaam: 'veld.collega', email: '', rol: 'wijkregisseur', gebied: ['de-riet'] },
    bad: 'email', kept: ['gebruikersnaam', 'veld.collega'] })],
  ['a new staff account, a name valid once the bytes are taken out', () => ({ cl: 'admin',
    first: '/beheer', path: '/beheer/medewerkers',
    fields: { gebruikersnaam: '', email: 'collega@almelo.example', rol: 'wijkregisseur',
      gebied: ['de-riet'] }, bad: 'gebruikersnaam', around: ['veld.', 'collega'],
    kept: ['email', 'collega@almelo.example'] })],
  ['a new area', () => ({ cl: 'admin', first: '/beheer', path: '/beheer/gebieden',
    fields: { name: 'Veldwijk', kind: 'wijk', parent: '', slug: '', description: 'Blijft staan.',
      venue_name: '', venue_address: '', director_name: '', director_email: '',
      director_phone: '' }, bad: 'venue_name', kept: ['description', 'Blijft staan.'] })],
  ['an area edit', () => ({ cl: 'admin', first: '/beheer',
    path: `/beheer/gebieden/${one("SELECT id FROM areas WHERE slug = 'de-riet'")}`,
    fields: { name: 'De Riet', venue_name: 'Blijft staan', director_name: '', description: 'Tekst' },
    bad: 'director_name', kept: ['venue_name', 'Blijft staan'] })],
  ['a new round', () => ({ cl: 'admin', first: '/beheer', path: '/beheer/rondes',
    fields: { naam: '', opent: isoDate(400), sluit: isoDate(430), waarde: '7,50' }, bad: 'naam',
    kept: ['waarde', '7,50'] })],
  ['a round edit', () => ({ cl: 'admin', first: '/beheer',
    path: `/beheer/rondes/${one("SELECT id FROM rounds WHERE name = 'Ronde om te wijzigen'")}`,
    fields: { naam: '', opent: isoDate(400), sluit: isoDate(430), waarde: '7,50' }, bad: 'naam',
    kept: ['waarde', '7,50'] })],
  ['a lost letter replaced', () => ({ cl: 'admin', first: '/beheer',
    path: `/beheer/rondes/${one('SELECT max(id) FROM rounds')}/vervangen`,
    fields: { postcode: '', huisnummer: '12', toevoeging: '' }, bad: 'postcode',
    kept: ['huisnummer', '12'] })],
  ['the settings', () => ({ cl: 'admin', first: '/beheer/instellingen',
    path: '/beheer/instellingen', settings: true, bad: 'gemeente_naam' })],
];

/** The values of every named text field of the settings page, as shown. */
function shownValues(html) {
  const values = {};
  for (const m of html.matchAll(/<input id="[^"]*" name="([^"]+)" type="text" value="([^"]*)"/g)) {
    values[m[1]] = decode(m[2]);
  }
  for (const m of html.matchAll(/<textarea id="[^"]*" name="([^"]+)"[^>]*>([\s\S]*?)<\/textarea>/g)) {
    values[m[1]] = decode(m[2]);
  }
  return values;
}

describe('a text field with characters the site cannot store: 400, the message at the field',
  () => {
    for (const [what, make] of FORMS) {
      test(what, async () => {
        const form = make();
        const cl = form.cl === 'admin' ? admin : form.cl === 'regisseur' ? regisseur
          : await client(server.base, { firstPage: form.first });
        const page = await cl.get(form.first);
        assert.equal(page.status, 200, `${what}: the form's page`);
        let { fields } = form;
        let kept = form.kept;
        if (form.settings) {
          fields = shownValues(page.text);
          const other = Object.keys(fields).find((k) => k !== form.bad);
          fields[other] = `${fields[other]} (proef)`.slice(-60);
          kept = [other, fields[other]];
        }
        for (const [kind, bytes] of KINDS) {
          const before = snapshot();
          const res = await postBad(cl, form.path, fields, form.bad, bytes, form);
          const where = `${what}, ${kind} in ${form.bad}`;
          assert.equal(res.status, 400, `${where}: ${textOf(res.text).slice(0, 300)}`);
          assertAtField(res.text, form.bad, where);
          if (kept) {
            const [name, value] = kept;
            const shown = [...res.text.matchAll(new RegExp(
              `name="${name}"[^>]*value="([^"]*)"|name="${name}"[^>]*>([^<]*)</textarea>`, 'g'))]
              .map((m) => decode(m[1] ?? m[2]));
            assert.ok(shown.includes(value), `${where}: ${name} as typed: ${shown.join(', ')}`);
          }
          // eslint-disable-next-line no-control-regex
          assert.doesNotMatch(res.text, /[\u0001\uFFFE\uFFFD]/, `${where}: nothing echoed`);
          assert.equal(snapshot(), before, `${where}: nothing stored`);
        }
      });
    }
  });

describe('the help wanted question at submission', () => {
  test('asked on the form, stored with the initiative, shown to the regisseur', async () => {
    const cl = await client(server.base, { firstPage: '/initiatief-indienen' });
    assert.match(cl.firstResponse.text, /<legend>Hulp gezocht \(niet verplicht\)<\/legend>/);
    assert.match(cl.firstResponse.text, /<input id="hulp_gezocht" name="hulp_gezocht" type="checkbox" value="ja">/);
    const { path } = await submitInitiative(server.base, initiativeFields({
      titel: 'Met hulp gezocht', email: 'hulp.gezocht@example.org', hulp_gezocht: 'ja',
      hulp_tekst: 'Tenten opzetten & koffie schenken' }));
    assert.ok(path, 'submitted');
    assert.equal(one("SELECT help_wanted || '|' || help_text FROM initiatives WHERE title = 'Met hulp gezocht'"),
      '1|Tenten opzetten & koffie schenken');
    const id = one("SELECT id FROM initiatives WHERE title = 'Met hulp gezocht'");
    const review = await regisseur.get(`/beheer/initiatieven/${id}`);
    assert.equal(review.status, 200);
    assert.match(textOf(review.text), /Hulp gezocht\s*Ja: Tenten opzetten & koffie schenken/);
    const { path: without } = await submitInitiative(server.base,
      initiativeFields({ titel: 'Zonder hulp gezocht', email: 'zonder.hulp@example.org' }));
    assert.ok(without);
    assert.equal(one("SELECT help_wanted || '|' || help_text FROM initiatives WHERE title = 'Zonder hulp gezocht'"),
      '0|');
    const noHelp = one("SELECT id FROM initiatives WHERE title = 'Zonder hulp gezocht'");
    assert.match(textOf((await regisseur.get(`/beheer/initiatieven/${noHelp}`)).text), /Hulp gezocht\s*Nee/);
  });

  test('too long or on two lines: 400, the message at the field, the values kept, nothing stored',
    async () => {
      for (const [what, text] of [['201 characters', 'x'.repeat(201)], ['two lines', 'een\ntwee']]) {
        const before = snapshot();
        const { res } = await submitInitiative(server.base, initiativeFields({
          titel: 'Te veel hulp gezocht', email: 'te.veel@example.org', hulp_gezocht: 'ja',
          hulp_tekst: text }));
        assert.equal(res.status, 400, what);
        const field = /<input id="hulp_tekst"[^>]*>/.exec(res.text)?.[0] ?? '';
        assert.match(field, /aria-invalid="true"/, what);
        assert.match(textOf(/<p class="error-message" id="hulp_tekst-error">[\s\S]*?<\/p>/.exec(res.text)?.[0] ?? ''),
          /hoogstens 200 tekens, op één regel/, what);
        assert.match(res.text, /name="hulp_gezocht" type="checkbox" value="ja" checked>/, what);
        assert.match(res.text, /name="titel"[^>]*value="Te veel hulp gezocht"/, what);
        assert.equal(snapshot(), before, `${what}: nothing stored`);
      }
    });

  test('kept on a form that comes back with a bad character, at its field', async () => {
    const cl = await client(server.base, { firstPage: '/initiatief-indienen' });
    const res = await postBad(cl, '/initiatief-indienen',
      initiativeFields({ hulp_gezocht: 'ja', hulp_tekst: 'Tenten' }), 'titel', KINDS[0][1],
      { multi: true });
    assert.equal(res.status, 400);
    assert.match(res.text, /<input id="hulp_gezocht" name="hulp_gezocht" type="checkbox" value="ja" checked>/);
    assert.match(res.text, /name="hulp_tekst"[^>]*value="Tenten"/);
    const bad = await postBad(cl, '/initiatief-indienen',
      initiativeFields({ hulp_gezocht: 'ja' }), 'hulp_tekst', KINDS[1][1], { multi: true });
    assert.equal(bad.status, 400);
    assertAtField(bad.text, 'hulp_tekst', 'help text');
  });
});
