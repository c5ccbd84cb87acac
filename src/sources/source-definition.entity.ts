import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { SourceKind } from '../config/source-definition';

/** A named source created over the API; its token is stored encrypted (token-cipher.ts). */
@Entity('source_definitions')
export class SourceDefinitionEntity {
  @PrimaryColumn('text') name!: string;
  @Column('text') kind!: SourceKind;
  @Column('text', { nullable: true }) url!: string | null;
  @Column('text') tokenCiphertext!: string;
  @Column('text', { nullable: true }) tokenLast4!: string | null;
  @Column('text', { nullable: true }) account!: string | null;
  @Column('double precision', { nullable: true }) pollIntervalSeconds!: number | null;
  @Column('integer', { nullable: true }) maxRequestsPerMinute!: number | null;
  @Column('timestamptz', { nullable: true }) startTime!: Date | null;
  @Column('timestamptz') createdAt!: Date;
  @Column('timestamptz') updatedAt!: Date;
}
