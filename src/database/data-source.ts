import { DataSource } from 'typeorm';
import { loadEnv } from '../config/env.schema';
import { dataSourceOptions } from './data-source.options';

/** Used by the TypeORM CLI (`npm run migration:*`). */
function cliDatabaseUrl(): string {
  const url = loadEnv().DATABASE_URL;
  if (url) return url;
  // The embedded server runs only inside vaultwatch, which applies migrations as it starts.
  throw new Error(
    'Set DATABASE_URL for the migration commands (the embedded PostgreSQL is migrated by vaultwatch at start)',
  );
}

export default new DataSource(dataSourceOptions(cliDatabaseUrl()));
