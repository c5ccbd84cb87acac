import { cpuShare, type CpuProfile, profileTimes } from '../scripts/bench/cpu-profile';

const SRC = '/app/dist/src';
const frame = (functionName: string, url = '') => ({ functionName, url });

/**
 * A detect job (detection → pg → a shared events helper), a normalization, a database reply
 * parsed in a socket callback, and V8's own buckets; one sample every 10 µs.
 */
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 3, 4, 5, 6] },
    { id: 2, callFrame: frame('(garbage collector)') },
    { id: 3, callFrame: frame('(idle)') },
    {
      id: 4,
      callFrame: frame('processTicksAndRejections', 'node:internal/process/task_queues'),
      children: [7, 9],
    },
    {
      id: 5,
      callFrame: frame('onStreamRead', 'node:internal/stream_base_commons'),
      children: [11],
    },
    { id: 6, callFrame: frame('(program)') },
    {
      id: 7,
      callFrame: frame('processBatch', `file://${SRC}/detection/detection.service.js`),
      children: [8],
    },
    {
      id: 8,
      callFrame: frame('query', 'file:///app/node_modules/pg/lib/client.js'),
      children: [10],
    },
    {
      id: 9,
      callFrame: frame('normalizeEvent', `file://${SRC}/events/normalize/normalize-event.js`),
    },
    { id: 10, callFrame: frame('toDetectEvent', `file://${SRC}/events/detect-event.mapper.js`) },
    { id: 11, callFrame: frame('parseRow', 'file:///app/node_modules/pg/lib/result.js') },
  ],
  startTime: 0,
  endTime: 90,
  samples: [8, 10, 9, 11, 2, 3, 6, 8],
  timeDeltas: [10, 10, 10, 10, 10, 10, 10, 10],
};
const everything = { fromUs: 0, toUs: Infinity };

describe('the benchmark CPU profile', () => {
  it('counts each sample for the nearest staged src frame, library and helper frames included', () => {
    const times = profileTimes(profile, SRC, everything);
    expect(times).toMatchObject({
      rules: 30,
      parse: 10,
      databaseDriver: 10,
      gc: 10,
      idle: 10,
      other: 10,
    });
    expect(times.store).toBe(0);
  });

  it('shares the staged time between stages and reports the rest apart', () => {
    const share = cpuShare(profileTimes(profile, SRC, everything));
    expect(share.cpuShareByStage).toEqual({
      parse: 25,
      store: 0,
      baselines: 0,
      rules: 75,
      incidents: 0,
      notifications: 0,
    });
    expect(share.busyShare).toEqual({
      stages: 57.1,
      databaseDriver: 14.3,
      queue: 0,
      other: 14.3,
      gc: 14.3,
    });
    expect(share.idleShare).toBe(12.5);
  });

  it('leaves out samples outside the window (start-up, shutdown)', () => {
    const times = profileTimes(profile, SRC, { fromUs: 0, toUs: 40 });
    expect(times).toMatchObject({ rules: 20, parse: 10, databaseDriver: 0, gc: 0 });
  });
});
