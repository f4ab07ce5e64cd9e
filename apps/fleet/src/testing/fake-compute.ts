import { ComputeInstance, ComputePort, LaunchRequest } from '@app/cloud';
import { CallLog } from './call-log';

interface FakeInstance {
  instance: ComputeInstance;
  clientToken: string;
  /** Died on its own: reported `terminated` once, then not listed. */
  dead?: 'report' | 'reported';
}

/**
 * FakeCompute is an in-memory ComputePort that behaves like the real ones where the fleet relies
 * on it: a client token launches once (a repeat answers the same instance), launches can be held
 * in flight or made to fail, a dead worker is reported `terminated` once and then disappears.
 */
export class FakeCompute extends ComputePort {
  private readonly instances = new Map<string, FakeInstance>();
  private readonly byToken = new Map<string, string>();
  private readonly held: (() => void)[] = [];
  private next = 1;
  /** While true, launches wait in flight until `releaseLaunches`. */
  holdLaunches = false;
  /** Errors the next launches fail with, in order. */
  readonly failures: Error[] = [];
  /** When set, describe throws it. */
  describeError?: Error;

  constructor(
    readonly log: CallLog = new CallLog(),
    private readonly clock: () => Date = () => new Date(),
  ) {
    super();
  }

  async launch({ clientToken }: LaunchRequest): Promise<ComputeInstance> {
    this.log.push('launch', clientToken);
    const existing = this.byToken.get(clientToken);
    if (existing) {
      const known = this.instances.get(existing);
      return known ? { ...known.instance } : { ...this.gone(existing) };
    }
    const failure = this.failures.shift();
    if (failure) throw failure;
    const id = `i-${(this.next++).toString(16).padStart(17, '0')}`;
    const instance: ComputeInstance = {
      id,
      state: 'pending',
      address: `127.0.0.1:${6000 + this.next}`,
      launchedAt: this.clock(),
      clientToken,
    };
    this.instances.set(id, { instance, clientToken });
    this.byToken.set(clientToken, id);
    if (this.holdLaunches) await new Promise<void>((resolve) => this.held.push(resolve));
    instance.state = 'running';
    return { ...instance };
  }

  /** releaseLaunches lets every held launch finish. */
  releaseLaunches(): void {
    this.holdLaunches = false;
    for (const release of this.held.splice(0)) release();
  }

  /** heldLaunches counts the launches waiting for `releaseLaunches`. */
  get heldLaunches(): number {
    return this.held.length;
  }

  async terminate(id: string): Promise<void> {
    this.log.push('terminate', id);
    this.instances.delete(id);
  }

  async describe(): Promise<ComputeInstance[]> {
    if (this.describeError) throw this.describeError;
    const list: ComputeInstance[] = [];
    for (const [id, fake] of this.instances) {
      if (fake.dead === 'reported') {
        this.instances.delete(id);
        continue;
      }
      if (fake.dead === 'report') {
        fake.dead = 'reported';
        list.push({ ...fake.instance, state: 'terminated' });
        continue;
      }
      list.push({ ...fake.instance });
    }
    return list;
  }

  /** kill makes a worker die on its own (like SIGKILL): reported terminated once. */
  kill(id: string): void {
    const fake = this.instances.get(id);
    if (fake) fake.dead = 'report';
  }

  /** vanish makes a worker disappear from describe without being reported terminated. */
  vanish(id: string): void {
    this.instances.delete(id);
  }

  /** add starts a worker behind the fleet's back (e.g. one a previous fleet launched). */
  add(id: string, launchedAt = this.clock()): ComputeInstance {
    const instance: ComputeInstance = {
      id,
      state: 'running',
      address: `127.0.0.1:${7000 + this.instances.size}`,
      launchedAt,
    };
    this.instances.set(id, { instance, clientToken: `external:${id}` });
    return instance;
  }

  /** running lists the workers alive now. */
  running(): ComputeInstance[] {
    return [...this.instances.values()].filter((f) => !f.dead).map((f) => ({ ...f.instance }));
  }

  private gone(id: string): ComputeInstance {
    return { id, state: 'terminated', address: null, launchedAt: this.clock() };
  }
}
