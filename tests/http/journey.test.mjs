// The initiator's journey through the built-in HTTP server: the address kept and shown back on
// the edit form, a double submission that makes one initiative, a photo kept across a
// validation error and "Meer begrotingsposten", what a rejected initiator reads, amounts typed
// the Dutch way with the limits in the message, and themes on the form, the pages, the list
// filter and the API.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decode, fetchPage, mainOf, textOf } from '../lib/pages.mjs';
import { removeDb, runBin, sql, sqlString as q, startServe } from '../lib/server.mjs';
import {
  client, hiddenValue, initiativeFields, login, makeDemoDbWithStaff, makePng,
} from '../lib/staff.mjs';

const PNG = makePng(40, 30);
const png = () => ({ data: PNG, filename: 'plek.png', type: 'image/png' });

let db;
let demo;
let server;
let staff;

before(async () => {
  demo = await makeDemoDbWithStaff();
  db = demo.db;
  sql(db, "INSERT OR REPLACE INTO settings(key, value) VALUES ('indienen_per_uur', '1000'), " +
    "('wijzigingen_per_uur', '1000')");
  server = await startServe({ db, threads: 2 });
  staff = await login(server.base, demo.regisseur.username, demo.regisseur.password);
});

after(async () => {
  await server?.stop();
  if (db) await removeDb(db);
});

const one = (statement) => sql(db, statement).trim();
const lastId = () => Number(one('SELECT coalesce(max(id), 0) FROM initiatives'));
const resident = () => client(server.base, { firstPage: '/initiatief-indienen' });

function inputValue(html, id) {
  const tag = new RegExp(`<input\\b[^>]*\\bid="${id}"[^>]*>`).exec(html)?.[0];
  assert.ok(tag, `the page has <input id="${id}">`);
  return decode(/\bvalue="([^"]*)"/.exec(tag)?.[1] ?? '');
}

function selectOptions(html, id) {
  const m = new RegExp(`<select\\b[^>]*\\bid="${id}"[^>]*>([\\s\\S]*?)</select>`).exec(html);
  assert.ok(m, `the page has <select id="${id}">`);
  return [...m[1].matchAll(/<option value="([^"]*)"([^>]*)>([^<]*)<\/option>/g)]
    .map((o) => ({ value: decode(o[1]), selected: /\sselected\b/.test(o[2]), label: decode(o[3]) }));
}

/** The error summary's links: [{href, text}]. */
function summaryLinks(html) {
  const m = /<div class="notice error-summary" role="alert"[^>]*>([\s\S]*?)<\/div>/.exec(html);
  assert.ok(m, 'an error summary');
  return [...m[1].matchAll(/<a href="#([^"]+)">([^<]*)<\/a>/g)]
    .map((l) => ({ href: l[1], text: decode(l[2]) }));
}

/** A resident's client with a fresh form; resolves with {cl, form} (form: the form's token). */
async function freshForm() {
  const cl = await resident();
  const form = hiddenValue(cl.firstResponse.text, 'formulier');
  assert.ok(form && form.length >= 40, 'the form carries a form token');
  return { cl, form };
}

/** Posts a submission and follows its 303; resolves with {res, page, path, id}. */
async function submit(cl, fields, files = {}) {
  const res = await cl.postMultipart('/initiatief-indienen', fields, files);
  assert.equal(res.status, 303, `POST /initiatief-indienen: 303 (${textOf(res.text).slice(0, 300)})`);
  const location = res.headers.get('location');
  assert.match(location, /^\/mijn-initiatief\/[A-Za-z0-9_-]{43}\?gedaan=nieuw$/);
  const page = await cl.get(location);
  assert.equal(page.status, 200);
  return { res, page, path: location.split('?')[0], id: lastId() };
}

