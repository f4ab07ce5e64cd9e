import {
  Controller,
  DynamicModule,
  Inject,
  Injectable,
  INestMicroservice,
  Module,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  DecisionsQuery,
  DisableScalerCommand,
  FLEET_GROW,
  FLEET_INSTANCE_STATE,
  FLEET_LIST,
  FLEET_POOL_CHANGED,
  FLEET_SHRINK,
  FLEET_SET_DESIRED,
  FLEET_SNAPSHOT,
  FLEET_REMOVE_WORKER,
  FLEET_TERMINATE,
  FLEET_TERMINATE_ALL,
  FleetListReply,
  GrowCommand,
  HistoryQuery,
  HistoryReply,
  METRICS_HISTORY,
  PolicyView,
  REMOVE_WORKER_CONFLICT,
  RemoveWorkerQuery,
  RemoveWorkerReply,
  SCALER_DECISIONS,
  SCALER_STATUS,
  ScalerStatus,
  SCALER_DISABLE,
  SCALER_GET_POLICY,
  SCALER_POLICY_CHANGED,
  SCALER_PUT_POLICY,
  ScalingDecision,
  ScalingPolicy,
  ServiceName,
  SetDesiredCommand,
  ShrinkCommand,
  TerminateAllCommand,
  TerminateCommand,
  WorkerState,
  WorkerView,
} from '@app/contracts';
import {
  createRmqServer,
  HandlerError,
  MessageBus,
  MessagingConfig,
  MessagingModule,
} from '@app/messaging';
import { randomBytes } from 'crypto';

const FAKE_OPTIONS = Symbol('FAKE_OPTIONS');

/** FakeFleetOptions tune the fake fleet's timing (milliseconds, short for tests). */
export interface FakeFleetOptions {
  startDelayMs: number;
  drainDelayMs: number;
  loadBalancerUrl: string;
}

/**
 * FakeFleet stands in for apps/fleet in the gateway's tests: it answers FLEET_LIST, carries out
 * the commands on an in-memory pool and emits the same events as the real fleet (state changes,
 * pool changes, snapshots) over the real bus, with workers going pending → running and
 * draining → terminated after short delays.
 */
@Injectable()
export class FakeFleet {
  desired = 0;
  workers: WorkerView[] = [];
  readonly commands: { pattern: string; payload: object }[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  /** While set, FLEET_LIST queries wait for `answer()` (a fleet that does not answer). */
  private silence?: { promise: Promise<void>; release: () => void };

  constructor(
    private readonly bus: MessageBus,
    @Inject(FAKE_OPTIONS) private readonly options: FakeFleetOptions,
  ) {}

  list(): FleetListReply {
    return {
      desired: this.desired,
      workers: this.workers,
      loadBalancerUrl: this.options.loadBalancerUrl,
    };
  }

  /** mute makes FLEET_LIST go unanswered (the gateway's query times out) until `answer()`. */
  mute(): void {
    if (this.silence) return;
    let release = (): void => undefined;
    const promise = new Promise<void>((resolve) => (release = resolve));
    this.silence = { promise, release };
  }

  /** answer ends `mute()`: the held queries are answered (too late for their callers). */
  answer(): void {
    this.silence?.release();
    this.silence = undefined;
  }

  /** whenAnswering resolves at once, or when a `mute()` ends. */
  whenAnswering(): Promise<void> {
    return this.silence?.promise ?? Promise.resolve();
  }

  /** seed puts running workers in the pool without events (the pool as the test starts). */
  seed(count: number): string[] {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const w = this.newWorker('running', 'healthy');
      ids.push(w.id);
    }
    this.desired += count;
    return ids;
  }

  async grow(count: number, cause: string): Promise<void> {
    const previous = this.desired;
    const added = Array.from({ length: count }, () => this.newWorker('pending', 'initial'));
    this.desired += count;
    for (const w of added) await this.state(w, cause);
    await this.pool(previous, cause);
    this.later(this.options.startDelayMs, async () => {
      for (const w of added) {
        const now = this.workers.find((x) => x.id === w.id);
        if (!now || now.state !== 'pending') continue;
        now.state = 'running';
        now.health = 'healthy';
        now.address = `127.0.0.1:${20000 + Math.floor(Math.random() * 10000)}`;
        await this.state(now, 'health check passed', 'pending', 'initial');
      }
      await this.snapshot();
    });
  }

