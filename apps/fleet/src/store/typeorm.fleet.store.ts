import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, Not } from 'typeorm';
import { FleetCommandEntity } from '../database/fleet-command.entity';
import { FleetInstanceEntity } from '../database/fleet-instance.entity';
import { FLEET_STATE_ROW, FleetStateEntity } from '../database/fleet-state.entity';
import {
  CommandOutcome,
  CommandRun,
  DesiredSize,
  FleetRepository,
  FleetStore,
  InstanceRecord,
} from './fleet.store';

const RECORD_FIELDS: (keyof InstanceRecord)[] = [
  'clientToken',
  'instanceId',
  'state',
  'health',
  'address',
  'commandId',
  'cause',
  'launchAttempts',
  'requestedAt',
  'launchedAt',
  'healthyAt',
  'unhealthySince',
  'drainStartedAt',
  'drainCause',
  'terminatedAt',
  'lastError',
];

/** toRecord copies the record fields of an entity into a plain object (no TypeORM identity). */
function toRecord(entity: FleetInstanceEntity): InstanceRecord {
  const record = {} as Record<string, unknown>;
  for (const field of RECORD_FIELDS) record[field] = entity[field];
  return record as unknown as InstanceRecord;
}

function fieldsOf(record: InstanceRecord): Partial<FleetInstanceEntity> {
  const row = {} as Record<string, unknown>;
  for (const field of RECORD_FIELDS) row[field] = record[field];
  return row as Partial<FleetInstanceEntity>;
}

/** TypeormFleetRepository reads and writes the fleet tables through one EntityManager. */
class TypeormFleetRepository implements FleetRepository {
  constructor(private readonly em: EntityManager) {}

  async getDesired(): Promise<DesiredSize | null> {
    const row = await this.em.findOneBy(FleetStateEntity, { id: FLEET_STATE_ROW });
    return row ? { desired: row.desired, cause: row.cause, updatedAt: row.updatedAt } : null;
  }

  async setDesired(desired: number, cause: string, at: Date): Promise<void> {
    await this.em.upsert(
      FleetStateEntity,
      { id: FLEET_STATE_ROW, desired, cause: cause.slice(0, 500), updatedAt: at },
      ['id'],
    );
  }

  async listLive(): Promise<InstanceRecord[]> {
    const rows = await this.em.find(FleetInstanceEntity, {
      where: { state: Not('terminated') },
      order: { seq: 'ASC' },
    });
    return rows.map(toRecord);
  }

  async findByInstanceIds(ids: string[]): Promise<InstanceRecord[]> {
    if (!ids.length) return [];
    const rows = await this.em.find(FleetInstanceEntity, { where: { instanceId: In(ids) } });
    return rows.map(toRecord);
  }

  async findByToken(clientToken: string): Promise<InstanceRecord | null> {
    const row = await this.em.findOneBy(FleetInstanceEntity, { clientToken });
    return row ? toRecord(row) : null;
  }

  async insert(record: InstanceRecord): Promise<void> {
    await this.em.insert(FleetInstanceEntity, fieldsOf(clip(record)));
  }

  async update(record: InstanceRecord): Promise<void> {
    const { clientToken, ...rest } = fieldsOf(clip(record));
    await this.em.update(FleetInstanceEntity, { clientToken }, rest);
  }
}

/** clip keeps free-text fields within their column sizes (an SDK error message can be long). */
function clip(record: InstanceRecord): InstanceRecord {
  return {
    ...record,
    cause: record.cause.slice(0, 500),
    drainCause: record.drainCause?.slice(0, 500) ?? null,
    lastError: record.lastError?.slice(0, 1000) ?? null,
  };
}

/** TypeormFleetStore is the MySQL FleetStore (tables fleet_state, fleet_instances, fleet_commands). */
@Injectable()
export class TypeormFleetStore extends FleetStore {
  private readonly repo: TypeormFleetRepository;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super();
    this.repo = new TypeormFleetRepository(dataSource.manager);
  }

  getDesired(): Promise<DesiredSize | null> {
    return this.repo.getDesired();
  }
  setDesired(desired: number, cause: string, at: Date): Promise<void> {
    return this.repo.setDesired(desired, cause, at);
  }
  listLive(): Promise<InstanceRecord[]> {
    return this.repo.listLive();
  }
  findByInstanceIds(ids: string[]): Promise<InstanceRecord[]> {
    return this.repo.findByInstanceIds(ids);
  }
  findByToken(clientToken: string): Promise<InstanceRecord | null> {
    return this.repo.findByToken(clientToken);
  }
  insert(record: InstanceRecord): Promise<void> {
    return this.repo.insert(record);
  }
  update(record: InstanceRecord): Promise<void> {
    return this.repo.update(record);
  }

  async runCommand<T>(
    commandId: string,
    pattern: string,
    at: Date,
    apply: (repo: FleetRepository) => Promise<CommandOutcome<T>>,
  ): Promise<CommandRun<T>> {
    return this.dataSource.transaction(async (em) => {
      // Lock the row (or the gap) of this command id: a concurrent duplicate waits, then sees it.
      const seen = await em.findOne(FleetCommandEntity, {
        where: { commandId },
        lock: { mode: 'pessimistic_write' },
      });
      if (seen) return { duplicate: true as const, outcome: seen.outcome };
      const { outcome, result } = await apply(new TypeormFleetRepository(em));
      await em.insert(FleetCommandEntity, {
        commandId,
        pattern,
        outcome: outcome.slice(0, 500),
        receivedAt: at,
      });
      return { duplicate: false as const, outcome, result };
    });
  }
}
