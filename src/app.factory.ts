import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { ApiErrorFilter } from './common/api-error.filter';
import { apiValidationPipe } from './common/validation.pipe';
import { Env } from './config/env.schema';
import { migrateDatabase } from './database/migrate';

/** Builds the application exactly as production runs it; tests use it too. */
export async function createApp(env: Env): Promise<NestExpressApplication> {
  await migrateDatabase(env.DATABASE_URL);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRole(env.APP_ROLE), {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.useBodyParser('json', { limit: env.BODY_LIMIT, type: ['application/json', '+json'] });
  app.useBodyParser('text', {
    limit: env.BODY_LIMIT,
    type: ['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'text/plain'],
  });
  app.useGlobalPipes(apiValidationPipe());
  app.useGlobalFilters(new ApiErrorFilter());
  app.enableShutdownHooks();

  const openApi = new DocumentBuilder()
    .setTitle('vaultwatch')
    .setDescription('Anomaly detection and alerting for 1Password Business accounts')
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'vaultwatch API key' })
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, openApi));
  return app;
}
