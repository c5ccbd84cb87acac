import { Injectable } from '@nestjs/common';
import type { SourceEntity } from './source.entity';
import { SourcesRepository } from './sources.repository';

/** What other modules may read of the sources: their state, for heartbeat rules. */
@Injectable()
export class SourcesService {
  constructor(private readonly repository: SourcesRepository) {}

  list(): Promise<SourceEntity[]> {
    return this.repository.list();
  }
}
