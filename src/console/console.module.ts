import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { ConsoleFiles } from './console-files';
import { ConsoleMiddleware } from './console.middleware';

/** The web console (built from web/), served from the API's own origin by the api role. */
@Module({ providers: [ConsoleFiles] })
export class ConsoleModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(ConsoleMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}