describe('the address of the initiator', () => {
  let it;

  test('is stored and shown back on the edit form, which saves as it comes', async () => {
    const { cl, form } = await freshForm();
    it = await submit(cl, initiativeFields({ formulier: form, postcode: '7601ck', huisnummer: '12 a' }));
    assert.equal(one(`SELECT initiator_postcode || '|' || initiator_house_number FROM initiatives
      WHERE id = ${it.id}`), '7601 CK|12a');
    const page = await cl.get(it.path);
    assert.equal(inputValue(page.text, 'postcode'), '7601 CK');
    assert.equal(inputValue(page.text, 'huisnummer'), '12a');
    // Send the form back exactly as shown (the fields of initiativeFields, from the page).
    const fields = initiativeFields({ postcode: inputValue(page.text, 'postcode'),
      huisnummer: inputValue(page.text, 'huisnummer'), titel: 'Bankjes opknappen, nu met adres' });
    const res = await cl.postMultipart(`${it.path}/bewerken`, fields);
    assert.equal(res.status, 303, textOf(res.text).slice(0, 400));
    assert.equal(one(`SELECT title || '|' || initiator_postcode FROM initiatives
      WHERE id = ${it.id}`), 'Bankjes opknappen, nu met adres|7601 CK');
  });

  test('the wijkregisseur sees it on the review page; the privacy statement says so', async () => {
    const detail = await staff.get(`/beheer/initiatieven/${it.id}`);
    assert.equal(detail.status, 200);
    assert.match(textOf(mainOf(detail.text)), /7601 CK 12a/);
    const privacy = await fetchPage(server.base, '/privacy');
    assert.match(textOf(privacy.text), /postcode en huisnummer/);
  });
});

describe('a double submission', () => {
  test('two identical POSTs with the same form token make one initiative and one answer',
    async () => {
      const { cl, form } = await freshForm();
      const fields = initiativeFields({ formulier: form, titel: 'Eén keer ingediend, twee keer geklikt' });
      const before = lastId();
      const first = await cl.postMultipart('/initiatief-indienen', fields);
      const second = await cl.postMultipart('/initiatief-indienen', fields);
      assert.equal(first.status, 303);
      assert.equal(second.status, 303, 'the repeat is answered, not refused');
      assert.equal(second.headers.get('location'), first.headers.get('location'),
        'the same result page');
      assert.equal(lastId(), before + 1, 'one initiative');
      assert.equal(Number(one(`SELECT count(*) FROM initiatives
        WHERE title = ${q(fields.titel)}`)), 1);
      const page = await cl.get(first.headers.get('location'));
      assert.match(textOf(page.text), /Bedankt voor uw initiatief/);
      assert.ok(page.text.includes(`<a href="${first.headers.get('location').split('?')[0]}">`),
        'the result page shows the management link');
    });

  test('at the same moment: still one initiative, both answers the same', async () => {
    const { cl, form } = await freshForm();
    const fields = initiativeFields({ formulier: form, titel: 'Tegelijk verstuurd vanuit twee tabbladen' });
    const before = lastId();
    const answers = await Promise.all([1, 2, 3].map(() => cl.postMultipart('/initiatief-indienen',
      fields)));
    assert.deepEqual(answers.map((a) => a.status), [303, 303, 303]);
    assert.equal(new Set(answers.map((a) => a.headers.get('location'))).size, 1);
    assert.equal(lastId(), before + 1);
  });

  test('the token is worth nothing in another browser: that one gets its own initiative',
    async () => {
      const { cl, form } = await freshForm();
      const fields = initiativeFields({ formulier: form, titel: 'Een formulier, twee browsers' });
      const first = await cl.postMultipart('/initiatief-indienen', fields);
      const other = await resident();
      const second = await other.postMultipart('/initiatief-indienen', fields);
      assert.equal(second.status, 303);
      assert.notEqual(second.headers.get('location'), first.headers.get('location'),
        'never the management link of someone else');
    });
});

