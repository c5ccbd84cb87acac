import type { EntityManager } from 'typeorm';

let sequence = 0;

export type SavepointResult<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Runs `work` inside a savepoint of the caller's transaction: when it fails, only what it
 * wrote is rolled back and the transaction goes on (a failed statement would otherwise
 * abort the whole transaction).
 */
export async function inSavepoint<T>(
  manager: EntityManager,
  work: () => Promise<T>,
): Promise<SavepointResult<T>> {
  const name = `vw_sp_${++sequence}`;
  await manager.query(`SAVEPOINT ${name}`);
  try {
    const value = await work();
    await manager.query(`RELEASE SAVEPOINT ${name}`);
    return { ok: true, value };
  } catch (error) {
    await manager.query(`ROLLBACK TO SAVEPOINT ${name}`);
    await manager.query(`RELEASE SAVEPOINT ${name}`);
    return { ok: false, error };
  }
}
