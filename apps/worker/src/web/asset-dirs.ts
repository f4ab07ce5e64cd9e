import { existsSync } from 'fs';
import { dirname, join } from 'path';

/**
 * findRepoRoot walks up from `start` to the first folder holding `package.json` and `marker`
 * (a path inside the repository). Views and static files are not compiled by tsc, so they are
 * found from the repository root, whether the code runs from `apps/` (jest) or from `dist/`.
 */
export function findRepoRoot(start: string, marker = join('apps', 'worker', 'views')): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, marker))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the repository root above ${start}`);
    dir = parent;
  }
}

/** WorkerAssetDirs are the folders of the worker's Handlebars views and static files. */
export interface WorkerAssetDirs {
  views: string;
  public: string;
}

/** workerAssetDirs locates `apps/worker/views` and `apps/worker/public`. */
export function workerAssetDirs(start: string = __dirname): WorkerAssetDirs {
  const root = findRepoRoot(start);
  return {
    views: join(root, 'apps', 'worker', 'views'),
    public: join(root, 'apps', 'worker', 'public'),
  };
}
