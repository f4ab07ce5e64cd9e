import 'reflect-metadata';
import { INestMicroservice } from '@nestjs/common';
import {
  FLEET_POOL_CHANGED,
  ORIGINAL_POLICY,
  SCALER_DECISION,
  SCALER_DECISIONS,
  SCALER_PUT_POLICY,
  SCALER_STATUS,
  ScalingDecision,
} from '@app/contracts';
import { dropDatabase } from '@app/database';
import { MessageBus } from '@app/messaging';
import { testDatabaseUrl, testMessagingConfig, waitFor } from '@app/testing';
import { deleteNamespace, EventProbe } from '../../metrics/test/support/amqp-probe';
import { createScalerApp } from '../src/scaler.app';
import { loadScalerConfig } from '../src/scaler.config';
import { FakeFleetState, FakeWorld } from './support/fake-fleet';

describe('scaler over the bus (RabbitMQ + MySQL, a fake fleet and fake samples)', () => {
  const messaging = testMessagingConfig();
  const databaseUrl = testDatabaseUrl('ebbflow_scaler');
  const env = {
    AMQP_URL: messaging.AMQP_URL,
    AMQP_NAMESPACE: messaging.AMQP_NAMESPACE,
    QUERY_TIMEOUT_MS: '2000',
    DATABASE_URL: databaseUrl,
    SCALER_INTERVAL_S: '0.5',
    SCALER_WINDOW_S: '2',
    SCALER_COOLDOWN_S: '3',
    // Longer than the test: the workers the scaler adds are never counted.
    SCALER_WARMUP_S: '60',
  };
  const state = new FakeFleetState();
  let world: FakeWorld;
  let scaler: INestMicroservice | undefined;
  let bus: MessageBus;
  let probe: EventProbe;

  const startScaler = async (overrides: Record<string, string> = {}) => {
    scaler = await createScalerApp(loadScalerConfig({ ...env, ...overrides }), ['error']);
    await scaler.listen();
  };
  const decisions = () => probe.of<ScalingDecision>(SCALER_DECISION.pattern);

  beforeAll(async () => {
    state.workers = [state.worker(3600)];
    world = await FakeWorld.start(messaging, state);
    bus = new MessageBus('gateway', messaging);
    probe = await EventProbe.start(messaging, [SCALER_DECISION.pattern]);
    await startScaler();
  });

  afterAll(async () => {
    await scaler?.close();
    await world?.stop();
    await probe?.close();
    await bus?.close();
    await deleteNamespace(messaging, ['scaler', 'fleet']);
    await dropDatabase(databaseUrl);
  });

  it('should decide nothing before a policy is saved', async () => {
    world.cpu = 80;
    // 8 snapshots and samples at 250 ms: the scaler (interval 0.5 s) has evaluated several times.
    const from = world.ticks;
    await waitFor(() => world.ticks >= from + 8, { what: 'eight snapshots' });
    expect(decisions()).toEqual([]);
    expect(state.commands).toEqual([]);
  });

  it('should grow on high CPU, hold during the cooldown, then shrink on low CPU', async () => {
    const savedAt = new Date().toISOString();
    await bus.query(SCALER_PUT_POLICY, ORIGINAL_POLICY);

    const grow = await probe.next<ScalingDecision>(
      SCALER_DECISION.pattern,
      (d) => d.reason === 'grow',
    );
    expect(grow).toMatchObject({ sizeBefore: 1, sizeAfter: 2, workersCounted: 1, averageCpu: 80 });
    expect(decisions().every((d) => d.at >= savedAt)).toBe(true);
    expect(grow.message).toBe(
      'average CPU 80.0% over 1 worker is above the grow threshold 20%: 1 → 2 (×2)',
    );
    await waitFor(() => state.commands.length === 1, { what: 'FLEET_SET_DESIRED at the fleet' });
    expect(state.commands[0]).toMatchObject({
      desired: 2,
      source: 'scaler',
      reason: `scaler: ${grow.message}`,
    });
    expect(state.commands[0]!.commandId).toMatch(/^[0-9a-f-]{36}$/);

    world.cpu = 2;
    const shrink = await probe.next<ScalingDecision>(
      SCALER_DECISION.pattern,
      (d) => d.reason === 'shrink',
    );
    expect(shrink).toMatchObject({ sizeBefore: 2, sizeAfter: 1, workersCounted: 1, averageCpu: 2 });
    expect(shrink.message).toContain('(not counted: 1 warming up)');
    expect(Date.parse(shrink.at) - Date.parse(grow.at)).toBeGreaterThanOrEqual(3000);
    const between = decisions().filter((d) => d.at > grow.at && d.at < shrink.at);
    expect(between.length).toBeGreaterThan(0);
    expect(between.every((d) => d.reason === 'hold-cooldown' && d.sizeAfter === 2)).toBe(true);
    await waitFor(() => state.commands.length === 2, { what: 'the shrink at the fleet' });
    expect(state.commands.map((c) => c.desired)).toEqual([2, 1]);

    const stored = await bus.query(SCALER_DECISIONS, { changesOnly: true });
    expect(stored).toEqual([shrink, grow]);
    const latest = await bus.query(SCALER_DECISIONS, { limit: 1 });
    expect(latest).toHaveLength(1);

    // SCALER_STATUS (issue #15): the latest evaluation, the cooldown, the next evaluation.
    const status = await bus.query(SCALER_STATUS, {});
    expect(status.enabled).toBe(true);
    expect(status.lastEvaluation).toMatchObject({
      at: expect.any(String),
      workersCounted: expect.any(Number),
      decision: expect.stringMatching(/^(grow|shrink|hold)$/),
      reason: expect.any(String),
      message: expect.any(String),
    });
    expect(Date.parse(status.lastEvaluation!.at)).toBeGreaterThanOrEqual(Date.parse(shrink.at));
    expect(Date.parse(status.nextEvaluationAt!)).toBeGreaterThan(
      Date.parse(status.lastEvaluation!.at),
    );
    // The shrink started a 3 s cooldown: while it runs, its end is after the shrink (no timed
    // assertion: on a slow machine it may already be over, and then it is null).
    if (status.cooldownUntil !== null) {
      expect(Date.parse(status.cooldownUntil)).toBeGreaterThan(Date.parse(shrink.at));
    }
  });

  it('should remember the last change across a restart, so the cooldown still holds', async () => {
    await scaler!.close();
    scaler = undefined;
    world.cpu = 80;
    const seen = decisions().length;
    await startScaler({ SCALER_COOLDOWN_S: '60' });
    const first = await waitFor(() => decisions()[seen], { what: 'a decision after the restart' });
    // 80% would grow the pool, but the shrink a few seconds ago started a 60 s cooldown.
    expect(first.reason).toBe('hold-cooldown');
    expect(state.commands).toHaveLength(2);
  });

  it.each([
    ['true', 'should start the cooldown on a manual change, so the scaler does not undo it', true],
    ['false', 'should ignore manual changes with SCALER_HONOR_MANUAL_COOLDOWN=false', false],
  ])('SCALER_HONOR_MANUAL_COOLDOWN=%s: %s', async (honor, _name, holds) => {
    await scaler!.close();
    scaler = undefined;
    world.cpu = 15; // within the thresholds: every decision is a hold, none changes the size
    await startScaler({ SCALER_COOLDOWN_S: '30', SCALER_HONOR_MANUAL_COOLDOWN: honor });
    const seen = decisions().length;
    const manualAt = new Date();
    await bus.emit(FLEET_POOL_CHANGED, {
      desired: state.desired,
      previous: state.desired - 1,
      cause: 'grow by 1 (manual: New)',
      source: 'manual',
      commandId: 'manual-test',
      at: manualAt.toISOString(),
    });
    // The scaler's own last change (the shrink) is older than 30 s only in the second case, so
    // look at the message: a manual hold names the manual change.
    const after = await waitFor(
      () => decisions().find((d, i) => i >= seen && Date.parse(d.at) > manualAt.getTime() + 600),
      { what: 'a decision after the manual change' },
    );
    if (holds) {
      expect(after.reason).toBe('hold-cooldown');
      expect(after.message).toMatch(/^manual change \d+ s ago, within the 30 s cooldown: keeping /);
    } else {
      expect(after.message).not.toMatch(/^manual change/);
    }
  });
});
