import { failureReason, ProbeTimeoutError, runCheck, SingleFlight, withTimeout } from './probe';

const never = () => new Promise<never>(() => undefined);

describe('probes', () => {
  it('time out instead of hanging', async () => {
    await expect(withTimeout(never(), 20)).rejects.toBeInstanceOf(ProbeTimeoutError);
    await expect(runCheck(never(), 20)).resolves.toEqual({
      status: 'down',
      reason: 'timed out after 20ms',
    });
  });

  it('report up when the probe answers', async () => {
    await expect(runCheck(Promise.resolve(1), 1000)).resolves.toEqual({ status: 'up' });
  });

  it('give error codes but never driver messages', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), {
      code: 'ECONNREFUSED',
    });
    expect(failureReason(refused)).toBe('failed (ECONNREFUSED)');
    expect(failureReason(Object.assign(new Error('password auth failed'), { code: '28P01' }))).toBe(
      'failed (28P01)',
    );
    const leaky = new Error('could not connect to postgres://admin:hunter2@db/vaultwatch');
    expect(failureReason(leaky)).toBe('unavailable');
    expect(failureReason({ code: 'postgres://admin:hunter2@db' })).toBe('unavailable');
    expect(failureReason(null)).toBe('unavailable');
  });

  it('keep a single probe in flight', async () => {
    const flight = new SingleFlight<number>();
    let started = 0;
    let finish: (value: number) => void = () => undefined;
    const task = () => {
      started += 1;
      return new Promise<number>((resolve) => (finish = resolve));
    };
    const first = flight.run(task);
    const second = flight.run(task);
    expect(started).toBe(1);
    finish(7);
    await expect(Promise.all([first, second])).resolves.toEqual([7, 7]);
    void flight.run(task);
    expect(started).toBe(2);
  });
});
