import type { Env } from './env.schema';

export type AppRole = Env['APP_ROLE'];
export type Duty = 'api' | 'ingest' | 'worker';

/** `all` runs every duty; any other role runs just its own. */
export const runs = (role: AppRole, duty: Duty): boolean => role === 'all' || role === duty;
