import { z } from 'zod';
import { loadSourcesFile } from './sources-file';

const DURATION = /^(\d+)(ms|s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses durations such as `90s`, `15m`, `1h`, `7d` into milliseconds. */
export function parseDuration(text: string): number | null {
  const match = DURATION.exec(text.trim());
  return match ? Number(match[1]) * UNIT_MS[match[2]] : null;
}

const blankAsUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

const optionalText = z.preprocess(blankAsUndefined, z.string().optional());
const optionalUrl = z.preprocess(blankAsUndefined, z.url().optional());
const seconds = (fallback: number) =>
  z.preprocess(blankAsUndefined, z.coerce.number().positive().max(86_400).default(fallback));
const duration = (fallback: string) =>
  z.preprocess(blankAsUndefined, z.string().default(fallback)).transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === null) {
      ctx.addIssue({ code: 'custom', message: 'must be a duration such as 90s, 15m, 1h or 7d' });
      return z.NEVER;
    }
    return ms;
  });

/** A 32-byte key from 64 hex digits or base64; null when it is neither. */
export function parseEncryptionKey(text: string): Buffer | null {
  const trimmed = text.trim();
  if (/^[0-9a-f]{64}$/i.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (!/^[A-Za-z0-9+/_-]{42,44}={0,2}$/.test(trimmed)) return null;
  const bytes = Buffer.from(trimmed, 'base64');
  return bytes.length === 32 ? bytes : null;
}

/** Every environment variable vaultwatch reads, with its default. Checked once at start-up. */
export const envSchema = z.object({
  // Unset: vaultwatch starts an embedded PostgreSQL with its data in VAULTWATCH_DATA_DIR.
  DATABASE_URL: z
    .preprocess(blankAsUndefined, z.url().optional())
    .refine(
      (url) => url === undefined || /^postgres(ql)?:\/\//.test(url),
      'must be a postgres:// URL',
    ),
  VAULTWATCH_DATA_DIR: z.preprocess(blankAsUndefined, z.string().default('./data')),
  REDIS_URL: z
    .preprocess(blankAsUndefined, z.url().optional())
    .refine((url) => url === undefined || /^rediss?:\/\//.test(url), 'must be a redis:// URL'),
  // Unset: redis when REDIS_URL is set, else BullMQ's PostgreSQL backend on DATABASE_URL.
  QUEUE_BACKEND: z.preprocess(blankAsUndefined, z.enum(['redis', 'postgres']).optional()),
  QUEUE_PREFIX: z.preprocess(blankAsUndefined, z.string().default('vaultwatch')),
  PORT: z.preprocess(blankAsUndefined, z.coerce.number().int().min(0).max(65_535).default(3000)),
  APP_ROLE: z.preprocess(
    blankAsUndefined,
    z.enum(['all', 'api', 'ingest', 'worker']).default('all'),
  ),
  LOG_LEVEL: z.preprocess(
    blankAsUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
  ADMIN_API_KEY: z.preprocess(blankAsUndefined, z.string().min(16).optional()),
  PUBLIC_URL: z.preprocess(blankAsUndefined, z.url().default('http://localhost:3000')),
  BODY_LIMIT: z.preprocess(blankAsUndefined, z.string().default('10mb')),

  OP_EVENTS_API_TOKEN: optionalText,
  OP_EVENTS_API_URL: optionalUrl,
  OP_EVENTS_POLL_INTERVAL: seconds(10),
  // The Events API allows 600 requests a minute per token; raise only against another server.
  OP_EVENTS_MAX_REQUESTS_PER_MINUTE: z.preprocess(
    blankAsUndefined,
    z.coerce.number().int().positive().default(600),
  ),
  OP_EVENTS_START_TIME: z.preprocess(blankAsUndefined, z.iso.datetime({ offset: true }).optional()),
  OP_CONNECT_URL: optionalUrl,
  OP_CONNECT_TOKEN: optionalText,
  OP_CONNECT_POLL_INTERVAL: seconds(10),
  // More named sources (Events API accounts, Connect servers): a YAML or JSON file.
  SOURCES_FILE: optionalText,
  // Encrypts the tokens of sources created over the API: 32 bytes, base64 or hex.
  SOURCES_ENCRYPTION_KEY: z
    .preprocess(blankAsUndefined, z.string().optional())
    .refine(
      (key) => key === undefined || parseEncryptionKey(key) !== null,
      'must be 32 bytes written as 64 hex digits or in base64 (openssl rand -base64 32)',
    ),
  // How often an ingest process looks for sources created, changed or deleted over the API.
  SOURCES_RECONCILE_INTERVAL: seconds(10),
  // A request to a 1Password service that takes longer (answer included) is retried.
  OP_REQUEST_TIMEOUT: seconds(30),
  DETECT_SWEEP_AFTER: duration('5m'),
  ALERT_HORIZON: duration('1h'),
  // Incident changes never routed, and deliveries whose queue job is gone (lost with Redis),
  // are picked up again after this long.
  NOTIFY_SWEEP_AFTER: duration('2m'),
  REJECTED_EVENTS_RETENTION: duration('30d'),

  SLACK_BOT_TOKEN: optionalText,
  SLACK_CHANNEL: optionalText,
  SLACK_API_URL: z.preprocess(blankAsUndefined, z.url().default('https://slack.com/api/')),
  SLACK_SIGNING_SECRET: optionalText,
  SMTP_URL: optionalUrl,
  ALERT_EMAIL_FROM: optionalText,
  ALERT_EMAIL_TO: optionalText,
  // Webhook, Slack and SMTP destinations on loopback, private or link-local addresses are
  // refused unless this is true (a relay on the LAN, the demo, tests).
  ALLOW_PRIVATE_DESTINATIONS: z.preprocess(
    blankAsUndefined,
    z
      .enum(['true', 'false'], { message: 'must be true or false' })
      .default('false')
      .transform((value) => value === 'true'),
  ),
});

/** The Redis that QUEUE_BACKEND=redis uses when REDIS_URL is unset. */
export const LOCAL_REDIS_URL = 'redis://127.0.0.1:6379';
/** On PostgreSQL the queue prefix names a schema (`<prefix>_queues`): a plain identifier. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,54}$/;

/** The environment with the queue backend decided (DESIGN section 6). */
const resolvedEnvSchema = envSchema.transform((env, ctx) => {
  const queueBackend = env.QUEUE_BACKEND ?? (env.REDIS_URL ? 'redis' : 'postgres');
  if (queueBackend === 'postgres' && !SCHEMA_NAME.test(env.QUEUE_PREFIX)) {
    ctx.addIssue({
      code: 'custom',
      path: ['QUEUE_PREFIX'],
      message:
        'must be a lower-case identifier (a-z, 0-9, _; at most 55 characters) with the PostgreSQL queue backend: it names the schema of the queues',
    });
  }
  return {
    ...env,
    QUEUE_BACKEND: queueBackend,
    REDIS_URL: queueBackend === 'redis' ? (env.REDIS_URL ?? LOCAL_REDIS_URL) : undefined,
  };
});

export type Env = z.infer<typeof resolvedEnvSchema>;
export type QueueBackend = Env['QUEUE_BACKEND'];

/** Validates the environment; a bad value stops start-up with one line per problem. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const parsed = resolvedEnvSchema.safeParse(source);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (issue) => `  ${issue.path.join('.')}: ${issue.message}`,
  );
  throw new Error(`Invalid configuration:\n${problems.join('\n')}`);
}

/**
 * The process environment, validated, the sources file with it (so that a bad entry stops
 * start-up before anything runs). The only reader of `process.env`.
 */
export function loadEnv(): Env {
  const env = parseEnv(process.env);
  if (env.SOURCES_FILE) loadSourcesFile(env.SOURCES_FILE);
  return env;
}

/**
 * Points this process at the database it started itself (the embedded PostgreSQL), so that
 * every later `loadEnv()` (the configuration namespaces included) reads its URL.
 */
export function useDatabaseUrl(url: string): void {
  process.env.DATABASE_URL = url;
}
