import { z } from 'zod';

/** ConfigError is thrown when an environment variable is missing or wrong; it names the variable. */
export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(
      'Invalid configuration:\n' + problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/**
 * loadConfig validates `env` against a zod object whose keys are environment variable names and
 * returns the parsed values. A wrong value throws ConfigError naming every bad variable.
 */
export function loadConfig<S extends z.ZodRawShape>(
  shape: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodObject<S>> {
  const input: Record<string, unknown> = {};
  for (const key of Object.keys(shape)) {
    const value = env[key];
    // An empty variable means "use the default", as in most tools' env handling.
    input[key] = value === '' ? undefined : value;
  }
  const result = z.object(shape).safeParse(input);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? '?'),
        message: issue.message,
      })),
    );
  }
  return result.data;
}

/** exitOnConfigError runs `fn`; on ConfigError it prints the message and exits with code 78. */
export function exitOnConfigError<T>(service: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`[${service}] ${error.message}\n`);
      // 78 is EX_CONFIG in sysexits.h: a configuration error, not a crash.
      process.exit(78);
    }
    throw error;
  }
}

/** Reusable field types for env schemas. */
export const env = {
  port: (def: number) =>
    z.coerce
      .number({ invalid_type_error: 'must be a port number' })
      .int('must be a whole number')
      .min(0, 'must be between 0 and 65535')
      .max(65535, 'must be between 0 and 65535')
      .default(def),
  int: (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
    z.coerce
      .number({ invalid_type_error: 'must be a number' })
      .int('must be a whole number')
      .min(min, `must be at least ${min}`)
      .max(max, `must be at most ${max}`)
      .default(def),
  number: (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
    z.coerce
      .number({ invalid_type_error: 'must be a number' })
      .min(min, `must be at least ${min}`)
      .max(max, `must be at most ${max}`)
      .default(def),
  bool: (def: boolean) =>
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], {
        errorMap: () => ({ message: 'must be true or false' }),
      })
      .default(def ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1' || v === 'yes'),
  url: (def: string, protocols: string[]) =>
    z
      .string()
      .default(def)
      .refine(
        (v) => {
          try {
            return protocols.includes(new URL(v).protocol.replace(/:$/, ''));
          } catch {
            return false;
          }
        },
        { message: `must be a URL starting with ${protocols.map((p) => p + '://').join(' or ')}` },
      ),
  string: (def: string) => z.string().default(def),
  optionalString: () => z.string().optional(),
};
