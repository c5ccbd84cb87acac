import { SEVERITIES, type Severity } from '../rules/engine/rule-definition';

export interface RoutableChannel {
  id: string;
  name: string;
  enabled: boolean;
  minSeverity: Severity;
  ruleIds: string[];
  tags: string[];
}

export interface RoutedIncident {
  severity: Severity;
  ruleId: string;
  ruleTags: string[];
  /** Channels the rule names (ids or names); empty = any channel whose filters match. */
  ruleChannels: string[];
}

/**
 * The channels an incident change goes to: enabled, at or above their minimum severity,
 * within their rule and tag filters, and among the rule's own channels when it names some.
 */
export function routeChannels<T extends RoutableChannel>(
  channels: T[],
  incident: RoutedIncident,
): T[] {
  const rank = (severity: Severity) => SEVERITIES.indexOf(severity);
  const named = new Set(incident.ruleChannels.map((channel) => channel.toLowerCase()));
  return channels.filter(
    (channel) =>
      channel.enabled &&
      rank(incident.severity) >= rank(channel.minSeverity) &&
      (channel.ruleIds.length === 0 || channel.ruleIds.includes(incident.ruleId)) &&
      (channel.tags.length === 0 || channel.tags.some((tag) => incident.ruleTags.includes(tag))) &&
      (named.size === 0 || named.has(channel.id) || named.has(channel.name.toLowerCase())),
  );
}