describe('a photo with a form that comes back', () => {
  const refOf = (html) => hiddenValue(html, 'foto_ref');

  test('after a validation error it is kept, shown, and ends up on the initiative', async () => {
    const { cl, form } = await freshForm();
    const fields = initiativeFields({ formulier: form, titel: '' });
    const res = await cl.postMultipart('/initiatief-indienen', fields, { foto: png() });
    assert.equal(res.status, 400);
    const ref = refOf(res.text);
    assert.ok(ref && ref.length >= 40, 'a reference to the kept photo');
    const img = new RegExp(`<img [^>]*src="(/fotos/voorlopig/${ref}\\.jpg)"`).exec(res.text);
    assert.ok(img, 'the form shows the kept photo');
    assert.match(textOf(res.text), /Foto weghalen/);
    const shown = await cl.get(img[1]);
    assert.equal(shown.status, 200);
    assert.equal(shown.headers.get('content-type'), 'image/jpeg');
    assert.match(shown.headers.get('cache-control') ?? '', /no-store|private/);
    const stranger = await fetchPage(server.base, img[1]);
    assert.equal(stranger.status, 404, 'another browser cannot see it');

    const ok = await submit(cl, initiativeFields({ formulier: form, foto_ref: ref,
      titel: 'Een foto die niet verloren gaat' }));
    const photo = one(`SELECT p.width || 'x' || p.height FROM initiatives i JOIN photos p
      ON p.id = i.photo_id WHERE i.id = ${ok.id}`);
    assert.equal(photo, '40x30', 'the kept photo is the initiative\'s');
    assert.equal(Number(one('SELECT count(*) FROM provisional_photos')), 0, 'no longer provisional');
  });

  test('"Meer begrotingsposten" keeps it too; a reference from another browser is ignored',
    async () => {
      const { cl, form } = await freshForm();
      const res = await cl.postMultipart('/initiatief-indienen',
        initiativeFields({ formulier: form, meer_regels: '1' }), { foto: png() });
      assert.equal(res.status, 200);
      const ref = refOf(res.text);
      assert.ok(ref, 'kept after more rows');
      assert.ok(res.text.includes(`/fotos/voorlopig/${ref}.jpg`));
      const other = await resident();
      const theirs = await submit(other, initiativeFields({
        formulier: hiddenValue(other.firstResponse.text, 'formulier'), foto_ref: ref,
        titel: 'Met de verwijzing van een ander' }));
      assert.equal(one(`SELECT photo_id IS NULL FROM initiatives WHERE id = ${theirs.id}`), '1');
      const mine = await submit(cl, initiativeFields({ formulier: form, foto_ref: ref, regels: '8',
        titel: 'Met meer regels en de foto' }));
      assert.equal(one(`SELECT photo_id IS NOT NULL FROM initiatives WHERE id = ${mine.id}`), '1');
    });

  test('"Foto weghalen" leaves it off', async () => {
    const { cl, form } = await freshForm();
    const res = await cl.postMultipart('/initiatief-indienen',
      initiativeFields({ formulier: form, akkoord: null }), { foto: png() });
    assert.equal(res.status, 400);
    const ref = refOf(res.text);
    const ok = await submit(cl, initiativeFields({ formulier: form, foto_ref: ref, foto_weg: 'ja',
      titel: 'Toch liever zonder foto' }));
    assert.equal(one(`SELECT photo_id IS NULL FROM initiatives WHERE id = ${ok.id}`), '1');
  });

  test('on the edit page: the photo is shown, kept after an error, and can be removed',
    async () => {
      const { cl, form } = await freshForm();
      const it = await submit(cl, initiativeFields({ formulier: form,
        titel: 'Een initiatief met een foto om te wijzigen' }), { foto: png() });
      const first = Number(one(`SELECT photo_id FROM initiatives WHERE id = ${it.id}`));
      let page = await cl.get(it.path);
      assert.ok(page.text.includes(`<img class="form-photo" src="${it.path}/foto.jpg"`),
        'the edit form shows the photo it has');
      // A new photo with an error: kept and shown instead; saved, it replaces the first.
      let res = await cl.postMultipart(`${it.path}/bewerken`, initiativeFields({ titel: 'x' }),
        { foto: { data: makePng(20, 10), filename: 'nieuw.png', type: 'image/png' } });
      assert.equal(res.status, 400);
      const ref = refOf(res.text);
      assert.ok(res.text.includes(`/fotos/voorlopig/${ref}.jpg`));
      res = await cl.postMultipart(`${it.path}/bewerken`, initiativeFields({ foto_ref: ref,
        titel: 'Een initiatief met een andere foto' }));
      assert.equal(res.status, 303);
      const second = Number(one(`SELECT photo_id FROM initiatives WHERE id = ${it.id}`));
      assert.ok(second !== first);
      assert.equal(one(`SELECT width || 'x' || height FROM photos WHERE id = ${second}`), '20x10');
      // "Foto weghalen" on the edit page takes it off.
      res = await cl.postMultipart(`${it.path}/bewerken`, initiativeFields({ foto_weg: 'ja',
        titel: 'Een initiatief zonder foto' }));
      assert.equal(res.status, 303);
      assert.equal(one(`SELECT photo_id IS NULL FROM initiatives WHERE id = ${it.id}`), '1');
      page = await cl.get(it.path);
      assert.ok(!page.text.includes('class="form-photo"'), 'no photo shown any more');
    });

  test('photos kept per hour are limited (fotos_per_uur): past it, a message, not a refusal',
    async () => {
      // Earlier tests kept photos from this address too: count from zero.
      sql(db, "DELETE FROM throttle; " +
        "INSERT OR REPLACE INTO settings(key, value) VALUES ('fotos_per_uur', '1')");
      try {
        const { cl, form } = await freshForm();
        const fields = initiativeFields({ formulier: form, titel: '' });
        const first = await cl.postMultipart('/initiatief-indienen', fields, { foto: png() });
        assert.ok(refOf(first.text), 'the first is kept');
        const again = await cl.postMultipart('/initiatief-indienen', fields, { foto: png() });
        assert.equal(again.status, 400);
        assert.match(textOf(/id="foto-error">([\s\S]*?)<\/p>/.exec(again.text)?.[1] ?? ''),
          /veel foto's/);
      } finally {
        sql(db, "DELETE FROM settings WHERE key = 'fotos_per_uur'; DELETE FROM throttle");
      }
    });

  test('housekeeping removes a kept photo that was never used, after its expiry', async () => {
    const { cl, form } = await freshForm();
    const res = await cl.postMultipart('/initiatief-indienen',
      initiativeFields({ formulier: form, titel: '' }), { foto: png() });
    assert.equal(res.status, 400);
    const photos = Number(one('SELECT count(*) FROM photos'));
    const held = Number(one('SELECT count(*) FROM provisional_photos'));
    assert.ok(held >= 1);
    sql(db, 'UPDATE provisional_photos SET expires_at = 1');
    const r = await runBin(['--db', db, 'housekeeping']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(Number(one('SELECT count(*) FROM provisional_photos')), 0);
    assert.equal(Number(one('SELECT count(*) FROM photos')), photos - held,
      'the held photos are gone, every other photo stays');
  });
});

describe('a rejected initiator', () => {
  test('reads the reason, every message and sees the photo', async () => {
    const { cl, form } = await freshForm();
    const it = await submit(cl, initiativeFields({ formulier: form,
      titel: 'Een idee dat het niet haalt' }), { foto: png() });
    const question = 'Wie betaalt het onderhoud van de bankjes na de eerste zomer?';
    let res = await staff.post(`/beheer/initiatieven/${it.id}/wijziging`, { bericht: question });
    assert.equal(res.status, 303);
    const answer = 'Dat doen wij zelf, met de buurtvereniging.';
    res = await cl.post(`${it.path}/indienen`, { antwoord: answer });
    assert.equal(res.status, 303);
    const reason = 'Onderhoud door bewoners kan de gemeente hier niet toestaan.';
    res = await staff.post(`/beheer/initiatieven/${it.id}/afwijzen`, { reden: reason, bevestigd: '1' });
    assert.equal(res.status, 303, textOf(res.text).slice(0, 300));
    const page = await cl.get(it.path);
    const main = textOf(mainOf(page.text));
    assert.match(main, /Afgewezen/);
    assert.ok(main.includes(reason), 'the reason');
    assert.ok(main.includes(question), 'the question');
    assert.ok(main.includes(answer), 'the answer');
    const img = /<img [^>]*src="([^"]+)"/.exec(mainOf(page.text));
    assert.ok(img, 'the photo');
    assert.equal((await cl.get(img[1])).status, 200);
    assert.equal((await fetchPage(server.base, img[1])).status, 200,
      'the photo address is the management link\'s: whoever has the link sees it');
    assert.equal((await fetchPage(server.base,
      `/mijn-initiatief/${'A'.repeat(43)}/foto.jpg`)).status, 404);
  });
});

