import { Logger } from '@nestjs/common';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { loadBalancerConfig } from '../balancer.config';
import { TargetStateFile } from './target-state.file';
import { TargetRegistry } from './target.registry';

describe('TargetStateFile and the registry restoring from it', () => {
  beforeAll(() => Logger.overrideLogger(false));
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ebbflow-balancer-state-'));
    file = join(dir, 'nested', 'targets.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const registry = () => {
    const r = new TargetRegistry(
      loadBalancerConfig({ BALANCER_ADMIN_TOKEN: 'a-token-of-16-chars' }),
      new TargetStateFile(file),
    );
    r.onModuleInit();
    return r;
  };

  it('should write every registration change and restore the registered targets in initial', () => {
    const first = registry();
    first.register('i-a', '127.0.0.1:5001');
    first.register('i-b', '127.0.0.1:5002');
    first.register('i-c', '127.0.0.1:5003');
    first.register('i-b', '127.0.0.1:6002'); // moved
    first.deregister('i-c'); // nothing in flight: removed at once
    first.onModuleDestroy();

    const restored = registry();
    expect(restored.list().map((t) => [t.id, t.address, t.health])).toEqual([
      ['i-a', '127.0.0.1:5001', 'initial'],
      ['i-b', '127.0.0.1:6002', 'initial'],
    ]);
    // Restored and none healthy yet: they serve at once, failing open.
    expect(restored.pick()).toMatchObject({ target: { id: 'i-a' }, failOpen: true });
    expect(restored.list()[0].registeredAt).toEqual(first.get('i-a')!.registeredAt);
    // Written by rename: no temporary file is left behind.
    expect(readdirSync(join(dir, 'nested'))).toEqual(['targets.json']);
  });

  it('should leave a draining target out of the file (it must get no new request)', () => {
    const first = registry();
    first.register('i-a', '127.0.0.1:5001');
    first.acquire(first.get('i-a')!);
    first.deregister('i-a');
    expect(first.get('i-a')?.health).toBe('draining');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ version: 1, targets: [] });
    first.onModuleDestroy();
  });

  it.each([
    ['no file yet', null, []],
    ['a file that is not JSON', '{"version":1,"targ', []],
    ['another version', '{"version":2,"targets":[]}', []],
    [
      'bad entries (skipped, the good one kept)',
      JSON.stringify({
        version: 1,
        targets: [
          { id: 'i-good', address: '127.0.0.1:5001', registeredAt: '2026-01-01T00:00:00.000Z' },
          { id: '../etc', address: '127.0.0.1:5002' },
          { id: 'i-noport', address: '127.0.0.1' },
          null,
        ],
      }),
      ['i-good'],
    ],
  ])('should start from %s without failing', (_name, content, ids) => {
    if (content !== null) {
      new TargetStateFile(file).write([]); // creates the folder
      writeFileSync(file, content);
    }
    expect(
      registry()
        .list()
        .map((t) => t.id),
    ).toEqual(ids);
  });
});
