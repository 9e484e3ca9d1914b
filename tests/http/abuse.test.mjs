// Abuse resistance: one client cannot make the site refuse or slow down others, and nothing
// secret or malformed is stored. Photo decoding bounded by pixels and by slots; rate limits on
// what sends mail or creates rows; no management token at rest in plain text.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { removeDb, sql, startServe } from '../lib/server.mjs';
import {
  addStaffUser, initiativeFields, login, makeDemoDbWithStaff, makePng, submitInitiative,
} from '../lib/staff.mjs';
import { textOf } from '../lib/pages.mjs';

let demo;
let db;
let server;

const one = (statement) => sql(db, statement).trim();
const countOf = (table, where = '1') => Number(one(`SELECT count(*) FROM ${table} WHERE ${where}`));

function crc32(buf) {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xEDB88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** A real, black greyscale PNG of width × height: tiny on disk, big once decoded. */
function blackPng(width, height) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  const raw = Buffer.alloc((width + 1) * height); // filter byte 0 and black pixels per row
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

before(async () => {
  demo = await makeDemoDbWithStaff();
  db = demo.db;
  server = await startServe({ db, threads: 4 });
});

after(async () => {
  await server?.stop();
  if (db) await removeDb(db);
});

describe('photo decoding is bounded', () => {
  test('a 40 megapixel PNG is refused from its header with a field message', async () => {
    const bomb = blackPng(8000, 5000);
    assert.ok(bomb.length < 200 * 1024, `a small file: ${bomb.length}`);
    const before = countOf('initiatives');
    const { res } = await submitInitiative(server.base,
      initiativeFields({ email: 'bom@example.org' }), { foto: { data: bomb, filename: 'bom.png', type: 'image/png' } },
      { localAddress: '127.0.0.41' });
    assert.equal(res.status, 400);
    assert.match(textOf(res.text), /te veel pixels.*24 megapixel/);
    assert.equal(countOf('initiatives'), before, 'nothing stored');
  });

  test('eight parallel large uploads: /healthz answers; a refusal is 503 with Retry-After',
    async () => {
      const big = blackPng(5000, 4000); // 20 megapixels: allowed, but a second of decoding
      const uploads = Array.from({ length: 8 }, (_, i) => submitInitiative(server.base,
        initiativeFields({ titel: `Grote foto ${i + 1}`, email: `foto${i}@example.org` }),
        { foto: { data: big, filename: 'groot.png', type: 'image/png' } },
        { localAddress: `127.0.0.${50 + i}` }));
      await new Promise((r) => setTimeout(r, 100));
      const health = await fetch(`${server.base}/healthz`);
      assert.equal(health.status, 200, 'the site answers while the uploads run');
      for (const { res } of await Promise.all(uploads)) {
        if (res.status === 503) {
          assert.match(res.headers.get('retry-after') ?? '', /^\d+$/);
          assert.match(textOf(res.text), /Er worden nu veel foto's verwerkt/);
        } else {
          assert.equal(res.status, 200, textOf(res.text).slice(0, 300));
        }
      }
    });
});

describe('rate limits on what sends mail or creates rows', () => {
  test('30 rapid submissions from one address: 429 after the limit, few e-mails', async () => {
    const outbox = countOf('outbox');
    const initiatives = countOf('initiatives');
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) =>
      submitInitiative(server.base, initiativeFields({ titel: `Vloed ${i + 1}`,
        email: `vloed${i}@example.org` }), {}, { localAddress: '127.0.0.70' })));
    const statuses = results.map(({ res }) => res.status);
    assert.equal(statuses.filter((s) => s === 200).length, 5, statuses.join(','));
    assert.equal(statuses.filter((s) => s === 429).length, 25, statuses.join(','));
    const refused = results.find(({ res }) => res.status === 429).res;
    assert.match(refused.headers.get('retry-after') ?? '', /^\d+$/);
    assert.match(textOf(refused.text), /kort na elkaar veel initiatieven.*Probeer het over/);
    assert.equal(countOf('initiatives'), initiatives + 5);
    assert.ok(countOf('outbox') - outbox < 30, 'fewer than 30 e-mails queued');
    // Another address is not affected.
    const { res } = await submitInitiative(server.base,
      initiativeFields({ email: 'buurvrouw@example.org' }), {}, { localAddress: '127.0.0.71' });
    assert.equal(res.status, 200);
  });

  test('one e-mail address from many addresses: 429 after the limit', async () => {
    const statuses = [];
    for (let i = 0; i < 7; i++) {
      const { res } = await submitInitiative(server.base,
        initiativeFields({ titel: `Zelfde adres ${i + 1}`, email: 'Slachtoffer@Example.org' }),
        {}, { localAddress: `127.0.0.${80 + i}` });
      statuses.push(res.status);
    }
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429]);
    assert.equal(countOf('throttle', "bucket LIKE '%lachtoffer%'"), 0,
      'the e-mail address is not stored in the throttle table');
  });

  test('changes through a management link are limited per initiative', async () => {
    sql(db, "INSERT OR REPLACE INTO settings(key, value) VALUES ('wijzigingen_per_uur', '2')");
    try {
      const { client: initiator, path } = await submitInitiative(server.base,
        initiativeFields({ email: 'wijziger@example.org' }), {}, { localAddress: '127.0.0.90' });
      assert.ok(path);
      const statuses = [];
      for (let i = 0; i < 3; i++) {
        const res = await initiator.postMultipart(`${path}/bewerken`,
          initiativeFields({ titel: `Gewijzigd ${i + 1}`, email: 'wijziger@example.org' }));
        statuses.push(res.status);
      }
      assert.deepEqual(statuses, [303, 303, 429]);
    } finally {
      sql(db, "DELETE FROM settings WHERE key = 'wijzigingen_per_uur'");
    }
  });
});

