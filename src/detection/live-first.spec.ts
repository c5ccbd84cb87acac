import { LiveFirst } from './live-first';

/** A promise and the function that settles it. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('LiveFirst', () => {
  it('lets a pass go on at once when nothing is judged ahead', async () => {
    const order: string[] = [];
    await new LiveFirst(10_000).clear().then(() => order.push('pass'));
    expect(order).toEqual(['pass']);
  });

  it('holds a pass until every batch judged ahead is done, then lets it go', async () => {
    const liveFirst = new LiveFirst(10_000);
    const order: string[] = [];
    const first = gate();
    const second = gate();
    const live = [
      liveFirst.ahead(async () => {
        await first.opened;
        order.push('first live batch');
      }),
      liveFirst.ahead(async () => {
        await second.opened;
        order.push('second live batch');
      }),
    ];
    const pass = liveFirst.clear().then(() => order.push('pass'));
    first.open();
    await live[0];
    expect(order).toEqual(['first live batch']);
    second.open();
    await Promise.all([...live, pass]);
    expect(order).toEqual(['first live batch', 'second live batch', 'pass']);
  });

  it('lets a pass go after its longest wait when a live batch never ends', async () => {
    jest.useFakeTimers();
    try {
      const liveFirst = new LiveFirst(2_000);
      const never = gate();
      void liveFirst.ahead(() => never.opened);
      let passed = false;
      const pass = liveFirst.clear().then(() => (passed = true));
      await jest.advanceTimersByTimeAsync(1_999);
      expect(passed).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      await pass;
      expect(passed).toBe(true);
      never.open();
    } finally {
      jest.useRealTimers();
    }
  });

  it('is clear again once a live batch failed', async () => {
    jest.useFakeTimers();
    try {
      const liveFirst = new LiveFirst(2_000);
      await expect(liveFirst.ahead(() => Promise.reject(new Error('read failed')))).rejects.toThrow(
        'read failed',
      );
      let passed = false;
      void liveFirst.clear().then(() => (passed = true));
      await jest.advanceTimersByTimeAsync(0);
      expect(passed).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });
});
