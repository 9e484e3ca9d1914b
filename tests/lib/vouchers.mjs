// Helpers for the donation suites: the demo codes, fresh codes from `vouchers issue`, codes
// made up with a valid check character, a browser-like session that carries the CSRF cookie
// and token, and a server that can be killed hard.
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { randomInt } from 'node:crypto';
import { BIN, freePort, runBin, sql, sqlString, tempDir } from './server.mjs';

/** The characters a voucher code is made of: no 0/O, 1/I/L. */
export const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** The check character for the first 15 characters of a code (no hyphens). */
export function checkChar(first15) {
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const v = ALPHABET.indexOf(first15[i]);
    if (v < 0) throw new Error(`not a code character: ${first15[i]}`);
    sum += (i + 1) * v;
  }
  return ALPHABET[sum % 31];
}

/** "ABCDEFGHJKMNPQRS" → "ABCD-EFGH-JKMN-PQRS". */
export function formatCode(raw) {
  return raw.replace(/-/g, '').match(/.{1,4}/g).join('-');
}

/** The 16 characters of a code without hyphens, upper case. */
export function bare(code) {
  return code.replace(/[-\s]/g, '').toUpperCase();
}

/** A well-formed code with a valid check character that nobody was issued (74 random bits). */
export function randomCode() {
  let s = '';
  for (let i = 0; i < 15; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return formatCode(s + checkChar(s));
}

/** The code with one character (at position `at` of the 16, default a random one) changed. */
export function typo(code, at = randomInt(16)) {
  const raw = bare(code).split('');
  const i = ALPHABET.indexOf(raw[at]);
  raw[at] = ALPHABET[(i + 1 + randomInt(ALPHABET.length - 1)) % ALPHABET.length];
  return formatCode(raw.join(''));
}

/** The first and the last group of a code: all a results page may show of it. */
export function groups(code) {
  const g = formatCode(bare(code)).split('-');
  return { first: g[0], middle: [g[1], g[2]], last: g[3] };
}

const CODE_RE = /[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}/;

/**
 * The codes `init --demo` prints: {codes: [{code, area, postcode, huisnummer}], used}, where
 * `used` is the code printed as "(used already: …)".
 */
export function demoCodes(stdout) {
  const codes = [];
  let used = null;
  for (const line of stdout.split('\n')) {
    const m = new RegExp(`^\\s+(${CODE_RE.source})\\s+(.*)$`).exec(line);
    if (!m) continue;
    const rest = m[2].trim();
    if (/^\(used already/.test(rest)) {
      used = m[1];
      continue;
    }
    const a = /^(.+?), (\d{4} [A-Z]{2}) (\d+)(.*)$/.exec(rest);
    codes.push({
      code: m[1],
      area: a ? a[1] : rest,
      postcode: a ? a[2] : null,
      huisnummer: a ? Number(a[3]) : null,
    });
  }
  return { codes, used };
}

/**
 * A fresh demo database like makeDemoDb(), plus the codes that `init --demo` printed:
 * {db, codes, used, stdout}.
 */
export async function makeDemoDbWithCodes() {
  const dir = await tempDir('buurtsamen-db-');
  const db = path.join(dir, 'demo.db');
  const r = await runBin(['--db', db, 'init', '--demo']);
  if (r.code !== 0) {
    throw new Error(`init --demo failed (exit ${r.code}):\n${r.stderr}${r.stdout}`);
  }
  const { codes, used } = demoCodes(r.stdout);
  if (codes.length === 0 || !used) {
    throw new Error(`init --demo printed no codes to try:\n${r.stdout}`);
  }
  return { db, codes, used, stdout: r.stdout };
}

/** The id of the round open right now (null when there is none). */
export function currentRound(db) {
  const out = sql(db, "SELECT id FROM rounds WHERE opens_at <= datetime('now') " +
    "AND datetime('now') < closes_at").trim();
  return out ? Number(out) : null;
}

/** The number of rows in the ledger (of one kind when given). */
export function ledgerCount(db, kind) {
  return Number(sql(db, `SELECT count(*) FROM ledger${kind ? ` WHERE kind = ${sqlString(kind)}`
    : ''}`).trim());
}

/**
 * A public base URL that issuing accepts (the demo's http://127.0.0.1:8080 is refused: every
 * letter and QR code would point there). Not a reserved example name either.
 */
export const PUBLIC_BASE = 'https://buurtsamen.almelo.nl';

/** Sets the basis_url setting to PUBLIC_BASE. */
export function usePublicBase(db) {
  sql(db, `INSERT INTO settings(key, value) VALUES ('basis_url', ${sqlString(PUBLIC_BASE)})
    ON CONFLICT(key) DO UPDATE SET value = excluded.value`);
}

/** Runs the binary on db; throws with its output unless it exits 0. Resolves with stdout. */
export async function cli(db, args) {
  const r = await runBin(['--db', db, ...args], { timeoutMs: 120_000 });
  if (r.code !== 0) {
    throw new Error(`buurtsamen ${args.join(' ')} exited ${r.code}:\n${r.stderr}${r.stdout}`);
  }
  return r.stdout;
}

/** Adds a round (dates YYYY-MM-DD) with `round add`; resolves with its id. */
export async function addRound(db, name, opens, closes) {
  await cli(db, ['round', 'add', name, '--opens', opens, '--closes', closes]);
  return Number(sql(db, `SELECT id FROM rounds WHERE name = ${sqlString(name)}`).trim());
}

// The rows of a printer's file: [{postcode, huisnummer, straat, woonplaats, wijk, code, link}].
async function readIssued(file) {
  const text = (await fs.readFile(file, 'utf8')).replace(/^\uFEFF/, '');
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  return lines.slice(1).map((line) => {
    const c = line.split(';');
    return { postcode: c[0], huisnummer: c[1], straat: c[2], woonplaats: c[3], wijk: c[4],
      code: c[5], link: c[6] };
  });
}

// Two capital letters for a number below 676.
const letters = (n) => String.fromCharCode(65 + Math.floor(n / 26) % 26, 65 + (n % 26));

/**
 * Imports n new households (unique addresses, postcodes 7700 and up) into `area` and issues
 * vouchers for `round` (default: the current round). Resolves with
 * [{code, postcode, huisnummer}] for exactly these n households.
 */
export async function issueVouchers(db, n, { area = 'binnenstad', round } = {}) {
  const roundId = round ?? currentRound(db);
  if (!roundId) throw new Error('no round open now');
  const dir = await tempDir('buurtsamen-issue-');
  try {
    // Continue after the addresses an earlier call made in this database.
    const start = Number(sql(db, "SELECT count(*) FROM households WHERE postcode >= '7700'")
      .trim());
    const rows = ['postcode;huisnummer;toevoeging;straat;woonplaats;wijk'];
    const mine = new Set();
    for (let i = start; i < start + n; i++) {
      const postcode = `${7700 + Math.floor(i / 6760)} ${letters(Math.floor(i / 10) % 676)}`;
      const huisnummer = (i % 10) + 1;
      rows.push(`${postcode};${huisnummer};;Proefstraat;Almelo;${area}`);
      mine.add(`${postcode};${huisnummer}`);
    }
    const csv = path.join(dir, 'households.csv');
    await fs.writeFile(csv, `${rows.join('\n')}\n`);
    await cli(db, ['households', 'import', csv]);
    const out = path.join(dir, 'issued.csv');
    usePublicBase(db);
    await cli(db, ['vouchers', 'issue', '--round', String(roundId), '--out', out, '--force']);
    const issued = (await readIssued(out)).filter((r) => mine.has(`${r.postcode};${r.huisnummer}`));
    if (issued.length !== n) {
      throw new Error(`vouchers issue gave ${issued.length} of the ${n} new households a code`);
    }
    return issued.map((r) => ({ code: r.code, postcode: r.postcode,
      huisnummer: Number(r.huisnummer) }));
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Like issueVouchers(), only the codes. */
export async function issueCodes(db, n, opts) {
  return (await issueVouchers(db, n, opts)).map((v) => v.code);
}

/**
 * `vouchers replace` for one address: voids its unused voucher in the round and issues a new
 * one; resolves with the new code.
 */
export async function replaceVoucher(db, round, postcode, huisnummer) {
  const dir = await tempDir('buurtsamen-replace-');
  try {
    const out = path.join(dir, 'replaced.csv');
    usePublicBase(db);
    await cli(db, ['vouchers', 'replace', '--round', String(round), '--postcode', postcode,
      '--huisnummer', String(huisnummer), '--out', out]);
    const rows = await readIssued(out);
    if (rows.length !== 1) throw new Error(`replace wrote ${rows.length} rows`);
    return rows[0].code;
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/**
 * application/x-www-form-urlencoded from an object (arrays give repeated fields; a field that
 * is null or undefined is left out).
 */
export function formBody(fields) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) {
    if (v === null || v === undefined) continue;
    for (const x of Array.isArray(v) ? v : [v]) p.append(k, String(x));
  }
  return p.toString();
}

/**
 * One HTTP request with node:http (so that the client address can be chosen: any 127.x.y.z
 * reaches a server on 127.0.0.1 over loopback). Never follows redirects. Resolves with
 * {status, headers (a Headers object), text}.
 */
export function httpRequest(url, { method = 'GET', headers = {}, body, localAddress,
  timeoutMs = 30_000 } = {}) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = http.request({
      host: u.hostname,
      port: u.port,
      path: u.pathname + u.search,
      method,
      headers: body === undefined ? headers
        : { ...headers, 'content-length': Buffer.byteLength(body) },
      localAddress,
      agent: false,
      timeout: timeoutMs,
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) {
          for (const x of Array.isArray(v) ? v : [v]) h.append(k, x);
        }
        resolve({ status: res.statusCode, headers: h,
          text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/**
 * A resident's browser session: GETs /doneren once and keeps the bs_csrf cookie and the form's
 * hidden _csrf value. get(path) and post(path, fields) resolve with {status, headers, text}
 * without following redirects; post adds _csrf unless fields has its own, and sends the cookie
 * unless told {cookie: null}. With localAddress every request comes from that address.
 */
export async function session(base, { localAddress } = {}) {
  const res = await httpRequest(new URL('/doneren', base), { localAddress });
  const cookieMatch = /(?:^|,\s*)bs_csrf=([^;,]*)/.exec(res.headers.get('set-cookie') ?? '');
  const tokenMatch = /<input type="hidden" name="_csrf" value="([^"]*)">/.exec(res.text);
  if (res.status !== 200 || !cookieMatch || !tokenMatch) {
    throw new Error(`GET /doneren gave no CSRF cookie and token (status ${res.status})`);
  }
  const s = {
    base,
    localAddress,
    setCookie: res.headers.get('set-cookie'),
    cookie: `bs_csrf=${cookieMatch[1]}`,
    csrf: tokenMatch[1],
    get(p) {
      return httpRequest(new URL(p, base), { headers: { cookie: s.cookie }, localAddress });
    },
    post(p, fields = {}, { cookie = s.cookie } = {}) {
      const headers = { 'content-type': 'application/x-www-form-urlencoded' };
      if (cookie) headers.cookie = cookie;
      return httpRequest(new URL(p, base), { method: 'POST', headers, localAddress,
        body: formBody({ _csrf: s.csrf, ...fields }) });
    },
  };
  return s;
}

/** The values of the radio inputs name="initiatief" in a page, as numbers. */
export function radioIds(html) {
  return [...html.matchAll(/<input\b[^>]*\btype="radio"[^>]*>/g)]
    .map((m) => m[0])
    .filter((tag) => /\bname="initiatief"/.test(tag))
    .map((tag) => Number(/\bvalue="(\d+)"/.exec(tag)?.[1]));
}

/** The ledger id and signature in a receipt address /doneren/ontvangst/ID-SIG. */
export function receiptId(location) {
  const m = /^\/doneren\/ontvangst\/(\d+)-([0-9a-f]+)$/.exec(location ?? '');
  return m ? Number(m[1]) : null;
}

/**
 * A city-wide initiative in state 'open' with room for `targetCents`, made directly in the
 * database (one budget line equal to the target, and the audit entry that opened it).
 * Returns its id.
 */
export function openCityWideInitiative(db, title, targetCents = 10_000_000) {
  const id = Number(sql(db, `INSERT INTO initiatives(area_id, title, summary, description,
      target_cents, initiator_name, initiator_email, state, published_at)
    VALUES (NULL, ${sqlString(title)}, 'Proef', 'Proef', ${targetCents}, 'Proef',
      'proef@example.org', 'open', datetime('now')) RETURNING id;`).trim());
  sql(db, `INSERT INTO budget_lines(initiative_id, position, item, amount_cents)
      VALUES (${id}, 1, 'Alles', ${targetCents});
    INSERT INTO audit_log(actor, action, subject, from_value, to_value, ledger_seq)
      VALUES ('proef', 'state', 'initiative:${id}', 'ingediend', 'open',
        (SELECT coalesce(max(id), 0) FROM ledger));`);
  return id;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Servers started by startKillableServe that have not exited; killed when the process exits.
const killable = new Set();
process.on('exit', () => {
  for (const child of killable) child.kill('SIGKILL');
});

/**
 * `buurtsamen serve` on a free port, like startServe(), but with kill(signal) for a hard stop:
 * resolves with {base, port, pid, alive(), output(), kill(signal), exit}.
 */
export async function startKillableServe({ db, threads } = {}) {
  let lastError;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const args = ['--db', db, 'serve', '--listen', `127.0.0.1:${port}`];
    if (threads) args.push('--threads', String(threads));
    const child = spawn(BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    killable.add(child);
    let output = '';
    let exited = null;
    child.stdout.setEncoding('utf8').on('data', (d) => { output += d; });
    child.stderr.setEncoding('utf8').on('data', (d) => { output += d; });
    const exit = new Promise((resolve) => {
      child.on('error', (err) => { output += `\n${err.message}`; });
      child.on('close', (code, signal) => {
        killable.delete(child);
        exited = { code, signal };
        resolve(exited);
      });
    });
    const base = `http://127.0.0.1:${port}`;
    const server = {
      base,
      port,
      pid: child.pid,
      exit,
      alive: () => !exited,
      output: () => output,
      async kill(signal = 'SIGTERM') {
        if (!exited) child.kill(signal);
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        const e = await exit;
        clearTimeout(timer);
        return e;
      },
    };
    const deadline = Date.now() + 10_000;
    let up = false;
    while (!exited && Date.now() < deadline) {
      try {
        const r = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(1000) });
        if (r.status === 200 && (await r.text()).trim() === 'ok') {
          up = true;
          break;
        }
      } catch { /* not yet listening */ }
      await sleep(50);
    }
    if (up) return server;
    await server.kill('SIGKILL');
    lastError = new Error(`buurtsamen serve did not come up on ${base}:\n${output}`);
    if (!/in use/i.test(output)) break;
  }
  throw lastError;
}
