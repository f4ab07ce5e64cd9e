import { CommandDef, EventDef, PingReply, QueryDef, ServiceName } from '@app/contracts';
import { MessageBus, QueryTimeoutError } from '@app/messaging';
import { randomUUID } from 'crypto';

/**
 * FakeBus is an in-memory MessageBus for unit specs: services can be marked down (their
 * queries and pings time out), queries are answered by functions per pattern, and commands and
 * events are recorded.
 */
export class FakeBus {
  connected = true;
  readonly down = new Set<ServiceName>();
  readonly commands: { pattern: string; payload: Record<string, unknown> }[] = [];
  readonly emitted: { pattern: string; payload: unknown }[] = [];
  private readonly answers = new Map<string, (payload: unknown) => unknown>();

  get isConnected(): boolean {
    return this.connected;
  }

  /** answer sets how a query pattern is answered. */
  answer<Req, Res>(def: QueryDef<Req, Res>, fn: (payload: Req) => Res): this {
    this.answers.set(def.pattern, fn as (payload: unknown) => unknown);
    return this;
  }

  async ping(service: ServiceName): Promise<PingReply> {
    if (this.down.has(service)) throw new QueryTimeoutError(service, `${service}.ping`, 1);
    return { service, pid: 1, uptimeS: 1 };
  }

  async query<Req, Res>(def: QueryDef<Req, Res>, payload: Req): Promise<Res> {
    if (this.down.has(def.service)) throw new QueryTimeoutError(def.service, def.pattern, 1);
    const fn = this.answers.get(def.pattern);
    if (!fn) throw new QueryTimeoutError(def.service, def.pattern, 1);
    return fn(payload) as Res;
  }

  async command<T extends object>(
    def: CommandDef<T>,
    payload: Omit<T, 'commandId'> & { commandId?: string },
  ): Promise<string> {
    const commandId = payload.commandId ?? randomUUID();
    this.commands.push({ pattern: def.pattern, payload: { ...payload, commandId } });
    return commandId;
  }

  async emit<T extends object>(def: EventDef<T>, payload: T): Promise<void> {
    this.emitted.push({ pattern: def.pattern, payload });
  }

  /** asBus lets the fake stand where a MessageBus is injected. */
  asBus(): MessageBus {
    return this as unknown as MessageBus;
  }
}
