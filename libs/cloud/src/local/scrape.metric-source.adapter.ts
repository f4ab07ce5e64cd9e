import { WORKER_METRICS_PATH } from '@app/contracts';
import { MetricSourcePort, MonitoredWorker, RawSample } from '../ports/metric-source.port';

/** CPU_COUNTER is the prom-client default metric: user + system CPU seconds of the process. */
export const CPU_COUNTER = 'process_cpu_seconds_total';
/** REQUESTS_COUNTER is the worker's request counter (labels route, method, status; summed). */
export const REQUESTS_COUNTER = 'http_requests_total';
/** DEFAULT_SCRAPE_TIMEOUT_MS bounds one GET /metrics, so a hung worker never stalls a poll. */
export const DEFAULT_SCRAPE_TIMEOUT_MS = 2000;

/** PromSeries is one line of Prometheus text exposition: name, labels and value. */
export interface PromSeries {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;

function parseValue(text: string): number {
  switch (text) {
    case '+Inf':
    case 'Inf':
      return Infinity;
    case '-Inf':
      return -Infinity;
    case 'NaN':
      return NaN;
    default:
      return text.trim() === '' ? NaN : Number(text);
  }
}

/** Parses `{a="x",b="y \"q\""}` starting at `start` (the `{`); returns labels and the end index. */
function parseLabels(line: string, start: number): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  let i = start + 1;
  while (i < line.length) {
    while (line[i] === ' ' || line[i] === ',') i++;
    if (line[i] === '}') return { labels, end: i + 1 };
    const name = NAME.exec(line.slice(i));
    if (!name) throw new Error(`bad label name at ${i}`);
    i += name[0].length;
    while (line[i] === ' ') i++;
    if (line[i] !== '=' || line[i + 1] !== '"') throw new Error(`bad label at ${i}`);
    i += 2;
    let value = '';
    while (i < line.length && line[i] !== '"') {
      if (line[i] === '\\' && i + 1 < line.length) {
        const next = line[i + 1];
        value += next === 'n' ? '\n' : next;
        i += 2;
      } else {
        value += line[i++];
      }
    }
    if (line[i] !== '"') throw new Error('unterminated label value');
    labels[name[0]] = value;
    i++;
  }
  throw new Error('unterminated label set');
}

/**
 * parsePrometheusText reads the Prometheus text exposition format (what prom-client's
 * `register.metrics()` writes). Comments and malformed lines are skipped: one odd line must not
 * cost the whole sample. prom-client has no parser of its own, hence this small one.
 */
export function parsePrometheusText(text: string): PromSeries[] {
  const series: PromSeries[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const name = NAME.exec(line);
    if (!name) continue;
    let i = name[0].length;
    let labels: Record<string, string> = {};
    if (line[i] === '{') {
      try {
        ({ labels, end: i } = parseLabels(line, i));
      } catch {
        continue;
      }
    }
    const [valueText] = line.slice(i).trim().split(/\s+/);
    const value = parseValue(valueText ?? '');
    if (Number.isNaN(value)) continue;
    series.push({ name: name[0], labels, value });
  }
  return series;
}

/** WorkerCounters are the two counters the metrics service reads from a worker. */
export interface WorkerCounters {
  /** `process_cpu_seconds_total`, or null when the worker does not expose it. */
  cpuSeconds: number | null;
  /** `http_requests_total` summed over every label set (0 when absent: no request yet). */
  requests: number;
}

/** readWorkerCounters extracts CPU seconds and the request total from Prometheus text. */
export function readWorkerCounters(text: string): WorkerCounters {
  let cpuSeconds: number | null = null;
  let requests = 0;
  for (const s of parsePrometheusText(text)) {
    if (s.name === CPU_COUNTER) cpuSeconds = s.value;
    else if (s.name === REQUESTS_COUNTER) requests += s.value;
  }
  return { cpuSeconds, requests };
}

/** ScrapeOptions tune the scrape adapter. */
export interface ScrapeOptions {
  timeoutMs?: number;
}

interface Previous {
  cpuSeconds: number | null;
  requests: number;
  at: number;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * ScrapeMetricSourceAdapter measures local workers by GETting `http://<address>/metrics` from all
 * of them in parallel (each with a timeout). A counter is turned into a rate between two scrapes:
 * CPU % = Δ process_cpu_seconds_total / Δ wall seconds × 100 (percent of one core), requests =
 * Δ http_requests_total. The first scrape of a worker has nothing to compare with, so its CPU is
 * null; a counter that went down means the worker restarted: CPU is null again and the requests
 * counted since the restart are reported.
 */
export class ScrapeMetricSourceAdapter extends MetricSourcePort {
  private readonly previous = new Map<string, Previous>();
  private readonly timeoutMs: number;

  constructor(options: ScrapeOptions = {}) {
    super();
    this.timeoutMs = options.timeoutMs ?? DEFAULT_SCRAPE_TIMEOUT_MS;
  }

  async collect(workers: MonitoredWorker[], now: Date): Promise<RawSample[]> {
    const known = new Set(workers.map((w) => w.id));
    for (const id of this.previous.keys()) if (!known.has(id)) this.previous.delete(id);
    return Promise.all(workers.map((w) => this.sampleOne(w, now)));
  }

  private async sampleOne(worker: MonitoredWorker, now: Date): Promise<RawSample> {
    const empty: RawSample = {
      instanceId: worker.id,
      at: now,
      cpuPercent: null,
      requests: 0,
      intervalS: 0,
    };
    if (!worker.address) return empty;
    let counters: WorkerCounters;
    try {
      counters = readWorkerCounters(await this.fetchMetrics(worker.address));
    } catch {
      // Unreachable or slow: no measurement this time. The previous counters stay, so the next
      // successful scrape still yields a correct average over the longer interval.
      return empty;
    }
    const at = now.getTime();
    const prev = this.previous.get(worker.id);
    this.previous.set(worker.id, { ...counters, at });
    if (!prev || at <= prev.at) return empty;
    const intervalS = (at - prev.at) / 1000;
    const restarted =
      counters.requests < prev.requests ||
      (counters.cpuSeconds !== null &&
        prev.cpuSeconds !== null &&
        counters.cpuSeconds < prev.cpuSeconds);
    if (restarted) {
      // Counters restart from 0 with the process: everything counted now happened since then.
      return { ...empty, requests: Math.round(counters.requests), intervalS };
    }
    const cpuPercent =
      counters.cpuSeconds === null || prev.cpuSeconds === null
        ? null
        : round2(((counters.cpuSeconds - prev.cpuSeconds) / intervalS) * 100);
    return {
      instanceId: worker.id,
      at: now,
      cpuPercent,
      requests: Math.round(counters.requests - prev.requests),
      intervalS,
    };
  }

  private async fetchMetrics(address: string): Promise<string> {
    const response = await fetch(`http://${address}${WORKER_METRICS_PATH}`, {
      signal: AbortSignal.timeout(this.timeoutMs),
      headers: { accept: 'text/plain' },
    });
    const body = await response.text();
    if (!response.ok) throw new Error(`GET /metrics answered ${response.status}`);
    return body;
  }
}