  async remove(ids: string[], cause: string, desired: number): Promise<void> {
    const previous = this.desired;
    this.desired = Math.max(0, desired);
    for (const id of ids) {
      const w = this.workers.find((x) => x.id === id);
      if (!w || w.state === 'draining') continue;
      const before = { state: w.state, health: w.health };
      w.state = 'draining';
      w.health = 'draining';
      await this.state(w, cause, before.state, before.health);
    }
    if (previous !== this.desired) await this.pool(previous, cause);
    this.later(this.options.drainDelayMs, async () => {
      for (const id of ids) {
        const w = this.workers.find((x) => x.id === id);
        if (!w) continue;
        this.workers = this.workers.filter((x) => x.id !== id);
        await this.state(
          { ...w, state: 'terminated', health: 'unused' },
          'drained',
          'draining',
          'draining',
        );
      }
      await this.snapshot();
    });
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
  }

  private newWorker(state: WorkerState, health: WorkerView['health']): WorkerView {
    const w: WorkerView = {
      id: `i-${randomBytes(6).toString('hex')}`,
      state,
      health,
      address: state === 'running' ? '127.0.0.1:19999' : null,
      launchedAt: new Date().toISOString(),
    };
    this.workers.push(w);
    return w;
  }

  private later(ms: number, fn: () => Promise<void>): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      void fn().catch(() => undefined);
    }, ms);
    this.timers.add(t);
  }

  private async state(
    w: WorkerView,
    cause: string,
    previousState?: WorkerState,
    previousHealth?: WorkerView['health'],
  ): Promise<void> {
    await this.bus.emit(FLEET_INSTANCE_STATE, {
      instanceId: w.id,
      state: w.state,
      health: w.health,
      previousState,
      previousHealth,
      address: w.address,
      launchedAt: w.launchedAt,
      cause,
      at: new Date().toISOString(),
    });
  }

  private async pool(previous: number, cause: string): Promise<void> {
    await this.bus.emit(FLEET_POOL_CHANGED, {
      desired: this.desired,
      previous,
      cause,
      at: new Date().toISOString(),
    });
    await this.snapshot();
  }

  private async snapshot(): Promise<void> {
    await this.bus.emit(FLEET_SNAPSHOT, {
      desired: this.desired,
      workers: this.workers,
      at: new Date().toISOString(),
    });
  }
}

@Controller()
class FakeFleetController {
  constructor(private readonly fleet: FakeFleet) {}

  @MessagePattern(FLEET_LIST.pattern)
  async list(): Promise<FleetListReply> {
    await this.fleet.whenAnswering();
    return this.fleet.list();
  }

  @MessagePattern(FLEET_GROW.pattern)
  async grow(@Payload() c: GrowCommand): Promise<void> {
    this.fleet.commands.push({ pattern: FLEET_GROW.pattern, payload: c });
    await this.fleet.grow(c.count, c.reason ?? 'grow');
  }

  @MessagePattern(FLEET_SHRINK.pattern)
  async shrink(@Payload() c: ShrinkCommand): Promise<void> {
    this.fleet.commands.push({ pattern: FLEET_SHRINK.pattern, payload: c });
    const victims = this.fleet.workers.filter((w) => w.state !== 'draining').slice(-c.count);
    await this.fleet.remove(
      victims.map((w) => w.id),
      c.reason ?? 'shrink',
      this.fleet.desired - c.count,
    );
  }

  @MessagePattern(FLEET_TERMINATE.pattern)
  async terminate(@Payload() c: TerminateCommand): Promise<void> {
    this.fleet.commands.push({ pattern: FLEET_TERMINATE.pattern, payload: c });
    await this.fleet.remove([c.instanceId], c.reason ?? 'terminate', this.fleet.desired - 1);
  }

