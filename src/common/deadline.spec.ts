import { DeadlineError, failureReason, SingleFlight, withTimeout } from './deadline';

const never = () => new Promise<never>(() => undefined);

describe('deadlines', () => {
  it('time out instead of hanging', async () => {
    await expect(withTimeout(never(), 20)).rejects.toBeInstanceOf(DeadlineError);
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

  it('keep a single call in flight', async () => {
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
