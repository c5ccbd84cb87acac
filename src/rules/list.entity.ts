import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A named list rules refer to as `@name`: service accounts, corporate CIDRs, privileged vaults… */
@Entity('lists')
export class ListEntity {
  @PrimaryColumn('text') name!: string;
  @Column('text', { array: true }) items!: string[];
  @Column('text') description!: string;
  @Column('text', { nullable: true }) updatedBy!: string | null;
  @Column('timestamptz') updatedAt!: Date;
}
