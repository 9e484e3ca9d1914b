// Valid HTML, checked by the W3C Nu HTML checker (vnu.jar, from npm, on the machine's Java):
// every public page and a sample of the staff pages, with zero errors.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import { removeDb, sql, startServe, tempDir } from '../lib/server.mjs';
import { login, makeDemoDbWithStaff } from '../lib/staff.mjs';
import { fetchPage } from '../lib/pages.mjs';

const VNU_JAR = path.join(path.dirname(createRequire(import.meta.url).resolve('vnu-jar')),
  'build', 'dist', 'vnu.jar');

const PUBLIC = ['/', '/initiatieven', '/initiatieven?wijk=de-riet&status=open&sort=bijna',
  '/initiatieven?q=xyzzyplugh', '/initiatieven?pagina=2',
  '/initiatieven/5-speeltuin-aan-de-rietstraat-weer-veilig-en-vrolijk', '/initiatieven/17',
  '/initiatieven/22', '/initiatieven/34', '/initiatieven/5/lenen', '/wijken', '/wijken/de-riet', '/wijken/aadorp',
  '/wijken/riet-noord', '/wijken/gemeentebreed', '/berichten', '/berichten/5', '/doneren',
  '/doneren?code=ABCD', '/doneren/meerdere', '/initiatief-indienen', '/toegankelijkheid',
  '/privacy', '/spelregels', '/adres', '/brief-kwijt', '/volgen?initiatief=5', '/volgen?gebied=de-riet',
  '/volgen/aangevraagd', '/volgen/bevestigd', '/transparantie', '/open-data', '/beheer/inloggen', '/bestaat-niet',
  '/initiatieven?wijk=atlantis'];
const STAFF = ['/beheer', '/beheer/initiatieven/26', '/beheer/berichten',
  '/beheer/berichten/nieuw', '/beheer/berichten/1'];
const ADMIN = ['/beheer/dashboard', '/beheer/geld', '/beheer/instellingen', '/beheer/medewerkers',
  '/beheer/auditlog', '/beheer/email', '/beheer/gebieden', '/beheer/rondes',
  '/beheer/huishoudens', '/beheer/briefaanvragen'];

let made;
let server;
let dir;

before(async () => {
  made = await makeDemoDbWithStaff();
  // One open request for a new letter, so that the queue shows its table.
  sql(made.db, "INSERT INTO letter_requests(household_id, created_at) SELECT id, datetime('now') " +
    'FROM households ORDER BY id LIMIT 1');
  server = await startServe({ db: made.db, threads: 2 });
  dir = await tempDir('buurtsamen-html-');
});

after(async () => {
  await server?.stop();
  if (made) await removeDb(made.db);
});

/** Runs the checker over the files; resolves with its messages. */
function vnu(files) {
  return new Promise((resolve, reject) => {
    execFile('java', ['-Xss4m', '-jar', VNU_JAR, '--errors-only', '--format', 'json', ...files],
      { maxBuffer: 64 * 1024 * 1024, timeout: 120_000 }, (error, stdout, stderr) => {
        try {
          resolve(JSON.parse(stderr || stdout).messages);
        } catch {
          reject(new Error(`vnu did not answer in JSON: ${error?.message}\n${stderr}`));
        }
      });
  });
}

test('every public page and a sample of staff pages is valid HTML', { timeout: 180_000 },
  async () => {
    const regisseur = await login(server.base, made.regisseur.username, made.regisseur.password);
    const admin = await login(server.base, made.beheerder.username, made.beheerder.password);
    const pages = [
      ...PUBLIC.map((p) => [p, () => fetchPage(server.base, p)]),
      ...STAFF.map((p) => [p, () => regisseur.get(p)]),
      ...ADMIN.map((p) => [p, () => admin.get(p)]),
    ];
    const files = new Map();
    for (const [p, get] of pages) {
      const res = await get();
      assert.match(res.headers.get('content-type') ?? '', /^text\/html/, `${p}: HTML`);
      const file = path.join(dir, `${files.size}.html`);
      await fs.writeFile(file, res.text);
      files.set(`file:${file}`, p);
    }
    const messages = await vnu([...files.keys()].map((u) => u.slice(5)));
    const errors = messages.filter((m) => m.type === 'error' || m.subType === 'fatal');
    assert.deepEqual(errors.map((m) => `${files.get(m.url) ?? m.url}:${m.lastLine ?? ''}: ` +
      `${m.message} (${(m.extract ?? '').trim().slice(0, 80)})`), [], 'no HTML errors');
  });
