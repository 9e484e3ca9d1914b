// The staff screens' layout in a real browser, logged in as the demo admin: the dashboard's
// table fits a 1366 px screen without a hidden or scrolled column, the staff menu is one line
// on that desktop and folds into a tidy grid on a 375 px phone without the page scrolling
// sideways; axe-core stays at zero on the screens changed with them (screenshots for the CI's
// artefacts).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { assertAccessible, axeContext, h1, launchBrowser, SCREENSHOTS } from '../lib/browser.mjs';
import { removeDb, startServe } from '../lib/server.mjs';
import { login, makeDemoDbWithStaff } from '../lib/staff.mjs';

const WIDE = { width: 1366, height: 768 };
const SMALL = { width: 375, height: 812 };

let server;
let db;
let browser;
let desk;
let phone;

/** A browser context logged in as the admin (the session cookie of an HTTP login). */
async function loggedIn(viewport, demo) {
  const ctx = await axeContext(browser, viewport);
  const cl = await login(server.base, demo.beheerder.username, demo.beheerder.password);
  const url = new URL(server.base);
  await ctx.context.addCookies([...cl.jar].map(([name, value]) => ({
    name, value, domain: url.hostname, path: '/', httpOnly: true, sameSite: 'Lax',
  })));
  return ctx;
}

before(async () => {
  const demo = await makeDemoDbWithStaff();
  db = demo.db;
  server = await startServe({ db, threads: 2 });
  browser = await launchBrowser();
  desk = await loggedIn(WIDE, demo);
  phone = await loggedIn(SMALL, demo);
  await fs.mkdir(SCREENSHOTS, { recursive: true });
});

after(async () => {
  await desk?.context.close();
  await phone?.context.close();
  await browser?.close();
  await server?.stop();
  if (db) await removeDb(db);
});

async function open(page, p, heading) {
  const res = await page.goto(server.base + p);
  assert.equal(res.status(), 200, `GET ${p}`);
  if (heading) assert.equal(await h1(page), heading, `${p}: the heading`);
}

/** The staff menu's items: how many lines they take and whether any overflows the bar. */
function menuLayout(page) {
  return page.$eval('nav.staff-bar', (nav) => {
    const items = [...nav.querySelectorAll('ul > li')].map((li) => li.getBoundingClientRect());
    const tops = new Set(items.map((r) => Math.round(r.top)));
    const links = [...nav.querySelectorAll('a, button')].map((a) => a.getBoundingClientRect());
    return {
      lines: tops.size,
      items: items.length,
      minHeight: Math.min(...links.map((r) => r.height)),
      minWidth: Math.min(...links.map((r) => r.width)),
      navHeight: nav.getBoundingClientRect().height,
      pageWidth: document.documentElement.scrollWidth,
      overflowing: links.filter((r) => r.right > window.innerWidth + 0.5 || r.left < -0.5).length,
    };
  });
}

describe('the staff screens at 1366 px', () => {
  test('the dashboard table fits: no hidden or scrolled column', async () => {
    const { page } = desk;
    await open(page, '/beheer/dashboard', 'Dashboard');
    const tables = await page.$$eval('main table', (ts) => ts.map((t) => {
      const box = t.closest('.table-scroll') ?? t;
      return { scroll: box.scrollWidth, client: box.clientWidth, table: t.scrollWidth,
        cols: t.querySelectorAll('thead th').length,
        visible: [...t.querySelectorAll('thead th')].filter((th) => {
          const r = th.getBoundingClientRect();
          return r.width > 0 && r.right <= box.getBoundingClientRect().right + 0.5;
        }).length };
    }));
    assert.ok(tables.length >= 1, 'the dashboard has a table');
    for (const t of tables) {
      assert.ok(t.scroll <= t.client, `the table fits: scrollWidth ${t.scroll} > ${t.client}`);
      assert.equal(t.visible, t.cols, 'every column in view');
    }
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth),
      'the page does not scroll sideways');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'staff-dashboard-1366.png'),
      fullPage: true });
  });

  test('the staff menu is one line', async () => {
    const { page } = desk;
    for (const p of ['/beheer/dashboard', '/beheer/auditlog', '/beheer']) {
      await open(page, p);
      const m = await menuLayout(page);
      assert.ok(m.items >= 11, `${p}: the admin's menu (${m.items} items)`);
      assert.equal(m.lines, 1, `${p}: the menu takes ${m.lines} lines`);
      assert.equal(m.overflowing, 0, `${p}: nothing sticks out`);
    }
  });

  for (const [p, heading] of [['/beheer/dashboard', 'Dashboard'], ['/beheer/auditlog', 'Auditlog'],
    ['/beheer/auditlog?ronde=2', 'Auditlog'], ['/beheer', 'Beheer'],
    ['/beheer/initiatieven/26', null], ['/beheer/berichten/nieuw', 'Nieuw bericht'],
    ['/beheer/huishoudens', 'Huishoudens'], ['/beheer/rondes', 'Voucherrondes'],
    ['/beheer/email', 'E-mail']]) {
    test(`axe: ${p}`, async () => {
      await open(desk.page, p, heading);
      await assertAccessible(desk.page, p);
    });
  }
});

describe('the staff screens on a 375 px phone', () => {
  test('the menu folds into a grid; nothing scrolls sideways', async () => {
    const { page } = phone;
    await open(page, '/beheer/dashboard', 'Dashboard');
    const m = await menuLayout(page);
    assert.equal(m.overflowing, 0, 'no menu item outside the screen');
    assert.ok(m.pageWidth <= SMALL.width, `the page is ${m.pageWidth} px wide`);
    assert.ok(m.minHeight >= 24, `tap targets at least 24 px high (${m.minHeight})`);
    assert.ok(m.lines <= Math.ceil(m.items / 2), `two a line at least (${m.lines} lines)`);
    assert.ok(m.navHeight <= SMALL.height * 0.6, `the menu leaves room (${m.navHeight} px)`);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'staff-dashboard-375.png'),
      fullPage: true });
  });
});
