import { IsISO8601, IsString, MaxLength } from 'class-validator';
import { EmptyQuery } from './base.dto';
import { defineEvent, defineQuery, MANAGER_SERVICES, QueryDef, ServiceName } from './define';

/** PingReply answers `<service>.ping`. */
export interface PingReply {
  service: ServiceName;
  pid: number;
  uptimeS: number;
}

/** PING holds the ping query of each manager service, answered by the messaging layer itself. */
export const PING: Record<ServiceName, QueryDef<EmptyQuery, PingReply>> = Object.fromEntries(
  [...MANAGER_SERVICES, 'gateway' as const].map((s) => [
    s,
    defineQuery<EmptyQuery, PingReply>(`${s}.ping`, s, EmptyQuery),
  ]),
) as Record<ServiceName, QueryDef<EmptyQuery, PingReply>>;

/** ShutdownRequested asks every manager service to stop ("Stopping"), after the pool is gone. */
export class ShutdownRequested {
  @IsString()
  @MaxLength(500)
  cause!: string;

  @IsISO8601()
  at!: string;
}

/** SYSTEM_SHUTDOWN is handled by the messaging layer of every service: it closes the service. */
export const SYSTEM_SHUTDOWN = defineEvent('system.shutdown', ShutdownRequested);
