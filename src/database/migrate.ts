import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source.options';
import { ensureDatabase } from './ensure-database';

const MIGRATION_LOCK = 7_461_205; // arbitrary, stable advisory-lock key

/**
 * Creates the database if needed and applies pending migrations. Several processes may start
 * at once, so the work is serialised with an advisory lock. Returns the names applied.
 */
export async function migrateDatabase(url: string): Promise<string[]> {
  await ensureDatabase(url);
  const options = dataSourceOptions(url);
  const dataSource = new DataSource({
    ...options,
    extra: { ...(options.extra as Record<string, unknown>), max: 1 },
  });
  await dataSource.initialize();
  try {
    await dataSource.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await dataSource
      .query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK])
      .catch(() => undefined);
    await dataSource.destroy();
  }
}
