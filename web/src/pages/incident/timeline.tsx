import type { Schemas } from '../../api/types';
import { Time } from '../../components/time';

/** Who did what, when: newest last, as it happened. */
export function Timeline({ entries }: { entries: Schemas['TimelineEntryDto'][] }) {
  if (!entries.length) return <p className="empty">Nothing yet.</p>;
  return (
    <ol className="timeline" data-testid="timeline">
      {entries.map((entry) => (
        <li key={entry.id}>
          <Time at={entry.at} /> <strong>{entry.kind}</strong>
          {entry.by && <> by {entry.by}</>}
          {entry.mutedReason && <span className="muted"> (not notified: {entry.mutedReason})</span>}
          {entry.note && <blockquote>{entry.note}</blockquote>}
        </li>
      ))}
    </ol>
  );
}
