// The public pages and what a resident must find on them, on the demo data.
// definePageTests(getBase) runs the same assertions against any front (built-in HTTP, nginx +
// FastCGI); getBase() is called inside each test, after the suite's before() started a server.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

// Demo data facts (sql/demo.sql).
export const PUBLIC_IDS = [...range(1, 25), 33, 34, 35];
export const HIDDEN_IDS = [26, 27, 28, 29, 30, 31, 32]; // ingediend, wijziging_gevraagd, afgewezen
export const BY_STATE = {
  open: range(1, 16),
  gefinancierd: range(17, 21),
  uitgevoerd: range(22, 25),
  ingetrokken: [33],
  niet_gehaald: [34, 35],
};
export const PUBLISHED_NEWS = range(1, 11);
export const DRAFT_NEWS = 12;
export const PAGE_SIZE = 12;

function range(a, b) {
  return Array.from({ length: b - a + 1 }, (_, i) => a + i);
}

const sorted = (xs) => [...xs].sort((a, b) => a - b);

/** GET (or another method) without following redirects: {status, headers, text}. */
export async function fetchPage(base, path, init = {}) {
  const res = await fetch(new URL(path, base), { redirect: 'manual', ...init });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text };
}

/** Decodes the few entities the templates emit, for comparing visible text. */
export function decode(s) {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'").replace(/&middot;/g, '·').replace(/&amp;/g, '&');
}

/** The visible text of an HTML fragment, whitespace collapsed. */
export function textOf(html) {
  return decode(html.replace(/<script[\s\S]*?<\/script>/gi, '').replace(/<[^>]*>/g, ' '))
    .replace(/\s+/g, ' ').trim();
}

/** The <main> element's inner HTML. */
export function mainOf(html) {
  const m = /<main\b[^>]*>([\s\S]*)<\/main>/.exec(html);
  assert.ok(m, 'page has a <main> element');
  return m[1];
}

/**
 * The initiative cards in the page, in order:
 * [{id, title, state, percent, raised, target, vouchers}] (amounts in cents).
 */
export function cards(html) {
  const out = [];
  const re = /<li class="card state-([a-z_]+)">([\s\S]*?)<\/li>/g;
  for (let m; (m = re.exec(html));) {
    const body = m[2];
    const link = /<a href="\/initiatieven\/(\d+)(?:-[a-z0-9-]*)?">([\s\S]*?)<\/a>/.exec(body);
    assert.ok(link, `card has a link to its initiative: ${body.slice(0, 200)}`);
    const progress = /<progress\b[^>]*\bvalue="(\d+)"/.exec(body);
    const amounts = [...body.matchAll(/class="amount">€\s([\d.,]+)</g)].map((a) => euro(a[1]));
    const vouchers = /(\d+) vouchers?\b/.exec(body);
    out.push({
      id: Number(link[1]),
      title: decode(link[2]),
      state: m[1],
      percent: progress ? Number(progress[1]) : null,
      raised: amounts[0] ?? null,
      target: amounts[1] ?? null,
      vouchers: vouchers ? Number(vouchers[1]) : null,
    });
  }
  return out;
}

/** "3.487,50" → 348750 (cents). */
export function euro(s) {
  const [whole, frac = '00'] = s.split(',');
  return Number(whole.replace(/\./g, '')) * 100 + Number(frac.padEnd(2, '0'));
}

/** The number in "<h2 class="result-count">N initiatieven gevonden</h2>". */
export function resultCount(html) {
  const m = /class="result-count">(\d+) initiatie(?:f|ven) gevonden</.exec(html);
  assert.ok(m, 'list shows how many initiatives were found');
  return Number(m[1]);
}

/** Ids of the news items linked from the page, in order. */
export function newsIds(html) {
  return [...html.matchAll(/<a href="\/berichten\/(\d+)">/g)].map((m) => Number(m[1]));
}

