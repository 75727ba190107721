import { ConfigurationError, validateEnvironment } from './app-config';

const secret = 'x'.repeat(40);

describe('environment validation', () => {
  it('applies the defaults', () => {
    const env = validateEnvironment({});
    expect(env.PORT).toBe(3000);
    expect(env.LOG_LEVEL).toBe('info');
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.METRICS_HOST).toBe('0.0.0.0');
    expect(env.REPORT_CONCURRENCY).toBe(2);
    expect(env.REPORT_TIMEOUT_SECONDS).toBe(30);
    expect(validateEnvironment({ METRICS_HOST: '127.0.0.1' }).METRICS_HOST).toBe('127.0.0.1');
  });

  it.each([
    [{ PORT: 'abc' }, /^Configuration error: PORT .*\(got "abc"\)$/],
    [{ PORT: '70000' }, /^Configuration error: PORT /],
    [{ LOG_LEVEL: 'loud' }, /^Configuration error: LOG_LEVEL /],
    [{ DATABASE_URL: 'mysql://x/y', JWT_SECRET: secret }, /DATABASE_URL must start with postgres/],
    [{ DATABASE_URL: 'not a url', JWT_SECRET: secret }, /DATABASE_URL is not a valid URL/],
    [{ DATABASE_URL: 'postgres://h/db' }, /JWT_SECRET is required when DATABASE_URL is set/],
    [{ JWT_SECRET: 'short' }, /^Configuration error: JWT_SECRET must be at least 32 characters$/],
    [
      { DEMO_PASSWORD: 'demo' },
      /^Configuration error: DEMO_PASSWORD must be at least 12 characters$/,
    ],
    [{ TRUST_PROXY: 'maybe' }, /^Configuration error: TRUST_PROXY /],
    [{ METRICS_HOST: 'a host; rm' }, /^Configuration error: METRICS_HOST /],
    [{ REPORT_CONCURRENCY: '0' }, /^Configuration error: REPORT_CONCURRENCY /],
    [{ REPORT_TIMEOUT_SECONDS: 'soon' }, /^Configuration error: REPORT_TIMEOUT_SECONDS /],
  ])('stops on %j with one line naming the variable', (raw, message) => {
    let thrown: unknown;
    try {
      validateEnvironment(raw);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigurationError);
    const text = (thrown as Error).message;
    expect(text).toMatch(message);
    expect(text).not.toContain('\n');
  });

  it('takes an empty value as unset (what docker-compose passes for an unset ${X:-})', () => {
    const env = validateEnvironment({
      DATABASE_URL: 'postgres://u@h/db',
      JWT_SECRET: secret,
      QAMQOR_HMAC_SECRET: '',
      CHECKPOINT_SIGNING_KEY: '',
      METRICS_PORT: '',
    });
    expect(env.QAMQOR_HMAC_SECRET).toBeUndefined();
    expect(env.CHECKPOINT_SIGNING_KEY).toBeUndefined();
    expect(env.METRICS_PORT).toBeUndefined();
    expect(() =>
      validateEnvironment({ DATABASE_URL: 'postgres://u@h/db', JWT_SECRET: '' }),
    ).toThrow(/JWT_SECRET is required when DATABASE_URL is set/);
  });

  it('never echoes a secret value', () => {
    expect(() => validateEnvironment({ JWT_SECRET: 'hunter2-secret' })).toThrow(
      'Configuration error: JWT_SECRET must be at least 32 characters',
    );
    try {
      validateEnvironment({ JWT_SECRET: 'hunter2-secret' });
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2');
    }
  });

  it('accepts a complete external-database configuration', () => {
    const env = validateEnvironment({
      DATABASE_URL: 'postgresql://u@h:5432/db',
      JWT_SECRET: secret,
      PORT: '8080',
    });
    expect(env.PORT).toBe(8080);
  });
});
