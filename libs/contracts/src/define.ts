import { Type } from '@nestjs/common';

/** ServiceName names the manager services that own a command queue and answer queries. */
export type ServiceName = 'fleet' | 'metrics' | 'scaler' | 'janitor' | 'gateway';

/** MANAGER_SERVICES lists the services `/health` pings over RabbitMQ. */
export const MANAGER_SERVICES: readonly ServiceName[] = ['fleet', 'metrics', 'scaler', 'janitor'];

/** CommandDef describes a command: fire-and-forget, durable, handled once by its owning service. */
export interface CommandDef<T> {
  readonly kind: 'command';
  readonly pattern: string;
  readonly service: ServiceName;
  readonly dto: Type<T>;
}

/** QueryDef describes a request/response message answered by its owning service. */
export interface QueryDef<Req, Res> {
  readonly kind: 'query';
  readonly pattern: string;
  readonly service: ServiceName;
  readonly dto: Type<Req>;
  /** Phantom field carrying the response type; never set at runtime. */
  readonly response?: Res;
}

/** EventDef describes a broadcast event; its pattern is the topic routing key. */
export interface EventDef<T> {
  readonly kind: 'event';
  readonly pattern: string;
  readonly dto: Type<T>;
}

/** MessageDef is any contract entry. */
export type MessageDef = CommandDef<unknown> | QueryDef<unknown, unknown> | EventDef<unknown>;

const registry = new Map<string, MessageDef>();

function register<D extends MessageDef>(def: D): D {
  if (registry.has(def.pattern)) {
    throw new Error(`Message pattern ${def.pattern} is defined twice`);
  }
  registry.set(def.pattern, def);
  return def;
}

/** defineCommand declares a command owned by `service`. */
export function defineCommand<T>(
  pattern: string,
  service: ServiceName,
  dto: Type<T>,
): CommandDef<T> {
  return register({ kind: 'command', pattern, service, dto });
}

/** defineQuery declares a query answered by `service`. */
export function defineQuery<Req, Res>(
  pattern: string,
  service: ServiceName,
  dto: Type<Req>,
): QueryDef<Req, Res> {
  return register({ kind: 'query', pattern, service, dto } as QueryDef<Req, Res>);
}

/** defineEvent declares an event published on the topic exchange under `pattern`. */
export function defineEvent<T>(pattern: string, dto: Type<T>): EventDef<T> {
  return register({ kind: 'event', pattern, dto });
}

/** findMessageDef returns the contract entry for a pattern, or undefined when none exists. */
export function findMessageDef(pattern: string): MessageDef | undefined {
  return registry.get(pattern);
}

/** allMessageDefs lists every contract entry (for docs and tests). */
export function allMessageDefs(): MessageDef[] {
  return [...registry.values()];
}
