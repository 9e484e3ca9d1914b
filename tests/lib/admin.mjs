// Helpers for the admin suites: binary downloads with a staff session, a CSV reader (quotes,
// CRLF, a byte-order mark), the cells of an XLSX sheet through `unzip`, well-formed XML
// through `xmllint`, the inline SVG charts of a page, a snapshot of what the admin screens
// may change, and the rows of an HTML table.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { sql } from './server.mjs';
import { decode } from './pages.mjs';

/**
 * GET with the client's cookies without following redirects, the body kept as bytes:
 * resolves with {status, headers, body (Buffer), text}.
 */
export async function download(cl, path) {
  const headers = {};
  if (cl?.cookie) headers.cookie = cl.cookie;
  const res = await fetch(new URL(path, cl.base), { headers, redirect: 'manual' });
  const body = Buffer.from(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, body, text: body.toString('utf8') };
}

/**
 * Reads CSV text: {bom, crlf, rows: [[cell]]}. Quoted cells may hold the separator, quotes
 * ("") and line breaks; a trailing line break ends the last row. Throws on a stray quote.
 */
export function parseCsv(text, sep = ';') {
  const bom = text.startsWith('\uFEFF');
  const s = bom ? text.slice(1) : text;
  const rows = [];
  let row = [];
  let cell = '';
  let i = 0;
  let quoted = false;
  let started = false; // something of the current row was read
  let bareLf = false; // a row ended with LF alone
  while (i < s.length) {
    const ch = s[i];
    if (quoted) {
      if (ch === '"') {
        if (s[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        if (i < s.length && s[i] !== sep && s[i] !== '\r' && s[i] !== '\n') {
          throw new Error(`CSV: text after a closing quote at offset ${i}`);
        }
        continue;
      }
      cell += ch;
      i++;
      continue;
    }
    if (ch === '"') {
      if (cell !== '') throw new Error(`CSV: a quote inside an unquoted cell at offset ${i}`);
      quoted = true;
      started = true;
      i++;
    } else if (ch === sep) {
      row.push(cell);
      cell = '';
      started = true;
      i++;
    } else if (ch === '\r' || ch === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      started = false;
      if (ch === '\n') bareLf = true;
      i += ch === '\r' && s[i + 1] === '\n' ? 2 : 1;
    } else {
      cell += ch;
      started = true;
      i++;
    }
  }
  if (quoted) throw new Error('CSV: an unterminated quoted cell');
  if (started || cell !== '') {
    row.push(cell);
    rows.push(row);
  }
  return { bom, crlf: rows.length > 0 && !bareLf, rows };
}

/** CSV rows as objects keyed by the header row. */
export function csvObjects(text, sep = ';') {
  const { rows } = parseCsv(text, sep);
  const [header, ...data] = rows;
  return data.map((r) => Object.fromEntries(header.map((h, k) => [h, r[k]])));
}

/** "20565,00" / "-7,50" → cents. */
export function commaCents(s) {
  const m = /^(-?)(\d+),(\d\d)$/.exec(s);
  assert.ok(m, `an amount with a decimal comma: ${JSON.stringify(s)}`);
  return (m[1] ? -1 : 1) * (Number(m[2]) * 100 + Number(m[3]));
}

const XML_ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
export const xmlDecode = (s) => s.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g,
  (_, e) => {
    if (e[0] !== '#') return XML_ENTITIES[e];
    return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
  });

/** The XML of one part of an XLSX file (a path on disk), read with `unzip -p`. */
export function xlsxPart(file, part = 'xl/worksheets/sheet1.xml') {
  return execFileSync('unzip', ['-p', file, part], { encoding: 'utf8', maxBuffer: 256 << 20 });
}

/**
 * The cells of a worksheet's XML: [{row, cells: {A: value}}], numbers as numbers, inline and
 * shared strings as text; `formulas` counts <f> elements (there should be none).
 */
export function sheetRows(xml, shared = []) {
  const rows = [];
  for (const r of xml.matchAll(/<row\b[^>]*\br="(\d+)"[^>]*>([\s\S]*?)<\/row>/g)) {
    const cells = {};
    for (const c of r[2].matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
      const ref = /\br="([A-Z]+)\d+"/.exec(c[1])?.[1];
      const type = /\bt="([^"]+)"/.exec(c[1])?.[1];
      const inner = c[2] ?? '';
      let value = null;
      if (type === 'inlineStr') {
        value = xmlDecode([...inner.matchAll(/<t\b[^>]*>([\s\S]*?)<\/t>/g)]
          .map((m) => m[1]).join(''));
      } else {
        const v = /<v>([\s\S]*?)<\/v>/.exec(inner)?.[1];
        if (v !== undefined) {
          if (type === 's') value = shared[Number(v)];
          else if (type === 'str' || type === 'b') value = xmlDecode(v);
          else value = Number(v);
        }
      }
      cells[ref] = value;
    }
    rows.push({ row: Number(r[1]), cells });
  }
  return { rows, formulas: (xml.match(/<f[\s>]/g) ?? []).length };
}

