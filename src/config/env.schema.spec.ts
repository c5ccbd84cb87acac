import { parseDuration, parseEnv } from './env.schema';

describe('configuration', () => {
  it('applies the documented defaults', () => {
    const env = parseEnv({});
    expect(env).toMatchObject({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/vaultwatch',
      REDIS_URL: 'redis://127.0.0.1:6379',
      PORT: 3000,
      APP_ROLE: 'all',
      OP_EVENTS_POLL_INTERVAL: 10,
      OP_CONNECT_POLL_INTERVAL: 10,
      ALERT_HORIZON: 3_600_000,
      REJECTED_EVENTS_RETENTION: 30 * 86_400_000,
      SLACK_API_URL: 'https://slack.com/api/',
      PUBLIC_URL: 'http://localhost:3000',
      ALLOW_PRIVATE_DESTINATIONS: false,
      NOTIFY_SWEEP_AFTER: 120_000,
    });
  });

  it('allows private destinations only when told so in words', () => {
    expect(parseEnv({ ALLOW_PRIVATE_DESTINATIONS: 'true' }).ALLOW_PRIVATE_DESTINATIONS).toBe(true);
    expect(parseEnv({ ALLOW_PRIVATE_DESTINATIONS: 'false' }).ALLOW_PRIVATE_DESTINATIONS).toBe(
      false,
    );
    expect(() => parseEnv({ ALLOW_PRIVATE_DESTINATIONS: 'yes' })).toThrow(
      /ALLOW_PRIVATE_DESTINATIONS: must be true or false/,
    );
  });

  it('treats blank values as unset', () => {
    expect(parseEnv({ OP_EVENTS_API_TOKEN: '', PORT: ' ' })).toMatchObject({ PORT: 3000 });
    expect(parseEnv({ OP_EVENTS_API_TOKEN: '' }).OP_EVENTS_API_TOKEN).toBeUndefined();
  });

  it('stops with one readable line per bad variable', () => {
    expect(() =>
      parseEnv({
        APP_ROLE: 'everything',
        PORT: 'eighty',
        ALERT_HORIZON: 'soon',
        DATABASE_URL: 'mysql://x/y',
      }),
    ).toThrow(
      /Invalid configuration:\n {2}DATABASE_URL: must be a postgres:\/\/ URL\n {2}PORT: .*\n {2}APP_ROLE: .*\n {2}ALERT_HORIZON: must be a duration/,
    );
  });

  it('reads the retention of rejected objects as a duration', () => {
    expect(parseEnv({ REJECTED_EVENTS_RETENTION: '7d' }).REJECTED_EVENTS_RETENTION).toBe(
      604_800_000,
    );
    expect(() => parseEnv({ REJECTED_EVENTS_RETENTION: 'forever' })).toThrow(
      /REJECTED_EVENTS_RETENTION: must be a duration/,
    );
  });

  it('reads durations', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('7d')).toBe(604_800_000);
    expect(parseDuration('1 hour')).toBeNull();
  });
});
