import { DataSource } from 'typeorm';
import { migrateDatabase } from '../database/migrate';
import { dropTestContext, newTestContext, TestContext } from '../../test/support/test-app';
import { PostgresSlotGate } from './postgres-slot-gate';

/** The Slack rate gate of the PostgreSQL queue backend, on a real database with its migration. */
describe('PostgresSlotGate', () => {
  let context: TestContext;
  let workerA: DataSource;
  let workerB: DataSource;
  let channel = 0;
  const nextChannel = () => `T1:C${++channel}`;

  beforeAll(async () => {
    context = newTestContext();
    await migrateDatabase(context.databaseUrl);
    // Two pools: two notify workers sharing one database.
    workerA = await new DataSource({ type: 'postgres', url: context.databaseUrl }).initialize();
    workerB = await new DataSource({ type: 'postgres', url: context.databaseUrl }).initialize();
  });

  afterAll(async () => {
    await workerA.destroy();
    await workerB.destroy();
    await dropTestContext(context);
  });

  it('spaces reservations of one channel by the interval and leaves others alone', async () => {
    const gate = new PostgresSlotGate(workerA, 'vw:slack-rate:');
    const key = nextChannel();
    const waits = [];
    for (let i = 0; i < 4; i++) waits.push(await gate.reserve(key));

    // Each reservation happens a few ms after the previous one, on the database clock.
    expect(waits[0]).toBe(0);
    waits.slice(1).forEach((wait, i) => {
      expect(wait).toBeGreaterThan((i + 1) * 1000 - 200);
      expect(wait).toBeLessThanOrEqual((i + 1) * 1000);
    });
    expect(await gate.reserve(nextChannel())).toBe(0);
  });

  it('never grants two workers slots closer than the interval on a shared channel', async () => {
    const gateA = new PostgresSlotGate(workerA, 'vw:slack-rate:', { intervalMs: 1000 });
    const gateB = new PostgresSlotGate(workerB, 'vw:slack-rate:', { intervalMs: 1000 });
    const key = nextChannel();
    const reservations = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 === 0 ? gateA : gateB).tryReserve(key, Number.MAX_SAFE_INTEGER),
      ),
    );

    expect(reservations.every((r) => r.granted)).toBe(true);
    const slots = reservations.map((r) => r.slotAtMs).sort((a, b) => a - b);
    for (let i = 1; i < slots.length; i++) expect(slots[i] - slots[i - 1]).toBe(1000);
  });

  it('refuses a slot beyond the longest wait without taking it', async () => {
    const now = { ms: 1_000_000 };
    const gate = new PostgresSlotGate(workerA, 'vw:slack-rate:', { now: () => now.ms });
    const key = nextChannel();

    expect(await gate.tryReserve(key, 1500)).toEqual({
      granted: true,
      waitMs: 0,
      slotAtMs: 1_000_000,
    });
    expect(await gate.tryReserve(key, 1500)).toEqual({
      granted: true,
      waitMs: 1000,
      slotAtMs: 1_001_000,
    });
    expect(await gate.tryReserve(key, 1500)).toEqual({
      granted: false,
      waitMs: 2000,
      slotAtMs: 1_002_000,
    });
    // Nothing was taken: the same slot is still the next one.
    expect(await gate.tryReserve(key, 5000)).toMatchObject({ granted: true, waitMs: 2000 });
    now.ms += 10_000;
    expect(await gate.reserve(key)).toBe(0);
  });

  it('lets a burst through at once, then one per interval', async () => {
    const now = { ms: 5_000_000 };
    const gate = new PostgresSlotGate(workerA, 'vw:slack-rate:', { burst: 3, now: () => now.ms });
    const key = nextChannel();
    const waits = [];
    for (let i = 0; i < 5; i++) waits.push(await gate.reserve(key));
    expect(waits).toEqual([0, 0, 0, 1000, 2000]);
  });

  it('refuses nonsense options', () => {
    expect(() => new PostgresSlotGate(workerA, '', { intervalMs: 0 })).toThrow(RangeError);
    expect(() => new PostgresSlotGate(workerA, '', { burst: 1.5 })).toThrow(RangeError);
    expect(() => new PostgresSlotGate(workerA, '', {}).tryReserve('C', -1)).toThrow(RangeError);
  });
});
