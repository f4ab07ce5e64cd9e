import { ConsoleLogger, Logger, LogLevel } from '@nestjs/common';
import { LOG_ENV, LOG_LEVELS, loadConfig } from '@app/config';

/** LogLevelName is a value of LOG_LEVEL. */
export type LogLevelName = (typeof LOG_LEVELS)[number];

/**
 * nestLogLevels maps LOG_LEVEL to the Nest levels it prints: each level also prints everything
 * more severe, and `debug` includes Nest's `verbose`.
 */
export function nestLogLevels(level: LogLevelName): LogLevel[] {
  const levels: LogLevel[] = ['fatal', 'error'];
  if (level === 'error') return levels;
  levels.push('warn');
  if (level === 'warn') return levels;
  levels.push('log');
  if (level === 'log') return levels;
  return [...levels, 'debug', 'verbose'];
}

/**
 * NEST_START_CONTEXTS are the Nest loggers that describe the framework's own start (one line per
 * module, route and controller: about 200 of `npm start`'s 240 lines, issue #15). Their lines
 * are debug lines here.
 */
const NEST_START_CONTEXTS = new Set([
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestFactory',
  'NestApplication',
  'NestMicroservice',
]);

/**
 * colorsWanted says whether log lines may carry ANSI colours: never with NO_COLOR or
 * FORCE_COLOR=0, always with another FORCE_COLOR (start.js sets it when its own stdout is a
 * terminal: the services write into its pipe), else only when stdout is a terminal. A log
 * written to a file thus has no escape sequences.
 */
export function colorsWanted(
  env: NodeJS.ProcessEnv = process.env,
  isTTY = Boolean(process.stdout.isTTY),
): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '') return env.FORCE_COLOR !== '0';
  return isTTY;
}

/**
 * ServiceLogger is Nest's ConsoleLogger with the framework's start-up lines demoted to debug.
 */
export class ServiceLogger extends ConsoleLogger {
  override log(message: unknown, ...optionalParams: unknown[]): void {
    const last = optionalParams[optionalParams.length - 1];
    const context = typeof last === 'string' ? last : this.context;
    if (context && NEST_START_CONTEXTS.has(context)) {
      super.debug(message, ...optionalParams);
      return;
    }
    super.log(message, ...optionalParams);
  }
}

/**
 * useServiceLogger makes a ServiceLogger at LOG_LEVEL (validated: a wrong value throws
 * ConfigError naming it) the logger of every Nest app and `new Logger()` of this process. The
 * one place where LOG_LEVEL becomes Nest levels, for every service and the worker (runMain).
 */
export function useServiceLogger(env: NodeJS.ProcessEnv = process.env): LogLevelName {
  const { LOG_LEVEL } = loadConfig(LOG_ENV, env);
  Logger.overrideLogger(
    new ServiceLogger({ logLevels: nestLogLevels(LOG_LEVEL), colors: colorsWanted(env) }),
  );
  return LOG_LEVEL;
}
