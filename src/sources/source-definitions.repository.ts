import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { SourceKind } from '../config/source-definition';
import { SourceDefinitionEntity } from './source-definition.entity';

/** A stored definition as written: the token only ever as its ciphertext. */
export interface StoredDefinition {
  name: string;
  kind: SourceKind;
  url: string | null;
  tokenCiphertext: string;
  tokenLast4: string | null;
  account: string | null;
  pollIntervalSeconds: number | null;
  maxRequestsPerMinute: number | null;
  startTime: Date | null;
}

@Injectable()
export class SourceDefinitionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  list(): Promise<SourceDefinitionEntity[]> {
    return this.dataSource.getRepository(SourceDefinitionEntity).find({ order: { name: 'ASC' } });
  }

  find(name: string): Promise<SourceDefinitionEntity | null> {
    return this.dataSource.getRepository(SourceDefinitionEntity).findOneBy({ name });
  }

  /** Inserts a definition; false when the name is taken. */
  async insert(definition: StoredDefinition): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO source_definitions
         (name, kind, url, token_ciphertext, token_last4, account, poll_interval_seconds,
          max_requests_per_minute, start_time)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (name) DO NOTHING RETURNING name`,
      parametersOf(definition),
    );
    return rows.length === 1;
  }

  async update(definition: StoredDefinition): Promise<void> {
    await this.dataSource.query(
      `UPDATE source_definitions SET kind = $2, url = $3, token_ciphertext = $4,
         token_last4 = $5, account = $6, poll_interval_seconds = $7,
         max_requests_per_minute = $8, start_time = $9, updated_at = now()
       WHERE name = $1`,
      parametersOf(definition),
    );
  }

  /** Deletes a definition; false when there was none. */
  async remove(name: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `WITH deleted AS (DELETE FROM source_definitions WHERE name = $1 RETURNING name)
       SELECT name FROM deleted`,
      [name],
    );
    return rows.length === 1;
  }
}

/** $1..$9 of both the insert and the update. */
function parametersOf(definition: StoredDefinition): unknown[] {
  return [
    definition.name,
    definition.kind,
    definition.url,
    definition.tokenCiphertext,
    definition.tokenLast4,
    definition.account,
    definition.pollIntervalSeconds,
    definition.maxRequestsPerMinute,
    definition.startTime,
  ];
}