  /**
   * Like the real fleet: 404 for an unknown worker, 409 for one already draining; only a removal
   * it carries out is recorded in `commands` (a refused one changes nothing).
   */
  @MessagePattern(FLEET_REMOVE_WORKER.pattern)
  async removeWorker(@Payload() q: RemoveWorkerQuery): Promise<RemoveWorkerReply> {
    const worker = this.fleet.workers.find((w) => w.id === q.instanceId);
    if (!worker) throw new HandlerError('not-found', `no worker ${q.instanceId} in the pool`);
    if (worker.state === 'draining') {
      throw new HandlerError(REMOVE_WORKER_CONFLICT, `${q.instanceId} is already draining`);
    }
    this.fleet.commands.push({ pattern: FLEET_REMOVE_WORKER.pattern, payload: q });
    const action = worker.state === 'pending' ? 'cancelled' : 'draining';
    await this.fleet.remove([q.instanceId], q.reason ?? 'remove', this.fleet.desired - 1);
    return { commandId: q.commandId, instanceId: q.instanceId, action, message: action };
  }

  @MessagePattern(FLEET_SET_DESIRED.pattern)
  setDesired(@Payload() c: SetDesiredCommand): void {
    this.fleet.commands.push({ pattern: FLEET_SET_DESIRED.pattern, payload: c });
  }

  @MessagePattern(FLEET_TERMINATE_ALL.pattern)
  async terminateAll(@Payload() c: TerminateAllCommand): Promise<void> {
    this.fleet.commands.push({ pattern: FLEET_TERMINATE_ALL.pattern, payload: c });
    await this.fleet.remove(
      this.fleet.workers.map((w) => w.id),
      c.reason ?? 'terminate all',
      0,
    );
  }
}

/**
 * FakeScaler stands in for apps/scaler: it keeps the policy it is given (the transport has
 * already validated it against the contract's ScalingPolicy) and emits SCALER_POLICY_CHANGED.
 */
@Injectable()
export class FakeScaler {
  view: PolicyView = { policy: null, enabled: false, updatedAt: null };
  readonly commands: { pattern: string; payload: object }[] = [];
  decisions: ScalingDecision[] = [];
  /** The latest evaluation SCALER_STATUS reports (set by a test). */
  lastEvaluation: ScalerStatus['lastEvaluation'] = null;

  constructor(private readonly bus: MessageBus) {}

  async save(policy: ScalingPolicy, cause: string): Promise<PolicyView> {
    this.view = {
      policy: { ...policy },
      enabled: policy.enabled,
      updatedAt: new Date().toISOString(),
    };
    await this.bus.emit(SCALER_POLICY_CHANGED, {
      policy: this.view.policy,
      enabled: this.view.enabled,
      cause,
      at: this.view.updatedAt!,
    });
    return this.view;
  }

  async disable(cause: string): Promise<void> {
    this.view = { ...this.view, enabled: false, updatedAt: new Date().toISOString() };
    if (this.view.policy) this.view.policy = { ...this.view.policy, enabled: false };
    await this.bus.emit(SCALER_POLICY_CHANGED, {
      policy: this.view.policy,
      enabled: false,
      cause,
      at: this.view.updatedAt!,
    });
  }
}

@Controller()
class FakeScalerController {
  constructor(private readonly scaler: FakeScaler) {}

  @MessagePattern(SCALER_GET_POLICY.pattern)
  get(): PolicyView {
    return this.scaler.view;
  }

  @MessagePattern(SCALER_STATUS.pattern)
  status(): ScalerStatus {
    const enabled = this.scaler.view.enabled;
    return {
      enabled,
      lastEvaluation: this.scaler.lastEvaluation,
      cooldownUntil: null,
      nextEvaluationAt: enabled ? new Date(Date.now() + 1000).toISOString() : null,
    };
  }

  @MessagePattern(SCALER_PUT_POLICY.pattern)
  put(@Payload() policy: ScalingPolicy): Promise<PolicyView> {
    this.scaler.commands.push({ pattern: SCALER_PUT_POLICY.pattern, payload: policy });
    return this.scaler.save(policy, 'manual: policy saved');
  }

