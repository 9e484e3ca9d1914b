// Every form refuses an empty required text, a text one character over its limit and its other
// field-level mistakes at the field: the form comes back (400) with a summary at the top that
// links to the field, the message at the field (aria-invalid, aria-describedby), what was typed
// kept, and nothing stored. Never the bare error page. (The public forms that answered such a
// refusal with 422 before keep that status.)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decode, textOf } from '../lib/pages.mjs';
import { removeDb, sql, startServe } from '../lib/server.mjs';
import { adminSnapshot } from '../lib/admin.mjs';
import { client, initiativeFields, isoDate, login, makeDemoDbWithStaff, submitInitiative }
  from '../lib/staff.mjs';

let db;
let demo;
let server;
let regisseur;
let admin;
let open; // an open initiative
const links = {}; // management links by state
const one = (s) => sql(db, s).trim();

/** What any of these forms could write. */
function snapshot() {
  return `${adminSnapshot(db)}\n${sql(db, `
    SELECT 'counts', (SELECT count(*) FROM initiative_messages),
      (SELECT count(*) FROM initiative_updates), (SELECT count(*) FROM audit_log);
    SELECT 'more', (SELECT count(*) FROM news), (SELECT count(*) FROM volunteers),
      (SELECT count(*) FROM questions), (SELECT count(*) FROM letter_requests);
    SELECT 'news', group_concat(id || ',' || title || ',' || body, '|') FROM news;
    SELECT 'initiatives', group_concat(id || ',' || title || ',' || state || ',' ||
      ifnull(state_reason, ''), '|') FROM (SELECT * FROM initiatives ORDER BY id);`).trim()}`;
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
  regisseur = await login(server.base, demo.regisseur.username, demo.regisseur.password);
  admin = await login(server.base, demo.beheerder.username, demo.beheerder.password);
  const future = await admin.post('/beheer/rondes',
    { naam: 'Ronde om te wijzigen', opent: isoDate(500), sluit: isoDate(530), waarde: '7,50' });
  assert.equal(future.status, 303, 'a round not started yet, to edit');
  for (const state of ['ingediend', 'wijziging_gevraagd', 'open', 'gefinancierd']) {
    const { path } = await submitInitiative(server.base,
      initiativeFields({ titel: `Veldgrens ${state}`, email: `grens.${state}@example.org` }));
    assert.ok(path, `a management link (${state})`);
    links[state] = path;
    if (state === 'ingediend') continue;
    const id = one(`SELECT id FROM initiatives WHERE title = 'Veldgrens ${state}'`);
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

/** The refused control named `name`: aria-invalid, described by its message, which matches
 * `message`; the summary at the top links to it with the same message. */
function assertAtField(html, name, message, where) {
  const tags = [...html.matchAll(new RegExp(`<(?:input|textarea|select)\\b[^>]*\\bname="${name}"[^>]*>`,
    'g'))].map((m) => m[0]);
  assert.ok(tags.length, `${where}: a field named ${name}`);
  const refused = tags.find((t) => /aria-invalid="true"/.test(t));
  assert.ok(refused, `${where}: aria-invalid on ${name}: ${tags.join(' ')}`);
  const id = /\bid="([^"]+)"/.exec(refused)?.[1];
  const described = /aria-describedby="([^"]+)"/.exec(refused)?.[1] ?? '';
  const text = described.split(' ').map((d) =>
    new RegExp(`<p class="error-message" id="${d}">([\\s\\S]*?)</p>`).exec(html)?.[1] ?? '')
    .join(' ');
  assert.match(textOf(text), message, `${where}: the message at ${id}, described by it`);
  const summary = /<div class="notice[^"]*error-summary" role="alert"[\s\S]*?<\/div>/.exec(html)?.[0] ?? '';
  assert.ok(summary, `${where}: an error summary`);
  const link = new RegExp(`<a href="#${id}">([\\s\\S]*?)</a>`).exec(summary)?.[1] ?? '';
  assert.match(textOf(link), message, `${where}: the summary links to #${id}`);
}

