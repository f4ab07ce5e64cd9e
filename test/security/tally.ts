import { mkdirSync, writeFileSync } from 'fs';
import path from 'path';

/** TallyEntry is one attack tried: whether it was refused as documented and changed nothing. */
export interface TallyEntry {
  group: string;
  name: string;
  refused: boolean;
  unchanged: boolean;
  /** Why it failed (the answer it got, what changed), empty when it passed. */
  detail: string;
}

/** TallySummary is what the suite reports: totals, per group, and the names of the failures. */
export interface TallySummary {
  tried: number;
  refusedWithNoChange: number;
  failed: number;
  groups: Record<string, { tried: number; refusedWithNoChange: number; failed: number }>;
  failures: { group: string; name: string; detail: string }[];
}

/**
 * Tally counts the attacks of a security suite: every case tried, those refused with no change
 * and the failures by name, for the summary line and test-output/security-summary.json.
 */
export class Tally {
  private readonly entries: TallyEntry[] = [];

  /** record adds one case (an attack is counted once, whatever it is retried as). */
  record(entry: TallyEntry): void {
    this.entries.push(entry);
  }

  summary(): TallySummary {
    const groups: TallySummary['groups'] = {};
    const failures: TallySummary['failures'] = [];
    for (const entry of this.entries) {
      const group = (groups[entry.group] ??= { tried: 0, refusedWithNoChange: 0, failed: 0 });
      group.tried += 1;
      if (entry.refused && entry.unchanged) group.refusedWithNoChange += 1;
      else {
        group.failed += 1;
        failures.push({ group: entry.group, name: entry.name, detail: entry.detail });
      }
    }
    const total = (key: 'tried' | 'refusedWithNoChange' | 'failed') =>
      Object.values(groups).reduce((sum, g) => sum + g[key], 0);
    return {
      tried: total('tried'),
      refusedWithNoChange: total('refusedWithNoChange'),
      failed: total('failed'),
      groups,
      failures,
    };
  }

  /** line is the one-line summary printed at the end of the suite. */
  line(): string {
    const s = this.summary();
    const groups = Object.entries(s.groups)
      .map(([name, g]) => `${name} ${g.refusedWithNoChange}/${g.tried}`)
      .join(', ');
    return (
      `security suite: ${s.tried} tried, ${s.refusedWithNoChange} refused with no change, ` +
      `${s.failed} failed (${groups})` +
      (s.failures.length ? `\n  failed: ${s.failures.map((f) => f.name).join('\n  failed: ')}` : '')
    );
  }

  /** write saves the summary as JSON (test-output/security-summary.json by default). */
  write(file: string): void {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(this.summary(), null, 2) + '\n');
  }
}