/**
 * Structural checks every HTML page of the site must pass: document language, one <h1>, a title,
 * the skip link and its target, unique ids, references that resolve, no template leftovers,
 * no inline script or style (the CSP forbids them), alt text on images, valid UTF-8.
 */
export function checkHtmlPage(res, path) {
  const where = `${path} (status ${res.status})`;
  assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8', `${where}: type`);
  const html = res.text;
  assert.match(html, /^<!doctype html>\s*<html lang="nl">/i, `${where}: doctype and lang="nl"`);
  assert.match(html, /<meta charset="utf-8">/i, `${where}: charset`);
  assert.match(html, /<meta name="viewport" content="width=device-width, initial-scale=1">/,
    `${where}: viewport`);
  const title = /<title>([^<]+)<\/title>/.exec(html);
  assert.ok(title, `${where}: has a <title>`);
  assert.match(title[1], /\S+ — Almelo Buurt Samen$/, `${where}: title names page and site`);
  assert.equal((html.match(/<h1\b/g) ?? []).length, 1, `${where}: exactly one <h1>`);
  assert.match(html, /<a class="skip-link" href="#inhoud">Direct naar de inhoud<\/a>/,
    `${where}: skip link`);
  assert.match(html, /<main id="inhoud"/, `${where}: skip link target`);
  assert.ok(!html.includes('\uFFFD'), `${where}: valid UTF-8`);
  assert.ok(!/\{\{|\}\}/.test(html), `${where}: no template syntax left over`);
  assert.ok(!/\(null\)/.test(html), `${where}: no "(null)"`);

  const ids = [...html.matchAll(/\sid="([^"]*)"/g)].map((m) => m[1]);
  const dup = ids.filter((id, i) => ids.indexOf(id) !== i);
  assert.deepEqual(dup, [], `${where}: ids are unique`);
  for (const m of html.matchAll(/\s(?:aria-labelledby|aria-describedby|for)="([^"]*)"/g)) {
    for (const ref of m[1].split(/\s+/)) {
      assert.ok(ids.includes(ref), `${where}: reference to id "${ref}" resolves`);
    }
  }
  for (const m of html.matchAll(/href="#([^"]+)"/g)) {
    assert.ok(ids.includes(m[1]), `${where}: in-page link #${m[1]} has a target`);
  }
  for (const m of html.matchAll(/<img\b[^>]*>/g)) {
    assert.match(m[0], /\salt="[^"]*"/, `${where}: image has alt: ${m[0]}`);
  }
  assert.ok(!/<script\b(?![^>]*\ssrc=)[^>]*>/i.test(html), `${where}: no inline <script>`);
  assert.ok(!/<[a-z][^>]*\son[a-z]+\s*=/i.test(html), `${where}: no inline event handlers`);
  assert.ok(!/<[a-z][^>]*\sstyle\s*=/i.test(html), `${where}: no style attributes`);
  assert.ok(!/<style\b/i.test(html), `${where}: no <style> element`);
  assert.ok(!/href="javascript:/i.test(html), `${where}: no javascript: links`);
}

/** Asserts that the security headers are present on a fetch() response. */
export function checkSecurityHeaders(headers, where) {
  const get = (n) => (typeof headers.get === 'function' ? headers.get(n) : headers[n]);
  const csp = get('content-security-policy');
  assert.ok(csp, `${where}: Content-Security-Policy`);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, `${where}: CSP allows no inline script`);
  assert.match(csp, /(^|;)\s*frame-ancestors 'none'/, `${where}: CSP frame-ancestors 'none'`);
  assert.match(csp, /(^|;)\s*default-src 'self'/, `${where}: CSP default-src 'self'`);
  assert.match(csp, /(^|;)\s*script-src 'self'(;|$)/, `${where}: CSP script-src 'self' only`);
  assert.match(csp, /(^|;)\s*object-src 'none'/, `${where}: CSP object-src 'none'`);
  assert.equal(get('x-content-type-options'), 'nosniff', `${where}: nosniff`);
  assert.match(get('referrer-policy') ?? '',
    /^(no-referrer|same-origin|strict-origin|strict-origin-when-cross-origin)$/,
    `${where}: Referrer-Policy`);
}

