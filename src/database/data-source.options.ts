import { join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { SnakeNamingStrategy } from './snake-naming.strategy';
import { TYPE_PARSERS } from './type-parsers';

/** One definition for the app, the migration CLI and the tests. */
export function dataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: [join(__dirname, '..', '**', '*.entity.{ts,js}')],
    migrations: [join(__dirname, '..', '..', 'migrations', '*.{ts,js}')],
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    // The tables live in `public`. Pinned: PostgreSQL's default search path puts a schema named
    // after the user first, and a role called like a schema (the queues') would shadow them.
    // JIT off: detection's reads are many short index probes whose estimated cost (a lateral
    // join over thousands of points) passes JIT's thresholds; compiling them took most of
    // their time (0.9 of a 1.1 s neighbours read) and never paid back.
    extra: {
      max: 10,
      application_name: 'vaultwatch',
      options: '-c search_path=public -c jit=off',
      types: TYPE_PARSERS,
    },
  };
}
