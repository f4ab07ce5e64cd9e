import 'reflect-metadata';
import { INestMicroservice } from '@nestjs/common';
import {
  ORIGINAL_POLICY,
  PolicyChanged,
  SCALER_DISABLE,
  SCALER_GET_POLICY,
  SCALER_POLICY_CHANGED,
  SCALER_PUT_POLICY,
} from '@app/contracts';
import { dropDatabase } from '@app/database';
import { MessageBus } from '@app/messaging';
import { testDatabaseUrl, testMessagingConfig, waitFor } from '@app/testing';
import { deleteNamespace, EventProbe, rawQuery } from '../../metrics/test/support/amqp-probe';
import { createScalerApp } from '../src/scaler.app';
import { loadScalerConfig } from '../src/scaler.config';

describe('scaler policy (RabbitMQ + MySQL)', () => {
  const messaging = testMessagingConfig();
  const databaseUrl = testDatabaseUrl('ebbflow_scaler');
  const config = loadScalerConfig({
    AMQP_URL: messaging.AMQP_URL,
    AMQP_NAMESPACE: messaging.AMQP_NAMESPACE,
    QUERY_TIMEOUT_MS: '2000',
    DATABASE_URL: databaseUrl,
    SCALER_INTERVAL_S: '0.5',
  });
  let app: INestMicroservice | undefined;
  let bus: MessageBus;
  let probe: EventProbe;

  const start = async () => {
    app = await createScalerApp(config, ['error']);
    await app.listen();
  };
  const putRaw = (data: unknown) => rawQuery(messaging, 'scaler', SCALER_PUT_POLICY.pattern, data);
  const stored = () => bus.query(SCALER_GET_POLICY, {});

  beforeAll(async () => {
    bus = new MessageBus('gateway', messaging);
    probe = await EventProbe.start(messaging, [SCALER_POLICY_CHANGED.pattern]);
    await start();
  });

  afterAll(async () => {
    await app?.close();
    await probe?.close();
    await bus?.close();
    await deleteNamespace(messaging, ['scaler']);
    await dropDatabase(databaseUrl);
  });

  it('should have no policy and be disabled before one is saved', async () => {
    expect(await stored()).toEqual({ policy: null, enabled: false, updatedAt: null });
  });

  it.each([
    [
      'shrink threshold above the grow threshold, grow ratio of 1',
      { ...ORIGINAL_POLICY, shrinkThreshold: 30, growRatio: 1 },
      {
        shrinkThreshold: ['shrinkThreshold must be below growThreshold'],
        growRatio: ['growRatio must be greater than 1'],
      },
    ],
    [
      'a threshold that is not a number, one out of 0.1–99.9',
      { ...ORIGINAL_POLICY, growThreshold: 'high', shrinkThreshold: 0 },
      {
        growThreshold: expect.arrayContaining(['growThreshold must be a number']),
        shrinkThreshold: ['shrinkThreshold must be at least 0.1'],
      },
    ],
    [
      'an unknown field',
      { ...ORIGINAL_POLICY, cooldown: 5 },
      { cooldown: ['property cooldown should not exist'] },
    ],
    [
      'minWorkers above maxWorkers',
      { ...ORIGINAL_POLICY, minWorkers: 5, maxWorkers: 2 },
      { minWorkers: ['minWorkers must not be above maxWorkers'] },
    ],
  ])(
    'should refuse a policy with %s, naming each field, and store nothing',
    async (_what, policy, fields) => {
      const answer = await putRaw(policy);
      expect(answer).toMatchObject({ ok: false, error: { code: 'invalid', fields } });
      expect(await stored()).toEqual({ policy: null, enabled: false, updatedAt: null });
    },
  );

  it('should store a valid policy, announce it, and keep it when a bad one follows', async () => {
    const view = await bus.query(SCALER_PUT_POLICY, ORIGINAL_POLICY);
    expect(view).toEqual({ policy: ORIGINAL_POLICY, enabled: true, updatedAt: expect.any(String) });
    const event = await probe.next<PolicyChanged>(SCALER_POLICY_CHANGED.pattern);
    expect(event).toMatchObject({ policy: ORIGINAL_POLICY, enabled: true });

    const refused = await putRaw({ ...ORIGINAL_POLICY, growThreshold: 5 });
    expect(refused).toMatchObject({
      ok: false,
      error: {
        code: 'invalid',
        fields: { shrinkThreshold: ['shrinkThreshold must be below growThreshold'] },
      },
    });
    expect(await stored()).toEqual(view);
  });

  it('should fill in the default bounds 1..10 and enabled=true when the form leaves them out', async () => {
    const answer = await putRaw({
      growThreshold: 60,
      shrinkThreshold: 25.5,
      growRatio: 1.5,
      shrinkRatio: 3,
    });
    expect(answer).toEqual({
      ok: true,
      data: {
        policy: {
          growThreshold: 60,
          shrinkThreshold: 25.5,
          growRatio: 1.5,
          shrinkRatio: 3,
          minWorkers: 1,
          maxWorkers: 10,
          enabled: true,
        },
        enabled: true,
        updatedAt: expect.any(String),
      },
    });
    await bus.query(SCALER_PUT_POLICY, ORIGINAL_POLICY);
  });

  it('should disable the scaler on SCALER_DISABLE and keep the policy values', async () => {
    await bus.command(SCALER_DISABLE, { reason: 'manual: Stopping' });
    const view = await waitFor(
      async () => {
        const v = await stored();
        return v.enabled ? null : v;
      },
      { what: 'the scaler to be disabled' },
    );
    expect(view.policy).toEqual({ ...ORIGINAL_POLICY, enabled: false });
    await probe.next<PolicyChanged>(
      SCALER_POLICY_CHANGED.pattern,
      (e) => !e.enabled && e.cause === 'manual: Stopping',
    );
  });

  it('should keep the policy across a restart of the scaler', async () => {
    const before = await stored();
    await app!.close();
    app = undefined;
    await start();
    expect(await stored()).toEqual(before);
  });
});
