import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, IsNull } from 'typeorm';
import type { Rule, RuleDefinition } from './engine/rule-definition';
import { ListEntity } from './list.entity';
import { RuleEntity } from './rule.entity';

export const toRule = (entity: RuleEntity): Rule => ({
  ...entity.definition,
  id: entity.id,
  version: entity.version,
  templateId: entity.templateId,
});

/** Owns rules, their version history and the named lists. */
@Injectable()
export class RulesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  findAll(): Promise<RuleEntity[]> {
    return this.dataSource
      .getRepository(RuleEntity)
      .find({ where: { deletedAt: IsNull() }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  find(id: string): Promise<RuleEntity | null> {
    return this.dataSource.getRepository(RuleEntity).findOneBy({ id, deletedAt: IsNull() });
  }

  /** Rules by id, deleted ones included. */
  findByIds(ids: readonly string[]): Promise<RuleEntity[]> {
    return this.dataSource.getRepository(RuleEntity).findBy({ id: In([...ids]) });
  }

  async create(
    definition: RuleDefinition,
    by: string | null,
    templateId: string | null = null,
  ): Promise<RuleEntity | null> {
    return this.dataSource.transaction(async (manager) => {
      const rows: Array<{ id: string }> = await manager.query(
        `INSERT INTO rules (template_id, definition) VALUES ($1, $2)
         ON CONFLICT (template_id) DO NOTHING RETURNING id`,
        [templateId, definition],
      );
      if (rows.length === 0) return null; // the template was installed before
      await manager.query(
        `INSERT INTO rule_versions (rule_id, version, definition, changed_by) VALUES ($1, 1, $2, $3)`,
        [rows[0].id, definition, by],
      );
      return manager.getRepository(RuleEntity).findOneByOrFail({ id: rows[0].id });
    });
  }

  /** Saves a new version; the version check refuses a concurrent edit made in between. */
  async update(
    id: string,
    expectedVersion: number,
    definition: RuleDefinition,
    by: string,
  ): Promise<RuleEntity | null> {
    return this.dataSource.transaction(async (manager) => {
      const rows: Array<{ version: number }> = await manager.query(
        `WITH updated AS (
           UPDATE rules SET definition = $3, version = version + 1, updated_at = now(),
             last_error = NULL, last_error_at = NULL
           WHERE id = $1 AND version = $2 AND deleted_at IS NULL RETURNING version)
         SELECT version FROM updated`,
        [id, expectedVersion, definition],
      );
      if (rows.length === 0) return null;
      await manager.query(
        `INSERT INTO rule_versions (rule_id, version, definition, changed_by) VALUES ($1, $2, $3, $4)`,
        [id, rows[0].version, definition, by],
      );
      return manager.getRepository(RuleEntity).findOneByOrFail({ id });
    });
  }

  /** Notes that each rule failed to judge a batch (one statement; rules deleted since are skipped). */
  async recordFailures(failures: ReadonlyArray<{ ruleId: string; error: string; at: Date }>) {
    if (failures.length === 0) return;
    await this.dataSource.query(
      `UPDATE rules r SET last_error = f.error, last_error_at = f.at,
         failure_count = r.failure_count + 1
       FROM unnest($1::uuid[], $2::text[], $3::timestamptz[]) AS f(id, error, at)
       WHERE r.id = f.id`,
      [
        failures.map((failure) => failure.ruleId),
        failures.map((failure) => failure.error),
        failures.map((failure) => failure.at.toISOString()),
      ],
    );
  }

  async softDelete(id: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `WITH deleted AS (
         UPDATE rules SET deleted_at = now() WHERE id = $1 AND deleted_at IS NULL RETURNING id)
       SELECT id FROM deleted`,
      [id],
    );
    return rows.length > 0;
  }

  findLists(): Promise<ListEntity[]> {
    return this.dataSource.getRepository(ListEntity).find({ order: { name: 'ASC' } });
  }

  findList(name: string): Promise<ListEntity | null> {
    return this.dataSource.getRepository(ListEntity).findOneBy({ name });
  }

  async putList(
    name: string,
    items: string[],
    description: string,
    by: string,
  ): Promise<ListEntity> {
    await this.dataSource.query(
      `INSERT INTO lists (name, items, description, updated_by, updated_at)
       VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (name) DO UPDATE SET items = excluded.items, description = excluded.description,
         updated_by = excluded.updated_by, updated_at = now()`,
      [name, items, description, by],
    );
    return (await this.findList(name))!;
  }

  /** Creates the list only if it does not exist: an operator's edits are kept. */
  async ensureList(name: string, items: string[], description: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO lists (name, items, description) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING`,
      [name, items, description],
    );
  }
}
