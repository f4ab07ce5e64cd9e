import { ServiceName } from './define';

/** EVENTS_EXCHANGE is the one topic exchange every event is published to. */
export const EVENTS_EXCHANGE = 'ebbflow.events';
/** DEAD_LETTER_EXCHANGE receives commands and events that failed validation or failed repeatedly. */
export const DEAD_LETTER_EXCHANGE = 'ebbflow.dlx';

/** QueueNames are the RabbitMQ names one service uses. */
export interface QueueNames {
  /** Durable command queue (manual acks, persistent messages). */
  readonly commands: string;
  /** Query queue (request/response; messages expire with the caller's timeout). */
  readonly queries: string;
  /** The service's own queue bound to the events exchange (unread events expire, dropped). */
  readonly events: string;
  /** Dead-letter queue for this service: failed validation or handling only, bounded. */
  readonly deadLetter: string;
  /** Routing key on DEAD_LETTER_EXCHANGE that reaches `deadLetter`. */
  readonly deadLetterKey: string;
  /**
   * The names before version 2, whose arguments differ (the events queue dead-lettered what
   * expired, the dead-letter queue was unbounded). A durable queue's arguments cannot change
   * (assertQueue fails with PRECONDITION_FAILED), so version 2 uses new names; see RmqServer.
   */
  readonly legacy: {
    readonly events: string;
    readonly deadLetter: string;
    /** The commands queue's `x-dead-letter-routing-key` (unchanged, it keeps its arguments). */
    readonly deadLetterKey: string;
  };
}

/**
 * DEAD_LETTER_MAX_LENGTH bounds each dead-letter queue; beyond it the oldest dead letter is
 * dropped (`x-overflow: drop-head`), so a flood of bad messages cannot fill the broker's disk.
 * A constant, not a setting: changing it on an existing queue would fail like any argument change.
 */
export const DEAD_LETTER_MAX_LENGTH = 10000;

/**
 * queueNames spells every queue name of a service. `namespace` (AMQP_NAMESPACE) prefixes all names
 * so that parallel test runs or two stacks on one broker never share a queue.
 */
export function queueNames(service: ServiceName, namespace = ''): QueueNames {
  const p = namespace ? `${namespace}.` : '';
  return {
    commands: `${p}ebbflow.${service}.commands`,
    queries: `${p}ebbflow.${service}.queries`,
    events: `${p}ebbflow.${service}.events.v2`,
    deadLetter: `${p}ebbflow.${service}.dlq.v2`,
    deadLetterKey: `${p}${service}.failed`,
    legacy: {
      events: `${p}ebbflow.${service}.events`,
      deadLetter: `${p}ebbflow.${service}.dlq`,
      deadLetterKey: `${p}${service}`,
    },
  };
}

/** exchangeNames spells the exchange names for a namespace. */
export function exchangeNames(namespace = ''): { events: string; deadLetter: string } {
  const p = namespace ? `${namespace}.` : '';
  return { events: `${p}${EVENTS_EXCHANGE}`, deadLetter: `${p}${DEAD_LETTER_EXCHANGE}` };
}

/** Header names carried on messages. */
export const HEADERS = {
  attempts: 'x-ebbflow-attempts',
  error: 'x-ebbflow-error',
  pattern: 'x-ebbflow-pattern',
  failedAt: 'x-ebbflow-failed-at',
} as const;
