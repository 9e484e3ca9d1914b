// The FastCGI front behind nginx refuses what the built-in server refuses, the same way
// (431 past 64 headers or 16 KiB of them, 413 past the body limit), with the security
// headers, a Dutch page and a log line.
import { after, before, describe } from 'node:test';
import { defineRefusalTests } from '../lib/front.mjs';
import { makeDemoDb, removeDb, startNginxFcgi } from '../lib/server.mjs';

let front;
let db;

before(async () => {
  db = await makeDemoDb();
  front = await startNginxFcgi({ db });
});

after(async () => {
  await front?.stop();
  if (db) await removeDb(db);
});

describe('refusals under nginx and FastCGI', () => {
  defineRefusalTests(() => front.port, () => front.output());
});
