import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ChannelEntity } from './channel.entity';

/** Owns the channels table. */
@Injectable()
export class ChannelsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get channels() {
    return this.dataSource.getRepository(ChannelEntity);
  }

  /** A channel defined by the environment: created, or its settings refreshed and enabled. */
  async upsertFromEnv(
    name: string,
    type: string,
    settings: Record<string, unknown>,
  ): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO channels (name, type, settings, managed_by_env) VALUES ($1, $2, $3, true)
       ON CONFLICT (name) DO UPDATE SET settings = excluded.settings, enabled = true, updated_at = now()
       WHERE channels.managed_by_env`,
      [name, type, settings],
    );
  }

  /** A channel the environment no longer defines is disabled, not deleted: deliveries name it. */
  async disableFromEnv(name: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE channels SET enabled = false, updated_at = now() WHERE name = $1 AND managed_by_env`,
      [name],
    );
  }

  list(): Promise<ChannelEntity[]> {
    return this.channels.find({ order: { createdAt: 'ASC' } });
  }

  findById(id: string): Promise<ChannelEntity | null> {
    return this.channels.findOneBy({ id });
  }

  async nameTaken(name: string): Promise<boolean> {
    return (await this.channels.findOneBy({ name })) !== null;
  }

  insert(channel: Omit<ChannelEntity, 'createdAt' | 'updatedAt'>): Promise<ChannelEntity> {
    return this.channels.save(this.channels.create(channel));
  }

  save(channel: ChannelEntity): Promise<ChannelEntity> {
    return this.channels.save(channel);
  }

  async delete(id: string): Promise<void> {
    await this.channels.delete(id);
  }
}
