import { SimulationResult } from './simulator';

const minSec = (t: number) =>
  `${Math.floor(t / 60)}:${String(Math.round(t % 60)).padStart(2, '0')}`;

/** simulationSummary is the JSON written beside the chart: inputs, sizes, changes and totals. */
export function simulationSummary(result: SimulationResult) {
  return {
    trace: result.trace.name,
    policy: result.policy,
    timings: result.timings,
    sizes: result.sizes,
    totals: result.totals,
    changes: result.changes.map((c) => ({
      atS: c.t,
      from: c.sizeBefore,
      to: c.sizeAfter,
      reason: c.reason,
      averageCpu: c.averageCpu,
      message: c.message,
    })),
  };
}

/** simulationMarkdown renders a run as a short markdown report (totals and every change). */
export function simulationMarkdown(result: SimulationResult, chartFile: string): string {
  const { totals, policy, timings } = result;
  const lines = [
    `# Simulation: ${result.trace.name}`,
    '',
    result.trace.description ?? '',
    '',
    `Policy: grow above ${policy.growThreshold}% (×${policy.growRatio}), shrink below ${policy.shrinkThreshold}% (÷${policy.shrinkRatio}), pool ${policy.minWorkers}..${policy.maxWorkers}.`,
    `Scaler: every ${timings.intervalS} s, window ${timings.windowS} s, cooldown ${timings.cooldownS} s, warm-up ${timings.warmupS} s.`,
    '',
    `![chart](${chartFile})`,
    '',
    '| total | value |',
    '| --- | --- |',
    `| duration | ${totals.durationMin} min |`,
    `| sizes | ${result.sizes.join(' → ')} |`,
    `| changes | ${totals.changes} |`,
    `| peak size | ${totals.peakSize} |`,
    `| worker-minutes | ${totals.workerMinutes} |`,
    `| minutes above the grow threshold | ${totals.minutesAboveGrowThreshold} |`,
    `| minutes below the shrink threshold | ${totals.minutesBelowShrinkThreshold} |`,
    '',
    '| at (min:s) | change | reason | message |',
    '| --- | --- | --- | --- |',
    ...result.changes.map(
      (c) =>
        `| ${minSec(c.t)} | ${c.sizeBefore} → ${c.sizeAfter} | ${c.reason} | ${c.message.replace(/\|/g, '\\|')} |`,
    ),
    '',
  ];
  return lines.join('\n');
}
