import type { AlertCandidate, SourceHealth } from '../../engine/evaluation';
import { formatDuration, formatTime } from '../../engine/explain';
import type { Rule } from '../../engine/rule-definition';
import type { HeartbeatParams } from './heartbeat.params';

/** States in which a source is not expected to poll: never reported as silent. */
const NOT_POLLING = new Set(['disabled']);

/**
 * heartbeat: not judged per batch but on a clock. A source whose last successful poll (or,
 * never having succeeded, its creation) is older than maxSilenceSeconds fires; the fingerprint
 * is source|floor(silenceStart / maxSilence), so one silence episode fires once however often
 * this runs, and the next silence (after a success) fires again.
 */
export function evaluateHeartbeat(
  rule: Rule,
  sources: readonly SourceHealth[],
  now: Date,
): AlertCandidate[] {
  const params = rule.params as HeartbeatParams;
  const maxMs = params.maxSilenceSeconds * 1000;
  const wanted = params.sources.length > 0 ? new Set(params.sources) : null;
  const out: AlertCandidate[] = [];
  for (const source of sources) {
    if (wanted !== null && !wanted.has(source.id)) continue;
    if (NOT_POLLING.has(source.state)) continue;
    const since = source.lastSuccessAt ?? source.createdAt;
    const silentMs = now.getTime() - since.getTime();
    if (!(silentMs > maxMs)) continue;
    const episode = Math.floor(since.getTime() / maxMs);
    const what = source.lastSuccessAt ? 'no successful poll' : 'never polled successfully';
    out.push({
      ruleId: rule.id,
      ruleVersion: rule.version,
      fingerprint: `${source.id}|${episode}`,
      groupKey: source.id,
      severity: rule.severity,
      eventTime: now,
      actorId: null,
      accountId: null,
      evidenceEventIds: [],
      explanation:
        `Source ${source.id} (${source.state}): ${what} since ${formatTime(since)}, ` +
        `${formatDuration(Math.floor(silentMs / 60_000) * 60 || Math.floor(silentMs / 1000))} ` +
        `(limit ${formatDuration(params.maxSilenceSeconds)}).`,
      figures: {
        sourceId: source.id,
        state: source.state,
        silentSince: since.toISOString(),
        silentSeconds: Math.floor(silentMs / 1000),
        maxSilenceSeconds: params.maxSilenceSeconds,
      },
    });
  }
  return out;
}
