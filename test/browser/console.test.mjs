// The console in a real browser: Debian's Chromium driven by playwright-core against the built
// app (`npm run build` first) on a fresh database of DATABASE_URL's server, with the demo seed.
// Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run test:browser
// (without DATABASE_URL the test starts the embedded PostgreSQL of dist/libs in a temporary folder).
// Screenshots go to docs/screenshots/ (committed; the README shows them).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { chromium } from 'playwright-core';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SHOTS = join(ROOT, 'docs', 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PASSWORD = 'Browser-Test-Password-2026';
const VIEWPORT = { width: 1366, height: 768 };
// Yesil district of Astana: the call and the crews' positions are a few hundred metres apart.
const CALL_AT = { lat: 51.1282, lon: 71.4304 };

let server;
let serverLog = '';
let base;
let browser;
let adminUrl;
let dbName;
let dataDir;
let embedded;

async function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function withAdmin(sql) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function api(method, path, { token, body, expect = [200, 201] } = {}) {
  const send = () =>
    fetch(`${base}/api/v1${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  let res = await send();
  let text = await res.text();
  // The service computes one report per user at a time; the page, signed in as the same user,
  // may be computing one: wait for it, as a client honouring the 429 would.
  for (let i = 0; i < 60 && res.status === 429 && text.includes('REPORT_IN_PROGRESS'); i += 1) {
    await sleep(250);
    res = await send();
    text = await res.text();
  }
  if (!expect.includes(res.status))
    throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
  const type = res.headers.get('content-type') ?? '';
  return type.includes('json') ? JSON.parse(text) : text;
}

async function login(username) {
  const res = await api('POST', '/auth/login', { body: { username, password: PASSWORD } });
  return res.accessToken;
}

function startServer(port, databaseUrl) {
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'main.js')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      // Generated keys and signed checkpoints stay out of the checkout.
      DATA_DIR: join(dataDir, 'app'),
      DATABASE_URL: databaseUrl,
      JWT_SECRET: randomBytes(32).toString('hex'),
      SEED_DEMO: 'true',
      DEMO_PASSWORD: PASSWORD,
      LOG_LEVEL: 'warn',
      SSE_HEARTBEAT_SECONDS: '5',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk) => {
    serverLog = (serverLog + chunk.toString()).slice(-20_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  return child;
}

async function waitReady() {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`app exited ${server.exitCode}:\n${serverLog}`);
    try {
      // The seed runs after the routes are up: wait until a demo user can log in.
      const res = await fetch(`${base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'prosecutor', password: PASSWORD }),
      });
      if (res.status === 200) return;
    } catch {
      /* not listening yet */
    }
    await sleep(250);
  }
  throw new Error(`app did not become ready in 60 s:\n${serverLog}`);
}

async function newPage(locale = 'en-GB') {
  const context = await browser.newContext({
    viewport: VIEWPORT,
    locale,
    timezoneId: 'Asia/Almaty',
  });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // A refused CSP or a failed script shows up here; a 4xx of the API the page handles does not.
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text()))
      problems.push(`console: ${m.text()}`);
  });
  return { context, page, problems };
}

async function signIn(page, username) {
  await page.goto(`${base}/console/`);
  await page.getByLabel(/^(Username|Имя пользователя)$/).fill(username);
  await page.getByLabel(/^(Password|Пароль)$/).fill(PASSWORD);
  // By keyboard: Enter submits the form.
  await page.getByLabel(/^(Password|Пароль)$/).press('Enter');
}

async function storageReport(page) {
  return page.evaluate(async () => ({
    local: Object.keys(localStorage),
    session: Object.keys(sessionStorage),
    cookie: document.cookie,
    idb: indexedDB.databases ? (await indexedDB.databases()).map((d) => d.name) : [],
  }));
}

/** Counts the canvas's painted pixels: a chart that drew nothing has none. */
async function paintedPixels(page, selector) {
  return page.evaluate((sel) => {
    const canvas = document.querySelector(sel);
    if (!canvas) return -1;
    const ctx = canvas.getContext('2d');
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let painted = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) painted++;
    return painted;
  }, selector);
}

