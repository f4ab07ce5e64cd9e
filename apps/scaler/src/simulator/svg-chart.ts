import { SimulationResult, TimelinePoint } from './simulator';

const WIDTH = 960;
const PANEL_H = 150;
const GAP = 36;
const LEFT = 64;
const RIGHT = 24;
const TOP = 84;

const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fmt = (n: number) => `${Number(n.toFixed(1))}`;

/** niceStep rounds a step up to 1, 2 or 5 × a power of ten, for readable axis ticks. */
function niceStep(value: number): number {
  if (value <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map((m) => m * p).find((m) => m >= value - 1e-9)!;
}

/** axis picks a step (whole numbers when `whole`) and a maximum for at most 4 intervals. */
function axis(value: number, whole: boolean): { max: number; step: number } {
  const step = Math.max(niceStep(value / 4), whole ? 1 : 0);
  return { max: Math.max(step, Math.ceil(value / step - 1e-9) * step), step };
}

interface Panel {
  title: string;
  top: number;
  max: number;
  step: number;
  unit: string;
}

/**
 * renderSimulationSvg draws a simulation as a self-contained SVG: pool size (desired, and in
 * service), average CPU with the two thresholds, and the load, on a shared time axis; every
 * change of size is marked across the three panels with its sizes.
 */
export function renderSimulationSvg(result: SimulationResult): string {
  const { timeline, changes, policy } = result;
  const endS = timeline.length ? timeline[timeline.length - 1]!.t : 1;
  const plotW = WIDTH - LEFT - RIGHT;
  const x = (t: number) => LEFT + (t / endS) * plotW;
  const sizeAxis = axis(Math.max(...timeline.map((p) => p.size), policy.minWorkers) + 1, true);
  const loadAxis = axis(Math.max(...timeline.map((p) => p.requestsPerSecond), 1), false);
  const panels: Panel[] = [
    { title: 'Pool size (workers)', top: TOP, ...sizeAxis, unit: '' },
    { title: 'CPU (%)', top: TOP + PANEL_H + GAP, max: 100, step: 25, unit: '%' },
    { title: 'Load (requests per second)', top: TOP + 2 * (PANEL_H + GAP), ...loadAxis, unit: '' },
  ];
  const height = TOP + 3 * PANEL_H + 2 * GAP + 48;
  const y = (panel: Panel, v: number) => panel.top + PANEL_H - (v / panel.max) * PANEL_H;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${LEFT}" y="22" font-size="16" font-weight="bold">${escapeXml(`Ebbflow simulation: ${result.trace.name}`)}</text>`,
    `<text x="${LEFT}" y="40" fill="#555">${escapeXml(
      `grow > ${fmt(policy.growThreshold)}% ×${fmt(policy.growRatio)}, shrink < ${fmt(policy.shrinkThreshold)}% ÷${fmt(policy.shrinkRatio)}, ` +
        `pool ${policy.minWorkers}..${policy.maxWorkers}; every ${result.timings.intervalS} s, window ${result.timings.windowS} s, ` +
        `cooldown ${result.timings.cooldownS} s, warm-up ${result.timings.warmupS} s; sizes ${result.sizes.join(' → ')}`,
    )}</text>`,
  );

  for (const panel of panels) {
    out.push(
      `<text x="${LEFT}" y="${panel.top - 8}" font-weight="bold">${escapeXml(panel.title)}</text>`,
    );
    out.push(
      `<rect x="${LEFT}" y="${panel.top}" width="${plotW}" height="${PANEL_H}" fill="none" stroke="#ccc"/>`,
    );
    for (let v = 0; v <= panel.max + 1e-9; v += panel.step) {
      const yy = y(panel, v);
      out.push(`<line x1="${LEFT}" x2="${LEFT + plotW}" y1="${yy}" y2="${yy}" stroke="#eee"/>`);
      out.push(
        `<text x="${LEFT - 6}" y="${yy + 4}" text-anchor="end" fill="#555">${fmt(v)}${panel.unit}</text>`,
      );
    }
  }
  // Time axis under the last panel, in minutes.
  const last = panels[2]!;
  const minutes = endS / 60;
  const tick = niceStep(minutes / 10);
  for (let m = 0; m <= minutes + 1e-9; m += tick) {
    const xx = x(m * 60);
    out.push(
      `<text x="${xx}" y="${last.top + PANEL_H + 16}" text-anchor="middle" fill="#555">${fmt(m)}</text>`,
    );
  }
  out.push(
    `<text x="${LEFT + plotW / 2}" y="${last.top + PANEL_H + 34}" text-anchor="middle" fill="#555">minutes</text>`,
  );

  const path = (points: [number, number][], step: boolean) =>
    points
      .map(([px, py], i) => {
        if (i === 0) return `M${px.toFixed(1)},${py.toFixed(1)}`;
        return step ? `H${px.toFixed(1)}V${py.toFixed(1)}` : `L${px.toFixed(1)},${py.toFixed(1)}`;
      })
      .join('');
  const series = (panel: Panel, value: (p: TimelinePoint) => number | null) =>
    timeline
      .filter((p) => value(p) !== null)
      .map((p) => [x(p.t), y(panel, value(p)!)] as [number, number]);

  const [sizeP, cpuP, loadP] = panels as [Panel, Panel, Panel];
  const start: TimelinePoint = {
    t: 0,
    size: result.trace.initialSize,
    inService: result.trace.initialSize,
    averageCpu: null,
    requestsPerSecond: 0,
  };
  out.push(
    `<path d="${path([[x(0), y(sizeP, start.size)], ...series(sizeP, (p) => p.size)], true)}" fill="none" stroke="#1f77b4" stroke-width="2"/>`,
  );
  out.push(
    `<path d="${path([[x(0), y(sizeP, start.inService)], ...series(sizeP, (p) => p.inService)], true)}" fill="none" stroke="#1f77b4" stroke-width="1" stroke-dasharray="4 3"/>`,
  );
  out.push(
    `<text x="${LEFT + plotW - 4}" y="${sizeP.top + 14}" text-anchor="end" fill="#1f77b4">— desired   - - in service</text>`,
  );

  for (const [v, color, label] of [
    [policy.growThreshold, '#d62728', 'grow'],
    [policy.shrinkThreshold, '#2ca02c', 'shrink'],
  ] as const) {
    const yy = y(cpuP, v);
    out.push(
      `<line x1="${LEFT}" x2="${LEFT + plotW}" y1="${yy}" y2="${yy}" stroke="${color}" stroke-dasharray="6 4"/>`,
    );
    out.push(
      `<text x="${LEFT + plotW - 4}" y="${yy - 4}" text-anchor="end" fill="${color}">${label} ${fmt(v)}%</text>`,
    );
  }
  out.push(
    `<path d="${path(
      series(cpuP, (p) => p.averageCpu),
      false,
    )}" fill="none" stroke="#ff7f0e" stroke-width="1.5"/>`,
  );
  // What the scaler counted at each evaluation (warming-up workers left out) beside the raw mean.
  for (const d of result.decisions) {
    if (d.averageCpu === null) continue;
    out.push(
      `<circle cx="${x(d.t).toFixed(1)}" cy="${y(cpuP, Math.min(100, d.averageCpu)).toFixed(1)}" r="2.5" fill="#8c564b"><title>${escapeXml(d.message)}</title></circle>`,
    );
  }
  out.push(
    `<text x="${LEFT + 4}" y="${cpuP.top + 14}" fill="#ff7f0e">— average of the workers in service</text>`,
    `<text x="${LEFT + 4}" y="${cpuP.top + 28}" fill="#8c564b">● average the scaler counted (warm-up left out)</text>`,
  );

  const load = series(loadP, (p) => p.requestsPerSecond);
  if (load.length) {
    out.push(
      `<path d="${path([[x(0), y(loadP, 0)], [x(0), load[0]![1]], ...load], true)}V${y(loadP, 0).toFixed(1)}Z" fill="#9467bd" fill-opacity="0.35" stroke="#9467bd"/>`,
    );
  }

  for (const c of changes) {
    const xx = x(c.t);
    out.push(
      `<line x1="${xx}" x2="${xx}" y1="${TOP}" y2="${last.top + PANEL_H}" stroke="#333" stroke-dasharray="2 3"/>`,
    );
    out.push(
      `<text x="${xx + 3}" y="${sizeP.top + PANEL_H - 6}" fill="#333"><title>${escapeXml(c.message)}</title>${c.sizeBefore}→${c.sizeAfter}</text>`,
    );
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}
