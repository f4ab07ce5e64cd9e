import { APP_DIR, ENV_DIR } from './settings';

/**
 * user-data.ts: the shell scripts the instances run at first boot. Values that come from the
 * stack (ARNs, host names) are CloudFormation tokens inside the strings, resolved at deploy time;
 * secrets are NOT in the template: the scripts fetch them from Secrets Manager with the instance's
 * role and write them to a root-only environment file that systemd reads.
 */

/** EnvValue is one line of an environment file: a fixed value (may be a token) or a shell expression. */
export type EnvValue = { value: string } | { shell: string };

/** BundleLocation is the S3 object of the built Ebbflow bundle (an s3-assets Asset, zipped). */
export interface BundleLocation {
  bucket: string;
  key: string;
}

/**
 * commonSetup installs Node.js 20 and the bundle (dist/ + package files) under APP_DIR, then its
 * production dependencies. It refuses the synth-time placeholder bundle, so a stack synthesized
 * without a build cannot start workers that would never become healthy.
 */
export function commonSetup(
  region: string,
  bundle: BundleLocation,
  extraPackages: string[],
): string[] {
  return [
    'set -euo pipefail',
    // Everything the script prints also lands in a file, for `journalctl`-less debugging.
    'exec > >(tee -a /var/log/ebbflow-user-data.log) 2>&1',
    // cloud-init runs this without HOME; npm needs one for its cache.
    'export HOME=/root',
    `dnf install -y nodejs20 nodejs20-npm python3 ${extraPackages.join(' ')}`.trim(),
    // Amazon Linux 2023 names the binaries of its nodejs20 package node-20 and npm-20.
    'NODE=$(command -v node-20 || command -v node)',
    'NPM=$(command -v npm-20 || command -v npm)',
    `id ebbflow >/dev/null 2>&1 || useradd --system --home-dir ${APP_DIR} --shell /sbin/nologin ebbflow`,
    `mkdir -p ${APP_DIR} ${ENV_DIR}`,
    `aws s3 cp --region ${region} s3://${bundle.bucket}/${bundle.key} /tmp/ebbflow-bundle.zip`,
    `python3 -m zipfile -e /tmp/ebbflow-bundle.zip ${APP_DIR}`,
    `if [ -e ${APP_DIR}/EBBFLOW_PLACEHOLDER ]; then echo "ebbflow: this stack was deployed with the placeholder bundle; run npm run deploy from the repository root" >&2; exit 1; fi`,
    `cd ${APP_DIR} && "$NPM" ci --omit=dev --no-audit --no-fund`,
    `chown -R ebbflow:ebbflow ${APP_DIR}`,
    // Secrets: fetched with the instance role; `field` reads one key of a JSON secret.
    `secret() { aws secretsmanager get-secret-value --region ${region} --secret-id "$1" --query SecretString --output text; }`,
    `field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }`,
  ];
}

/** imdsInstanceId reads the instance's id from IMDSv2 (a session token first: IMDSv1 is off). */
export function imdsInstanceId(): string[] {
  return [
    "IMDS_TOKEN=$(curl -sf -X PUT http://169.254.169.254/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 300')",
    'INSTANCE_ID=$(curl -sf -H "X-aws-ec2-metadata-token: $IMDS_TOKEN" http://169.254.169.254/latest/meta-data/instance-id)',
  ];
}

/**
 * writeEnvFile writes `path` (mode 600, root) line by line: fixed values verbatim (printf, so a
 * `$` in a value is not expanded), shell values expanded once here.
 */
export function writeEnvFile(path: string, entries: Record<string, EnvValue>): string[] {
  const lines = ['umask 077', `: > ${path}`];
  for (const [name, entry] of Object.entries(entries)) {
    const value = 'value' in entry ? `'${entry.value}'` : `"${entry.shell}"`;
    lines.push(`printf '%s=%s\\n' ${name} ${value} >> ${path}`);
  }
  lines.push('umask 022');
  return lines;
}

/** SystemdUnit describes one service unit. */
export interface SystemdUnit {
  name: string;
  description: string;
  envFile: string;
  execStart: string;
  restart: 'always' | 'on-failure';
  after?: string[];
}

/** systemdUnit installs, enables and starts `unit` (ExecStart runs as user ebbflow in APP_DIR). */
export function systemdUnit(unit: SystemdUnit): string[] {
  const after = ['network-online.target', ...(unit.after ?? [])].join(' ');
  return [
    `cat > /etc/systemd/system/${unit.name}.service <<UNIT`,
    '[Unit]',
    `Description=${unit.description}`,
    `After=${after}`,
    `Wants=${after}`,
    // Never give up restarting (systemd's default stops after 5 starts in 10 s, e.g. while the
    // database is not reachable yet).
    'StartLimitIntervalSec=0',
    '[Service]',
    'User=ebbflow',
    `WorkingDirectory=${APP_DIR}`,
    `EnvironmentFile=${unit.envFile}`,
    `ExecStart=$NODE --enable-source-maps ${unit.execStart}`,
    `Restart=${unit.restart}`,
    'RestartSec=2',
    '[Install]',
    'WantedBy=multi-user.target',
    'UNIT',
    'systemctl daemon-reload',
    `systemctl enable --now ${unit.name}.service`,
  ];
}
