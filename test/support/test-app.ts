import type { NestExpressApplication } from '@nestjs/platform-express';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import request from 'supertest';
import { createApp } from '../../src/app.factory';
import { loadEnv, QueueBackend } from '../../src/config/env.schema';
import { LOCAL_DATABASE_SERVER, LOCAL_REDIS_URL } from './test-servers';

/** Variables a test app never inherits from the machine: each test sets what it needs. */
const ISOLATED = [
  'OP_EVENTS_API_TOKEN',
  'OP_EVENTS_API_URL',
  'OP_EVENTS_START_TIME',
  'OP_CONNECT_URL',
  'OP_CONNECT_TOKEN',
  'SOURCES_FILE',
  'SOURCES_ENCRYPTION_KEY',
  'SLACK_BOT_TOKEN',
  'SLACK_CHANNEL',
  'SLACK_SIGNING_SECRET',
  'SMTP_URL',
  'ALERT_EMAIL_FROM',
  'ALERT_EMAIL_TO',
];

export interface TestApp {
  app: NestExpressApplication;
  http: () => ReturnType<typeof request>;
  adminKey: string;
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  queueBackend: QueueBackend;
  /** Runs SQL against the test database. */
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export interface TestContext {
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  /** TEST_QUEUE_BACKEND, decided for the run by global-setup.ts. */
  queueBackend: QueueBackend;
  adminKey: string;
}

/**
 * A database and a queue namespace (Redis key prefix, or PostgreSQL schema in that database)
 * of their own for one test file.
 */
export function newTestContext(): TestContext {
  const id = `${process.pid}_${randomBytes(4).toString('hex')}`;
  const server = process.env.TEST_DATABASE_SERVER ?? LOCAL_DATABASE_SERVER;
  return {
    databaseUrl: `${server}/vw_test_${id}`,
    redisUrl: process.env.TEST_REDIS_URL ?? LOCAL_REDIS_URL,
    queuePrefix: `vwtest_${id}`,
    queueBackend: process.env.TEST_QUEUE_BACKEND === 'postgres' ? 'postgres' : 'redis',
    adminKey: `vw_test_admin_${randomBytes(16).toString('hex')}`,
  };
}

/** Points the process environment at a test context (the app reads it at start-up). */
export function applyTestEnv(context: TestContext, overrides: Record<string, string> = {}): void {
  for (const name of ISOLATED) Reflect.deleteProperty(process.env, name);
  if (context.queueBackend === 'redis') process.env.REDIS_URL = context.redisUrl;
  else Reflect.deleteProperty(process.env, 'REDIS_URL');
  Object.assign(process.env, {
    DATABASE_URL: context.databaseUrl,
    QUEUE_BACKEND: context.queueBackend,
    QUEUE_PREFIX: context.queuePrefix,
    ADMIN_API_KEY: context.adminKey,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PORT: '0',
    APP_ROLE: 'all',
    // The fakes of Slack, SMTP and webhooks listen on 127.0.0.1.
    ALLOW_PRIVATE_DESTINATIONS: 'true',
    ...overrides,
  });
}

/**
 * Starts the real application (real PostgreSQL and Redis) in a fresh database, or in a
 * shared context when a test restarts the service over the same data.
 */
export async function startTestApp(
  overrides: Record<string, string> = {},
  shared?: TestContext,
): Promise<TestApp> {
  const context = shared ?? newTestContext();
  applyTestEnv(context, overrides);
  const app = await createApp(loadEnv());
  await app.init();
  const pg = new Client({ connectionString: context.databaseUrl });
  await pg.connect();
  return {
    app,
    http: () => request(app.getHttpServer()),
    adminKey: context.adminKey,
    databaseUrl: context.databaseUrl,
    redisUrl: context.redisUrl,
    queuePrefix: context.queuePrefix,
    queueBackend: context.queueBackend,
    sql: async <T>(text: string, params?: unknown[]) => (await pg.query(text, params)).rows as T[],
    close: async () => {
      await app.close();
      await pg.end();
      // A context passed in is shared by several app starts: its owner drops it.
      if (!shared) await dropTestContext(context);
    },
  };
}

/**
 * A worker over a context's database that takes no job: its queues are its own, and its
 * sweeper waits an hour. A test drives its DetectionService itself, batch by batch.
 */
export function startIdleWorker(context: TestContext): Promise<TestApp> {
  return startTestApp(
    {
      APP_ROLE: 'worker',
      QUEUE_PREFIX: `${context.queuePrefix}_other`,
      DETECT_SWEEP_AFTER: '1h',
    },
    context,
  );
}

/** Stores events as one batch through an API process; the id of that batch. */
export async function pushBatch(api: TestApp, events: unknown[]): Promise<string> {
  await api
    .http()
    .post('/api/v1/events')
    .set('authorization', `Bearer ${api.adminKey}`)
    .send(events)
    .expect(200);
  const [newest] = await api.sql<{ id: string }>(`SELECT max(id) AS id FROM ingest_batches`);
  return newest.id;
}

/** Drops a test file's database (PostgreSQL queues included) and Redis queue keys. */
export async function dropTestContext(context: TestContext): Promise<void> {
  const url = new URL(context.databaseUrl);
  const name = url.pathname.slice(1);
  url.pathname = '/postgres';
  const admin = new Client({ connectionString: url.toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
  if (context.queueBackend === 'redis') await dropRedisKeys(context);
}

async function dropRedisKeys(context: TestContext): Promise<void> {
  const redis = new Redis(context.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(
      cursor,
      'MATCH',
      `${context.queuePrefix}:*`,
      'COUNT',
      1000,
    );
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  await redis.quit();
}