// Path → expected status and what a resident finds there.
const PAGES = [
  {
    path: '/',
    title: 'Samen maken we de buurt',
    contains: ['Samen maken we de buurt', 'Zo werkt het', '€\u00a07,50', 'Bijna gehaald',
      'Laatste berichten', 'href="/initiatieven?status=open"', 'href="/wijken"'],
    check(html) {
      const c = cards(html);
      assert.ok(c.length >= 1, 'home shows initiatives close to their target');
      for (const card of c) {
        assert.equal(card.state, 'open', `home card ${card.id} is open`);
        assert.ok(card.percent !== null, `home card ${card.id} has a progress bar`);
      }
      const ratios = c.map((x) => x.raised / x.target);
      assert.deepEqual(ratios, [...ratios].sort((a, b) => b - a), 'closest to target first');
      const news = newsIds(mainOf(html));
      assert.ok(news.length >= 1, 'home shows news');
      assert.equal(news[0], 10, 'latest news first');
      assert.ok(!news.includes(DRAFT_NEWS), 'no draft news on the home page');
      assert.match(html, /<a href="\/" aria-current="page">Home<\/a>/, 'Home is current');
    },
  },
  {
    path: '/initiatieven',
    title: 'Initiatieven',
    contains: ['<form class="filters" method="get" action="/initiatieven"',
      '<label for="f-q">Zoeken</label>', '<label for="f-wijk">Wijk of dorp</label>',
      '<label for="f-status">Status</label>', '<option value="aadorp">Aadorp</option>',
      '<option value="gemeentebreed">Gemeentebreed</option>', 'Pagina 1 van 3',
      '<a href="/initiatieven?pagina=2" rel="next">'],
    notContains: ['value="ingediend"', 'value="afgewezen"', 'rel="prev"'],
    check(html) {
      assert.equal(resultCount(html), PUBLIC_IDS.length);
      const c = cards(html);
      assert.equal(c.length, PAGE_SIZE, 'first page is full');
      for (const card of c) assert.ok(PUBLIC_IDS.includes(card.id), `card ${card.id} is public`);
      assert.match(html, /<option value="nieuw" selected>/, 'default sort is newest');
    },
  },
  {
    path: '/initiatieven?q=barbecue',
    contains: ['value="barbecue"', '2 initiatieven gevonden', 'Buurtbarbecue Windmolenbroek',
      'Buurtbarbecue Kerkelanden na de opruimdag'],
    notContains: ['Kerstmarkt', 'rel="next"'],
    ids: [2, 20],
  },
  {
    path: '/initiatieven?q=BARBECUE&wijk=kerkelanden',
    contains: ['1 initiatief gevonden', '<option value="kerkelanden" selected>'],
    ids: [20],
  },
  {
    path: '/initiatieven?q=Aadorp+zeskamp',
    ids: [12],
  },
  {
    path: '/initiatieven?q=xyzzyplugh',
    contains: ['0 initiatieven gevonden', 'Geen initiatieven gevonden'],
    ids: [],
  },
  {
    path: '/initiatieven?wijk=de-riet',
    contains: ['<option value="de-riet" selected>De Riet</option>'],
    ids: [5, 19],
  },
  { path: '/initiatieven?wijk=aadorp', ids: [12] },
  // A wijk includes its buurten.
  { path: '/initiatieven?wijk=windmolenbroek', ids: [2, 3, 18] },
  { path: '/initiatieven?wijk=schelfhorst', ids: [8, 9, 24] },
  { path: '/initiatieven?wijk=schelfhorst-oost', ids: [9] },
  { path: '/initiatieven?wijk=molenveld', ids: [3] },
  { path: '/initiatieven?wijk=gemeentebreed', ids: [15, 16, 25] },
  {
    path: '/initiatieven?status=gefinancierd',
    contains: ['<option value="gefinancierd" selected>', '5 initiatieven gevonden'],
    ids: BY_STATE.gefinancierd,
  },
  { path: '/initiatieven?status=uitgevoerd', ids: BY_STATE.uitgevoerd },
  { path: '/initiatieven?status=niet_gehaald', ids: BY_STATE.niet_gehaald },
  { path: '/initiatieven?status=ingetrokken', ids: BY_STATE.ingetrokken },
  {
    path: '/initiatieven?wijk=de-riet&status=open',
    contains: ['1 initiatief gevonden'],
    ids: [5],
  },
  { path: '/initiatieven?wijk=sluitersveld&status=niet_gehaald', ids: [35] },
  { path: '/initiatieven?wijk=&status=&q=&sort=nieuw', check: (html) => {
    assert.equal(resultCount(html), PUBLIC_IDS.length, 'empty filters filter nothing');
  } },
  {
    path: '/initiatieven?sort=bijna',
    contains: ['<option value="bijna" selected>'],
    check(html) {
      const c = cards(html);
      assert.equal(c[0].id, 5, 'the initiative closest to its target comes first');
      const open = c.filter((x) => x.state === 'open');
      const ratios = open.map((x) => x.raised / x.target);
      assert.deepEqual(ratios, [...ratios].sort((a, b) => b - a), 'open ones by closeness');
      const firstOther = c.findIndex((x) => x.state !== 'open');
      if (firstOther >= 0) {
        assert.ok(c.slice(firstOther).every((x) => x.state !== 'open'),
          'open initiatives come before the others');
      }
    },
  },
  {
    path: '/initiatieven?sort=populair',
    contains: ['<option value="populair" selected>'],
    check(html) {
      const v = cards(html).map((x) => x.vouchers);
      assert.equal(v.length, PAGE_SIZE);
      assert.deepEqual(v, [...v].sort((a, b) => b - a), 'most vouchers first');
      assert.equal(v[0], 465);
    },
  },
  {
    path: '/initiatieven?pagina=3',
    contains: ['Pagina 3 van 3', 'rel="prev"'],
    notContains: ['rel="next"'],
    check(html) {
      assert.equal(cards(html).length, PUBLIC_IDS.length - 2 * PAGE_SIZE);
    },
  },
  // Unknown filter values are a bad request with a Dutch reason, never an empty list.
  { path: '/initiatieven?wijk=atlantis', status: 400, contains: ['Ongeldig verzoek', 'wijk'] },
  { path: '/initiatieven?status=ingediend', status: 400, contains: ['Ongeldig verzoek'] },
  { path: '/initiatieven?status=afgewezen', status: 400, contains: ['Ongeldig verzoek'] },
  { path: '/initiatieven?sort=oud', status: 400, contains: ['Ongeldig verzoek'] },
  { path: '/initiatieven?pagina=nul', status: 400, contains: ['Ongeldig verzoek'] },
  { path: '/initiatieven?pagina=0', status: 400, contains: ['Ongeldig verzoek'] },
  { path: '/initiatieven?pagina=-2', status: 400, contains: ['Ongeldig verzoek'] },
  {
    path: '/initiatieven?pagina=99999999999999999999999',
    status: 400,
    contains: ['Ongeldig verzoek'],
  },
  {
    path: '/initiatieven/5',
    title: 'Speeltuin aan de Rietstraat weer veilig en vrolijk',
    contains: ['<h1>Speeltuin aan de Rietstraat weer veilig en vrolijk</h1>', 'Open voor vouchers',
      'Begroting', '<table class="budget">', '<caption', 'Valondergrond van houtsnippers',
      'Streefbedrag', '€\u00a03.500', '€\u00a03.487,50', '465 vouchers', 'Nog <strong>€\u00a012,50</strong> nodig',
      'Over dit initiatief', 'Joost Veldhuis', 'Nieuws over dit initiatief',
      '<a href="/wijken/de-riet">De Riet</a>', 'aria-label="Kruimelpad"'],
    notContains: ['joost.veldhuis@example.org', '06 27384950'], // initiator's private contact
    check(html) {
      assert.match(html, /<progress max="100" value="99" aria-label="[^"]*99%[^"]*">/,
        'progress bar with a text alternative');
      assert.match(html, /<a href="\/initiatieven" aria-current="true">Initiatieven<\/a>/, "the section is marked, not as the page itself");
    },
  },
  {
    path: '/initiatieven/5-speeltuin-aan-de-rietstraat-weer-veilig-en-vrolijk',
    title: 'Speeltuin aan de Rietstraat weer veilig en vrolijk',
    contains: ['Begroting', '<progress'],
  },
  {
    path: '/initiatieven/17',
    title: 'Zomerse zondagmiddagconcerten in de Binnenstad',
    contains: ['Gefinancierd', 'Het streefbedrag is gehaald!', 'Begroting', '<progress',
      '214 vouchers'],
    notContains: ['nodig. Vouchers doneren kan', '@example.org'],
  },
  {
    path: '/initiatieven/22-voetbaltoernooi-voor-jongeren-in-sluitersveld',
    title: 'Voetbaltoernooi voor jongeren in Sluitersveld',
    contains: ['Uitgevoerd', 'Dit initiatief is uitgevoerd', 'Verslag', '14 teams', '<progress'],
  },
  {
    path: '/initiatieven/15',
    contains: ['<a href="/wijken/gemeentebreed">Gemeentebreed</a>', 'Begroting', '<progress'],
  },
  { path: '/initiatieven/33', contains: ['Ingetrokken', 'ingetrokken'] },
  { path: '/initiatieven/34', contains: ['Streefbedrag niet gehaald', 'niet op tijd gehaald'] },
  // Not (yet or any more) public: as if they did not exist.
  ...HIDDEN_IDS.map((id) => ({ path: `/initiatieven/${id}`, status: 404,
    contains: ['Pagina niet gevonden'] })),
  { path: '/initiatieven/26-muurschildering-in-de-fietstunnel-bij-windmolenbroek', status: 404 },
  { path: '/initiatieven/999', status: 404, contains: ['Pagina niet gevonden'] },
  { path: '/initiatieven/0', status: 404 },
  { path: '/initiatieven/abc', status: 404 },
  { path: '/initiatieven/99999999999999999999999999', status: 404 },
  {
    path: '/wijken',
    title: 'Wijken en dorpen',
    contains: ['<h2 id="wijken-title">Wijken</h2>', '<h2 id="dorpen-title">Dorpen</h2>',
      '<a href="/wijken/binnenstad">Binnenstad</a>', '<a href="/wijken/aadorp">Aadorp</a>',
      '<a href="/wijken/bornerbroek">Bornerbroek</a>',
      '<a href="/wijken/mariaparochie">Mariaparochie</a>',
      '<a href="/wijken/de-riet">De Riet</a>', '<a href="/wijken/riet-noord">Riet-Noord</a>',
      'Wijkaccommodatie: &#39;t Dok', 'Wijkaccommodatie: Möll&#39;nwiek',
      'Wijkaccommodatie: MFA Eninver', '2 open initiatieven', '1 open initiatief'],
    check(html) {
      const main = mainOf(html);
      const wijken = main.slice(main.indexOf('wijken-title'), main.indexOf('dorpen-title'));
      const dorpen = main.slice(main.indexOf('dorpen-title'));
      for (const w of ['binnenstad', 'windmolenbroek', 'sluitersveld', 'de-riet',
        'nieuwstraatkwartier', 'ossenkoppelerhoek', 'schelfhorst', 'wierdensehoek',
        'kerkelanden']) {
        assert.ok(wijken.includes(`<a href="/wijken/${w}">`), `wijk ${w} under Wijken`);
      }
      for (const d of ['aadorp', 'bornerbroek', 'mariaparochie']) {
        assert.ok(dorpen.includes(`<a href="/wijken/${d}">`), `dorp ${d} under Dorpen`);
        assert.ok(!wijken.includes(`<a href="/wijken/${d}">`), `dorp ${d} not under Wijken`);
      }
      assert.ok(main.includes('href="/wijken/gemeentebreed"'), 'links to the city-wide page');
    },
  },
  {
    path: '/wijken/de-riet',
    title: 'De Riet',
    contains: ['<h1>De Riet</h1>', 'Wijkaccommodatie', '&#39;t Dok', 'Rietstraat 21, 7601 CK Almelo',
      'Wijkregisseur', 'Ruud Oude Egberink', 'mailto:r.oudeegberink@almelo.example',
      '<a href="/wijken/riet-noord">Riet-Noord</a>', '<a href="/wijken/riet-zuid">Riet-Zuid</a>',
      'Werkdag speeltuin Rietstraat'],
    ids: [5, 19],
    check(html) {
      const news = newsIds(mainOf(html));
      assert.ok(news.includes(5), 'shows its own news');
      assert.ok(!news.includes(7), 'not the news of another area (Aadorp)');
    },
  },
  {
    path: '/wijken/aadorp',
    title: 'Aadorp',
    contains: ['<h1>Aadorp</h1>', 'Dorp', '&#39;t Aahoes', 'Aadorpweg 118', 'Henk Brinkhuis'],
    notContains: ['Wandelroute langs het kanaal'], // ingediend
    ids: [12],
  },
  {
    path: '/wijken/riet-noord',
    title: 'Riet-Noord',
    contains: ['<h1>Riet-Noord</h1>', 'Buurt in De Riet', '<a href="/wijken/de-riet">De Riet</a>',
      'Hier zijn nog geen initiatieven'],
    notContains: ['Buurtfeest met live muziek'], // wijziging_gevraagd
    ids: [],
  },
  {
    path: '/wijken/mariaparochie',
    contains: ['Henk Brinkhuis'],
    notContains: ['<h3>Wijkaccommodatie</h3>'], // it has none
    ids: [14, 33],
  },
  {
    path: '/wijken/gemeentebreed',
    title: 'Gemeentebrede initiatieven',
    contains: ['<h1>Gemeentebrede initiatieven</h1>'],
    notContains: ['Nieuwe laptop voor onze vereniging'], // afgewezen
    ids: [15, 16, 25],
  },
  { path: '/wijken/atlantis', status: 404, contains: ['Pagina niet gevonden'] },
  { path: '/wijken/De-Riet', status: 404 },
  {
    path: '/berichten',
    title: 'Berichten',
    contains: ['<a href="/berichten?pagina=2" rel="next">'],
    check(html) {
      const ids = newsIds(mainOf(html));
      assert.equal(ids.length, 10, 'ten posts a page');
      assert.ok(!ids.includes(DRAFT_NEWS), 'no draft');
      assert.equal(ids[0], 10, 'newest first');
      const times = [...mainOf(html).matchAll(/<time datetime="([^"]+)"/g)].map((m) => m[1]);
      assert.equal(times.length, ids.length, 'each post shows its date');
      assert.deepEqual(times, [...times].sort().reverse(), 'ordered by date, newest first');
    },
  },
  {
    path: '/berichten?pagina=2',
    contains: ['<a href="/berichten?pagina=1" rel="prev">'],
    notContains: ['rel="next"'],
    check(html) {
      assert.deepEqual(newsIds(mainOf(html)), [3], 'the oldest post on the last page');
    },
  },
  { path: '/berichten?pagina=nul', status: 400, contains: ['Ongeldig verzoek'] },
  {
    path: '/berichten/5',
    title: 'Werkdag speeltuin Rietstraat: vrijwilligers gezocht',
    contains: ['<h1>Werkdag speeltuin Rietstraat: vrijwilligers gezocht</h1>',
      '<a href="/wijken/de-riet">De Riet</a>', 'Ruud Oude Egberink', 'werkhandschoenen',
      '<time datetime="'],
  },
  { path: '/berichten/1', contains: ['Gemeentebreed', 'Gemeente Almelo', '€\u00a07,50'] },
  { path: `/berichten/${DRAFT_NEWS}`, status: 404, contains: ['Pagina niet gevonden'] },
  { path: '/berichten/999', status: 404 },
  { path: '/berichten/abc', status: 404 },
  {
    path: '/toegankelijkheid',
    title: 'Toegankelijkheid',
    contains: ['<h1>Toegankelijkheidsverklaring</h1>', 'WCAG 2.1', 'zonder JavaScript'],
  },
  {
    path: '/privacy',
    title: 'Privacy',
    contains: ['<h1>Privacyverklaring</h1>', 'cookies'],
  },
  {
    path: '/bestaat-niet',
    status: 404,
    title: 'niet gevonden',
    contains: ['<h1>Pagina niet gevonden</h1>', '<a href="/">Naar de startpagina</a>'],
  },
  { path: '/initiatieven/5/extra', status: 404 },
  { path: '/INITIATIEVEN', status: 404 },
];

