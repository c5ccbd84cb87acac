import { parseDuration, parseEncryptionKey, parseEnv } from './env.schema';

describe('configuration', () => {
  it('applies the documented defaults', () => {
    const env = parseEnv({});
    expect(env).toMatchObject({
      VAULTWATCH_DATA_DIR: './data',
      QUEUE_BACKEND: 'postgres',
      QUEUE_PREFIX: 'vaultwatch',
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

  it('leaves the database to the embedded server and the queues to PostgreSQL without URLs', () => {
    const env = parseEnv({ DATABASE_URL: ' ', REDIS_URL: '' });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.REDIS_URL).toBeUndefined();
    expect(env.QUEUE_BACKEND).toBe('postgres');
  });

  it('puts the queues on Redis when REDIS_URL is set, unless told otherwise', () => {
    expect(parseEnv({ REDIS_URL: 'redis://cache:6380' })).toMatchObject({
      QUEUE_BACKEND: 'redis',
      REDIS_URL: 'redis://cache:6380',
    });
    expect(parseEnv({ QUEUE_BACKEND: 'redis' }).REDIS_URL).toBe('redis://127.0.0.1:6379');
    const postgres = parseEnv({ REDIS_URL: 'redis://cache:6380', QUEUE_BACKEND: 'postgres' });
    expect(postgres).toMatchObject({ QUEUE_BACKEND: 'postgres', REDIS_URL: undefined });
  });

  it('names the queue schema from QUEUE_PREFIX only when it is a plain identifier', () => {
    expect(() => parseEnv({ QUEUE_PREFIX: '{vaultwatch}' })).toThrow(
      /QUEUE_PREFIX: must be a lower-case identifier/,
    );
    // Redis takes any key prefix, hash tags for Redis Cluster included.
    expect(parseEnv({ QUEUE_PREFIX: '{vaultwatch}', QUEUE_BACKEND: 'redis' }).QUEUE_PREFIX).toBe(
      '{vaultwatch}',
    );
    expect(() => parseEnv({ QUEUE_BACKEND: 'kafka' })).toThrow(/QUEUE_BACKEND/);
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

  it('takes a 32-byte sources encryption key in hex or base64, and nothing else', () => {
    const key = Buffer.alloc(32, 7);
    expect(parseEncryptionKey(key.toString('hex'))).toEqual(key);
    expect(parseEncryptionKey(key.toString('base64'))).toEqual(key);
    expect(parseEncryptionKey(Buffer.alloc(16).toString('base64'))).toBeNull();
    expect(parseEncryptionKey('correct horse battery staple')).toBeNull();
    expect(() => parseEnv({ SOURCES_ENCRYPTION_KEY: 'not-a-key' })).toThrow(
      /SOURCES_ENCRYPTION_KEY: must be 32 bytes/,
    );
    expect(() => parseEnv({ SOURCES_ENCRYPTION_KEY: 'not-a-key' })).not.toThrow(/not-a-key/);
  });
});
