// What both fronts must do alike, as assertions any suite can run against a port: keep-alive,
// and the refusals a front answers before any page (431, 400, 413) through the same exit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { checkSecurityHeaders } from './pages.mjs';
import { rawRequest } from './server.mjs';

/** Parses one response at the start of buf: {status, headers, end} or null when incomplete. */
function parseOne(buf, isHead) {
  const headEnd = buf.indexOf('\r\n\r\n');
  if (headEnd < 0) return null;
  const lines = buf.subarray(0, headEnd).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0])?.[1]);
  const headers = {};
  for (const line of lines.slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  let len = 0;
  if (!isHead && status !== 304 && status !== 204) {
    assert.ok(headers['content-length'] !== undefined,
      `a keep-alive answer says its length: ${lines.join(' | ')}`);
    len = Number(headers['content-length']);
  }
  if (buf.length < headEnd + 4 + len) return null;
  return { status, headers, body: buf.subarray(headEnd + 4, headEnd + 4 + len).toString('utf8'),
    end: headEnd + 4 + len };
}

/**
 * Sends the requests one after the other on one TCP connection, each once the previous answer
 * is complete; resolves with the answers. Rejects when the server closes before all came.
 */
export function onOneSocket(port, requests, { timeoutMs = 10_000 } = {}) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const answers = [];
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`timed out after ${answers.length} of ${requests.length} answers`));
    }, timeoutMs);
    const sendNext = () => socket.write(requests[answers.length]);
    socket.on('connect', sendNext);
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const isHead = /^HEAD /.test(requests[answers.length] ?? '');
        const one = parseOne(buf, isHead);
        if (!one) return;
        answers.push(one);
        buf = buf.subarray(one.end);
        if (answers.length === requests.length) {
          clearTimeout(timer);
          socket.destroy();
          resolve(answers);
          return;
        }
        sendNext();
      }
    });
    const closed = () => {
      if (answers.length === requests.length) return;
      clearTimeout(timer);
      reject(new Error(`the server closed the connection after ${answers.length} of ` +
        `${requests.length} answers`));
    };
    socket.on('end', closed);
    socket.on('error', (err) => {
      clearTimeout(timer);
      if (answers.length < requests.length) reject(err);
    });
  });
}

function head(method, target, lines = [], { close = true, host = true } = {}) {
  return [`${method} ${target} HTTP/1.1`, ...(host ? ['Host: 127.0.0.1'] : []), ...lines,
    ...(close ? ['Connection: close'] : []), '', ''].join('\r\n');
}

/** `n` distinct extra header lines. */
export const manyHeaders = (n) => Array.from({ length: n }, (_, i) => `X-Extra-${i}: ${i}`);

/** A refusal answered by the front: the status, the security headers, a Dutch text, a type. */
export function checkRefusal(r, status, where) {
  assert.equal(r.status, status, `${where}: status`);
  checkSecurityHeaders(r.headers, where);
  assert.match(r.headers['content-type'] ?? '', /^text\/html; charset=utf-8$/,
    `${where}: Content-Type`);
  assert.match(r.body, /<p class="lead">[^<]{10,}<\/p>/, `${where}: a Dutch explanation`);
  assert.ok(/\bde\b|\bhet\b|\been\b|\bte\b/.test(r.body), `${where}: the text is Dutch`);
}

/**
 * The refusals both fronts answer alike. getPort() gives the port clients talk to; getLog()
 * the server's output so far (for the log line of a refusal).
 */
