import 'reflect-metadata';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { bootLogger, createApp } from './app.factory';
import { loadEnv, useDatabaseUrl } from './config/env.schema';
import { openDatabaseServer } from './database/database-server';

/** Longest wait for jobs in flight and open requests at shutdown. */
const CLOSE_TIMEOUT_MS = 30_000;

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms).unref();
  });

async function bootstrap(): Promise<void> {
  const env = loadEnv();
  const database = await openDatabaseServer(env, bootLogger(env, 'EmbeddedPostgres'));
  let app: NestExpressApplication | undefined;
  const shutdown = async () => {
    // Jobs cut short are retried by the next process (at-least-once): never hang on exit.
    await Promise.race([app?.close(), sleep(CLOSE_TIMEOUT_MS)]);
    // Last: the application's pools and workers are closed by now.
    await database.stop();
  };
  try {
    if (database.embedded) useDatabaseUrl(database.url);
    app = await createApp(loadEnv());
    await app.listen(env.PORT, '0.0.0.0');
  } catch (error) {
    await shutdown().catch(() => undefined);
    throw error;
  }
  stopOnSignals(shutdown);
}

/** SIGTERM or SIGINT: drain and stop; a second signal exits at once. */
function stopOnSignals(shutdown: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(signal === 'SIGINT' ? 130 : 143);
    stopping = true;
    shutdown().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error instanceof Error ? error.message : error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

bootstrap().catch((error: unknown) => {
  // Configuration errors are meant for humans: print the message alone.
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
