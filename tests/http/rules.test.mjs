// /spelregels: the rules, what is and is not funded, how vouchers work, what happens to money
// that is not spent and the questions residents ask, from settings an admin edits; linked from
// the home page, the submission form and the letters.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { checkHtmlPage, checkSecurityHeaders, decode, fetchPage, mainOf, textOf } from '../lib/pages.mjs';
import { removeDb, startServe, tempDir } from '../lib/server.mjs';
import { login, makeDemoDbWithStaff } from '../lib/staff.mjs';
import { cli, currentRound, PUBLIC_BASE, usePublicBase } from '../lib/vouchers.mjs';

let made;
let server;
let admin;

before(async () => {
  made = await makeDemoDbWithStaff();
  server = await startServe({ db: made.db, threads: 2 });
  admin = await login(server.base, made.beheerder.username, made.beheerder.password);
});

after(async () => {
  await server?.stop();
  if (made) await removeDb(made.db);
});

/** Every field of the settings form, as a browser would post it back, with changes. */
async function settingsForm(changes = {}) {
  const res = await admin.get('/beheer/instellingen');
  assert.equal(res.status, 200);
  const out = {};
  for (const m of res.text.matchAll(/<input\b[^>]*>/g)) {
    const name = /\bname="([^"]*)"/.exec(m[0])?.[1];
    if (name && name !== '_csrf') out[name] = decode(/\bvalue="([^"]*)"/.exec(m[0])?.[1] ?? '');
  }
  for (const m of res.text.matchAll(/<textarea\b[^>]*\bname="([^"]*)"[^>]*>([\s\S]*?)<\/textarea>/g)) {
    out[m[1]] = decode(m[2]);
  }
  return { ...out, ...changes };
}

describe('the rules page', () => {
  test('GET /spelregels: every section, the figures from the settings, valid page', async () => {
    const res = await fetchPage(server.base, '/spelregels');
    assert.equal(res.status, 200);
    checkHtmlPage(res, '/spelregels');
    checkSecurityHeaders(res.headers, '/spelregels');
    const main = mainOf(res.text);
    assert.match(main, /<h1>Spelregels en vragen<\/h1>/);
    for (const heading of ['De regels', 'Wat wel en niet wordt betaald', 'Zo werken de vouchers',
      'Geld dat niet wordt besteed', 'Veelgestelde vragen']) {
      assert.match(main, new RegExp(`<h2[^>]*>${heading}</h2>`), `a section "${heading}"`);
    }
    const text = textOf(main);
    assert.match(text, /€\s7,50/, 'the voucher value from the settings');
    assert.match(text, /€\s50\b/, 'the smallest target');
    assert.match(text, /€\s5\.000/, 'the largest target');
    assert.ok((main.match(/<h3\b/g) ?? []).length >= 3, 'the default questions, each a heading');
  });

  test('an admin edits the texts; they are shown as paragraphs, questions as headings, escaped',
    async () => {
      const fields = await settingsForm();
      for (const key of ['spelregels_betaald', 'spelregels_vouchers', 'spelregels_restgeld',
        'spelregels_vragen']) {
        assert.ok(key in fields, `the settings form has ${key}`);
      }
      const res = await admin.post('/beheer/instellingen', {
        ...fields,
        spelregels_betaald: 'Wel: <b>materiaal</b> en huur.\n\nNiet: salarissen.',
        spelregels_vragen: 'Mag ik twee keer doneren?\nNee, één code per adres.\n\n' +
          'Wanneer krijg ik de brief?\nAan het begin van elke ronde.\nPer post.',
      });
      assert.equal(res.status, 303, 'saved');
      const page = await fetchPage(server.base, '/spelregels');
      const main = mainOf(page.text);
      assert.ok(main.includes('<p>Wel: &lt;b&gt;materiaal&lt;/b&gt; en huur.</p>'), 'escaped paragraph');
      assert.ok(main.includes('<p>Niet: salarissen.</p>'), 'the second paragraph');
      assert.match(main, /<h3[^>]*>Mag ik twee keer doneren\?<\/h3>\s*<p>Nee, één code per adres\.<\/p>/);
      assert.match(main, /<h3[^>]*>Wanneer krijg ik de brief\?<\/h3>\s*<p>Aan het begin van elke ronde\.<br>\s*Per post\.<\/p>/);
      assert.ok(!main.includes('<b>'), 'no markup from the settings');
      checkHtmlPage(page, '/spelregels after editing');
      // Emptied again: the defaults come back.
      await admin.post('/beheer/instellingen', { ...fields, spelregels_vragen: '' });
      const again = mainOf((await fetchPage(server.base, '/spelregels')).text);
      assert.ok(!again.includes('Mag ik twee keer doneren'), 'the edited question is gone');
      assert.ok((again.match(/<h3\b/g) ?? []).length >= 3, 'the default questions are back');
    });

  test('linked from the home page and the submission form', async () => {
    for (const p of ['/', '/initiatief-indienen']) {
      const res = await fetchPage(server.base, p);
      assert.match(mainOf(res.text), /<a href="\/spelregels">/, `${p} links to /spelregels`);
    }
  });
});

describe('the letters', () => {
  test('the PDF letter names the rules page and the lost-letter page', async () => {
    usePublicBase(made.db);
    const dir = await tempDir('buurtsamen-rules-');
    const pdf = path.join(dir, 'letters.pdf');
    const csv = path.join(dir, 'households.csv');
    await fs.writeFile(csv, 'postcode;huisnummer;toevoeging;straat;woonplaats;wijk\n' +
      '7798 ZZ;5;;Regelstraat;Almelo;binnenstad\n');
    await cli(made.db, ['households', 'import', csv]);
    await cli(made.db, ['vouchers', 'issue', '--round', String(currentRound(made.db)),
      '--out', path.join(dir, 'issued.csv'), '--letters', pdf]);
    const text = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    assert.ok(text.includes(`${PUBLIC_BASE}/spelregels`), 'the rules page on the letter');
    assert.ok(text.includes(`${PUBLIC_BASE}/brief-kwijt`), 'the lost-letter page on the letter');
  });
});
