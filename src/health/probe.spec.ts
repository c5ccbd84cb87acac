import { runCheck } from './probe';

const never = () => new Promise<never>(() => undefined);

describe('probes', () => {
  it('time out instead of hanging', async () => {
    await expect(runCheck(never(), 20)).resolves.toEqual({
      status: 'down',
      reason: 'timed out after 20ms',
    });
  });

  it('report up when the probe answers', async () => {
    await expect(runCheck(Promise.resolve(1), 1000)).resolves.toEqual({ status: 'up' });
  });
});
