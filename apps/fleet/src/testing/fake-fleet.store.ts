import {
  CommandOutcome,
  CommandRun,
  DesiredSize,
  FleetRepository,
  FleetStore,
  InstanceRecord,
} from '../store/fleet.store';

/**
 * InMemoryFleetStore is a FleetStore in memory, for unit specs; a command whose `apply` throws
 * leaves nothing behind, as the MySQL transaction would.
 */
export class InMemoryFleetStore extends FleetStore {
  private desired: DesiredSize | null = null;
  private records: InstanceRecord[] = [];
  readonly commands = new Map<string, { pattern: string; outcome: string }>();

  async getDesired(): Promise<DesiredSize | null> {
    return this.desired ? { ...this.desired } : null;
  }

  async setDesired(desired: number, cause: string, at: Date): Promise<void> {
    this.desired = { desired, cause, updatedAt: at };
  }

  async listLive(): Promise<InstanceRecord[]> {
    return this.records.filter((r) => r.state !== 'terminated').map((r) => ({ ...r }));
  }

  async findByInstanceIds(ids: string[]): Promise<InstanceRecord[]> {
    return this.records
      .filter((r) => r.instanceId && ids.includes(r.instanceId))
      .map((r) => ({ ...r }));
  }

  async findByToken(clientToken: string): Promise<InstanceRecord | null> {
    const found = this.records.find((r) => r.clientToken === clientToken);
    return found ? { ...found } : null;
  }

  async insert(record: InstanceRecord): Promise<void> {
    if (this.records.some((r) => r.clientToken === record.clientToken)) {
      throw new Error(`duplicate client token ${record.clientToken}`);
    }
    if (record.instanceId && this.records.some((r) => r.instanceId === record.instanceId)) {
      throw new Error(`duplicate instance id ${record.instanceId}`);
    }
    this.records.push({ ...record });
  }

  async update(record: InstanceRecord): Promise<void> {
    const index = this.records.findIndex((r) => r.clientToken === record.clientToken);
    if (index < 0) throw new Error(`no record ${record.clientToken}`);
    this.records[index] = { ...record };
  }

  async runCommand<T>(
    commandId: string,
    pattern: string,
    _at: Date,
    apply: (repo: FleetRepository) => Promise<CommandOutcome<T>>,
  ): Promise<CommandRun<T>> {
    const seen = this.commands.get(commandId);
    if (seen) return { duplicate: true, outcome: seen.outcome };
    const saved = { desired: this.desired, records: this.records.map((r) => ({ ...r })) };
    try {
      const { outcome, result } = await apply(this);
      this.commands.set(commandId, { pattern, outcome });
      return { duplicate: false, outcome, result };
    } catch (error) {
      this.desired = saved.desired;
      this.records = saved.records;
      throw error;
    }
  }

  /** all lists every record, terminated ones included (for assertions). */
  all(): InstanceRecord[] {
    return this.records.map((r) => ({ ...r }));
  }
}
