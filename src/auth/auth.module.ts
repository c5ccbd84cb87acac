import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Duties, sharedFor } from '../config/duties';
import { ApiKeyEntity } from './api-key.entity';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeysBootstrap } from './api-keys.bootstrap';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysRepository } from './api-keys.repository';
import { ApiKeysService } from './api-keys.service';
import { WhoAmIController } from './whoami.controller';

/**
 * API keys and roles. The guard is an app guard: every route of every module needs a key unless
 * it is `@Public()`; other modules use only the decorators. Processes that serve the API also
 * manage keys and make sure an admin key exists at start-up.
 */
@Module({})
export class AuthModule {
  static register(duties: Duties): DynamicModule {
    return sharedFor(duties, {
      module: AuthModule,
      imports: [TypeOrmModule.forFeature([ApiKeyEntity])],
      controllers: duties.api ? [ApiKeysController, WhoAmIController] : [],
      providers: [
        ApiKeysRepository,
        ApiKeysService,
        ApiKeyGuard,
        { provide: APP_GUARD, useExisting: ApiKeyGuard },
        ...(duties.api ? [ApiKeysBootstrap] : []),
      ],
    });
  }
}
