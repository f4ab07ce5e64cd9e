import { Controller, DynamicModule, Inject, INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  FLEET_LIST,
  FLEET_SET_DESIRED,
  FLEET_SNAPSHOT,
  FleetListReply,
  METRICS_SAMPLE,
  SetDesiredCommand,
  WorkerView,
} from '@app/contracts';
import { createRmqServer, MessageBus, MessagingConfig } from '@app/messaging';

/**
 * FakeFleetState is the pool a fake fleet keeps: FLEET_SET_DESIRED adds fresh workers (launched
 * now, healthy) or removes the newest ones, like the real fleet, only at once.
 */
export class FakeFleetState {
  readonly commands: SetDesiredCommand[] = [];
  private next = 1;

  constructor(public workers: WorkerView[] = []) {
    this.next = workers.length + 1;
  }

  get desired(): number {
    return this.workers.length;
  }

  /** worker makes a running, healthy worker launched `agoS` seconds ago. */
  worker(agoS = 0): WorkerView {
    return {
      id: `i-${(0xf000 + this.next++).toString(16).padStart(8, '0')}`,
      state: 'running',
      health: 'healthy',
      address: null,
      launchedAt: new Date(Date.now() - agoS * 1000).toISOString(),
    };
  }

  setDesired(command: SetDesiredCommand): void {
    this.commands.push(command);
    while (this.workers.length < command.desired) this.workers.push(this.worker());
    this.workers = this.workers.slice(0, command.desired);
  }
}

const STATE = Symbol('FakeFleetState');

@Controller()
class FakeFleetController {
  constructor(@Inject(STATE) private readonly state: FakeFleetState) {}

  @MessagePattern(FLEET_SET_DESIRED.pattern)
  setDesired(@Payload() command: SetDesiredCommand): void {
    this.state.setDesired(command);
  }

  @MessagePattern(FLEET_LIST.pattern)
  list(): FleetListReply {
    return {
      desired: this.state.desired,
      workers: this.state.workers,
      loadBalancerUrl: 'http://127.0.0.1:8080',
    };
  }
}

@Module({})
class FakeFleetModule {
  static with(state: FakeFleetState): DynamicModule {
    return {
      module: FakeFleetModule,
      controllers: [FakeFleetController],
      providers: [{ provide: STATE, useValue: state }],
    };
  }
}

/**
 * FakeWorld stands for the fleet and the metrics service around a scaler under test: a real
 * `fleet` consumer on RabbitMQ handling FLEET_SET_DESIRED and FLEET_LIST, a FLEET_SNAPSHOT every
 * `everyMs`, and a METRICS_SAMPLE per running worker at the CPU `cpu` says.
 */
export class FakeWorld {
  cpu = 0;
  /** Snapshots sent so far (one every `everyMs`). */
  ticks = 0;
  private timer?: NodeJS.Timeout;

  private constructor(
    readonly state: FakeFleetState,
    private readonly app: INestMicroservice,
    private readonly bus: MessageBus,
  ) {}

  static async start(
    messaging: MessagingConfig,
    state: FakeFleetState,
    everyMs = 250,
  ): Promise<FakeWorld> {
    const app = await NestFactory.createMicroservice(FakeFleetModule.with(state), {
      strategy: createRmqServer('fleet', messaging),
      logger: ['error'],
    });
    await app.listen();
    const world = new FakeWorld(state, app, new MessageBus('fleet', messaging));
    world.timer = setInterval(() => void world.tick(everyMs), everyMs);
    return world;
  }

  private async tick(everyMs: number): Promise<void> {
    const at = new Date().toISOString();
    this.ticks++;
    try {
      await this.bus.emit(FLEET_SNAPSHOT, {
        desired: this.state.desired,
        workers: this.state.workers,
        at,
      });
      for (const w of this.state.workers) {
        await this.bus.emit(METRICS_SAMPLE, {
          instanceId: w.id,
          at,
          cpuPercent: this.cpu,
          requests: 0,
          intervalS: everyMs / 1000,
        });
      }
    } catch {
      // The bus is closing at the end of a test.
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.bus.close();
    await this.app.close();
  }
}