/** The shared strings of an XLSX file (empty when it has none). */
export function xlsxShared(file) {
  let xml;
  try {
    xml = execFileSync('unzip', ['-p', file, 'xl/sharedStrings.xml'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return [];
  }
  return [...xml.matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) =>
    xmlDecode([...m[1].matchAll(/<t\b[^>]*>([\s\S]*?)<\/t>/g)].map((t) => t[1]).join('')));
}

/** An XLSX sheet as objects keyed by its first row (the header). */
export function xlsxObjects(file) {
  const { rows, formulas } = sheetRows(xlsxPart(file), xlsxShared(file));
  const [head, ...data] = rows;
  const cols = Object.keys(head.cells);
  return {
    formulas,
    header: cols.map((c) => head.cells[c]),
    objects: data.map((r) => Object.fromEntries(cols.map((c) =>
      [head.cells[c], r.cells[c] ?? null]))),
  };
}

/** Asserts that text is well-formed XML (xmllint --noout). */
export function assertWellFormedXml(text, where) {
  try {
    execFileSync('xmllint', ['--noout', '--nonet', '-'],
      { input: text, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (err) {
    if (err.code === 'ENOENT') throw new Error('xmllint is needed for these tests');
    assert.fail(`${where} is not well-formed XML:\n${err.stderr?.toString()}`);
  }
}

/** The inline <svg>…</svg> elements of an HTML page. */
export function svgsOf(html) {
  return [...html.matchAll(/<svg\b[\s\S]*?<\/svg>/g)].map((m) => m[0]);
}

/** The rows of the first <tbody> after `after` (an index or a string) as arrays of cell text. */
export function tableRows(html, after = 0) {
  const start = typeof after === 'string' ? html.indexOf(after) : after;
  assert.ok(start >= 0, `the page has ${after}`);
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(html.slice(start));
  assert.ok(body, 'a table body');
  return [...body[1].matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((tr) =>
    [...tr[1].matchAll(/<t[hd]\b[^>]*>([\s\S]*?)<\/t[hd]>/g)]
      .map((td) => decode(td[1].replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim()));
}

const COUNTED = ['areas', 'rounds', 'households', 'vouchers', 'ledger', 'users', 'user_areas',
  'settings', 'issued_files', 'pending_imports', 'audit_log', 'initiatives', 'outbox'];

/**
 * What the admin screens may change: row counts of the tables they write, and the whole
 * content of the small ones (so an UPDATE shows too).
 */
export function adminSnapshot(db) {
  const counts = sql(db, COUNTED.map((t) => `SELECT '${t}', count(*) FROM ${t}`)
    .join(' UNION ALL ')).trim();
  const content = sql(db, `
    SELECT 'settings', group_concat(key || '=' || value, '|')
      FROM (SELECT * FROM settings ORDER BY key);
    SELECT 'rounds', group_concat(id || ',' || name || ',' || opens_at || ',' || closes_at || ','
      || voucher_cents, '|') FROM (SELECT * FROM rounds ORDER BY id);
    SELECT 'users', group_concat(username || ',' || role || ',' || disabled || ',' || email || ','
      || password_hash, '|') FROM (SELECT * FROM users ORDER BY id);
    SELECT 'user_areas', group_concat(user_id || ',' || area_id, '|')
      FROM (SELECT * FROM user_areas ORDER BY user_id, area_id);
    SELECT 'areas', group_concat(id || ',' || name || ',' || venue_name || ',' || director_name,
      '|') FROM (SELECT * FROM areas ORDER BY id);
    SELECT 'households', sum(id * length(street || city || area_id)) FROM households;
    SELECT 'vouchers', sum(id * (voided_at IS NULL)) FROM vouchers;
    SELECT 'initiatives', group_concat(id || ',' || state || ',' || raised_cents, '|')
      FROM (SELECT * FROM initiatives ORDER BY id);`).trim();
  return `${counts}\n${content}`;
}