/** The value shown in the control named `name` (an input's value or a textarea's text). */
function shown(html, name) {
  return [...html.matchAll(new RegExp(
    `name="${name}"[^>]*value="([^"]*)"|name="${name}"[^>]*>([^<]*)</textarea>`, 'g'))]
    .map((m) => decode(m[1] ?? m[2]));
}

const idOf = (state) => one(`SELECT id FROM initiatives WHERE title = 'Veldgrens ${state}'`);
const LONG = 'x'.repeat(5001);

/** Each case: who posts, the page with the form, the path, the fields, the refused field, the
 * message expected there, and whether the typed value must come back. */
const CASES = [
  ['the resubmission, an answer one over 5000', () => ({ first: links.wijziging_gevraagd,
    path: `${links.wijziging_gevraagd}/indienen`, fields: { antwoord: LONG }, field: 'antwoord',
    message: /hoogstens 5000 tekens/ })],
  ['an initiator update, empty', () => ({ first: links.open, path: `${links.open}/update`,
    multi: true, fields: { tekst: '' }, field: 'tekst', message: /Schrijf/ })],
  ['an initiator update, one over 5000', () => ({ first: links.open, path: `${links.open}/update`,
    multi: true, fields: { tekst: LONG }, field: 'tekst', message: /hoogstens 5000 tekens/ })],
  ['the completion report, empty', () => ({ first: links.gefinancierd,
    path: `${links.gefinancierd}/uitgevoerd`, multi: true, fields: { verslag: '  ' },
    field: 'verslag', message: /Schrijf/ })],
  ['the completion report, one over 5000', () => ({ first: links.gefinancierd,
    path: `${links.gefinancierd}/uitgevoerd`, multi: true, fields: { verslag: LONG },
    field: 'verslag', message: /hoogstens 5000 tekens/ })],
  ['withdrawing, not ticked', () => ({ first: links.open, path: `${links.open}/intrekken`,
    fields: {}, field: 'zeker', message: /Vink aan/, notTyped: true })],
  ['an initiator update, a file that is no photo', () => ({ first: links.open,
    path: `${links.open}/update`, multi: true, fields: { tekst: 'Het gaat goed.' },
    files: { foto: { data: Buffer.from('geen foto'), filename: 'foto.jpg', type: 'image/jpeg' } },
    field: 'foto', message: ANY, notTyped: true, kept: ['tekst', 'Het gaat goed.'] })],
  ['withdrawing a submitted initiative, not ticked', () => ({ first: links.ingediend,
    path: `${links.ingediend}/intrekken`, fields: {}, field: 'zeker', message: /Vink aan/,
    notTyped: true, oneSummary: true })],
  ['asking for changes, empty', () => ({ staff: true, first: `/beheer/initiatieven/${idOf('ingediend')}`,
    path: `/beheer/initiatieven/${idOf('ingediend')}/wijziging`, fields: { bericht: '' },
    field: 'bericht', message: /Schrijf/ })],
  ['asking for changes, one over 5000', () => ({ staff: true,
    first: `/beheer/initiatieven/${idOf('ingediend')}`,
    path: `/beheer/initiatieven/${idOf('ingediend')}/wijziging`, fields: { bericht: LONG },
    field: 'bericht', message: /hoogstens 5000 tekens/ })],
  ['rejecting, empty', () => ({ staff: true, first: `/beheer/initiatieven/${idOf('ingediend')}`,
    path: `/beheer/initiatieven/${idOf('ingediend')}/afwijzen`, fields: { reden: '', bevestigd: '1' },
    field: 'reden', message: /Schrijf de reden/ })],
  ['rejecting, one over 5000', () => ({ staff: true, first: `/beheer/initiatieven/${idOf('ingediend')}`,
    path: `/beheer/initiatieven/${idOf('ingediend')}/afwijzen`,
    fields: { reden: LONG, bevestigd: '1' }, field: 'reden', message: /Hoogstens 5000 tekens/ })],
  ['a staff update, empty', () => ({ staff: true, first: `/beheer/initiatieven/${open}`,
    path: `/beheer/initiatieven/${open}/update`, fields: { tekst: '' }, field: 'tekst',
    message: /Schrijf/ })],
  ['a staff update, one over 5000', () => ({ staff: true, first: `/beheer/initiatieven/${open}`,
    path: `/beheer/initiatieven/${open}/update`, fields: { tekst: LONG }, field: 'tekst',
    message: /hoogstens 5000 tekens/ })],
];


