/** One dependency's readiness, as /health reports it. Reasons are short and carry no secrets. */
export interface CheckResult {
  status: 'up' | 'down';
  reason?: string;
}

export class ProbeTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`timed out after ${timeoutMs}ms`);
  }
}

/** Settles like `promise`, or rejects with ProbeTimeoutError after `timeoutMs`. */
export function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new ProbeTimeoutError(timeoutMs));
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
  if (error instanceof ProbeTimeoutError) return error.message;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[A-Z0-9_]{2,40}$/.test(code)) return `failed (${code})`;
  return 'unavailable';
}

/** Runs a probe with a deadline and turns its outcome into a CheckResult; never rejects. */
export async function runCheck(probe: Promise<unknown>, timeoutMs: number): Promise<CheckResult> {
  try {
    await withTimeout(probe, timeoutMs);
    return { status: 'up' };
  } catch (error) {
    return { status: 'down', reason: failureReason(error) };
  }
}

/**
 * At most one probe in flight: while one hangs (a black-holed connection), later checks wait
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
