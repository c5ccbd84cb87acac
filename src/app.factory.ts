import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { pino } from 'pino';
import { AppModule } from './app.module';
import { ApiErrorFilter } from './common/api-error.filter';
import { apiValidationPipe } from './common/validation.pipe';
import { dutiesOf } from './config/duties';
import { Env } from './config/env.schema';
import { migrateDatabase } from './database/migrate';
import { JSON_BODY_TYPES, TEXT_BODY_TYPES } from './events/push-body';

/** Builds the application exactly as production runs it; tests use it too. */
export async function createApp(env: Env): Promise<NestExpressApplication> {
  await migrateWhenReachable(env);
  const appModule = AppModule.forDuties(dutiesOf(env.APP_ROLE));
  const app = await NestFactory.create<NestExpressApplication>(appModule, {
    bufferLogs: true,
    bodyParser: false,
    // Slack signs the exact bytes of its requests.
    rawBody: true,
  });
  app.useLogger(app.get(Logger));
  app.useBodyParser('json', { limit: env.BODY_LIMIT, type: JSON_BODY_TYPES });
  app.useBodyParser('text', { limit: env.BODY_LIMIT, type: TEXT_BODY_TYPES });
  app.useBodyParser('urlencoded', { limit: '1mb', extended: false });
  app.useGlobalPipes(apiValidationPipe());
  app.useGlobalFilters(new ApiErrorFilter());

  const openApi = new DocumentBuilder()
    .setTitle('vaultwatch')
    .setDescription('Anomaly detection and alerting for 1Password Business accounts')
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'vaultwatch API key' })
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, openApi));
  return app;
}

/** Before Nest's logger exists: the same JSON lines, written by pino itself. */
export function bootLogger(env: Env, context: string) {
  return pino({
    level: env.LOG_LEVEL,
    base: { service: 'vaultwatch', role: env.APP_ROLE, context },
  });
}

/** PostgreSQL may start after us (compose, a reboot): wait for it rather than crash-loop. */
async function migrateWhenReachable(env: Env): Promise<void> {
  const logger = bootLogger(env, 'Migrations');
  for (let attempt = 1; ; attempt++) {
    try {
      if (!env.DATABASE_URL) throw new Error('No database: DATABASE_URL is not set');
      const applied = await migrateDatabase(env.DATABASE_URL);
      if (applied.length) logger.info(`Applied migrations: ${applied.join(', ')}`);
      return;
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      const unreachable = ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', '57P03'].includes(code);
      if (!unreachable || attempt >= 30) throw error;
      const delay = Math.min(attempt * 1000, 10_000);
      logger.warn(`PostgreSQL not reachable (${code}); retrying in ${delay / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
