import { DetectionService } from '../src/detection/detection.service';
import { itemUsage, opId, signInAttempt } from './support/factories';
import {
  dropTestContext,
  newTestContext,
  pushBatch,
  startIdleWorker,
  startTestApp,
  type TestApp,
  type TestContext,
} from './support/test-app';

const HOUR_MS = 3_600_000;
const MIN_MS = 60_000;
const place = (city: string, country: string, latitude: number, longitude: number) => ({
  country,
  city,
  latitude,
  longitude,
});
const TORONTO = place('Toronto', 'CA', 43.65, -79.38);
const MOSCOW = place('Moscow', 'RU', 55.76, 37.62);
const TOKYO = place('Tokyo', 'JP', 35.68, 139.69);

/**
 * Impossible travel judges each arrival with the located events next to it in time, most of
 * them stored by earlier batches: the nearest before a batch's first event of a user, the
 * nearest after its last, and every one in between. Each batch here is detected before the
 * next is stored, so every pair below is found in PostgreSQL, not among the batch's own.
 */
describe('impossible travel against stored events', () => {
  let context: TestContext;
  let api: TestApp;
  let worker: TestApp;
  const day = Date.UTC(2026, 10, 2);
  const at = (hour: number, minute = 0) => new Date(day + hour * HOUR_MS + minute * MIN_MS);
  const alice = { uuid: opId('user', 0), name: 'Alice', email: 'alice@example.com' };
  const bob = { uuid: opId('user', 1), name: 'Bob', email: 'bob@example.com' };
  const use = (n: number, time: Date, location: Record<string, unknown>, user = alice) =>
    itemUsage(n, time, { user, location });
  /** A failed sign-in: located, but it does not count for the rule. */
  const failed = (n: number, time: Date, location: Record<string, unknown>, user: typeof alice) =>
    signInAttempt(n, time, {
      category: 'credentials_failed',
      type: 'password_incorrect',
      target_user: user,
      location,
    });
  const iso = (date: Date) => date.toISOString();

  /** The users' impossible-travel alerts, each as its two places and times, in time order. */
  async function pairsOf(...users: Array<typeof alice>): Promise<string[]> {
    const rows = await worker.sql<{ pair: string }>(
      `SELECT concat(a.figures->'from'->>'city', ' ', a.figures->'from'->>'at', ' → ',
                     a.figures->'to'->>'city', ' ', a.figures->'to'->>'at') AS pair
       FROM alerts a JOIN rules r ON r.id = a.rule_id
       WHERE r.template_id = 'op.signin.impossible_travel' AND a.actor_id = ANY($1)
       ORDER BY a.figures->'from'->>'at'`,
      [users.map(({ uuid }) => uuid)],
    );
    return rows.map(({ pair }) => pair);
  }

  /** Stores the batch, then detects it (and any batch before it). */
  async function storeAndDetect(batch: unknown[]): Promise<void> {
    await worker.app.get(DetectionService).processBatch(await pushBatch(api, batch));
  }

  beforeAll(async () => {
    context = newTestContext();
    api = await startTestApp({ APP_ROLE: 'api' }, context);
    worker = await startIdleWorker(context);
  }, 60_000);

  afterAll(async () => {
    await api.close();
    await worker.close();
    await dropTestContext(context);
  });

  it('pairs arrivals with the stored events before, after and between their own', async () => {
    await storeAndDetect([use(1, at(10), TORONTO)]);
    // After the stored Toronto use: the nearest stored one before the batch.
    await storeAndDetect([use(2, at(10, 30), MOSCOW)]);
    // A late event before the stored Toronto use: the nearest stored one after the batch.
    await storeAndDetect([use(3, at(9), TOKYO)]);
    // Two uses around all three stored ones: the stored Tokyo (9:00) and Moscow (10:30) uses
    // lie between them, and each pairs with the one next to it.
    await storeAndDetect([use(4, at(8), TORONTO), use(5, at(11), TORONTO)]);
    // Four uses in a row: the nearest stored one before the first (Toronto, 11:00) is behind
    // the batch's own for the last; and the nearest after the last of a late batch (Toronto,
    // 8:00) is behind the batch's own for the first.
    const fourFrom = (n: number, hour: number) =>
      [0, 5, 10, 15].map((minute, i) => use(n + i, at(hour, minute), TOKYO));
    await storeAndDetect(fourFrom(6, 12));
    await storeAndDetect(fourFrom(10, 6));
    // Bob's two uses lie further apart than any fast pair (24.5 hours): each is paired with
    // the stored use next to it, Moscow after the first and Tokyo before the second.
    await storeAndDetect([use(20, at(36), MOSCOW, bob)]);
    await storeAndDetect([use(21, at(59, 30), TOKYO, bob)]);
    await storeAndDetect([use(22, at(35, 30), TORONTO, bob), use(23, at(60), TORONTO, bob)]);

    expect(await pairsOf(alice, bob)).toEqual([
      // Stored in that order, each was the last before Toronto when it arrived.
      ...[0, 5, 10, 15].map((minute) => `Tokyo ${iso(at(6, minute))} → Toronto ${iso(at(8))}`),
      `Toronto ${iso(at(8))} → Tokyo ${iso(at(9))}`,
      `Tokyo ${iso(at(9))} → Toronto ${iso(at(10))}`,
      `Toronto ${iso(at(10))} → Moscow ${iso(at(10, 30))}`,
      `Moscow ${iso(at(10, 30))} → Toronto ${iso(at(11))}`,
      `Toronto ${iso(at(11))} → Tokyo ${iso(at(12))}`,
      `Toronto ${iso(at(35, 30))} → Moscow ${iso(at(36))}`,
      `Tokyo ${iso(at(59, 30))} → Toronto ${iso(at(60))}`,
    ]);
  });

  it('finds the stored event behind stored ones that do not count', async () => {
    const erin = { uuid: opId('user', 4), name: 'Erin', email: 'erin@example.com' };
    await storeAndDetect([use(50, at(300), TORONTO, erin)]);
    // Someone in Moscow fails again and again, each attempt its own batch, then gets in.
    for (let i = 0; i < 14; i++) {
      await storeAndDetect([failed(51 + i, at(300, 10 + 3 * i), MOSCOW, erin)]);
    }
    await storeAndDetect([signInAttempt(70, at(301), { target_user: erin, location: MOSCOW })]);

    expect(await pairsOf(erin)).toEqual([`Toronto ${iso(at(300))} → Moscow ${iso(at(301))}`]);
  });

  it("finds the stored event behind the batch's own that do not count", async () => {
    const carol = { uuid: opId('user', 2), name: 'Carol', email: 'carol@example.com' };
    await storeAndDetect([use(30, at(100), TORONTO, carol)]);
    // Moscow's neighbour is the stored Toronto use, behind four failed sign-ins of its batch.
    await storeAndDetect([
      ...[10, 20, 30, 40].map((minute, i) => failed(31 + i, at(100, minute), TOKYO, carol)),
      use(35, at(101), MOSCOW, carol),
    ]);

    expect(await pairsOf(carol)).toEqual([`Toronto ${iso(at(100))} → Moscow ${iso(at(101))}`]);
  });

  it('pairs arrivals with events stored before events named their batch', async () => {
    const frank = { uuid: opId('user', 5), name: 'Frank', email: 'frank@example.com' };
    await storeAndDetect([use(80, at(400), TORONTO, frank)]);
    // As the migration that records batches on events left those already detected.
    await worker.sql(`UPDATE events SET batch_id = NULL WHERE actor_id = $1`, [frank.uuid]);
    await storeAndDetect([use(81, at(400, 30), MOSCOW, frank)]);

    expect(await pairsOf(frank)).toEqual([`Toronto ${iso(at(400))} → Moscow ${iso(at(400, 30))}`]);
  });

  it('pairs each of arrivals a day apart with the stored events between them', async () => {
    const dave = { uuid: opId('user', 3), name: 'Dave', email: 'dave@example.com' };
    const stored = [
      use(40, at(200, 30), MOSCOW, dave),
      use(41, at(222, 30), TOKYO, dave),
      use(42, at(223, 30), TOKYO, dave),
      use(43, at(245, 30), MOSCOW, dave),
    ];
    for (const one of stored) await storeAndDetect([one]);
    // Three arrivals 23 hours apart, each between two of the stored ones.
    await storeAndDetect([200, 223, 246].map((hour, i) => use(44 + i, at(hour), TORONTO, dave)));

    expect(await pairsOf(dave)).toEqual([
      `Toronto ${iso(at(200))} → Moscow ${iso(at(200, 30))}`,
      `Tokyo ${iso(at(222, 30))} → Toronto ${iso(at(223))}`,
      `Toronto ${iso(at(223))} → Tokyo ${iso(at(223, 30))}`,
      `Moscow ${iso(at(245, 30))} → Toronto ${iso(at(246))}`,
    ]);
  });
});
