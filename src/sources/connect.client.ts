import { answerJson, SourceError, sourceRequest } from './source-errors';

const SERVICE = 'Connect server';

export interface ActivityPage {
  items: unknown[];
  /** From `Content-Range: 1-50/1134`; null when the server sent none. */
  total: number | null;
}

/** A 1Password Connect server's request log and heartbeat. */
export class ConnectClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
    private readonly timeoutMs?: number,
  ) {}

  async activity(limit: number, offset: number): Promise<ActivityPage> {
    const url = `${this.baseUrl}/v1/activity?limit=${limit}&offset=${offset}`;
    const answer = await sourceRequest(SERVICE, url, this.token, { timeoutMs: this.timeoutMs });
    const body = answerJson(SERVICE, answer);
    if (!Array.isArray(body))
      throw new SourceError('unavailable', `${SERVICE} activity is not an array`);
    return { items: body, total: contentRangeTotal(answer.headers.get('content-range')) };
  }

  /** `GET /heartbeat` answers `.` while the server is up. */
  async heartbeat(): Promise<void> {
    await sourceRequest(SERVICE, `${this.baseUrl}/heartbeat`, this.token, {
      accept: 'text/plain',
      timeoutMs: this.timeoutMs,
    });
  }
}

export function contentRangeTotal(header: string | null): number | null {
  const match = header ? /\/(\d+)\s*$/.exec(header) : null;
  return match ? Number(match[1]) : null;
}