const ANY = /\S/;
const riet = () => one("SELECT id FROM areas WHERE slug = 'de-riet'");
const roundEdit = () => `/beheer/rondes/${one("SELECT id FROM rounds WHERE name = 'Ronde om te wijzigen'")}`;
const news = (fields) => ({ gebied: riet(), titel: 'Nieuws', tekst: 'Blijft staan.', ...fields });
const round = (fields) => ({ naam: 'Een ronde', opent: isoDate(400), sluit: isoDate(430),
  waarde: '7,50', ...fields });
const area = (fields) => ({ name: 'Veldgrenswijk', kind: 'wijk', parent: '', slug: '',
  description: 'Blijft staan.', venue_name: '', venue_address: '', director_name: '',
  director_email: '', director_phone: '', ...fields });

/** The other forms, each with the same promise. */
const MORE = [
  ['the login form, no name', () => ({ first: '/beheer/inloggen', path: '/beheer/inloggen',
    fields: { gebruikersnaam: '', wachtwoord: 'geheim' }, field: 'gebruikersnaam',
    message: /gebruikersnaam/i })],
  ['the login form, a name one over 40', () => ({ first: '/beheer/inloggen',
    path: '/beheer/inloggen', fields: { gebruikersnaam: 'a'.repeat(41), wachtwoord: 'geheim' },
    field: 'gebruikersnaam', message: /40 tekens/ })],
  ['the login form, no password', () => ({ first: '/beheer/inloggen', path: '/beheer/inloggen',
    fields: { gebruikersnaam: 'iemand', wachtwoord: '' }, field: 'wachtwoord',
    message: /wachtwoord/i, notTyped: true, kept: ['gebruikersnaam', 'iemand'] })],
  ['the help form, no first name', () => ({ first: `/initiatieven/${open}/helpen`,
    path: `/initiatieven/${open}/helpen`,
    fields: { voornaam: '', email: 'anna.grens@example.org', bericht: 'Ik heb een kar' },
    field: 'voornaam', message: ANY, kept: ['bericht', 'Ik heb een kar'] })],
  ['the help form, a first name one over 60', () => ({ first: `/initiatieven/${open}/helpen`,
    path: `/initiatieven/${open}/helpen`,
    fields: { voornaam: 'a'.repeat(61), email: 'anna.grens@example.org', bericht: 'Ik heb een kar' },
    field: 'voornaam', message: ANY, kept: ['bericht', 'Ik heb een kar'] })],
  ['the question form, no question', () => ({ first: `/initiatieven/${open}/vraag`,
    path: `/initiatieven/${open}/vraag`,
    fields: { naam: 'Bert', email: 'bert.grens@example.org', vraag: '' }, field: 'vraag',
    message: ANY, kept: ['naam', 'Bert'] })],
  ['the question form, a question one over 2000', () => ({ first: `/initiatieven/${open}/vraag`,
    path: `/initiatieven/${open}/vraag`,
    fields: { naam: 'Bert', email: 'bert.grens@example.org', vraag: 'x'.repeat(2001) },
    field: 'vraag', message: ANY, kept: ['naam', 'Bert'] })],
  ['a new news post, no title', () => ({ staff: true, first: '/beheer/berichten/nieuw',
    path: '/beheer/berichten/nieuw', fields: news({ titel: '' }), field: 'titel', message: ANY,
    kept: ['tekst', 'Blijft staan.'] })],
  ['a new news post, a title one over 150', () => ({ staff: true, first: '/beheer/berichten/nieuw',
    path: '/beheer/berichten/nieuw', fields: news({ titel: 't'.repeat(151) }), field: 'titel',
    message: ANY, kept: ['tekst', 'Blijft staan.'] })],
  ['a new news post, a text one over 20000', () => ({ staff: true,
    first: '/beheer/berichten/nieuw', path: '/beheer/berichten/nieuw',
    fields: news({ titel: 'Blijft staan', tekst: 'x'.repeat(20001) }), field: 'tekst',
    message: ANY, kept: ['titel', 'Blijft staan'] })],
  ['a news edit, no text', () => ({ admin: true, first: '/beheer/berichten',
    path: `/beheer/berichten/${one('SELECT min(id) FROM news')}`,
    fields: { gebied: '', titel: 'Blijft staan', tekst: '' }, field: 'tekst', message: ANY,
    kept: ['titel', 'Blijft staan'] })],
  ['a new staff account, no name', () => ({ admin: true, first: '/beheer/medewerkers',
    path: '/beheer/medewerkers', fields: { gebruikersnaam: '', email: 'grens@almelo.example',
      rol: 'wijkregisseur', gebied: 'de-riet' }, field: 'gebruikersnaam', message: ANY,
    kept: ['email', 'grens@almelo.example'] })],
  ['a new staff account, a name one over 40', () => ({ admin: true, first: '/beheer/medewerkers',
    path: '/beheer/medewerkers', fields: { gebruikersnaam: 'a'.repeat(41),
      email: 'grens@almelo.example', rol: 'wijkregisseur', gebied: 'de-riet' },
    field: 'gebruikersnaam', message: ANY, kept: ['email', 'grens@almelo.example'] })],
  ['a new area, no name', () => ({ admin: true, first: '/beheer/gebieden', path: '/beheer/gebieden',
    fields: area({ name: '' }), field: 'name', message: ANY,
    kept: ['description', 'Blijft staan.'] })],
  ['a new area, a name one over 80', () => ({ admin: true, first: '/beheer/gebieden',
    path: '/beheer/gebieden', fields: area({ name: 'w'.repeat(81) }), field: 'name',
    message: ANY, kept: ['description', 'Blijft staan.'] })],
  ['a new area, a description one over 2000', () => ({ admin: true, first: '/beheer/gebieden',
    path: '/beheer/gebieden', fields: area({ description: 'd'.repeat(2001) }),
    field: 'description', message: ANY, kept: ['name', 'Veldgrenswijk'] })],
  ['an area edit, no name', () => ({ admin: true, first: `/beheer/gebieden/${riet()}`,
    path: `/beheer/gebieden/${riet()}`,
    fields: { name: '', venue_name: 'Blijft staan', director_name: '', description: 'Tekst' },
    field: 'name', message: ANY, kept: ['venue_name', 'Blijft staan'] })],
  ['a new round, no name', () => ({ admin: true, first: '/beheer/rondes', path: '/beheer/rondes',
    fields: round({ naam: '' }), field: 'naam', message: ANY, kept: ['waarde', '7,50'] })],
  ['a new round, a name one over 80', () => ({ admin: true, first: '/beheer/rondes',
    path: '/beheer/rondes', fields: round({ naam: 'r'.repeat(81) }), field: 'naam',
    message: ANY, kept: ['waarde', '7,50'] })],
  ['a new round, a bad date', () => ({ admin: true, first: '/beheer/rondes',
    path: '/beheer/rondes', fields: round({ opent: '31-02-2027' }), field: 'opent',
    message: ANY, kept: ['naam', 'Een ronde'] })],
  ['a new round, a bad amount', () => ({ admin: true, first: '/beheer/rondes',
    path: '/beheer/rondes', fields: round({ waarde: 'zeven' }), field: 'waarde', message: ANY,
    kept: ['naam', 'Een ronde'] })],
  ['a round edit, no name', () => ({ admin: true, first: '/beheer/rondes', path: roundEdit(),
    fields: round({ naam: '' }), field: 'naam', message: ANY, kept: ['waarde', '7,50'] })],
  ['a round edit, a bad date', () => ({ admin: true, first: '/beheer/rondes', path: roundEdit(),
    fields: round({ sluit: 'volgende week' }), field: 'sluit', message: ANY,
    kept: ['naam', 'Een ronde'] })],
  ['a lost letter replaced, no postcode', () => ({ admin: true, first: '/beheer/rondes',
    path: `/beheer/rondes/${one('SELECT max(id) FROM rounds')}/vervangen`,
    fields: { postcode: '', huisnummer: '12', toevoeging: '' }, field: 'postcode', message: ANY,
    kept: ['huisnummer', '12'] })],
  ['a contribution, no amount', () => ({ admin: true, first: '/beheer/geld',
    path: '/beheer/geld/bijdrage', fields: { initiatief: String(open), partner: 'Fonds',
      bedrag: '' }, field: 'bedrag', message: ANY, kept: ['partner', 'Fonds'] })],
  ['a contribution, a partner one over 100', () => ({ admin: true, first: '/beheer/geld',
    path: '/beheer/geld/bijdrage', fields: { initiatief: String(open), partner: 'p'.repeat(101),
      bedrag: '12,50' }, field: 'partner', message: ANY, kept: ['bedrag', '12,50'] })],
  ['a payout, a bad amount', () => ({ admin: true, first: '/beheer/geld',
    path: '/beheer/geld/uitbetaling',
    fields: { initiatief: one("SELECT min(id) FROM initiatives WHERE state = 'gefinancierd'"),
      bedrag: 'veel', kenmerk: 'KM-1' }, field: 'bedrag', message: ANY,
    kept: ['kenmerk', 'KM-1'] })],
  ['the household upload, no file', () => ({ admin: true, first: '/beheer/huishoudens',
    path: '/beheer/huishoudens', multi: true, fields: {}, field: 'bestand', message: /CSV-bestand/,
    notTyped: true })],
  ['following, no e-mail address', () => ({ first: `/volgen?initiatief=${open}`, path: '/volgen',
    fields: { initiatief: String(open), email: '', frequentie: 'direct' }, field: 'email',
    status: 422, message: ANY })],
  ['following, an address one over 254', () => ({ first: `/volgen?initiatief=${open}`,
    path: '/volgen', fields: { initiatief: String(open), email: `${'a'.repeat(243)}@example.org`,
      frequentie: 'direct' }, field: 'email', status: 422, message: ANY })],
  ['an offer, no first name', () => ({ first: `/initiatieven/${open}/lenen`,
    path: `/initiatieven/${open}/lenen`, fields: { onderdeel: '', soort: 'lenen', voornaam: '',
      email: 'lener.grens@example.org', bericht: 'Een kar' }, field: 'voornaam', message: ANY,
    kept: ['bericht', 'Een kar'] })],
  ['a lost letter, no postcode', () => ({ first: '/brief-kwijt', path: '/brief-kwijt',
    fields: { postcode: '', huisnummer: '12', toevoeging: '' }, field: 'postcode', status: 422, message: ANY,
    kept: ['huisnummer', '12'] })],
  ['the address lookup, no postcode', () => ({ first: '/adres', path: '/adres',
    fields: { postcode: '', huisnummer: '12', toevoeging: '' }, field: 'postcode', status: 422, message: ANY,
    kept: ['huisnummer', '12'] })],
  ['donating, no code', () => ({ first: '/doneren', path: '/doneren', fields: { code: '' },
    field: 'code', message: ANY })],
  ['donating, a code one over 64', () => ({ first: '/doneren', path: '/doneren',
    fields: { code: 'A'.repeat(65) }, field: 'code', message: ANY })],
  ['the submission form, no title', () => ({ first: '/initiatief-indienen',
    path: '/initiatief-indienen', multi: true,
    fields: initiativeFields({ titel: '', samenvatting: 'Blijft staan.' }), field: 'titel',
    message: ANY, kept: ['samenvatting', 'Blijft staan.'] })],
  ['several codes, none typed', () => ({ first: `/doneren/meerdere?initiatief=${open}`,
    path: '/doneren/meerdere', fields: { initiatief: String(open), codes: '' }, field: 'codes',
    message: /Vul de codes in/ })],
  ['several codes, one over 4000 characters', () => ({ first: `/doneren/meerdere?initiatief=${open}`,
    path: '/doneren/meerdere', fields: { initiatief: String(open), codes: 'K'.repeat(4001) },
    field: 'codes', message: /hoogstens 4000 tekens/ })],
  ['several codes, no initiative', () => ({ first: '/doneren/meerdere', path: '/doneren/meerdere',
    fields: { initiatief: '', codes: 'K7QM-3XDP-9TWA-B2C5' }, field: 'initiatief',
    message: /Kies een initiatief/, notTyped: true, kept: ['codes', 'K7QM-3XDP-9TWA-B2C5'] })],
  ['the letters logo, no file', () => ({ admin: true, first: '/beheer/instellingen/logo',
    path: '/beheer/instellingen/logo', multi: true, fields: {}, field: 'logo', message: ANY,
    notTyped: true })],
  ['the settings, a text one over its limit', () => ({ admin: true, first: '/beheer/instellingen',
    path: '/beheer/instellingen', settings: true, message: ANY })],
  ['the settings, a required text empty', () => ({ admin: true, first: '/beheer/instellingen',
    path: '/beheer/instellingen', settings: 'empty', message: ANY })],
];

