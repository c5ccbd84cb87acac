import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Duties } from '../config/duties';
import { ApiKeyEntity } from './api-key.entity';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeysBootstrap } from './api-keys.bootstrap';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysRepository } from './api-keys.repository';
import { ApiKeysService } from './api-keys.service';
import { WhoAmIController } from './whoami.controller';

/**
 * API keys and roles. The guard is global: every route of every module needs a key unless it
 * is `@Public()`. Processes that serve the API also manage keys and make sure an admin key
 * exists at start-up.
 */
@Module({})
export class AuthModule {
  static register(duties: Duties): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      imports: [TypeOrmModule.forFeature([ApiKeyEntity])],
      controllers: duties.api ? [ApiKeysController, WhoAmIController] : [],
      providers: [
        ApiKeysRepository,
        ApiKeysService,
        ApiKeyGuard,
        { provide: APP_GUARD, useExisting: ApiKeyGuard },
        ...(duties.api ? [ApiKeysBootstrap] : []),
      ],
      exports: [ApiKeysService, ApiKeyGuard],
    };
  }
}
