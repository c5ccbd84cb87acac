/** Deadlines for calls to a dependency that may hang (probes, scrape-time reads). */

export class DeadlineError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`timed out after ${timeoutMs}ms`);
  }
}

/** Settles like `promise`, or rejects with DeadlineError after `timeoutMs`. */
export function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new DeadlineError(timeoutMs));
    }, timeoutMs);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => {
    clearTimeout(timer);
  });
}

/**
 * A reason fit for an unauthenticated answer: a timeout, or the error's code (ECONNREFUSED,
 * 57P01…). Driver messages are left out: they may name hosts, users or databases.
 */
export function failureReason(error: unknown): string {
  if (error instanceof DeadlineError) return error.message;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[A-Z0-9_]{2,40}$/.test(code)) return `failed (${code})`;
  return 'unavailable';
}

/**
 * At most one call in flight: while one hangs (a black-holed connection), later callers wait
 * on it, with their own deadline, instead of piling up connections.
 */
export class SingleFlight<T> {
  private pending: Promise<T> | undefined;

  run(task: () => Promise<T>): Promise<T> {
    this.pending ??= task().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }
}
