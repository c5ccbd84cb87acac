import { rm } from 'node:fs/promises';
import { TEST_SERVERS, TestServers } from './global-setup';

/** Stops the embedded PostgreSQL of global-setup.ts, if it started one, and removes its data. */
export default async function globalTeardown(): Promise<void> {
  const servers = (globalThis as Record<symbol, unknown>)[TEST_SERVERS] as TestServers | undefined;
  await servers?.embedded?.stop();
  if (servers?.dataDir) await rm(servers.dataDir, { recursive: true, force: true });
}
