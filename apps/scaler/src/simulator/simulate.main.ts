import 'reflect-metadata';
import { mkdirSync, readFileSync, writeFileSync } from 'fs';
import { basename, extname, join, resolve } from 'path';
import { parseArgs } from 'util';
import { ORIGINAL_POLICY } from '@app/contracts';
import { parsePolicy, parseTrace, TraceError } from './load-trace';
import { simulationMarkdown, simulationSummary } from './simulation-report';
import { DEFAULT_TIMINGS, ScalerTimings, simulate, SimulationResult } from './simulator';
import { renderSimulationSvg } from './svg-chart';

/** DEFAULT_OUT is where the chart and totals go without --out. */
export const DEFAULT_OUT = 'docs/simulation';

const USAGE = `usage: npm run simulate -- --trace <file.json> [--policy <file.json>] [--out <dir>]
                         [--interval <s>] [--window <s>] [--cooldown <s>] [--warmup <s>]
  --trace     load trace: {initialSize, sampleS, bootS, cpu: {baseCpu, perRequestCpu, startupCpu, startupS},
              steps: [{durationS, requestsPerSecond}]}
  --policy    scaling policy as PUT /api/policy takes it (default: the original 20/10, ×2/÷2, 1..10)
  --out       output directory (default ${DEFAULT_OUT})
  --interval, --window, --cooldown, --warmup  the scaler's timings in seconds (defaults 60, 120, 300, 120)`;

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new TraceError(`cannot read the ${what} file ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new TraceError(`the ${what} file ${file} is not valid JSON: ${(error as Error).message}`);
  }
}

function seconds(value: string | undefined, name: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min)
    throw new TraceError(`--${name} must be a number of seconds ≥ ${min} (got "${value}")`);
  return n;
}

/** SimulationFiles are the paths a run wrote. */
export interface SimulationFiles {
  svg: string;
  json: string;
  markdown: string;
}

/**
 * runSimulation reads the trace (and policy) files, simulates, and writes `<trace>.svg`,
 * `<trace>.json` and `<trace>.md` into `outDir`.
 */
export function runSimulation(options: {
  tracePath: string;
  policyPath?: string;
  outDir?: string;
  timings?: Partial<ScalerTimings>;
}): { result: SimulationResult; files: SimulationFiles } {
  const name = basename(options.tracePath, extname(options.tracePath));
  const trace = parseTrace(readJson(options.tracePath, 'trace'), name);
  const policy = options.policyPath
    ? parsePolicy(readJson(options.policyPath, 'policy'))
    : ORIGINAL_POLICY;
  const result = simulate(trace, policy, { ...DEFAULT_TIMINGS, ...options.timings });
  const outDir = resolve(options.outDir ?? DEFAULT_OUT);
  mkdirSync(outDir, { recursive: true });
  const files: SimulationFiles = {
    svg: join(outDir, `${name}.svg`),
    json: join(outDir, `${name}.json`),
    markdown: join(outDir, `${name}.md`),
  };
  writeFileSync(files.svg, renderSimulationSvg(result));
  writeFileSync(files.json, JSON.stringify(simulationSummary(result), null, 2) + '\n');
  writeFileSync(files.markdown, simulationMarkdown(result, `${name}.svg`));
  return { result, files };
}

function main(argv: string[]): number {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        trace: { type: 'string' },
        policy: { type: 'string' },
        out: { type: 'string' },
        interval: { type: 'string' },
        window: { type: 'string' },
        cooldown: { type: 'string' },
        warmup: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!args.trace) {
    process.stderr.write(`--trace is required\n${USAGE}\n`);
    return 2;
  }
  try {
    const timings: ScalerTimings = {
      intervalS: seconds(args.interval, 'interval', DEFAULT_TIMINGS.intervalS, 0.1),
      windowS: seconds(args.window, 'window', DEFAULT_TIMINGS.windowS, 0.1),
      cooldownS: seconds(args.cooldown, 'cooldown', DEFAULT_TIMINGS.cooldownS, 0),
      warmupS: seconds(args.warmup, 'warmup', DEFAULT_TIMINGS.warmupS, 0),
    };
    const { result, files } = runSimulation({
      tracePath: args.trace,
      policyPath: args.policy,
      outDir: args.out,
      timings,
    });
    const t = result.totals;
    process.stdout.write(
      `${result.trace.name}: sizes ${result.sizes.join(' → ')}; ${t.changes} changes, ` +
        `${t.workerMinutes} worker-minutes, ${t.minutesAboveGrowThreshold} min above the grow threshold\n` +
        result.changes.map((c) => `  ${c.t} s: ${c.message}\n`).join('') +
        `wrote ${files.svg}, ${files.json}, ${files.markdown}\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof TraceError) {
      process.stderr.write(`simulate: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
