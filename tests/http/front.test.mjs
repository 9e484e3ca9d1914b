// The built-in HTTP server's own work, before and after the pages: keep-alive for every
// method, and the refusals it answers itself (431, 400, 413) through the one exit every
// response takes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkRefusal, defineKeepAliveTests, defineRefusalTests } from '../lib/front.mjs';
import { makeDemoDb, rawRequest, removeDb, startServe } from '../lib/server.mjs';

let server;
let db;

before(async () => {
  db = await makeDemoDb();
  server = await startServe({ db, threads: 2 });
});

after(async () => {
  await server?.stop();
  if (db) await removeDb(db);
});

describe('keep-alive under serve', () => {
  defineKeepAliveTests(() => server.port);
});

describe('refusals under serve', () => {
  defineRefusalTests(() => server.port, () => server.output());

  test('HTTP/1.1 without Host → 400 through the common exit', async () => {
    const r = await rawRequest(server.port, 'GET / HTTP/1.1\r\nConnection: close\r\n\r\n');
    checkRefusal(r, 400, 'no Host');
    assert.match(r.body, /Host/);
  });
});
