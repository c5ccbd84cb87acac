import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { SlackRateGate, type SlotReservation } from './slack-rate-gate';

/**
 * The local Redis of the test machine (DESIGN section 8): real, never mocked. Where no Redis
 * answers (test/support/global-setup.ts), the queues and this gate live in PostgreSQL
 * (postgres-slot-gate.spec.ts).
 */
const REDIS_URL = process.env.TEST_REDIS_URL ?? '';
const describeWithRedis = REDIS_URL ? describe : describe.skip;

describeWithRedis('SlackRateGate against the local Redis', () => {
  let workerA: Redis;
  let workerB: Redis;
  let prefix: string;

  beforeAll(() => {
    // Two connections: two notify workers sharing one Redis.
    workerA = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    workerB = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  });

  beforeEach(() => {
    prefix = `vwtest:slack-gate:${process.pid}:${randomBytes(4).toString('hex')}:`;
  });

  afterEach(async () => {
    const keys = await workerA.keys(`${prefix}*`);
    if (keys.length > 0) await workerA.del(...keys);
  });

  afterAll(async () => {
    await workerA.quit();
    await workerB.quit();
  });

  it('spaces reservations of one channel by the interval and leaves others alone', async () => {
    const gate = new SlackRateGate(workerA, prefix);
    const reservations: SlotReservation[] = [];
    for (let i = 0; i < 4; i++)
      reservations.push(await gate.tryReserve('T1:C1', Number.MAX_SAFE_INTEGER));
    const other = await gate.tryReserve('T1:C2', Number.MAX_SAFE_INTEGER);

    // Slots on the Redis clock, one interval apart however slowly the calls came.
    expect(reservations[0].waitMs).toBe(0);
    reservations.slice(1).forEach((reservation, i) => {
      expect(reservation.slotAtMs - reservations[i].slotAtMs).toBe(1000);
      expect(reservation.waitMs).toBeGreaterThan(0);
      expect(reservation.waitMs).toBeLessThanOrEqual((i + 1) * 1000);
    });
    expect(other.waitMs).toBe(0);
  });

  it('never grants two workers slots closer than the interval on a shared channel', async () => {
    const gateA = new SlackRateGate(workerA, prefix, { intervalMs: 1000 });
    const gateB = new SlackRateGate(workerB, prefix, { intervalMs: 1000 });
    const reservations = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 === 0 ? gateA : gateB).tryReserve('T1:C-shared', Number.MAX_SAFE_INTEGER),
      ),
    );

    expect(reservations.every((r) => r.granted)).toBe(true);
    const slots = reservations.map((r) => r.slotAtMs).sort((a, b) => a - b);
    for (let i = 1; i < slots.length; i++) expect(slots[i] - slots[i - 1]).toBe(1000);
  });

  it('keeps the key only as long as it matters', async () => {
    const gate = new SlackRateGate(workerA, prefix, { intervalMs: 1000 });
    await gate.reserve('C1');
    await gate.reserve('C1');
    const ttl = await workerA.pttl(`${prefix}C1`);
    // Next free slot ~2 s away plus one interval of memory.
    expect(ttl).toBeGreaterThan(2_000);
    expect(ttl).toBeLessThanOrEqual(3_000);
  });

  it('refuses a slot beyond the longest wait without taking it', async () => {
    const now = { ms: 1_000_000 };
    const gate = new SlackRateGate(workerA, prefix, { intervalMs: 1000, now: () => now.ms });

    expect(await gate.tryReserve('C1', 1500)).toEqual({
      granted: true,
      waitMs: 0,
      slotAtMs: 1_000_000,
    });
    expect(await gate.tryReserve('C1', 1500)).toEqual({
      granted: true,
      waitMs: 1000,
      slotAtMs: 1_001_000,
    });
    const refused = await gate.tryReserve('C1', 1500);
    expect(refused).toEqual({ granted: false, waitMs: 2000, slotAtMs: 1_002_000 });
    // Nothing was taken: the same slot is still the next one.
    expect(await gate.tryReserve('C1', 5000)).toEqual({
      granted: true,
      waitMs: 2000,
      slotAtMs: 1_002_000,
    });
    // Time passing frees slots again.
    now.ms += 10_000;
    expect(await gate.reserve('C1')).toBe(0);
  });

  it('lets a burst through at once, then one per interval', async () => {
    const now = { ms: 5_000_000 };
    const gate = new SlackRateGate(workerA, prefix, {
      intervalMs: 1000,
      burst: 3,
      now: () => now.ms,
    });
    const waits = [];
    for (let i = 0; i < 5; i++) waits.push(await gate.reserve('C1'));
    expect(waits).toEqual([0, 0, 0, 1000, 2000]);
  });

  it('sleeps until the reserved slot in waitForSlot', async () => {
    const gate = new SlackRateGate(workerA, prefix, { intervalMs: 200 });
    await gate.waitForSlot('C1');
    const started = Date.now();
    const waited = await gate.waitForSlot('C1');
    expect(waited).toBeGreaterThan(150);
    expect(Date.now() - started).toBeGreaterThanOrEqual(waited - 5);
  });

  it('sends the script again when Redis answers NOSCRIPT (restart, new node)', async () => {
    // SCRIPT FLUSH would disturb everyone else's tests on this Redis: forget it in a proxy.
    let forgotten = 0;
    const forgetful = new Proxy(workerA, {
      get(target, property, receiver) {
        if (property === 'evalsha')
          return () => {
            forgotten++;
            return Promise.reject(new Error('NOSCRIPT No matching script. Please use EVAL.'));
          };
        return Reflect.get(target, property, receiver) as unknown;
      },
    });
    const gate = new SlackRateGate(forgetful, prefix);
    await expect(gate.reserve('C1')).resolves.toBe(0);
    await expect(gate.reserve('C1')).resolves.toBeGreaterThan(900);
    expect(forgotten).toBe(2);
  });

  it('refuses nonsense options', () => {
    expect(() => new SlackRateGate(workerA, prefix, { intervalMs: 0 })).toThrow(RangeError);
    expect(() => new SlackRateGate(workerA, prefix, { burst: 1.5 })).toThrow(RangeError);
  });
});
