// class-transformer's decorators in @app/contracts need the Reflect metadata API loaded first.
import 'reflect-metadata';
import { ScalingPolicy } from '@app/contracts';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { z } from 'zod';

/** TraceStep is one stretch of constant load. */
export interface TraceStep {
  durationS: number;
  requestsPerSecond: number;
  label?: string;
}

/**
 * CpuModel says how busy a worker is: cpu% = baseCpu + perRequestCpu × rps ÷ workers in service,
 * capped at 100; during its first `startupS` in service a worker adds `startupCpu` (a fresh Node
 * process compiling and filling caches).
 */
export interface CpuModel {
  baseCpu: number;
  perRequestCpu: number;
  startupCpu: number;
  startupS: number;
}

/** LoadTrace is a simulator input: the load over time and how the pool reacts to it. */
export interface LoadTrace {
  name: string;
  description?: string;
  /** Workers at the start (already warm). */
  initialSize: number;
  /** Seconds between two samples (the metrics service's poll). */
  sampleS: number;
  /** Seconds from a launch to the worker being in service (healthy behind the balancer). */
  bootS: number;
  cpu: CpuModel;
  steps: TraceStep[];
}

const seconds = (what: string) =>
  z.number({ invalid_type_error: `${what} must be a number of seconds` });

const TRACE = z
  .object({
    name: z.string().min(1).max(100).optional(),
    description: z.string().max(2000).optional(),
    initialSize: z.number().int('initialSize must be a whole number').min(0).max(50).default(1),
    sampleS: seconds('sampleS').positive().max(3600).default(5),
    bootS: seconds('bootS').min(0).max(3600).default(30),
    cpu: z
      .object({
        baseCpu: z.number().min(0).max(100),
        perRequestCpu: z.number().min(0).max(100),
        startupCpu: z.number().min(0).max(100).default(0),
        startupS: seconds('startupS').min(0).max(3600).default(0),
      })
      .strict(),
    steps: z
      .array(
        z
          .object({
            durationS: seconds('durationS')
              .positive()
              .max(7 * 86400),
            requestsPerSecond: z.number().min(0).max(1e6),
            label: z.string().max(100).optional(),
          })
          .strict(),
      )
      .min(1, 'steps must hold at least one step'),
  })
  .strict();

/** TraceError is a trace or policy file that cannot be used; the message names the field. */
export class TraceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TraceError';
  }
}

/** parseTrace validates a trace (parsed JSON); `fallbackName` names it when the file does not. */
export function parseTrace(json: unknown, fallbackName = 'trace'): LoadTrace {
  const result = TRACE.safeParse(json);
  if (!result.success) {
    throw new TraceError(
      'invalid trace: ' +
        result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '),
    );
  }
  return { ...result.data, name: result.data.name ?? fallbackName };
}

function flatten(errors: ValidationError[]): string[] {
  return errors.flatMap((e) => Object.values(e.constraints ?? {}));
}

/** parsePolicy validates a policy file against the contract's ScalingPolicy (the same rules as PUT). */
export function parsePolicy(json: unknown): ScalingPolicy {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new TraceError('invalid policy: must be a JSON object');
  }
  const policy = plainToInstance(ScalingPolicy, json);
  const errors = validateSync(policy, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length) throw new TraceError(`invalid policy: ${flatten(errors).join('; ')}`);
  return policy;
}