  @MessagePattern(SCALER_DECISIONS.pattern)
  decisions(@Payload() q: DecisionsQuery): ScalingDecision[] {
    return this.scaler.decisions.slice(0, q.limit ?? 100);
  }

  @MessagePattern(SCALER_DISABLE.pattern)
  async disable(@Payload() c: DisableScalerCommand): Promise<void> {
    this.scaler.commands.push({ pattern: SCALER_DISABLE.pattern, payload: c });
    await this.scaler.disable(c.reason ?? 'disabled');
  }
}

/** fakeHistory is the metrics fake's answer: `minutes` points, CPU rising and falling, requests. */
export function fakeHistory(q: HistoryQuery, now = Date.now()): HistoryReply {
  const start = Math.floor(now / 60000) * 60000 - (q.minutes - 1) * 60000;
  return {
    instanceId: q.instanceId,
    points: Array.from({ length: q.minutes }, (_, i) => ({
      minute: new Date(start + i * 60000).toISOString(),
      cpuAvg: i % 10 === 9 ? null : 5 + ((i * 7) % 40),
      requests: (i * 13) % 50,
    })),
  };
}

@Controller()
class FakeMetricsController {
  @MessagePattern(METRICS_HISTORY.pattern)
  history(@Payload() q: HistoryQuery): HistoryReply {
    return fakeHistory(q);
  }
}

@Module({})
class FakeServiceModule {
  static forRoot(
    service: ServiceName,
    config: MessagingConfig,
    // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
    parts: { controllers: Function[]; providers: unknown[] },
  ): DynamicModule {
    return {
      module: FakeServiceModule,
      imports: [MessagingModule.forRoot(service, config)],
      controllers: parts.controllers as DynamicModule['controllers'],
      providers: parts.providers as DynamicModule['providers'],
    };
  }
}

/**
 * SHUTDOWN_CALLS records which services heard SYSTEM_SHUTDOWN (the transport's default answer,
 * SIGTERM to this process, would stop the test runner).
 */
export const SHUTDOWN_CALLS: ServiceName[] = [];

async function startFake(
  service: ServiceName,
  config: MessagingConfig,
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  parts: { controllers: Function[]; providers: unknown[] },
): Promise<INestMicroservice> {
  const app = await NestFactory.createMicroservice(
    FakeServiceModule.forRoot(service, config, parts),
    {
      strategy: createRmqServer(service, config, {
        onSystemShutdown: () => SHUTDOWN_CALLS.push(service),
      }),
      logger: ['error'],
    },
  );
  await app.listen();
  return app;
}

/** startFakeFleet runs the fake fleet on the bus; returns the app and its state. */
export async function startFakeFleet(
  config: MessagingConfig,
  options: Partial<FakeFleetOptions> = {},
): Promise<{ app: INestMicroservice; fleet: FakeFleet }> {
  const opts: FakeFleetOptions = {
    startDelayMs: 300,
    drainDelayMs: 300,
    loadBalancerUrl: 'http://127.0.0.1:8080',
    ...options,
  };
  const app = await startFake('fleet', config, {
    controllers: [FakeFleetController],
    providers: [FakeFleet, { provide: FAKE_OPTIONS, useValue: opts }],
  });
  return { app, fleet: app.get(FakeFleet) };
}

/** startFakeScaler runs the fake scaler on the bus. */
export async function startFakeScaler(
  config: MessagingConfig,
): Promise<{ app: INestMicroservice; scaler: FakeScaler }> {
  const app = await startFake('scaler', config, {
    controllers: [FakeScalerController],
    providers: [FakeScaler],
  });
  return { app, scaler: app.get(FakeScaler) };
}

/** startFakeMetrics runs the fake metrics service (history only) on the bus. */
export async function startFakeMetrics(config: MessagingConfig): Promise<INestMicroservice> {
  return startFake('metrics', config, { controllers: [FakeMetricsController], providers: [] });
}

/** startFakeJanitor runs a janitor that only answers pings (for `/health`). */
export async function startFakeJanitor(config: MessagingConfig): Promise<INestMicroservice> {
  return startFake('janitor', config, { controllers: [], providers: [] });
}
