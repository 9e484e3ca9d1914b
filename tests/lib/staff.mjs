// Helpers for the staff and initiative suites: the staff accounts `init --demo` prints, extra
// accounts made with `user add`, a staff session (login cookie + CSRF cookie and token),
// multipart form posts with files, a small valid PNG made here, the fields of a valid
// submission and the submission itself, and escaping for the XSS checks.
import { spawn } from 'node:child_process';
import zlib from 'node:zlib';
import { BIN, runBin } from './server.mjs';
import { formBody, httpRequest, makeDemoDbWithCodes } from './vouchers.mjs';

export const SESSION_COOKIE = 'bs_session';
export const CSRF_COOKIE = 'bs_csrf';

/**
 * The staff accounts in the output of `init --demo`:
 * {regisseur: {username, password, role, areas: [names]}, beheerder: {...}}.
 * Lines look like "  regisseur  PASSWORD  wijkregisseur of De Riet, Windmolenbroek, …" and
 * "  beheerder  PASSWORD  admin".
 */
export function demoStaff(stdout) {
  const staff = {};
  for (const line of stdout.split('\n')) {
    const m = /^\s+([a-z0-9._-]+)\s+(\S{12,})\s+(wijkregisseur|admin)(?: of (.+))?\s*$/.exec(line);
    if (!m) continue;
    staff[m[1]] = {
      username: m[1],
      password: m[2],
      role: m[3],
      areas: m[4] ? m[4].split(',').map((a) => a.trim()) : [],
    };
  }
  return staff;
}

/**
 * A fresh demo database with its printed codes and staff accounts:
 * {db, codes, used, stdout, staff, regisseur, beheerder}.
 */
export async function makeDemoDbWithStaff() {
  const made = await makeDemoDbWithCodes();
  const staff = demoStaff(made.stdout);
  const regisseur = Object.values(staff).find((s) => s.role === 'wijkregisseur');
  const beheerder = Object.values(staff).find((s) => s.role === 'admin');
  if (!regisseur || !beheerder) {
    throw new Error(`init --demo printed no wijkregisseur and admin account:\n${made.stdout}`);
  }
  return { ...made, staff, regisseur, beheerder };
}

/** Runs the binary with `input` on its standard input; resolves with {code, stdout, stderr}. */
export function runBinWithInput(args, input, { timeoutMs = 30_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, BUURTSAMEN_DB: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => { clearTimeout(timer); reject(err); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

/**
 * `user add NAME --role ROLE [--area SLUG]... [--email X]` with the password on standard input.
 * Throws with the output unless it exits 0.
 */
export async function addStaffUser(db, name, { role = 'wijkregisseur', areas = [], email,
  password } = {}) {
  const args = ['--db', db, 'user', 'add', name, '--role', role];
  for (const a of areas) args.push('--area', a);
  if (email) args.push('--email', email);
  const r = await runBinWithInput(args, `${password}\n`);
  if (r.code !== 0) {
    throw new Error(`user add ${name} exited ${r.code}:\n${r.stderr}${r.stdout}`);
  }
  return { username: name, password, role, areas };
}

/** Runs a `user …` subcommand (disable, enable, …); throws unless it exits 0. */
export async function userCommand(db, ...args) {
  const r = await runBin(['--db', db, 'user', ...args]);
  if (r.code !== 0) throw new Error(`user ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
  return r.stdout;
}

/** The value of cookie `name` set by a response (null when it sets none). */
export function setCookieValue(headers, name) {
  const all = typeof headers.getSetCookie === 'function' ? headers.getSetCookie()
    : [headers.get('set-cookie') ?? ''];
  for (const c of all) {
    const m = new RegExp(`^\\s*${name}=([^;]*)`).exec(c);
    if (m) return { value: m[1], header: c };
  }
  return null;
}

/** The value of the hidden input `name` in a page (null when there is none). */
export function hiddenValue(html, name) {
  const m = new RegExp(`<input type="hidden" name="${name}" value="([^"]*)">`).exec(html);
  return m ? m[1] : null;
}

/**
 * A multipart/form-data body from an object of fields (arrays repeat; null/undefined left out)
 * and files {field: {data: Buffer, filename, type}}: resolves with {body: Buffer, contentType}.
 */
export async function multipartBody(fields = {}, files = {}) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) {
    if (v === null || v === undefined) continue;
    for (const x of Array.isArray(v) ? v : [v]) fd.append(k, String(x));
  }
  for (const [k, f] of Object.entries(files)) {
    if (!f) continue;
    fd.append(k, new Blob([f.data], { type: f.type ?? 'application/octet-stream' }), f.filename);
  }
  const req = new Request('http://localhost/', { method: 'POST', body: fd });
  return {
    body: Buffer.from(await req.arrayBuffer()),
    contentType: req.headers.get('content-type'),
  };
}

