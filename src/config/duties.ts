import type { DynamicModule } from '@nestjs/common';
import type { Env } from './env.schema';

export type AppRole = Env['APP_ROLE'];

/** What one process does; passed to each feature module's register(). */
export interface Duties {
  /** Serves the REST API and the console. */
  api: boolean;
  /** Polls the 1Password sources. */
  ingest: boolean;
  /** Consumes the queues and runs the timers. */
  worker: boolean;
}

const DUTIES: Record<AppRole, Readonly<Duties>> = {
  all: Object.freeze({ api: true, ingest: true, worker: true }),
  api: Object.freeze({ api: true, ingest: false, worker: false }),
  ingest: Object.freeze({ api: false, ingest: true, worker: false }),
  worker: Object.freeze({ api: false, ingest: false, worker: true }),
};

/** The one place APP_ROLE turns into duties: `all` runs every duty, any other role its own. */
export function dutiesOf(role: AppRole): Readonly<Duties> {
  return DUTIES[role];
}

type ModulesByClass = Map<DynamicModule['module'], DynamicModule>;
const built = new WeakMap<Duties, ModulesByClass>();

/**
 * The same module object for the same feature and duties: a feature module's `register(duties)`
 * returns `sharedFor(duties, definition)`. Nest tells dynamic modules apart by reference, so a
 * module imported by several others (events by sources, rules and detection) must be one
 * object, or Nest would build it, and its providers, once per importer.
 */
export function sharedFor(duties: Duties, definition: DynamicModule): DynamicModule {
  const modules: ModulesByClass =
    built.get(duties) ?? new Map<DynamicModule['module'], DynamicModule>();
  built.set(duties, modules);
  const known = modules.get(definition.module);
  if (known) return known;
  modules.set(definition.module, definition);
  return definition;
}
