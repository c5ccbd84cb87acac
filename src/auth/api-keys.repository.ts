import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull, Repository } from 'typeorm';
import { ApiKeyEntity } from './api-key.entity';
import type { ApiRole } from './api-role';

/** Serialises changes to the set of keys (bootstrap, revocation) across processes. */
const API_KEYS_LOCK = 7_461_206;

export interface NewApiKey {
  name: string;
  role: ApiRole;
  prefix: string;
  keyHash: string;
}

/** Queries on `api_keys`. Methods take the transaction's manager when they run inside one. */
@Injectable()
export class ApiKeysRepository {
  constructor(
    @InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** Runs `work` in a transaction holding the api-keys advisory lock. */
  async inLockedTransaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [API_KEYS_LOCK]);
      return work(manager);
    });
  }

  listAll(): Promise<ApiKeyEntity[]> {
    return this.keys.find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }

  findById(id: string, manager?: EntityManager): Promise<ApiKeyEntity | null> {
    return this.repo(manager).findOneBy({ id });
  }

  findByHash(keyHash: string, manager?: EntityManager): Promise<ApiKeyEntity | null> {
    return this.repo(manager).findOneBy({ keyHash });
  }

  countActiveAdmins(manager?: EntityManager): Promise<number> {
    return this.repo(manager).countBy({ role: 'admin', revokedAt: IsNull() });
  }

  insert(key: NewApiKey, manager?: EntityManager): Promise<ApiKeyEntity> {
    const repo = this.repo(manager);
    return repo.save(repo.create({ ...key, lastUsedAt: null, revokedAt: null }));
  }

  async markRevoked(id: string, manager?: EntityManager): Promise<void> {
    await this.repo(manager).update({ id, revokedAt: IsNull() }, { revokedAt: () => 'now()' });
  }

  /** Records a use unless one was recorded less than `minGapSeconds` ago (by any process). */
  async touchLastUsed(id: string, minGapSeconds: number): Promise<void> {
    await this.keys.query(
      `UPDATE api_keys SET last_used_at = now()
        WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - make_interval(secs => $2))`,
      [id, minGapSeconds],
    );
  }

  private repo(manager?: EntityManager): Repository<ApiKeyEntity> {
    return manager ? manager.getRepository(ApiKeyEntity) : this.keys;
  }
}