describe('amounts', () => {
  const lines = (total) => ({ post_1_omschrijving: 'Alles', post_1_bedrag: total,
    post_2_omschrijving: null, post_2_bedrag: null });

  for (const typed of ['1.250', '1250,00', '€ 1.250', '1250,-']) {
    test(`"${typed}" is € 1.250`, async () => {
      const { cl, form } = await freshForm();
      const it = await submit(cl, initiativeFields({ formulier: form, streefbedrag: typed,
        ...lines(typed) }));
      assert.equal(one(`SELECT target_cents FROM initiatives WHERE id = ${it.id}`), '125000');
      assert.equal(one(`SELECT amount_cents FROM budget_lines WHERE initiative_id = ${it.id}`),
        '125000');
    });
  }

  test('cents in a whole amount, and an amount outside the limits: each says why', async () => {
    const cl = await resident();
    let res = await cl.postMultipart('/initiatief-indienen',
      initiativeFields({ streefbedrag: '1250,50', ...lines('1250,50') }));
    assert.equal(res.status, 400);
    const cents = /id="streefbedrag-error">([\s\S]*?)<\/p>/.exec(res.text);
    assert.match(textOf(cents[1]), /hele euro/);
    res = await cl.postMultipart('/initiatief-indienen',
      initiativeFields({ streefbedrag: '10', ...lines('10') }));
    assert.equal(res.status, 400);
    const range = /id="streefbedrag-error">([\s\S]*?)<\/p>/.exec(res.text);
    assert.match(textOf(range[1]), /tussen €\s50 en €\s5\.000/);
    sql(db, "INSERT OR REPLACE INTO settings(key, value) VALUES ('streef_max_cents', '250000')");
    res = await cl.postMultipart('/initiatief-indienen',
      initiativeFields({ streefbedrag: '3000', ...lines('3000') }));
    assert.match(textOf(/id="streefbedrag-error">([\s\S]*?)<\/p>/.exec(res.text)[1]),
      /tussen €\s50 en €\s2\.500/, 'the limits come from the settings');
    sql(db, "DELETE FROM settings WHERE key = 'streef_max_cents'");
  });

  test('budget-line errors are in the summary too, each linking to its field', async () => {
    const cl = await resident();
    const res = await cl.postMultipart('/initiatief-indienen', initiativeFields({
      post_2_bedrag: 'veel', post_3_omschrijving: '', post_3_bedrag: '12', mede_2_postcode: 'xx' }));
    assert.equal(res.status, 400);
    const links = summaryLinks(res.text);
    const to = (id) => links.find((l) => l.href === id);
    assert.ok(to('post_2_bedrag'), 'the amount of line 2');
    assert.match(to('post_2_bedrag').text, /post 2/i);
    assert.ok(to('post_3_omschrijving'), 'the description of line 3');
    assert.ok(to('mede_2_postcode'), 'the co-organiser row too');
    for (const l of links) assert.ok(res.text.includes(` id="${l.href}"`), `#${l.href} exists`);
  });
});

