import { desiredOnStart, DesiredOnStartInput } from './desired-on-start';

describe('desiredOnStart', () => {
  it.each<[string, DesiredOnStartInput, number, string]>([
    [
      'starts at INITIAL_WORKERS on the very first start',
      { stored: null, initial: 1, mode: 'auto', aliveWorkers: null },
      1,
      'start: INITIAL_WORKERS=1',
    ],
    [
      'keeps the stored size when only the fleet service restarted (3 workers still serve)',
      { stored: 3, initial: 1, mode: 'auto', aliveWorkers: 3 },
      3,
      'start: kept the stored desired size',
    ],
    [
      'starts at INITIAL_WORKERS when no worker survived (e.g. after "Stopping" stored 0)',
      { stored: 0, initial: 1, mode: 'auto', aliveWorkers: 0 },
      1,
      'start: no worker of the previous run is alive, INITIAL_WORKERS=1',
    ],
    [
      'keeps the stored size when survivors cannot be counted (better than killing them)',
      { stored: 4, initial: 1, mode: 'auto', aliveWorkers: null },
      4,
      'start: kept the stored desired size',
    ],
    [
      'always keeps a stored size with FLEET_KEEP_DESIRED_ON_START=true',
      { stored: 0, initial: 1, mode: 'true', aliveWorkers: 0 },
      0,
      'start: kept the stored desired size',
    ],
    [
      'always starts at INITIAL_WORKERS with FLEET_KEEP_DESIRED_ON_START=false',
      { stored: 3, initial: 2, mode: 'false', aliveWorkers: 3 },
      2,
      'start: INITIAL_WORKERS=2',
    ],
  ])('%s', (_name, input, desired, cause) => {
    expect(desiredOnStart(input)).toEqual({ desired, cause });
  });
});
