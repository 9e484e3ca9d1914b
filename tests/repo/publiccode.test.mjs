// The repository presents itself as public code: publiccode.yml carries every key the standard
// requires, in Dutch and English, with the licence and dependencies that are really ours.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../lib/server.mjs';

const doc = parse(fs.readFileSync(path.join(ROOT, 'publiccode.yml'), 'utf8'));

test('publiccode.yml has the keys the standard requires', () => {
  for (const key of ['publiccodeYmlVersion', 'name', 'url', 'platforms', 'developmentStatus',
    'softwareType', 'description', 'legal', 'maintenance', 'localisation']) {
    assert.ok(doc[key] !== undefined, `${key} is present`);
  }
  assert.match(doc.publiccodeYmlVersion, /^0\.\d+$/);
  assert.ok(URL.canParse(doc.url), 'url is a URL');
  assert.ok(doc.platforms.includes('web'));
  assert.ok(['concept', 'development', 'beta', 'stable', 'obsolete']
    .includes(doc.developmentStatus));
  assert.equal(doc.softwareType, 'standalone/web');
  assert.match(doc.releaseDate, /^\d{4}-\d\d-\d\d$/);
  assert.equal(doc.legal.license, 'EUPL-1.2');
  assert.ok(['internal', 'contract', 'community', 'none'].includes(doc.maintenance.type));
  if (['internal', 'contract'].includes(doc.maintenance.type)) {
    assert.ok(doc.maintenance.contacts?.length > 0, 'contacts for internal maintenance');
    for (const c of doc.maintenance.contacts) assert.ok(c.name, 'a contact has a name');
  }
  assert.equal(typeof doc.localisation.localisationReady, 'boolean');
  assert.deepEqual(doc.localisation.availableLanguages, ['nl']);
});

test('a description in Dutch and in English, within the lengths the standard sets', () => {
  for (const lang of ['nl', 'en']) {
    const d = doc.description[lang];
    assert.ok(d, `description.${lang}`);
    assert.ok(d.shortDescription.length <= 150, `${lang}: shortDescription at most 150`);
    assert.ok(d.longDescription.length >= 150 && d.longDescription.length <= 10000,
      `${lang}: longDescription 150 to 10000`);
    assert.ok(d.features.length > 0, `${lang}: features`);
    for (const f of d.features) assert.ok(f.length <= 100, `${lang}: a feature is short`);
  }
});

test('the licence and the dependencies are the repository\'s own', () => {
  const licence = fs.readFileSync(path.join(ROOT, 'LICENSE'), 'utf8');
  assert.match(licence, /EUROPEAN UNION PUBLIC LICEN[CS]E v\. 1\.2/i);
  const makefile = fs.readFileSync(path.join(ROOT, 'Makefile'), 'utf8');
  const names = doc.dependsOn.open.map((d) => d.name.toLowerCase());
  for (const lib of ['sqlite', 'libmicrohttpd', 'libfcgi', 'libsodium', 'jansson']) {
    assert.ok(names.some((n) => n.includes(lib)), `${lib} is listed`);
  }
  assert.match(makefile, /libmicrohttpd/);
  assert.ok(fs.existsSync(path.join(ROOT, 'CONTRIBUTING.md')), 'CONTRIBUTING.md');
});