export function defineRefusalTests(getPort, getLog) {
  const raw = (text, opts) => rawRequest(getPort(), text, opts);

  test('64 headers are fine, 65 are refused with 431 through the common exit', async () => {
    // Host and Connection count too: 62 extra lines make 64.
    const ok = await raw(head('GET', '/healthz', manyHeaders(62)));
    assert.equal(ok.status, 200, '64 headers are within the limit');
    const r = await raw(head('GET', '/?te-veel-headers', manyHeaders(63)));
    checkRefusal(r, 431, '65 headers');
    assert.match(r.body, /headers/i);
  });

  test('headers larger than 16 KiB together → 431 through the common exit', async () => {
    const big = Array.from({ length: 5 }, (_, i) => `X-Big-${i}: ${'b'.repeat(4000)}`);
    const r = await raw(head('GET', '/', big));
    checkRefusal(r, 431, '20 KB of headers');
  });

  test('a refusal is logged like any request', async () => {
    await raw(head('GET', '/log-mij', manyHeaders(70)));
    await new Promise((res) => setTimeout(res, 100));
    assert.match(getLog(), /GET \/log-mij 431 /, 'one log line for the refusal');
  });

  test('HEAD of a refusal: the headers without a body', async () => {
    const r = await raw(head('HEAD', '/', manyHeaders(70)));
    assert.equal(r.status, 431);
    checkSecurityHeaders(r.headers, 'HEAD 431');
    assert.equal(r.bodyBytes.length, 0);
  });

  test('a body past the limit → 413 with the security headers and a Dutch page', async () => {
    const size = 11 * 1024 * 1024;
    const r = await raw(head('POST', '/doneren', ['Content-Type: application/octet-stream',
      `Content-Length: ${size}`]), { extra: Buffer.alloc(size, 0x61) });
    checkRefusal(r, 413, 'POST 11 MiB');
  });
}

/** Keep-alive: two requests on one socket, for each method. */
export function defineKeepAliveTests(getPort) {
  for (const method of ['GET', 'HEAD']) {
    test(`${method}: a second request on the same socket is answered`, async () => {
      const one = head(method, '/healthz', [], { close: false });
      const [a, b] = await onOneSocket(getPort(), [one, head(method, '/initiatieven', [],
        { close: false })]);
      assert.equal(a.status, 200);
      assert.notEqual((a.headers.connection ?? '').toLowerCase(), 'close',
        `${method} keeps the connection open`);
      assert.equal(b.status, 200, 'the second request gets its own answer');
      if (method === 'GET') assert.match(b.body, /<h1>/);
    });
  }

  test('POST: a second request on the same socket is answered', async () => {
    const body = 'code=ABCD';
    const post = head('POST', '/doneren', ['Content-Type: application/x-www-form-urlencoded',
      `Content-Length: ${body.length}`], { close: false }) + body;
    const [a, b, c] = await onOneSocket(getPort(), [post, post,
      head('GET', '/healthz', [], { close: false })]);
    assert.equal(a.status, 403, 'no CSRF token: refused, but answered');
    assert.equal(b.status, 403);
    assert.equal(c.status, 200);
    assert.equal(c.body.trim(), 'ok');
  });
}

/**
 * `workers` loops confirming donations of the next code until the codes run out or the server
 * is gone (a refused connection, or nginx's 502 once the backend has stopped). Resolves with
 * {acked: Map code → receipt address, statuses: {status: count}, refused, lost: [messages]}:
 * `lost` are requests that reached the server and got no answer (a reset, a hang-up).
 */
export async function donationStorm(s, codes, initiative, { workers = 16 } = {}) {
  const acked = new Map();
  const statuses = {};
  const lost = [];
  let refused = 0;
  let next = 0;
  let gone = false;
  const worker = async () => {
    while (!gone && next < codes.length) {
      const code = codes[next++];
      let res;
      try {
        res = await s.post('/doneren/bevestigen', { code, initiatief: initiative });
      } catch (err) {
        // Refused at connect (never accepted, no byte sent): a connection still in the
        // listen queue when the server closes it is reset, not refused, but was never taken.
        if (err.code === 'ECONNREFUSED' || err.code === 'ENOENT' ||
            (err.syscall === 'connect' && err.code === 'ECONNRESET')) refused++;
        else lost.push(`${code}: ${err.code ?? ''} ${err.message}`);
        gone = true;
        return;
      }
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      if (res.status === 303) acked.set(code, res.headers.get('location'));
      if (res.status === 502) gone = true;
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  return { acked, statuses, refused, lost };
}
