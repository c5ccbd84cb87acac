import { routeChannels, RoutableChannel } from './routing';

const channel = (overrides: Partial<RoutableChannel>): RoutableChannel => ({
  id: 'c1',
  name: 'security',
  enabled: true,
  minSeverity: 'info',
  ruleIds: [],
  tags: [],
  ...overrides,
});

const incident = { severity: 'high' as const, ruleId: 'r1', ruleTags: ['T1567'], ruleChannels: [] };

describe('routeChannels', () => {
  it('keeps enabled channels at or below the incident severity', () => {
    const routed = routeChannels(
      [
        channel({ id: 'a', minSeverity: 'high' }),
        channel({ id: 'b', minSeverity: 'critical' }),
        channel({ id: 'c', enabled: false }),
      ],
      incident,
    );
    expect(routed.map((c) => c.id)).toEqual(['a']);
  });

  it('applies rule and tag filters', () => {
    const routed = routeChannels(
      [
        channel({ id: 'a', ruleIds: ['r2'] }),
        channel({ id: 'b', ruleIds: ['r1'] }),
        channel({ id: 'c', tags: ['T1110'] }),
        channel({ id: 'd', tags: ['T1567', 'x'] }),
      ],
      incident,
    );
    expect(routed.map((c) => c.id)).toEqual(['b', 'd']);
  });

  it('sends only to the channels a rule names, by id or name', () => {
    const routed = routeChannels(
      [
        channel({ id: 'a', name: 'Pager' }),
        channel({ id: 'b', name: 'email' }),
        channel({ id: 'c' }),
      ],
      { ...incident, ruleChannels: ['pager', 'c'] },
    );
    expect(routed.map((c) => c.id)).toEqual(['a', 'c']);
  });
});
