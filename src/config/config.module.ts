import { Module } from '@nestjs/common';
import { ConfigModule as NestConfigModule } from '@nestjs/config';
import { ALL_CONFIG } from './app.config';

/**
 * The typed configuration namespaces of app.config.ts. Global, as `@nestjs/config` is meant to
 * be: every module injects its own namespace, and importing config everywhere would say nothing.
 */
@Module({
  imports: [NestConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: ALL_CONFIG })],
})
export class ConfigModule {}
