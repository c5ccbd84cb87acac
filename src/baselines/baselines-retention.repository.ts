import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { EntityKey } from './baseline-aggregate';
import { bumpBaselineVersion } from './baseline-changes';

export interface DeletedBaseline {
  profile: number;
  activeDays: number;
  hourlyCounts: number;
  seenValues: number;
}

export interface ForgetCounts {
  hourlyCounts: number;
  seenValues: number;
}

/** Forgets what the baselines learned: old rows by age, or one entity on request. */
@Injectable()
export class BaselinesRetentionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Forgets one entity. Tables in the order detection writes them (no lock cycles). */
  deleteEntity(key: EntityKey): Promise<DeletedBaseline> {
    const params = [key.entityType, key.entityId, key.accountId];
    const remove = async (manager: EntityManager, table: string): Promise<number> => {
      const [, affected]: [unknown, number] = await manager.query(
        `DELETE FROM ${table} WHERE entity_type = $1 AND entity_id = $2 AND account_id = $3`,
        params,
      );
      return affected;
    };
    return this.dataSource.transaction(async (manager) => {
      const activeDays = await remove(manager, 'baseline_active_days');
      const profile = await remove(manager, 'baseline_entities');
      const hourlyCounts = await remove(manager, 'baseline_hourly_counts');
      const seenValues = await remove(manager, 'baseline_seen_values');
      await bumpBaselineVersion(manager);
      return { profile, activeDays, hourlyCounts, seenValues };
    });
  }

  /**
   * Deletes hourly counts of hours before `hourlyBefore` and seen values last seen before
   * `seenBefore`, in chunks that skip rows a detection worker holds (no waiting, no
   * deadlock; what is skipped goes next time). Only one process runs it at a time: null when
   * another holds the lock.
   */
  async forget(hourlyBefore: Date, seenBefore: Date, chunk: number): Promise<ForgetCounts | null> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = (await runner.query(
        `SELECT pg_try_advisory_lock(hashtext('vaultwatch.baselines'), hashtext('forget')) AS locked`,
      )) as Array<{ locked: boolean }>;
      if (!locked) return null;
      try {
        // Each chunk commits with the change it makes to the baselines counted.
        const deleteChunk = async (sql: string, before: Date): Promise<number> => {
          await runner.startTransaction();
          try {
            const [, affected] = (await runner.query(sql, [before.toISOString(), chunk])) as [
              unknown,
              number,
            ];
            if (affected > 0) await bumpBaselineVersion(runner);
            await runner.commitTransaction();
            return affected;
          } catch (error) {
            await runner.rollbackTransaction();
            throw error;
          }
        };
        const deleteChunks = async (sql: string, before: Date): Promise<number> => {
          let total = 0;
          for (;;) {
            const affected = await deleteChunk(sql, before);
            total += affected;
            if (affected < chunk) return total;
          }
        };
        const hourlyCounts = await deleteChunks(
          `DELETE FROM baseline_hourly_counts t USING (
             SELECT entity_type, entity_id, account_id, action, hour_start
             FROM baseline_hourly_counts
             WHERE hour_start < $1 LIMIT $2 FOR UPDATE SKIP LOCKED
           ) old
           WHERE t.entity_type = old.entity_type AND t.entity_id = old.entity_id
             AND t.account_id = old.account_id AND t.action = old.action AND t.hour_start = old.hour_start`,
          hourlyBefore,
        );
        const seenValues = await deleteChunks(
          `DELETE FROM baseline_seen_values t USING (
             SELECT entity_type, entity_id, account_id, dimension, value
             FROM baseline_seen_values
             WHERE last_seen < $1 LIMIT $2 FOR UPDATE SKIP LOCKED
           ) old
           WHERE t.entity_type = old.entity_type AND t.entity_id = old.entity_id
             AND t.account_id = old.account_id AND t.dimension = old.dimension AND t.value = old.value`,
          seenBefore,
        );
        return { hourlyCounts, seenValues };
      } finally {
        await runner.query(
          `SELECT pg_advisory_unlock(hashtext('vaultwatch.baselines'), hashtext('forget'))`,
        );
      }
    } finally {
      await runner.release();
    }
  }
}