describe('themes', () => {
  const THEMES = ['groen', 'spelen', 'ontmoeting', 'veiligheid', 'duurzaamheid',
    'sport en bewegen', 'kunst en cultuur', 'overig'];
  let it;

  test('the form offers the themes of the setting, "overig" chosen', async () => {
    const { cl } = await freshForm();
    const options = selectOptions(cl.firstResponse.text, 'thema');
    assert.deepEqual(options.map((o) => o.value), THEMES);
    assert.deepEqual(options.filter((o) => o.selected).map((o) => o.value), ['overig']);
  });

  test('a theme is stored, shown on the page, the card and the edit form', async () => {
    const { cl, form } = await freshForm();
    it = await submit(cl, initiativeFields({ formulier: form, thema: 'sport en bewegen',
      titel: 'Bootcamp in het park voor de hele buurt' }));
    assert.equal(one(`SELECT theme FROM initiatives WHERE id = ${it.id}`), 'sport en bewegen');
    const page = await cl.get(it.path);
    assert.equal(selectOptions(page.text, 'thema').find((o) => o.selected)?.value,
      'sport en bewegen');
    const res = await staff.post(`/beheer/initiatieven/${it.id}/goedkeuren`);
    assert.equal(res.status, 303);
    const pub = await fetchPage(server.base, `/initiatieven/${it.id}`);
    assert.match(textOf(mainOf(pub.text)), /Thema: sport en bewegen/i);
    const list = await fetchPage(server.base, '/initiatieven?thema=sport+en+bewegen');
    assert.equal(list.status, 200);
    const cards = [...mainOf(list.text).matchAll(/<li class="card[^"]*">([\s\S]*?)<\/li>/g)];
    assert.ok(cards.length >= 1);
    for (const c of cards) assert.match(textOf(c[1]), /sport en bewegen/i, 'each card its theme');
    assert.ok(list.text.includes(`/initiatieven/${it.id}`));
  });

  test('the list filters by theme without JavaScript, with the other filters', async () => {
    const list = await fetchPage(server.base, '/initiatieven');
    const options = selectOptions(list.text, 'f-thema');
    assert.deepEqual(options.map((o) => o.value), ['', ...THEMES]);
    const other = await fetchPage(server.base, '/initiatieven?thema=groen&wijk=de-riet');
    assert.equal(other.status, 200);
    const linksTo = (html) => new RegExp(`href="/initiatieven/${it.id}[-"]`).test(html);
    assert.ok(linksTo(mainOf(list.text)), 'on the unfiltered list');
    assert.ok(!linksTo(other.text), 'not under groen');
    assert.equal(selectOptions(other.text, 'f-thema').find((o) => o.selected)?.value, 'groen');
    const both = await fetchPage(server.base, '/initiatieven?thema=sport+en+bewegen&wijk=de-riet&status=open');
    assert.ok(linksTo(both.text));
    const page2 = await fetchPage(server.base, '/initiatieven?thema=overig');
    const next = /<a href="([^"]+)" rel="next">/.exec(page2.text);
    if (next) assert.match(decode(next[1]), /thema=overig/, 'paging keeps the theme');
    assert.equal((await fetchPage(server.base, '/initiatieven?thema=nonsens')).status, 400);
  });

  test('the API: a thema field and a thema filter', async () => {
    const res = await fetchPage(server.base, '/api/v1/initiatieven?thema=sport%20en%20bewegen');
    assert.equal(res.status, 200);
    const body = JSON.parse(res.text);
    assert.ok(body.totaal >= 1);
    for (const r of body.resultaten) assert.equal(r.thema, 'sport en bewegen');
    assert.ok(body.resultaten.some((r) => r.id === it.id));
    const one1 = JSON.parse((await fetchPage(server.base, `/api/v1/initiatieven/${it.id}`)).text);
    assert.equal(one1.thema, 'sport en bewegen');
    const all = JSON.parse((await fetchPage(server.base, '/api/v1/initiatieven')).text);
    for (const r of all.resultaten) assert.equal(typeof r.thema, 'string');
    assert.equal((await fetchPage(server.base, '/api/v1/initiatieven?thema=nonsens')).status, 400);
  });

  test('an unknown theme on the form is refused; a theme taken off the list stays readable',
    async () => {
      const cl = await resident();
      const res = await cl.postMultipart('/initiatief-indienen',
        initiativeFields({ thema: 'politiek' }));
      assert.equal(res.status, 400);
      assert.ok(summaryLinks(res.text).some((l) => l.href === 'thema'));
      // The admin takes themes off the list on the settings page, like any other setting.
      const admin = await login(server.base, demo.beheerder.username, demo.beheerder.password);
      const form = await admin.get('/beheer/instellingen');
      assert.equal(form.status, 200);
      const values = {};
      for (const m of mainOf(form.text).matchAll(/<input\b[^>]*>/g)) {
        const name = /\bname="([^"]*)"/.exec(m[0])?.[1];
        if (name && name !== '_csrf') values[name] = decode(/\bvalue="([^"]*)"/.exec(m[0])?.[1] ?? '');
      }
      assert.equal(values.themas, THEMES.join(', '), 'the settings page shows the themes');
      const saved = await admin.post('/beheer/instellingen',
        { ...values, themas: 'groen, spelen, ontmoeting, overig' });
      assert.equal(saved.status, 303, textOf(saved.text).slice(0, 300));
      assert.equal(one("SELECT value FROM settings WHERE key = 'themas'"),
        'groen, spelen, ontmoeting, overig');
      const pub = await fetchPage(server.base, `/initiatieven/${it.id}`);
      assert.equal(pub.status, 200);
      assert.match(textOf(mainOf(pub.text)), /Thema: sport en bewegen/i);
      const api = JSON.parse((await fetchPage(server.base, `/api/v1/initiatieven/${it.id}`)).text);
      assert.equal(api.thema, 'sport en bewegen');
      const list = await fetchPage(server.base, '/initiatieven');
      assert.deepEqual(selectOptions(list.text, 'f-thema').map((o) => o.value),
        ['', 'groen', 'spelen', 'ontmoeting', 'overig']);
      const old = await fetchPage(server.base, '/initiatieven?thema=sport+en+bewegen');
      assert.equal(old.status, 200, 'a link with the old theme still finds its initiatives');
      assert.match(old.text, new RegExp(`href="/initiatieven/${it.id}[-"]`));
      const oldApi = await fetchPage(server.base, '/api/v1/initiatieven?thema=sport+en+bewegen');
      assert.ok(JSON.parse(oldApi.text).resultaten.some((r) => r.id === it.id));
      sql(db, "DELETE FROM settings WHERE key = 'themas'");
    });
});
