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
  /** The service's own queue bound to the events exchange. */
  readonly events: string;
  /** Dead-letter queue for this service. */
  readonly deadLetter: string;
  /** Routing key on DEAD_LETTER_EXCHANGE that reaches `deadLetter`. */
  readonly deadLetterKey: string;
}

/**
 * queueNames spells every queue name of a service. `namespace` (AMQP_NAMESPACE) prefixes all names
 * so that parallel test runs or two stacks on one broker never share a queue.
 */
export function queueNames(service: ServiceName, namespace = ''): QueueNames {
  const p = namespace ? `${namespace}.` : '';
  return {
    commands: `${p}ebbflow.${service}.commands`,
    queries: `${p}ebbflow.${service}.queries`,
    events: `${p}ebbflow.${service}.events`,
    deadLetter: `${p}ebbflow.${service}.dlq`,
    deadLetterKey: `${p}${service}`,
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
