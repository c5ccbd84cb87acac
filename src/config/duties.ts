/** What one process does, derived from APP_ROLE; passed to each feature module's register(). */
export interface Duties {
  api: boolean;
  ingest: boolean;
  worker: boolean;
}
