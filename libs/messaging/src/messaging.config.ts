import { AMQP_ENV, loadConfig } from '@app/config';

/** MessagingConfig is the validated broker configuration. */
export type MessagingConfig = ReturnType<typeof loadMessagingConfig>;

/** loadMessagingConfig reads AMQP_* variables (throws ConfigError naming the bad one). */
export function loadMessagingConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(AMQP_ENV, env);
}
