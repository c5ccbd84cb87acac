import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedPostgres } from '../../src/database/embedded-postgres';
import {
  databaseAnswers,
  LOCAL_DATABASE_SERVER,
  LOCAL_REDIS_URL,
  redisAnswers,
} from './test-servers';

/** Shared with global-teardown.ts (Jest runs both in its main process). */
export interface TestServers {
  embedded?: EmbeddedPostgres;
  dataDir?: string;
}
export const TEST_SERVERS = Symbol.for('vaultwatch.testServers');

/**
 * Once per test run: the PostgreSQL server and queue backend every test file uses, passed
 * on through the environment (test workers inherit it).
 *
 * - TEST_DATABASE_SERVER, else the local server when it answers, else an embedded PostgreSQL
 *   started now in a temporary folder;
 * - TEST_QUEUE_BACKEND, else redis when TEST_REDIS_URL (default: the local Redis) answers,
 *   else postgres. TEST_REDIS_URL is left set only when Redis answers.
 */
export default async function globalSetup(): Promise<void> {
  const servers: TestServers = {};
  (globalThis as Record<symbol, unknown>)[TEST_SERVERS] = servers;

  if (!process.env.TEST_DATABASE_SERVER && !(await databaseAnswers(LOCAL_DATABASE_SERVER))) {
    servers.dataDir = await mkdtemp(join(tmpdir(), 'vaultwatch-test-'));
    // PostgreSQL runs as another account when we are root: it must reach the folder.
    await chmod(servers.dataDir, 0o755);
    servers.embedded = new EmbeddedPostgres({ dataDir: servers.dataDir, maxConnections: 300 });
    await servers.embedded.start();
    process.env.TEST_DATABASE_SERVER = servers.embedded.url;
    process.stderr.write(`\nTests use an embedded PostgreSQL in ${servers.dataDir}\n`);
  }

  const redisUrl = process.env.TEST_REDIS_URL ?? LOCAL_REDIS_URL;
  if (await redisAnswers(redisUrl)) process.env.TEST_REDIS_URL = redisUrl;
  else delete process.env.TEST_REDIS_URL;
  process.env.TEST_QUEUE_BACKEND ??= process.env.TEST_REDIS_URL ? 'redis' : 'postgres';
  process.stderr.write(`Tests use the ${process.env.TEST_QUEUE_BACKEND} queue backend\n`);
}