/**
 * A browser-like client: keeps the cookies the server sets (bs_csrf, bs_session) and the CSRF
 * token. get(path), post(path, fields), postMultipart(path, fields, files) resolve with
 * {status, headers, text} without following redirects; the posts add _csrf unless the fields
 * have their own (or {csrf: null} is given) and send the cookies unless told {cookie: null}.
 */
export async function client(base, { localAddress, firstPage = '/beheer/inloggen' } = {}) {
  const jar = new Map();
  const c = {
    base,
    localAddress,
    csrf: null,
    jar,
    get cookie() {
      return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    },
    get sessionToken() {
      return jar.get(SESSION_COOKIE) ?? null;
    },
    remember(res) {
      const all = res.headers.getSetCookie?.() ?? [];
      for (const line of all) {
        const m = /^\s*([^=;\s]+)=([^;]*)/.exec(line);
        if (!m) continue;
        if (/;\s*Max-Age=0\b/i.test(line) || m[2] === '') jar.delete(m[1]);
        else jar.set(m[1], m[2]);
      }
      // A form's token: with a staff session it is bound to the session, so the page's own
      // hidden field is the one to echo; without, the cookie's token is the same.
      const hidden = typeof res.text === 'string' ? hiddenValue(res.text, '_csrf') : null;
      if (hidden) c.csrf = hidden;
      else if (jar.has(CSRF_COOKIE) && !jar.has(SESSION_COOKIE)) c.csrf = jar.get(CSRF_COOKIE);
      return res;
    },
    async get(p, { cookie } = {}) {
      const headers = {};
      const ck = cookie === undefined ? c.cookie : cookie;
      if (ck) headers.cookie = ck;
      return c.remember(await httpRequest(new URL(p, base), { headers, localAddress }));
    },
    async post(p, fields = {}, { cookie, csrf } = {}) {
      const headers = { 'content-type': 'application/x-www-form-urlencoded' };
      const ck = cookie === undefined ? c.cookie : cookie;
      if (ck) headers.cookie = ck;
      const token = csrf === undefined ? c.csrf : csrf;
      const body = formBody(token === null || '_csrf' in fields ? fields
        : { _csrf: token, ...fields });
      return c.remember(await httpRequest(new URL(p, base), { method: 'POST', headers,
        localAddress, body }));
    },
    async postMultipart(p, fields = {}, files = {}, { cookie, csrf } = {}) {
      const token = csrf === undefined ? c.csrf : csrf;
      const all = token === null || '_csrf' in fields ? fields : { _csrf: token, ...fields };
      const { body, contentType } = await multipartBody(all, files);
      const headers = { 'content-type': contentType };
      const ck = cookie === undefined ? c.cookie : cookie;
      if (ck) headers.cookie = ck;
      return c.remember(await httpRequest(new URL(p, base), { method: 'POST', headers,
        localAddress, body }));
    },
  };
  const res = await c.get(firstPage);
  const token = hiddenValue(res.text, '_csrf');
  if (res.status !== 200 || !token || !jar.has(CSRF_COOKIE)) {
    throw new Error(`GET ${firstPage} gave no CSRF cookie and token (status ${res.status})`);
  }
  c.csrf = token;
  c.firstResponse = res;
  return c;
}

/** POSTs the login form with a fresh client; resolves with {client, res} whatever the outcome. */
export async function tryLogin(base, username, password, { localAddress } = {}) {
  const cl = await client(base, { localAddress });
  const res = await cl.post('/beheer/inloggen', { gebruikersnaam: username, wachtwoord: password });
  return { client: cl, res };
}

/**
 * Logs in as a staff member; resolves with the client (cookie with bs_session, csrf).
 * Throws unless the server answers 303 to /beheer with a session cookie.
 */