describe('one text validator for every field', () => {
  test('a news post with control characters or a noncharacter is refused; feeds stay valid',
    async () => {
      const staff = await login(server.base, demo.regisseur.username, demo.regisseur.password,
        { localAddress: '127.0.0.95' });
      const area = Number(one("SELECT id FROM areas WHERE slug = 'de-riet'"));
      const news = countOf('news');
      for (const bad of ['\u000B', '\u0001', '\u001B[31m', '\uFFFE', '\u0085', 'los\rteken']) {
        for (const field of ['titel', 'tekst']) {
          const fields = { gebied: area, titel: 'Nieuws', tekst: 'Een bericht.', publiceren: 'ja' };
          fields[field] = `Met ${bad} erin`;
          const res = await staff.post('/beheer/berichten/nieuw', fields);
          assert.equal(res.status, 400, `${JSON.stringify(bad)} in ${field}`);
          // The form again, the message at the field (tests/http/fieldchecks.test.mjs).
          assert.match(textOf(res.text), /tekens die we niet kunnen opslaan/);
          assert.match(res.text, new RegExp(`id="${field}"[^>]*aria-invalid="true"`));
        }
      }
      assert.equal(countOf('news'), news, 'nothing stored');
      // A line break typed in the textarea (CRLF from the browser) is kept as LF.
      const ok = await staff.post('/beheer/berichten/nieuw', { gebied: area,
        titel: 'Nieuws met regels', tekst: 'Eerste regel.\r\nTweede regel.', publiceren: 'ja' });
      assert.ok(ok.status === 303 || ok.status === 200, `a clean post: ${ok.status}`);
      assert.equal(one("SELECT body FROM news WHERE title = 'Nieuws met regels'"),
        'Eerste regel.\nTweede regel.');
      for (const slug of ['gemeente', 'de-riet']) {
        const feed = await fetch(`${server.base}/feeds/${slug}.atom`);
        assert.equal(feed.status, 200, slug);
        // eslint-disable-next-line no-control-regex
        assert.doesNotMatch(await feed.text(), /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/);
      }
    });
});

describe('photos under review only for their reviewers, never publicly cached', () => {
  test('the photo of an initiative under review: its area staff only, private', async () => {
    const { res } = await submitInitiative(server.base,
      initiativeFields({ titel: 'Met foto in review', email: 'review@example.org' }),
      { foto: { data: makePng(40, 30), filename: 'f.png', type: 'image/png' } },
      { localAddress: '127.0.0.96' });
    assert.equal(res.status, 200);
    const photo = one("SELECT photo_id FROM initiatives WHERE title = 'Met foto in review'");
    assert.match(photo, /^\d+$/);
    const url = `/fotos/${photo}.jpg`;
    const mine = await login(server.base, demo.regisseur.username, demo.regisseur.password,
      { localAddress: '127.0.0.97' });
    const seen = await mine.get(url);
    assert.equal(seen.status, 200, 'the reviewer of De Riet sees it');
    assert.match(seen.headers.get('cache-control') ?? '', /private/);
    const other = await addStaffUser(db, 'anderewijk', { areas: ['kerkelanden'],
      password: 'een lang wachtwoord voor de test' });
    const stranger = await login(server.base, other.username, 'een lang wachtwoord voor de test',
      { localAddress: '127.0.0.98' });
    assert.equal((await stranger.get(url)).status, 404, 'staff of another wijk do not');
    assert.equal((await fetch(`${server.base}${url}`)).status, 404, 'nor does the public');
  });
});

describe('the CSRF token of a staff member is bound to the session', () => {
  test('the plain cookie token is refused with a session; the page token works', async () => {
    const staff = await login(server.base, demo.regisseur.username, demo.regisseur.password,
      { localAddress: '127.0.0.99' });
    const cookieToken = staff.jar.get('bs_csrf');
    assert.ok(cookieToken && staff.csrf, 'a cookie token and a form token');
    assert.notEqual(staff.csrf, cookieToken, 'the form token is not the cookie');
    const area = Number(one("SELECT id FROM areas WHERE slug = 'de-riet'"));
    const fields = { gebied: area, titel: 'Gebonden token', tekst: 'Tekst.', publiceren: 'ja' };
    const plain = await staff.post('/beheer/berichten/nieuw', fields, { csrf: cookieToken });
    assert.equal(plain.status, 403, 'the double-submit token alone is not enough');
    // Another staff member's page token does not work with this session either.
    const other = await login(server.base, demo.regisseur.username, demo.regisseur.password,
      { localAddress: '127.0.0.100' });
    const cookie = `bs_csrf=${cookieToken}; bs_session=${other.sessionToken}`;
    assert.equal((await staff.post('/beheer/berichten/nieuw', fields, { cookie })).status, 403);
    assert.equal(countOf('news', "title = 'Gebonden token'"), 0);
    const ok = await staff.post('/beheer/berichten/nieuw', fields);
    assert.ok(ok.status === 303 || ok.status === 200, `the page token: ${ok.status}`);
    assert.equal(countOf('news', "title = 'Gebonden token'"), 1);
  });
});