export function definePageTests(getBase) {
  describe('public pages', () => {
    for (const page of PAGES) {
      const status = page.status ?? 200;
      test(`GET ${page.path} → ${status}`, async () => {
        const res = await fetchPage(getBase(), page.path);
        assert.equal(res.status, status, `${page.path}: status`);
        checkHtmlPage(res, page.path);
        checkSecurityHeaders(res.headers, page.path);
        const html = res.text;
        if (page.title) {
          const t = decode(/<title>([^<]+)<\/title>/.exec(html)[1]);
          assert.ok(t.toLowerCase().includes(page.title.toLowerCase()),
            `${page.path}: title "${t}" mentions "${page.title}"`);
        }
        for (const s of page.contains ?? []) {
          assert.ok(html.includes(s), `${page.path}: contains ${JSON.stringify(s)}`);
        }
        for (const s of page.notContains ?? []) {
          assert.ok(!html.includes(s), `${page.path}: does not contain ${JSON.stringify(s)}`);
        }
        if (page.ids) {
          const c = cards(html);
          assert.deepEqual(sorted(c.map((x) => x.id)), sorted(page.ids),
            `${page.path}: exactly these initiatives`);
          if (page.path.startsWith('/initiatieven?')) {
            assert.equal(resultCount(html), page.ids.length, `${page.path}: count`);
          }
          for (const card of c) {
            assert.ok(card.percent !== null && card.target > 0,
              `${page.path}: card ${card.id} shows progress and target`);
          }
        }
        if (page.check) page.check(html);
      });
    }

    test('every public initiative is listed exactly once over all list pages', async () => {
      const seen = [];
      for (let p = 1; p <= 3; p++) {
        const res = await fetchPage(getBase(), `/initiatieven?pagina=${p}`);
        assert.equal(res.status, 200);
        seen.push(...cards(res.text).map((c) => c.id));
      }
      assert.deepEqual(sorted(seen), PUBLIC_IDS);
    });

    test('every status filter shows only initiatives in that state', async () => {
      for (const [state, ids] of Object.entries(BY_STATE)) {
        const seen = [];
        for (let p = 1; ; p++) {
          const res = await fetchPage(getBase(), `/initiatieven?status=${state}&pagina=${p}`);
          assert.equal(res.status, 200, `status=${state} page ${p}`);
          const c = cards(res.text);
          for (const card of c) assert.equal(card.state, state, `card ${card.id}`);
          seen.push(...c.map((x) => x.id));
          if (!res.text.includes('rel="next"')) break;
          assert.ok(p < 5, 'pagination ends');
        }
        assert.deepEqual(sorted(seen), ids, `status=${state}`);
      }
    });

    test('every published post is on /berichten exactly once, and no draft', async () => {
      const seen = [];
      for (let p = 1; p <= 2; p++) {
        const res = await fetchPage(getBase(), `/berichten?pagina=${p}`);
        assert.equal(res.status, 200);
        seen.push(...newsIds(mainOf(res.text)));
      }
      assert.deepEqual(sorted(seen), PUBLISHED_NEWS);
    });

    test('the pagination links keep the filters', async () => {
      const res = await fetchPage(getBase(), '/initiatieven?status=open&sort=populair');
      assert.equal(res.status, 200);
      const next = /<a href="([^"]+)" rel="next">/.exec(res.text);
      assert.ok(next, 'sixteen open initiatives need a second page');
      const url = new URL(decode(next[1]), getBase());
      assert.equal(url.searchParams.get('status'), 'open');
      assert.equal(url.searchParams.get('sort'), 'populair');
      assert.equal(url.searchParams.get('pagina'), '2');
      const res2 = await fetchPage(getBase(), url.pathname + url.search);
      assert.equal(res2.status, 200);
      const c = cards(res2.text);
      assert.equal(c.length, BY_STATE.open.length - PAGE_SIZE);
      assert.ok(c.every((x) => x.state === 'open'));
    });

    test('every initiative link on the list pages leads to a page with that title', async () => {
      const res = await fetchPage(getBase(), '/initiatieven?sort=populair');
      for (const m of res.text.matchAll(/<h3 class="card-title"><a href="([^"]+)">([^<]+)</g)) {
        const page = await fetchPage(getBase(), m[1]);
        assert.equal(page.status, 200, m[1]);
        assert.ok(page.text.includes(`<h1>${m[2]}</h1>`), `${m[1]} has <h1>${m[2]}</h1>`);
      }
    });

    test('every area on /wijken has a page, with its buurten', async () => {
      const res = await fetchPage(getBase(), '/wijken');
      const slugs = [...new Set([...res.text.matchAll(/href="\/wijken\/([a-z0-9-]+)"/g)]
        .map((m) => m[1]))];
      assert.ok(slugs.length >= 19, `areas and buurten linked (${slugs.length})`);
      for (const slug of slugs) {
        const page = await fetchPage(getBase(), `/wijken/${slug}`);
        assert.equal(page.status, 200, `/wijken/${slug}`);
        checkHtmlPage(page, `/wijken/${slug}`);
      }
    });

    test('/healthz answers ok', async () => {
      const res = await fetchPage(getBase(), '/healthz');
      assert.equal(res.status, 200);
      assert.equal(res.text.trim(), 'ok');
    });

    test('static assets are served with their type and an ETag', async () => {
      for (const [p, type] of [['/static/site.css', 'text/css'],
        ['/static/logo.svg', 'image/svg+xml'], ['/static/favicon.svg', 'image/svg+xml']]) {
        const res = await fetchPage(getBase(), p);
        assert.equal(res.status, 200, p);
        assert.ok(res.headers.get('content-type').startsWith(type), `${p}: ${type}`);
        assert.match(res.headers.get('etag') ?? '', /^(W\/)?"[^"]+"$/, `${p}: ETag`);
        assert.ok(res.text.length > 100, `${p}: has content`);
        checkSecurityHeaders(res.headers, p);
      }
      const css = await fetchPage(getBase(), '/static/site.css');
      assert.match(css.text, /\.skip-link/, 'the stylesheet is the site stylesheet');
    });

    test('static paths outside the asset set are 404', async () => {
      for (const p of ['/static/nope.css', '/static/', '/static/..%2fsql/demo.sql',
        '/static/%2e%2e/sql/demo.sql']) {
        const res = await fetchPage(getBase(), p);
        assert.ok(res.status === 404 || res.status === 400, `${p}: ${res.status}`);
        assert.ok(!res.text.includes('INSERT INTO'), `${p}: no file outside static/`);
      }
    });
  });
}
