import { SEVERITIES, type Severity } from '../rules/engine/rule-definition';

export const severityRank = (severity: Severity): number => SEVERITIES.indexOf(severity);

export const higherSeverity = (a: Severity, b: Severity): Severity =>
  severityRank(a) >= severityRank(b) ? a : b;
