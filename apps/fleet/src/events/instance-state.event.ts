import { InstanceStateChanged, TargetHealth, WorkerState } from '@app/contracts';
import { InstanceRecord } from '../store/fleet.store';

/** PreviousState is what a worker was before a change (absent for a worker first seen). */
export interface PreviousState {
  state: WorkerState;
  health: TargetHealth;
}

/**
 * instanceStateEvent builds the event announcing that `record` changed from `previous` (none for
 * an adopted worker) because of `cause`: the only place a fleet.instance-state event is built.
 */
export function instanceStateEvent(
  record: InstanceRecord,
  previous: Partial<PreviousState> | undefined,
  cause: string,
  at: Date,
): InstanceStateChanged {
  return {
    instanceId: record.instanceId!,
    state: record.state,
    health: record.health,
    ...(previous?.state ? { previousState: previous.state } : {}),
    ...(previous?.health ? { previousHealth: previous.health } : {}),
    address: record.address,
    launchedAt: (record.launchedAt ?? record.requestedAt).toISOString(),
    // The contract bounds the cause; a long provider error must not make the event invalid.
    cause: cause.slice(0, 500),
    at: at.toISOString(),
  };
}
