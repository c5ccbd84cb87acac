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
  /** The same, per kind of attack. */
  byKind: Record<AttackKind, { injected: number; latencyMs: number[] }>;
}

/**
 * An account-wide MFA disable by an admin never seen before (rules that read no baseline), or
 * a user of the backfill doing an item action new to them (a rule that reads their baseline,
 * which is still being learned from the backlog).
 */
type AttackKind = 'mfaDisabled' | 'newItemAction';

/** How often a pushed attack's alert is looked for: the figures are this much coarser. */
const WATCH_EVERY_MS = 10;
/** An attack whose alert is not visible by then counts as not alerted. */
const WATCH_FOR_MS = 60_000;
/** The rule the new item action must alert on (other rules may alert on it too). */
const NEW_ACTION_TEMPLATE = 'op.item.new_action_for_user';
/** Item actions the scenario's users do rarely, if ever: one the user has not done is new. */
const RARE_ACTIONS = ['server-create', 'server-update', 'server-fetch', 'enter-item-edit-mode'];
/** The new action rule learns a user for 7 days: only a user known for longer is judged. */
const KNOWN_FOR = '8 days';

interface Attack {
  kind: AttackKind;
  event: Record<string, unknown>;
  actorId: string;
  /** The rule whose alert counts; any alert of the actor when null. */
  templateId: string | null;
}

/**
 * `count` attacks arriving live while history is still being detected, pushed one a second,
 * each as its own batch, alternating the two kinds. The push is answered once the batch is
 * committed; from then on the alert is looked for every WATCH_EVERY_MS, as a person watching
 * the console would see it: committed, not merely begun.
 */
export async function pushLiveAttacks(
  baseUrl: string,
  adminKey: string,
  databaseUrl: string,
  count: number,
): Promise<LiveAttacks> {
  const watches: Array<Promise<{ kind: AttackKind; ms: number | null }>> = [];
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    for (let i = 0; i < count; i += 1) {
      const attack = (i % 2 === 1 && (await newItemAction(db, i))) || mfaDisabled(i);
      const answer = await fetch(`${baseUrl}/api/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify([attack.event]),
      });
      if (!answer.ok) throw new Error(`pushing a live attack: HTTP ${answer.status}`);
      const since = performance.now();
      watches.push(
        untilAlerted(databaseUrl, attack, since).then((ms) => ({ kind: attack.kind, ms })),
      );
      await sleep(1000);
    }
  } finally {
    await db.end();
  }
  log(`pushed ${count} live attacks mid-backfill`);
  const outcomes = await Promise.all(watches);
  const timed = (kind?: AttackKind) =>
    outcomes
      .filter((outcome) => kind === undefined || outcome.kind === kind)
      .flatMap(({ ms }) => (ms === null ? [] : [ms]))
      .sort((a, b) => a - b);
  const injected = (kind: AttackKind) => outcomes.filter((outcome) => outcome.kind === kind).length;
  const all = timed();
  return {
    injected: count,
    alerted: all.length,
    latencyMs: all,
    byKind: {
      mfaDisabled: { injected: injected('mfaDisabled'), latencyMs: timed('mfaDisabled') },
      newItemAction: { injected: injected('newItemAction'), latencyMs: timed('newItemAction') },
    },
  };
}

function mfaDisabled(i: number): Attack {
  const admin = opId();
  const now = new Date().toISOString();
  return {
    kind: 'mfaDisabled',
    actorId: admin,
    templateId: null,
    event: {
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
    },
  };
}

/**
 * A user whose events are stored (and mostly still waiting for detection) does an item action
 * they have not done; null when no stored user is known for long enough yet.
 */
async function newItemAction(db: Client, i: number): Promise<Attack | null> {
  const { rows } = await db.query<{
    actor_id: string;
    actor_email: string;
    account_id: string | null;
    vault_id: string;
    item_id: string;
    action: string;
  }>(
    `SELECT e.actor_id, e.actor_email, e.account_id, e.vault_id, e.item_id, a.action
     FROM (SELECT actor_id, actor_email, account_id, vault_id, item_id FROM events
           WHERE stream = 'item_usage' AND actor_type = 'user' AND actor_email IS NOT NULL
             AND event_time < now() - $1::interval
           ORDER BY id OFFSET $2 LIMIT 1) AS e
     CROSS JOIN LATERAL (
       SELECT action FROM unnest($3::text[]) AS r(action)
       WHERE NOT EXISTS (SELECT 1 FROM events o WHERE o.actor_id = e.actor_id
                         AND o.stream = 'item_usage' AND o.action = r.action)
       LIMIT 1) AS a`,
    [KNOWN_FOR, i * 97, RARE_ACTIONS],
  );
  const user = rows.at(0);
  if (user === undefined) return null;
  return {
    kind: 'newItemAction',
    actorId: user.actor_id,
    templateId: NEW_ACTION_TEMPLATE,
    event: {
      uuid: opId(),
      timestamp: new Date().toISOString(),
      used_version: 1,
      vault_uuid: user.vault_id,
      item_uuid: user.item_id,
      action: user.action,
      user: { uuid: user.actor_id, name: `User ${user.actor_email}`, email: user.actor_email },
      client: {
        app_name: '1Password CLI',
        app_version: '2300101',
        platform_name: 'linux',
        platform_version: '6.1',
        os_name: 'Linux',
        os_version: '6.1',
        ip_address: '198.51.100.7',
      },
      ...(user.account_id ? { account_uuid: user.account_id } : {}),
    },
  };
}

/** Milliseconds from `since` until the attack's alert is visible, or null. */
async function untilAlerted(
  databaseUrl: string,
  attack: Attack,
  since: number,
): Promise<number | null> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    while (performance.now() - since < WATCH_FOR_MS) {
      const { rowCount } = await db.query(
        `SELECT 1 FROM alerts a JOIN rules r ON r.id = a.rule_id
         WHERE a.actor_id = $1 AND ($2::text IS NULL OR r.template_id = $2)
           AND a.event_time > now() - interval '10 minutes'`,
        [attack.actorId, attack.templateId],
      );
      if (rowCount) return Math.round(performance.now() - since);
      await sleep(WATCH_EVERY_MS);
    }
    return null;
  } finally {
    await db.end();
  }
}
