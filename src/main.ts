import 'reflect-metadata';
import { createApp } from './app.factory';
import { loadEnv } from './config/env.schema';

async function bootstrap(): Promise<void> {
  const env = loadEnv();
  const app = await createApp(env);
  await app.listen(env.PORT, '0.0.0.0');
}

bootstrap().catch((error: unknown) => {
  // Configuration errors are meant for humans: print the message alone.
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
