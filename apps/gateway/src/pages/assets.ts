import { existsSync } from 'fs';
import { dirname, join } from 'path';

/**
 * repositoryRoot walks up from this file to the folder holding package.json, so views and
 * static files are found both from the TypeScript sources (jest) and from dist/ (tsc does not
 * copy .hbs files).
 */
export function repositoryRoot(start = __dirname): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'apps'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${start}`);
    dir = parent;
  }
}

/** GatewayAssets are the folders the gateway serves pages and files from. */
export interface GatewayAssets {
  views: string;
  public: string;
  chartJs: string;
}

/** gatewayAssets locates the views, the static files and Chart.js's browser build. */
export function gatewayAssets(root = repositoryRoot()): GatewayAssets {
  return {
    views: join(root, 'apps', 'gateway', 'views'),
    public: join(root, 'apps', 'gateway', 'public'),
    // `require.resolve('chart.js')` is dist/chart.cjs; chart.umd.js sits beside it.
    chartJs: dirname(require.resolve('chart.js', { paths: [root] })),
  };
}