export async function login(base, username, password, opts = {}) {
  const { client: cl, res } = await tryLogin(base, username, password, opts);
  if (res.status !== 303 || res.headers.get('location') !== '/beheer' || !cl.sessionToken) {
    throw new Error(`login as ${username} failed: ${res.status} ${res.text.slice(0, 300)}`);
  }
  cl.loginResponse = res;
  // The session's own form token, from a staff page.
  const home = await cl.get('/beheer');
  const bound = hiddenValue(home.text, '_csrf');
  if (bound) cl.csrf = bound;
  cl.username = username;
  return cl;
}

// ---- A small PNG, made byte by byte ----

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (ISO 3309, as PNG uses it) of a buffer. */
export function crc32(buf) {
  let c = 0xFFFFFFFF;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xFF] ^ (c >>> 8);
  return (c ^ 0xFFFFFFFF) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** A valid RGB PNG of width × height pixels: a colour gradient. */
export function makePng(width = 32, height = 24) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  ihdr[10] = 0; // compression
  ihdr[11] = 0; // filter
  ihdr[12] = 0; // no interlace
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    raw[row] = 0; // filter type: none
    for (let x = 0; x < width; x++) {
      raw[row + 1 + x * 3] = Math.round((x / width) * 255);
      raw[row + 2 + x * 3] = Math.round((y / height) * 255);
      raw[row + 3 + x * 3] = 160;
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---- Submissions ----

/** A date `days` from today as YYYY-MM-DD. */
export function isoDate(days) {
  return new Date(Date.now() + days * 86400_000).toISOString().slice(0, 10);
}

/**
 * The fields of a valid submission (De Riet, € 50 in two budget lines, two co-organisers),
 * with `overrides` applied (null removes a field).
 */
export function initiativeFields(overrides = {}) {
  const fields = {
    regels: '5',
    mede_regels: '3',
    titel: 'Bankjes opknappen aan de Rietstraat',
    samenvatting: 'We schuren en verven de drie oude bankjes bij het speelveld.',
    beschrijving: 'Op een zaterdag in het voorjaar schuren en verven we samen met de buren ' +
      'de drie bankjes bij het speelveld aan de Rietstraat.\n\nKoffie staat klaar in \'t Dok.',
    gebied: 'de-riet',
    datum: isoDate(90),
    streefbedrag: '50',
    post_1_omschrijving: 'Verf en kwasten',
    post_1_bedrag: '35',
    post_2_omschrijving: 'Schuurpapier',
    post_2_bedrag: '15',
    naam: 'Anna de Vries',
    email: 'anna.devries@example.org',
    telefoon: '06 12345678',
    postcode: '7601 CK',
    huisnummer: '12',
    mede_1_naam: 'Bert Jansen',
    mede_1_postcode: '7601 CK',
    mede_1_huisnummer: '14',
    mede_2_naam: 'Carla Smit',
    mede_2_postcode: '7601 CL',
    mede_2_huisnummer: '3a',
    akkoord: 'ja',
  };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === null) delete fields[k];
    else fields[k] = v;
  }
  return fields;
}

/**
 * Submits an initiative with a fresh client (a resident's browser) and the form's own token,
 * following the answer's 303 to the result page as a browser does; resolves with
 * {res, posted, client, token, path} where res is the result page (the refusal when there is
 * no 303), posted the POST's own answer and path the management link's path (null on failure).
 */
export async function submitInitiative(base, fields, files = {}, { localAddress } = {}) {
  const cl = await client(base, { localAddress, firstPage: '/initiatief-indienen' });
  const form = hiddenValue(cl.firstResponse.text, 'formulier');
  const posted = await cl.postMultipart('/initiatief-indienen',
    form && !('formulier' in fields) ? { formulier: form, ...fields } : fields, files);
  const location = posted.status === 303 ? posted.headers.get('location') : null;
  const res = location ? await cl.get(location) : posted;
  const m = /<a href="(\/mijn-initiatief\/([A-Za-z0-9_-]+))">/.exec(res.text);
  return { res, posted, client: cl, path: m ? m[1] : null, token: m ? m[2] : null };
}

// ---- Escaping ----

/** The text as the templates escape it: & < > " '. */
export function escapeHtml(s) {
  return String(s).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;').replaceAll("'", '&#39;');
}
