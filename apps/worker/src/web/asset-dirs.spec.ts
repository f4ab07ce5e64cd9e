import { existsSync } from 'fs';
import { join } from 'path';
import { findRepoRoot, workerAssetDirs } from './asset-dirs';

describe('workerAssetDirs', () => {
  const root = findRepoRoot(__dirname);

  it('should find the views and static files from the source folder', () => {
    const dirs = workerAssetDirs(__dirname);
    expect(existsSync(join(dirs.views, 'layout.hbs'))).toBe(true);
    expect(existsSync(join(dirs.public, 'style.css'))).toBe(true);
  });

  it('should find the same folders from the compiled folder in dist/', () => {
    expect(workerAssetDirs(join(root, 'dist', 'apps', 'worker', 'src', 'web'))).toEqual(
      workerAssetDirs(__dirname),
    );
  });

  it('should fail clearly outside the repository', () => {
    expect(() => findRepoRoot('/')).toThrow('cannot find the repository root above /');
  });
});
