import type { Env } from '../config/env.schema';
import { EmbeddedLog, EmbeddedPostgres } from './embedded-postgres';

/** The database this process uses, and how to let go of it at shutdown. */
export interface DatabaseServer {
  url: string;
  /** Whether vaultwatch runs this server itself (no DATABASE_URL). */
  embedded: boolean;
  /** Stops an embedded server; nothing for an external one. */
  stop(): Promise<void>;
}

export const EMBEDDED_DATABASE = 'vaultwatch';

/**
 * DATABASE_URL when it is set; otherwise an embedded PostgreSQL with its data in
 * VAULTWATCH_DATA_DIR, started now and stopped by `stop()`.
 */
export async function openDatabaseServer(env: Env, log: EmbeddedLog): Promise<DatabaseServer> {
  if (env.DATABASE_URL) {
    return { url: env.DATABASE_URL, embedded: false, stop: () => Promise.resolve() };
  }
  const server = new EmbeddedPostgres({ dataDir: env.VAULTWATCH_DATA_DIR, log });
  await server.start();
  return { url: server.databaseUrl(EMBEDDED_DATABASE), embedded: true, stop: () => server.stop() };
}
