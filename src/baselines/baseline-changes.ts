/**
 * The version of what the baselines hold: one counter, bumped by every transaction that
 * changes them, as its last statement (so transactions that change them queue on it only at
 * the end, never in a cycle). What a worker holds in memory is only trusted at the version its
 * own last change left (see BaselineCache).
 */

/** What runs a statement: an EntityManager or a QueryRunner. */
interface Queryable {
  query(sql: string): Promise<unknown>;
}

/** The version stored now. */
export async function readBaselineVersion(on: Queryable): Promise<string> {
  const [row] = (await on.query(`SELECT version::text FROM baseline_changes`)) as Array<{
    version: string;
  }>;
  return row.version;
}

/** One change more, in the caller's transaction: the version it leaves. */
export async function bumpBaselineVersion(on: Queryable): Promise<string> {
  // In a WITH: an UPDATE's answer would come as [rows, count].
  const [row] = (await on.query(
    `WITH bumped AS (UPDATE baseline_changes SET version = version + 1 RETURNING version)
     SELECT version::text FROM bumped`,
  )) as Array<{ version: string }>;
  return row.version;
}
