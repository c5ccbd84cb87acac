import { createPostgresBackend, setDefaultBackendFactory } from 'bullmq';
import type { QueueConfig } from '../config/app.config';
import { redisConnection } from './redis-connection';

/**
 * Connections of one BullMQ backend (a Queue or a Worker) on PostgreSQL: each has a pool of
 * its own plus a LISTEN connection, and a process has four of them.
 */
const POSTGRES_POOL_SIZE = 3;

/** The PostgreSQL schema of the queue tables: `<QUEUE_PREFIX>_queues`, beside `public`. */
export const queueSchema = (prefix: string) => `${prefix}_queues`;

/** What BullModule.forRoot takes: the connection and, on Redis, the key prefix. */
export interface QueueRootOptions {
  connection: object;
  prefix?: string;
}

/**
 * Chooses BullMQ's backend for this process, from QUEUE_BACKEND: Redis, or PostgreSQL in the
 * application's database (FOR UPDATE SKIP LOCKED, LISTEN/NOTIFY), with its tables in a schema
 * named after the queue prefix, created on first use. BullMQ's backend factory is
 * process-wide, so this runs before any queue or worker is built.
 */
export function queueRootOptions(config: QueueConfig, databaseUrl: string): QueueRootOptions {
  if (config.backend === 'redis') {
    setDefaultBackendFactory(undefined);
    if (!config.redisUrl) throw new Error('QUEUE_BACKEND=redis needs REDIS_URL');
    return { connection: redisConnection(config.redisUrl), prefix: config.prefix };
  }
  setDefaultBackendFactory(createPostgresBackend);
  return {
    connection: {
      connectionString: databaseUrl,
      schema: queueSchema(config.prefix),
      migrate: true,
      max: POSTGRES_POOL_SIZE,
      application_name: 'vaultwatch-queue',
      // A silently dropped LISTEN connection is noticed and rebuilt.
      keepAlive: true,
    },
  };
}
