import type { Client } from 'pg';
import { hashSeed, Rng, upperId } from '../../simulator/scenario/prng';
import { log, sleep } from './service';

const rng = new Rng(hashSeed('live-attacks'));
let issued = 0;
/** An id as 1Password writes them (26 upper-case base32), unique within this run. */
const opId = () => upperId(0x40000000 + issued++, rng);

/**
 * `count` attacks arriving live while history is still being detected: each an account-wide
 * MFA disable by another admin, pushed one a second as its own batch. Returns the admins.
 */
export async function pushLiveAttacks(
  baseUrl: string,
  adminKey: string,
  count: number,
): Promise<string[]> {
  const admins: string[] = [];
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
    admins.push(admin);
    await sleep(1000);
  }
  log(`pushed ${count} live attacks mid-backfill`);
  return admins;
}

/** For each attack: from the commit of its batch to its alert (none: it did not alert). */
export async function liveAttackLatency(db: Client, admins: string[]) {
  const { rows } = await db.query<{ ms: string | null }>(
    `SELECT (SELECT extract(epoch FROM min(a.created_at - b.created_at)) * 1000
             FROM alerts a
             JOIN ingest_batches b ON b.id = a.batch_id
             JOIN incidents i ON i.id = a.incident_id
             WHERE i.actor_id = x.admin) AS ms
     FROM unnest($1::text[]) AS x(admin)`,
    [admins],
  );
  const alerted = rows.flatMap((row) => (row.ms === null ? [] : [Math.round(Number(row.ms))]));
  return {
    injected: admins.length,
    alerted: alerted.length,
    latencyMs: alerted.sort((a, b) => a - b),
  };
}
