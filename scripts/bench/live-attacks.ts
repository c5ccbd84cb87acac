import { Client } from 'pg';
import { hashSeed, Rng, upperId } from '../../simulator/scenario/prng';
import { log, sleep } from './service';

const rng = new Rng(hashSeed('live-attacks'));
let issued = 0;
/** An id as 1Password writes them (26 upper-case base32), unique within this run. */
const opId = () => upperId(0x40000000 + issued++, rng);

export interface LiveAttacks {
  injected: number;
  alerted: number;
  /** Per attack that alerted: from its push being answered to its alert being visible, sorted. */
  latencyMs: number[];
}

/** How often a pushed attack's alert is looked for: the figures are this much coarser. */
const WATCH_EVERY_MS = 10;
/** An attack whose alert is not visible by then counts as not alerted. */
const WATCH_FOR_MS = 60_000;

/**
 * `count` attacks arriving live while history is still being detected: each an account-wide
 * MFA disable by another admin, pushed one a second as its own batch. The push is answered
 * once the batch is committed; from then on the alert is looked for every WATCH_EVERY_MS, as a
 * person watching the console would see it: committed, not merely begun.
 */
export async function pushLiveAttacks(
  baseUrl: string,
  adminKey: string,
  databaseUrl: string,
  count: number,
): Promise<LiveAttacks> {
  const watches: Array<Promise<number | null>> = [];
  for (let i = 0; i < count; i += 1) {
    const admin = opId();
    const now = new Date().toISOString();
    const attack = {
      uuid: opId(),
      timestamp: now,
      actor_uuid: admin,
      actor_details: {
        uuid: admin,
        name: `Live attacker ${i}`,
        email: `attacker${i}@bench.example`,
      },
      action: 'disblmfa',
      object_type: 'account',
      object_uuid: opId(),
      session: { uuid: opId(), login_time: now, ip: '198.51.100.7' },
    };
    const answer = await fetch(`${baseUrl}/api/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify([attack]),
    });
    if (!answer.ok) throw new Error(`pushing a live attack: HTTP ${answer.status}`);
    watches.push(untilAlerted(databaseUrl, admin, performance.now()));
    await sleep(1000);
  }
  log(`pushed ${count} live attacks mid-backfill`);
  const alerted = (await Promise.all(watches)).flatMap((ms) => (ms === null ? [] : [ms]));
  return { injected: count, alerted: alerted.length, latencyMs: alerted.sort((a, b) => a - b) };
}

/** Milliseconds from `since` until an alert of an incident of `actorId` is visible, or null. */
async function untilAlerted(
  databaseUrl: string,
  actorId: string,
  since: number,
): Promise<number | null> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    while (performance.now() - since < WATCH_FOR_MS) {
      const { rowCount } = await db.query(
        `SELECT 1 FROM alerts a JOIN incidents i ON i.id = a.incident_id WHERE i.actor_id = $1`,
        [actorId],
      );
      if (rowCount) return Math.round(performance.now() - since);
      await sleep(WATCH_EVERY_MS);
    }
    return null;
  } finally {
    await db.end();
  }
}
