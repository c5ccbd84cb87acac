import type { Stream } from './normalize/normalized-event';

/** Stored events of one stream whose key field is `key`, with event time in [from, to]. */
export interface HistoryRange {
  key: string;
  stream: Stream;
  from: Date;
  to: Date;
}

/**
 * Where stored events are needed around: on both sides of `at`, or only on `side`, and then
 * no further from `at` than `bound` when one is given.
 */
export interface NeighbourPoint {
  key: string;
  at: Date;
  side?: 'before' | 'after';
  bound?: Date;
}

/** One side of a point, up to `bound`: what one neighbour read asks for. */
export interface NeighbourSide {
  key: string;
  at: Date;
  side: 'before' | 'after';
  bound: Date;
}
