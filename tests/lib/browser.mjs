// The browser suites' common set-up: headless Chromium launched the same way everywhere,
// contexts that let axe-core in past the site's CSP, axe-core run for WCAG 2.1 A/AA with a
// readable list of violations, and the form and heading helpers every suite uses.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT } from './server.mjs';

const require = createRequire(import.meta.url);
export const AXE_SOURCE = await fs.readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
export const SCREENSHOTS = path.join(ROOT, 'build', 'screenshots');
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 900 };

export const LAUNCH = {
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};

/** Starts headless Chromium; close it in an after(). */
export function launchBrowser() {
  return chromium.launch(LAUNCH);
}

/**
 * A context and page where axe-core can run: the site's CSP forbids inline script, which is how
 * axe gets in, so it is bypassed here only. Resolves with {context, page}.
 */
export async function axeContext(browser, viewport, options = {}) {
  const context = await browser.newContext({ viewport, bypassCSP: true, locale: 'nl-NL',
    ...options });
  return { context, page: await context.newPage() };
}

export function describeViolations(violations) {
  return violations.map((v) => [
    `${v.id} (${v.impact}): ${v.help}`,
    `  ${v.helpUrl}`,
    ...v.nodes.map((n) => `  - ${n.target.join(' ')}: ${n.failureSummary?.replace(/\n/g, ' ')}`),
  ].join('\n')).join('\n');
}

/** Runs axe-core on the page as it is now (WCAG 2.1 A/AA); asserts it ran; the violations. */
export async function axeViolations(page) {
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    resultTypes: ['violations'],
  }));
  assert.ok(Array.isArray(result.violations) && result.testEngine?.name === 'axe-core', 'axe ran');
  return result.violations;
}

/** Runs axe-core on the page as it is now; asserts no WCAG 2.1 A/AA violation. */
export async function assertAccessible(page, what) {
  const violations = await axeViolations(page);
  const width = page.viewportSize()?.width;
  assert.equal(violations.length, 0,
    `${what} (${new URL(page.url()).pathname}) at ${width}px:\n${describeViolations(violations)}`);
}

export const h1 = (page) => page.locator('h1').innerText();

/** Submits a form with `action` and resolves with the response of the POST navigation. */
export async function submitWith(page, action) {
  const [response] = await Promise.all([
    page.waitForEvent('response', (r) => r.request().isNavigationRequest() &&
      r.request().method() === 'POST'),
    page.waitForNavigation(),
    action(),
  ]);
  return response;
}
