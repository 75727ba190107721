// Preloaded into a benchmarked process (`node --import ./bench/count-statements.mjs app.js`):
// counts every statement sent through pg's Client#query (each one is a round trip) and writes
// the running total to $BENCH_COUNTER_FILE on SIGUSR2. No HTTP endpoint is added to the app.
// With BENCH_SQL_LOG=<file>, also appends each statement's text and parameters (JSON, one a line)
// to that file: how the pgbench replay of an endpoint is checked against what the app really sends.
import { appendFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import process from 'node:process';

const file = process.env.BENCH_COUNTER_FILE;
const sqlLog = process.env.BENCH_SQL_LOG;
// The app's own copy of pg (it may be another checkout than this bench's), from the CommonJS
// cache the app's require() uses.
const require = createRequire(join(process.cwd(), 'package.json'));
const pg = require('pg');
let count = 0;
const original = pg.Client.prototype.query;
pg.Client.prototype.query = function countedQuery(...args) {
  count += 1;
  if (sqlLog) {
    const [a, b] = args;
    const text = typeof a === 'string' ? a : a?.text;
    const values = typeof a === 'string' ? b : (a?.values ?? b);
    const name = typeof a === 'object' ? a?.name : undefined;
    appendFileSync(
      sqlLog,
      `${JSON.stringify({ pid: this.processID, name, text, values: Array.isArray(values) ? values : undefined })}\n`,
    );
  }
  return original.apply(this, args);
};
process.on('SIGUSR2', () => {
  if (file) writeFileSync(file, String(count));
});