before(async () => {
  assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
  assert.ok(
    existsSync(join(ROOT, 'dist', 'console', 'index.html')),
    'the console is not built: run `npm run build` first',
  );
  mkdirSync(SHOTS, { recursive: true });
  // A temporary folder for the app's DATA_DIR (and the embedded PostgreSQL, if used); the
  // embedded server runs as the `postgres` OS user, who must be able to enter it.
  dataDir = mkdtempSync(join(tmpdir(), 'console-browser-'));
  chmodSync(dataDir, 0o755);
  if (process.env.DATABASE_URL) {
    const admin = new URL(process.env.DATABASE_URL);
    admin.pathname = '/postgres';
    adminUrl = admin.toString();
  } else {
    const persistence = await import(join(ROOT, 'dist', 'libs', 'persistence', 'src', 'index.js'));
    const start = persistence.startEmbeddedPostgres ?? persistence.default.startEmbeddedPostgres;
    embedded = await start(join(dataDir, 'pg'), () => undefined);
    adminUrl = embedded.url;
  }
  dbName = `console_browser_test_${Date.now()}_${randomBytes(3).toString('hex')}`;
  await withAdmin(`CREATE DATABASE "${dbName}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  const dbUrl = url.toString();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = startServer(port, dbUrl);
  await waitReady();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

after(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await Promise.race([exited, sleep(15_000)]);
    if (server.exitCode === null) server.kill('SIGKILL');
  }
  if (dbName && !process.env.KEEP_TEST_DATABASE)
    await withAdmin(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  await embedded?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('dispatch board', () => {
  let dispatcherToken;
  let yesil;
  let almaly;
  let crews;

  before(async () => {
    dispatcherToken = await login('dispatcher');
    const districts = await api('GET', '/districts', { token: dispatcherToken });
    yesil = districts.find((d) => d.code === 'AST-YESIL');
    almaly = districts.find((d) => d.code === 'ALA-ALMALY');
    assert.ok(yesil, 'the demo has the AST-YESIL district');
    crews = await api('GET', `/units?districtId=${yesil.id}`, { token: dispatcherToken });
    assert.ok(crews.length >= 2, 'the demo seeds two crews per district');
  });

  it('logs in, sees a coded call arrive live, assigns a crew and moves it through its steps', async () => {
    const { context, page, problems } = await newPage('en-GB');
    try {
      await signIn(page, 'dispatcher');
      await page.getByRole('heading', { name: /^Queue/ }).waitFor();
      const stream = page.getByTestId('stream');
      await page.waitForSelector('[data-testid="stream"][data-state="live"]');
      assert.match(await stream.innerText(), /Live/);
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');

      // The crews report their positions (as their terminals would): the page hears it live.
      for (const [i, crew] of crews.entries())
        await api('POST', `/units/${crew.id}/location`, {
          token: dispatcherToken,
          body: { lat: CALL_AT.lat + 0.002 * (i + 1), lon: CALL_AT.lon },
        });

      // Calls already waiting: an ordinary one and one with injuries, in two cities.
      await api('POST', '/calls', {
        token: dispatcherToken,
        body: { districtId: almaly.id, address: 'ул. Толе би, 101', transcript: 'Соседи шумят' },
      });
      await api('POST', '/calls', {
        token: dispatcherToken,
        body: {
          districtId: yesil.id,
          address: 'ул. Сыганак, 18',
          risk: { injuries: true, alcoholOrDrugs: true },
        },
      });
      await page.locator('section.queue tbody tr').nth(1).waitFor();

      // A coded call comes in on another console.
      const call = await api('POST', '/calls', {
        token: dispatcherToken,
        body: {
          districtId: yesil.id,
          address: 'пр. Мангилик Ел, 55, кв. 12',
          ...CALL_AT,
          coded: true,
          transcript: 'Вам привезли маски и антисептики?',
        },
      });
      assert.equal(call.coded, true);
      assert.equal(call.contactPolicy, 'silent');
      const row = page.locator(`tr[data-incident="${call.incidentId}"]`);
      const arrivedAt = Date.now();
      await row.waitFor({ timeout: 10_000 });
      const liveMs = Date.now() - arrivedAt;
      // Without a reload: the page was never navigated again.
      assert.equal(await page.evaluate(() => performance.getEntriesByType('navigation').length), 1);
      assert.match(await row.innerText(), /SILENT/);
      assert.match(await row.innerText(), /Do not call back/);
      assert.match(await row.innerText(), /P1/);
      assert.match(
        await page.getByTestId('announcer').innerText(),
        /New coded call \(silent\): P1/,
      );
      // P1 at the top of the queue.
      const firstPriority = await page
        .locator('section.queue tbody tr')
        .first()
        .locator('.prio')
        .innerText();
      assert.equal(firstPriority, 'P1');
      // The waiting time ticks.
      const wait1 = await row.locator('.ticking').innerText();
      await sleep(2100);
      const wait2 = await row.locator('.ticking').innerText();
      assert.notEqual(wait1, wait2, 'the waiting time moves');

      // Open it by keyboard, see the recommended crews.
      await row.getByRole('button', { name: /^Open/ }).focus();
      await page.keyboard.press('Enter');
      const panel = page.getByTestId('incident-panel');
      await panel.locator('table.recs tbody tr').first().waitFor();
      const nearest = crews[0];
      const firstRec = panel.locator('table.recs tbody tr').first();
      assert.match(await firstRec.innerText(), new RegExp(nearest.callSign));
      await page.screenshot({ path: join(SHOTS, 'dispatch-board.png') });

      await firstRec.getByRole('button', { name: /^Assign/ }).click();
      // It leaves the queue, and the crew is dispatched.
      await row.waitFor({ state: 'detached', timeout: 10_000 });
      const crewRow = page.locator(`section.crews tr[data-unit="${nearest.id}"]`);
      await crewRow.getByText('dispatched').waitFor();
      const queue = await api('GET', `/dispatch/queue?districtId=${yesil.id}`, {
        token: dispatcherToken,
      });
      assert.ok(
        !queue.some((q) => q.incidentId === call.incidentId),
        'the API no longer queues it',
      );

      for (const [button, state] of [
        ['En route', 'en route'],
        ['On scene', 'on scene'],
        ['Cleared', 'available'],
      ]) {
        await crewRow.getByRole('button', { name: new RegExp(`^${button}`) }).click();
        await crewRow.locator('.state', { hasText: state }).waitFor();
      }
      const units = await api('GET', `/units?districtId=${yesil.id}`, { token: dispatcherToken });
      assert.equal(units.find((u) => u.id === nearest.id).status, 'available');
      const incident = await api('GET', `/incidents/${call.incidentId}`, {
        token: dispatcherToken,
      });
      const types = incident.timeline.map((e) => e.type).join(' ');
      for (const step of ['Assigned', 'EnRoute', 'OnScene', 'Cleared'])
        assert.match(types, new RegExp(step, 'i'), `the incident's timeline records ${step}`);

      // Nothing personal in the browser's storage: the token in this tab's session only.
      const stored = await storageReport(page);
      assert.deepEqual(stored.local, []);
      assert.deepEqual(stored.idb, []);
      assert.equal(stored.cookie, '');
      assert.deepEqual(
        stored.session.sort(),
        ['qorgau.lang', 'qorgau.token'].filter((k) => stored.session.includes(k)),
      );
      assert.ok(stored.session.includes('qorgau.token'));

      // Logging out clears it.
      await page.getByRole('button', { name: 'Log out' }).click();
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      assert.ok(!(await storageReport(page)).session.includes('qorgau.token'));
      assert.deepEqual(problems, []);
      process.stdout.write(`# coded call on the board ${liveMs} ms after POST /calls answered\n`);
    } finally {
      await context.close();
    }
  });

  it('says when the stream is lost, and re-reads the queue when it is back', async () => {
    const { context, page, problems } = await newPage('ru-RU');
    try {
      await signIn(page, 'supervisor');
      await page.waitForSelector('[data-testid="stream"][data-state="live"]');
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'ru');
      await page.getByRole('heading', { name: /^Очередь/ }).waitFor();

      // The server cuts the page's stream: the same user opens more streams than an instance
      // keeps per user (SSE_MAX_STREAMS_PER_USER, 5), so the oldest, the page's, is closed.
      const supervisorToken = await login('supervisor');
      const others = new AbortController();
      for (let i = 0; i < 5; i++) {
        const res = await fetch(`${base}/api/v1/dispatch/stream`, {
          headers: { authorization: `Bearer ${supervisorToken}` },
          signal: others.signal,
        });
        assert.equal(res.status, 200);
        void res.body.pipeTo(new WritableStream()).catch(() => undefined);
      }
      await page.waitForSelector('[data-testid="stream"][data-state="lost"]', { timeout: 10_000 });
      assert.match(await page.getByTestId('stream').innerText(), /Поток событий потерян/);
      // A call arrives while the page hears nothing: only a re-read can show it.
      const call = await api('POST', '/calls', {
        token: dispatcherToken,
        body: { districtId: yesil.id, address: 'ул. Кенесары, 4', ...CALL_AT, coded: true },
      });
      others.abort();
      await page.waitForSelector('[data-testid="stream"][data-state="live"]', { timeout: 30_000 });
      await page.locator(`tr[data-incident="${call.incidentId}"]`).waitFor({ timeout: 10_000 });
      assert.match(await page.getByTestId('stream').innerText(), /очередь перечитана/);
      assert.match(
        await page.locator(`tr[data-incident="${call.incidentId}"]`).innerText(),
        /ТИХИЙ/,
      );
      await page.screenshot({ path: join(SHOTS, 'dispatch-board-ru.png') });

      // The server's own `resync`: its LISTEN connection to PostgreSQL is cut, so what commits
      // meanwhile is not announced; once it listens again it tells every console to re-read.
      const stream = page.getByTestId('stream');
      const resyncs = Number(await stream.getAttribute('data-resyncs'));
      await withAdmin(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE datname = '${dbName}' AND application_name = 'qorgau-dispatch-live'`,
      );
      const unheard = await api('POST', '/calls', {
        token: dispatcherToken,
        body: { districtId: yesil.id, address: 'ул. Бейбитшилик, 9', ...CALL_AT },
      });
      await page.waitForFunction(
        (n) => Number(document.querySelector('[data-testid="stream"]').dataset.resyncs) > n,
        resyncs,
        { timeout: 15_000 },
      );
      await page.locator(`tr[data-incident="${unheard.incidentId}"]`).waitFor({ timeout: 10_000 });
      assert.equal(await stream.getAttribute('data-state'), 'live');

      // Kazakh where the words exist, Russian where they do not yet.
      await page.getByRole('combobox', { name: /^Язык/ }).selectOption('kk');
      await page.getByRole('heading', { name: /^Кезек/ }).waitFor();
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'kk');
      assert.match(
        await page.locator(`tr[data-incident="${call.incidentId}"]`).innerText(),
        /ҮНСІЗ/,
      );
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  it('has no page for an inspector, and the role cannot read the queue', async () => {
    const { context, page } = await newPage('en-GB');
    try {
      await signIn(page, 'inspector');
      await page.getByText('The console has no page for the role').waitFor();
      assert.equal(await page.locator('section.queue').count(), 0);
    } finally {
      await context.close();
    }
  });
});

describe("prosecutor's dashboard", () => {
  let dispatcherToken;
  let prosecutorToken;
  let yesil;

  before(async () => {
    dispatcherToken = await login('dispatcher');
    prosecutorToken = await login('prosecutor');
    const districts = await api('GET', '/districts', { token: dispatcherToken });
    yesil = districts.find((d) => d.code === 'AST-YESIL');
    // Calls of the last two hours that a crew reached, entered with their real times (as a
    // centre does after an outage): one within the 15-minute target, two past it.
    const crews = await api('GET', `/units?districtId=${yesil.id}`, { token: dispatcherToken });
    const crew = crews.find((c) => c.callSign.endsWith('-02'));
    const ago = (minutes) => new Date(Date.now() - minutes * 60_000).toISOString();
    const reason = { backdateReason: 'entered after a radio outage' };
    const timeline = [
      { received: 120, assigned: 118, enRoute: 117, onScene: 108, cleared: 100, coded: true },
      { received: 95, assigned: 92, enRoute: 91, onScene: 70, cleared: 66, coded: true },
      {
        received: 60,
        assigned: 56,
        enRoute: 55,
        onScene: 33,
        cleared: 28,
        risk: { injuries: true },
      },
      { received: 25, assigned: 24, enRoute: 23.5, onScene: 15, cleared: 10, coded: true },
    ];
    for (const [i, c] of timeline.entries()) {
      const call = await api('POST', '/calls', {
        token: dispatcherToken,
        body: {
          districtId: yesil.id,
          address: `ул. Достык, ${i + 1}`,
          ...CALL_AT,
          receivedAt: ago(c.received),
          answeredAt: ago(c.received - 0.2),
          ...(c.coded ? { coded: true } : { risk: c.risk }),
        },
      });
      const { assignmentId } = await api('POST', `/incidents/${call.incidentId}/assignments`, {
        token: dispatcherToken,
        body: { unitId: crew.id, at: ago(c.assigned), ...reason },
      });
      for (const [status, at] of [
        ['en_route', c.enRoute],
        ['on_scene', c.onScene],
        ['cleared', c.cleared],
      ])
        await api('POST', `/assignments/${assignmentId}/status`, {
          token: dispatcherToken,
          body: { status, at: ago(at), ...reason },
        });
    }
  });

  it('shows the response times of the API in a chart, the breaches, compliance, the chain and the CSV', async () => {
    const { context, page, problems } = await newPage('en-GB');
    try {
      await signIn(page, 'prosecutor');
      await page.getByRole('heading', { name: 'Response times' }).waitFor();
      assert.equal(await page.locator('section.queue').count(), 0, 'read-only: no dispatch board');

      // Pick the period (the last 30 days, today included) and the district.
      const today = new Date().toLocaleDateString('en-CA', { timeZone: 'Asia/Almaty' });
      const from = new Date(Date.parse(`${today}T00:00:00Z`) - 29 * 86_400_000)
        .toISOString()
        .slice(0, 10);
      await page.getByLabel('From', { exact: true }).fill(from);
      await page.getByLabel('To', { exact: true }).fill(today);
      await page
        .locator('select[name="district"]')
        .selectOption({ label: `${yesil.region} · ${yesil.name}` });
      await page.getByRole('button', { name: 'Show' }).click();

      const q = new URLSearchParams({
        from: `${from}T00:00:00+05:00`,
        to: `${new Date(Date.parse(`${today}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)}T00:00:00+05:00`,
        districtId: yesil.id,
        groupBy: 'district,priority',
      });
      const report = await api('GET', `/audit/response-times?${q}`, { token: prosecutorToken });
      const measured = report.groups.filter((g) => g.count > 0);
      assert.ok(measured.length > 0, 'the report has the calls of this run');
      assert.ok(
        measured.some((g) => g.receivedToOnScene.count > 0),
        'a crew reached a call of this run',
      );

      // The chart's figures are the API's, group by group.
      const figures = page.locator('table[data-figures="percentiles"] tbody tr');
      await page.waitForFunction(
        (n) => document.querySelectorAll('table[data-figures="percentiles"] tbody tr').length === n,
        measured.length,
      );
      for (const [i, g] of measured.entries()) {
        const row = figures.nth(i);
        assert.equal(await row.locator('th').textContent(), `${g.districtName} · P${g.priority}`);
        const cells = await row
          .locator('td')
          .evaluateAll((tds) => tds.map((td) => td.dataset.value));
        const expected = [
          g.receivedToOnScene.p50,
          g.receivedToOnScene.p90,
          g.receivedToOnScene.p95,
        ];
        assert.deepEqual(
          cells.slice(0, 3),
          expected.map((v) => (v === null ? '' : String(v))),
          `p50/p90/p95 of ${g.districtName} P${g.priority}`,
        );
      }
      assert.ok(
        (await paintedPixels(page, 'figure[data-chart="percentiles"] canvas')) > 1000,
        'Chart.js drew the chart',
      );
      assert.ok((await paintedPixels(page, 'figure[data-chart="within-target"] canvas')) > 1000);

      // The breaches: the count the API gives.
      const breachCount = report.groups.reduce((n, g) => n + g.breachCount, 0);
      assert.equal(await page.locator('#breaches-title .count').innerText(), String(breachCount));

      // Deadline compliance: a row per row of the API.
      const compliance = await api(
        'GET',
        `/audit/deadline-compliance?${new URLSearchParams({ from: q.get('from'), to: q.get('to'), districtId: yesil.id })}`,
        { token: prosecutorToken },
      );
      const complianceRows = page.getByTestId('compliance').locator('tbody tr');
      if (compliance.rows.length === 0)
        await page.getByTestId('compliance').getByText('No data for this period.').waitFor();
      else assert.equal(await complianceRows.count(), compliance.rows.length);

      // Chain verification and the last checkpoint.
      await page.getByRole('button', { name: 'Verify the chain' }).click();
      const verdict = page.getByTestId('verdict');
      await verdict.waitFor({ timeout: 60_000 });
      assert.match(await verdict.innerText(), /^Intact: \d+ streams, \d+ events checked\.$/);
      const latest = await fetch(`${base}/api/v1/audit/checkpoints/latest?heads=false`, {
        headers: { authorization: `Bearer ${prosecutorToken}` },
      });
      if (latest.status === 200) {
        const checkpoint = await latest.json();
        await page.getByTestId('checkpoint').waitFor();
        assert.match(
          await page.getByTestId('checkpoint').innerText(),
          new RegExp(checkpoint.keyId),
        );
      } else {
        assert.equal(latest.status, 404);
        await page.getByText('No checkpoint yet.').waitFor();
      }

      await page.screenshot({ path: join(SHOTS, 'prosecutor-dashboard.png'), fullPage: true });

      // The CSV, downloaded with the token (no link could carry it).
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Download CSV' }).click(),
      ]);
      const csv = readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, '');
      const lines = csv.trim().split(/\r?\n/);
      assert.ok(lines.length >= 1 + measured.length, 'a header and a line per group');
      assert.match(download.suggestedFilename(), /^response-times_.*\.csv$/);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
