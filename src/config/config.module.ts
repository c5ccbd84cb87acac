import { Module } from '@nestjs/common';
import { ConfigModule as NestConfigModule } from '@nestjs/config';
import { ALL_CONFIG } from './app.config';

@Module({
  imports: [NestConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: ALL_CONFIG })],
})
export class ConfigModule {}
