import { DEFAULT_SOURCE_NAME } from '../config/source-definition';
import type { EventsApiStream } from './events-api.client';

/**
 * The id of a stream's row in `sources`. The `default` source keeps the ids it had before
 * sources had names (`events:item_usage`, `connect:activity`), so its cursors carry over.
 */
export function eventsStreamId(sourceName: string, stream: EventsApiStream): string {
  return sourceName === DEFAULT_SOURCE_NAME ? `events:${stream}` : `events:${sourceName}:${stream}`;
}

export function connectStreamId(sourceName: string): string {
  return sourceName === DEFAULT_SOURCE_NAME ? 'connect:activity' : `connect:${sourceName}:activity`;
}
