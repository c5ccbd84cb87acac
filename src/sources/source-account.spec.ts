import { FakeConnectServer } from '../../simulator/fake-connect';
import type { NormalizedEvent } from '../events/normalize/normalized-event';
import { accountIdOf, connectTokenAccount, fillAccount } from './source-account';
import { connectStreamId, eventsStreamId } from './stream-ids';

describe('the account of a source', () => {
  it("reads a Connect token's account claim, upper-case", () => {
    const server = new FakeConnectServer({ seed: 3, accountUuid: 'qhq4rvhpbvb4vlfg3numpj6x5e' });
    expect(connectTokenAccount(server.createToken())).toBe('QHQ4RVHPBVB4VLFG3NUMPJ6X5E');
    expect(connectTokenAccount('opaque-token')).toBeNull();
    expect(connectTokenAccount('a.not-base64-json.c')).toBeNull();
    expect(accountIdOf('  ')).toBeNull();
  });

  it("fills in the source's account where an event names none, and only there", () => {
    const events = [{ accountId: null }, { accountId: 'OTHER' }] as NormalizedEvent[];
    fillAccount(events, 'ACME');
    expect(events.map((event) => event.accountId)).toEqual(['ACME', 'OTHER']);
  });

  it('keeps the ids of the default source, and names the others', () => {
    expect(eventsStreamId('default', 'item_usage')).toBe('events:item_usage');
    expect(connectStreamId('default')).toBe('connect:activity');
    expect(eventsStreamId('acme', 'audit_event')).toBe('events:acme:audit_event');
    expect(connectStreamId('office')).toBe('connect:office:activity');
  });
});
