import * as fs from 'fs';
import * as path from 'path';

/** REPO_ROOT is the repository's root folder. */
export const REPO_ROOT = path.resolve(__dirname, '../../..');

/** SERVICE_PREFIX maps an AWS SDK v3 client package to its IAM service prefix. */
export const SERVICE_PREFIX: Record<string, string> = {
  '@aws-sdk/client-ec2': 'ec2',
  '@aws-sdk/client-elastic-load-balancing-v2': 'elasticloadbalancing',
  '@aws-sdk/client-cloudwatch': 'cloudwatch',
  '@aws-sdk/client-s3': 's3',
  '@aws-sdk/client-secrets-manager': 'secretsmanager',
};

/**
 * IAM_ACTION_OF lists the commands whose IAM action is not their own name (S3's documented
 * exceptions); every other command `XxxCommand` needs `<prefix>:Xxx`.
 */
export const IAM_ACTION_OF: Record<string, string> = {
  's3:ListObjectsV2': 's3:ListBucket',
  's3:ListObjects': 's3:ListBucket',
  's3:DeleteObjects': 's3:DeleteObject',
  's3:HeadBucket': 's3:ListBucket',
  's3:HeadObject': 's3:GetObject',
};

/** sourceFiles lists the non-test .ts files under `dirs` (relative to the repository), recursively. */
export function sourceFiles(dirs: string[]): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) files.push(full);
    }
  };
  for (const dir of dirs) walk(path.join(REPO_ROOT, dir));
  return files.sort();
}

/**
 * actionsInSource returns the IAM actions one source file's AWS SDK calls need: each
 * `new XxxCommand(` whose class is imported from an `@aws-sdk/client-*` package becomes
 * `<prefix>:Xxx` (through IAM_ACTION_OF). A client package without a prefix throws, so a new
 * service cannot slip through unmapped.
 */
export function actionsInSource(source: string, file = '<source>'): string[] {
  const packageOf = new Map<string, string>();
  const imports = /import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'(@aws-sdk\/client-[a-z0-9-]+)'/g;
  for (const [, names, pkg] of source.matchAll(imports)) {
    for (const raw of names!.split(',')) {
      const name = raw
        .trim()
        .split(/\s+as\s+/)[0]!
        .trim();
      if (name.endsWith('Command')) packageOf.set(name, pkg!);
    }
  }
  const actions = new Set<string>();
  for (const [, command] of source.matchAll(/new\s+([A-Za-z0-9]+Command)\s*\(/g)) {
    const pkg = packageOf.get(command!);
    if (!pkg) continue; // not an AWS SDK command (or imported some other way: see the test)
    const prefix = SERVICE_PREFIX[pkg];
    if (!prefix) throw new Error(`${file}: ${pkg} has no IAM service prefix in SERVICE_PREFIX`);
    const action = `${prefix}:${command!.replace(/Command$/, '')}`;
    actions.add(IAM_ACTION_OF[action] ?? action);
  }
  return [...actions].sort();
}

/** actionsInDirs is actionsInSource over every source file of `dirs`, merged and sorted. */
export function actionsInDirs(dirs: string[]): string[] {
  const all = new Set<string>();
  for (const file of sourceFiles(dirs)) {
    for (const action of actionsInSource(fs.readFileSync(file, 'utf8'), file)) all.add(action);
  }
  return [...all].sort();
}
