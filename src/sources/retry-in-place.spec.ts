import fc from 'fast-check';
import { REQUEST_RETRY, retryInPlace, retryReason, RetryHooks } from './retry-in-place';
import { SourceError } from './source-errors';

const limited = (retryAfterMs?: number) =>
  new SourceError('rate_limited', 'answered 429', 429, retryAfterMs);
const serverError = () => new SourceError('unavailable', 'answered 500', 500);
const reset = () => new SourceError('unavailable', 'unreachable (ECONNRESET)');
const timeout = () => new SourceError('unavailable', 'unreachable (TimeoutError)');

/** Hooks that record the waits instead of sleeping through them. */
function recorder(shouldStop = () => false) {
  const waits: number[] = [];
  const retried: string[] = [];
  const hooks: RetryHooks = {
    shouldStop,
    onRetry: (error) => {
      retried.push(error.message);
    },
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
    random: () => 0.5,
  };
  return { hooks, waits, retried };
}

/** A request that fails with these errors first, then answers `ok`. */
function failing(...errors: Error[]) {
  let calls = 0;
  const send = () => {
    const error = errors.at(calls++);
    return error ? Promise.reject(error) : Promise.resolve('ok');
  };
  return { send, calls: () => calls };
}

describe('retryInPlace', () => {
  it('sends a request again after a 429, waiting what Retry-After says plus some jitter', async () => {
    const { hooks, waits, retried } = recorder();
    const request = failing(limited(3000));
    await expect(retryInPlace(request.send, REQUEST_RETRY, hooks)).resolves.toBe('ok');
    expect(request.calls()).toBe(2);
    expect(retried).toEqual(['answered 429']);
    expect(waits[0]).toBeGreaterThanOrEqual(3000);
    expect(waits[0]).toBeLessThanOrEqual(4000);
  });

  it('rides out 500s, resets and timeouts with a growing, jittered backoff of seconds', async () => {
    const { hooks, waits } = recorder();
    const request = failing(serverError(), reset(), timeout(), serverError());
    await expect(retryInPlace(request.send, REQUEST_RETRY, hooks)).resolves.toBe('ok');
    expect(request.calls()).toBe(5);
    expect(waits).toHaveLength(4);
    for (let i = 1; i < waits.length; i++) expect(waits[i]).toBeGreaterThan(waits[i - 1]);
    expect(waits.reduce((sum, ms) => sum + ms, 0)).toBeLessThan(30_000);
  });

  it('gives up after its attempts and throws the last failure, for the poll loop to handle', async () => {
    const { hooks } = recorder();
    const errors = Array.from({ length: REQUEST_RETRY.attempts }, (_, i) =>
      i === REQUEST_RETRY.attempts - 1 ? timeout() : serverError(),
    );
    const request = failing(...errors);
    await expect(retryInPlace(request.send, REQUEST_RETRY, hooks)).rejects.toThrow('TimeoutError');
    expect(request.calls()).toBe(REQUEST_RETRY.attempts);
  });

  it('never retries a refused token, a bad request or an error of our own', async () => {
    for (const error of [
      new SourceError('unauthorized', 'answered 401', 401),
      new SourceError('rejected', 'answered 400', 400),
      new TypeError('a bug'),
    ]) {
      const { hooks, retried } = recorder();
      const request = failing(error);
      await expect(retryInPlace(request.send, REQUEST_RETRY, hooks)).rejects.toBe(error);
      expect(request.calls()).toBe(1);
      expect(retried).toEqual([]);
    }
  });

  it('leaves a Retry-After longer than it may wait to the poll loop', async () => {
    const { hooks, waits } = recorder();
    const request = failing(limited(10 * 60_000));
    await expect(retryInPlace(request.send, REQUEST_RETRY, hooks)).rejects.toThrow('429');
    expect(waits).toEqual([]);
  });

  it('stops waiting when the process shuts down', async () => {
    let stopping = false;
    const { hooks } = recorder(() => stopping);
    hooks.sleep = () => {
      stopping = true;
      return Promise.resolve();
    };
    const request = failing(serverError(), serverError());
    await expect(retryInPlace(request.send, REQUEST_RETRY, hooks)).rejects.toThrow('500');
    expect(request.calls()).toBe(1);
  });

  it('answers whenever fewer transient failures than attempts come first, counting each retry', async () => {
    const transient = fc.constantFrom(limited(1000), limited(), serverError(), reset(), timeout());
    await fc.assert(
      fc.asyncProperty(
        fc.array(transient, { maxLength: REQUEST_RETRY.attempts - 1 }),
        async (errors) => {
          const { hooks, retried } = recorder();
          const request = failing(...errors);
          await expect(retryInPlace(request.send, REQUEST_RETRY, hooks)).resolves.toBe('ok');
          expect(retried).toHaveLength(errors.length);
        },
      ),
    );
  });

  it('names why a request was retried in a small fixed word', () => {
    expect(retryReason(limited())).toBe('rate_limited');
    expect(retryReason(serverError())).toBe('server_error');
    expect(retryReason(reset())).toBe('connection');
  });
});
