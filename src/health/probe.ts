import { failureReason, withTimeout } from '../common/deadline';

/** One dependency's readiness, as /health reports it. Reasons are short and carry no secrets. */
export interface CheckResult {
  status: 'up' | 'down';
  reason?: string;
}

/** Runs a probe with a deadline and turns its outcome into a CheckResult; never rejects. */
export async function runCheck(probe: Promise<unknown>, timeoutMs: number): Promise<CheckResult> {
  try {
    await withTimeout(probe, timeoutMs);
    return { status: 'up' };
  } catch (error) {
    return { status: 'down', reason: failureReason(error) };
  }
}
