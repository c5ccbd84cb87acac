import { ConnectClient } from './connect.client';
import { ConnectPoller } from './connect.poller';
import { RunningSource } from './running-source';
import { accountIdOf, connectTokenAccount } from './source-account';
import { connectStreamId } from './stream-ids';

/**
 * A Connect server's activity log. Its account is the one its definition names, else the
 * one its token's claim names.
 */
export class ConnectSource extends RunningSource {
  streamIds(): string[] {
    return [connectStreamId(this.definition.name)];
  }

  async start(): Promise<void> {
    const { name, url, token, account } = this.definition;
    const baseUrl = (url ?? '').replace(/\/+$/, '');
    const id = connectStreamId(name);
    const { sources, events, requestTimeoutMs } = this.context;
    await sources.ensure({
      id,
      sourceName: name,
      kind: 'connect',
      stream: 'connect_activity',
      endpoint: baseUrl,
    });
    const accountId = accountIdOf(account) ?? connectTokenAccount(token);
    await sources.setAccount([id], accountId);
    const client = new ConnectClient(baseUrl, token, requestTimeoutMs);
    this.startLoop(new ConnectPoller(id, client, sources, events, accountId));
  }
}
