import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateEnvironment } from './app-config';
import { keptSecret, QAMQOR_DISABLED_WARNING, resolveRuntime } from './resolve-runtime';

const secret = 'x'.repeat(40);

describe('resolveRuntime: the qamqor intake secret', () => {
  it('warns once at start-up when an external database runs without QAMQOR_HMAC_SECRET', async () => {
    const info: string[] = [];
    const warnings: string[] = [];
    const env = validateEnvironment({ DATABASE_URL: 'postgres://h/db', JWT_SECRET: secret });
    const { runtime, embedded } = await resolveRuntime(
      env,
      (m) => info.push(m),
      (m) => warnings.push(m),
    );
    expect(embedded).toBeNull();
    expect(runtime.env.QAMQOR_HMAC_SECRET).toBeUndefined();
    expect(warnings).toEqual([QAMQOR_DISABLED_WARNING]);
    expect(QAMQOR_DISABLED_WARNING).toBe('qamqor intake disabled: set QAMQOR_HMAC_SECRET');
  });

  it('says nothing when the secret is set', async () => {
    const warnings: string[] = [];
    const env = validateEnvironment({
      DATABASE_URL: 'postgres://h/db',
      JWT_SECRET: secret,
      QAMQOR_HMAC_SECRET: 'q'.repeat(40),
    });
    await resolveRuntime(
      env,
      () => undefined,
      (m) => warnings.push(m),
    );
    expect(warnings).toEqual([]);
  });
});

describe('keptSecret (the embedded demo’s generated JWT and qamqor secrets)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kept-secret-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('generates a private secret once, says where it is, and reads it back on the next start', () => {
    const log: string[] = [];
    const first = keptSecret(dir, 'qamqor-hmac-secret', 'QAMQOR_HMAC_SECRET', (m) => log.push(m));
    const path = join(dir, 'qamqor-hmac-secret');
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(path, 'utf8')).toBe(first);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(log).toEqual([`QAMQOR_HMAC_SECRET is not set: generated one and kept it in ${path}`]);
    expect(log.join('\n')).not.toContain(first);

    const again = keptSecret(dir, 'qamqor-hmac-secret', 'QAMQOR_HMAC_SECRET', (m) => log.push(m));
    expect(again).toBe(first);
    expect(log).toHaveLength(1);
    expect(keptSecret(dir, 'jwt-secret', 'JWT_SECRET', () => undefined)).not.toBe(first);
  });
});