/** The settings form as shown, with the site's name one over its 80 characters (or, for
 * 'empty', the municipality's name emptied) and the other name changed, to be kept. */
function settingsCase(c, html) {
  const fields = {};
  for (const m of html.matchAll(/<input id="[^"]*" name="([^"]+)" type="text" value="([^"]*)"/g)) {
    fields[m[1]] = decode(m[2]);
  }
  for (const m of html.matchAll(/<textarea id="[^"]*" name="([^"]+)"[^>]*>([\s\S]*?)<\/textarea>/g)) {
    fields[m[1]] = decode(m[2]);
  }
  const [field, other] = c.settings === 'empty' ? ['gemeente_naam', 'site_naam']
    : ['site_naam', 'gemeente_naam'];
  assert.ok(field in fields && other in fields, `the names: ${Object.keys(fields).join(', ')}`);
  fields[field] = c.settings === 'empty' ? '' : 'x'.repeat(81);
  fields[other] = `${fields[other]} (proef)`.slice(-60);
  Object.assign(c, { fields, field, kept: [other, fields[other]] });
}

describe('the search of the list, one over 100 characters', () => {
  test('400, the list with the message at the field, the text as typed, the filters kept',
    async () => {
      const q = 'z'.repeat(101);
      const r = await fetch(new URL(`/initiatieven?q=${q}&status=open`, server.base));
      const res = { status: r.status, text: await r.text() };
      assert.equal(res.status, 400, textOf(res.text).slice(0, 300));
      assertAtField(res.text, 'q', /hoogstens 100 tekens/, 'the search');
      assert.ok(shown(res.text, 'q').includes(q), 'the search text as typed');
      assert.match(res.text, /<option value="open" selected>/, 'the status filter kept');
      assert.match(res.text, /class="card/, 'the list is still shown');
    });
});

describe('an empty or too long field: the form back, the message at the field', () => {
  for (const [what, make] of [...CASES, ...MORE]) {
    test(what, async () => {
      const c = make();
      const cl = c.admin ? admin : c.staff ? regisseur
        : await client(server.base, { firstPage: c.first });
      const page = await cl.get(c.first);
      assert.equal(page.status, 200, `${what}: the form's page`);
      if (c.settings) settingsCase(c, page.text);
      const before = snapshot();
      const res = c.multi ? await cl.postMultipart(c.path, c.fields, c.files)
        : await cl.post(c.path, c.fields);
      assert.equal(res.status, c.status ?? 400, `${what}: ${textOf(res.text).slice(0, 300)}`);
      assertAtField(res.text, c.field, c.message, what);
      if (c.oneSummary) {
        assert.equal(res.text.match(/error-summary/g)?.length, 1, `${what}: one summary only`);
      }
      if (c.kept) {
        const [name, value] = c.kept;
        assert.ok(shown(res.text, name).includes(value), `${what}: ${name} as typed`);
      }
      if (!c.notTyped) {
        assert.ok(shown(res.text, c.field).includes(c.fields[c.field]),
          `${what}: ${c.field} as typed`);
      }
      assert.equal(snapshot(), before, `${what}: nothing stored`);
    });
  }
});
