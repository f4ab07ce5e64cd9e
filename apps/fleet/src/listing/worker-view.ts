import { WorkerView } from '@app/contracts';
import { InstanceRecord } from '../store/fleet.store';

/** workerView turns a record into the contract's view of a worker. */
export function workerView(record: InstanceRecord): WorkerView {
  return {
    id: record.instanceId!,
    state: record.state,
    health: record.health,
    address: record.address,
    launchedAt: (record.launchedAt ?? record.requestedAt).toISOString(),
  };
}
