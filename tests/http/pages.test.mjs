// The public pages through the built-in HTTP server.
import { after, before } from 'node:test';
import { definePageTests } from '../lib/pages.mjs';
import { makeDemoDb, removeDb, startServe } from '../lib/server.mjs';

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

definePageTests(() => server.base);
