#!/usr/bin/env node
/**
 * ebbflow.ts: the CDK app. One stack; every parameter is a context value (`-c key=value`):
 *   stackName (ebbflow), adminCidr (required), vpcId, amiId, bundlePath (infra/build/bundle),
 *   requireBundle (true: refuse the placeholder), workerInstanceType, managerInstanceType,
 *   databaseInstanceType, databaseStorageGb.
 * Without vpcId the stack is environment-agnostic: `cdk synth` needs no credentials and no network.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { EbbflowStack } from '../lib/ebbflow-stack';
import { DEFAULTS } from '../lib/settings';

const app = new App();
const context = (key: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  return value === undefined || value === '' ? undefined : String(value);
};
const fail = (message: string): never => {
  process.stderr.write(`ebbflow infra: ${message}\n`);
  process.exit(2);
};

const stackName = context('stackName') ?? DEFAULTS.stackName;
// Lowercase: the name is part of the bucket's generated name, which S3 wants lowercase.
if (!/^[a-z][a-z0-9-]{0,30}$/.test(stackName)) {
  fail(`stackName "${stackName}": use lowercase letters, digits and dashes (at most 31)`);
}
const adminCidr = context('adminCidr');
if (!adminCidr) {
  fail(
    'adminCidr is required: the CIDR allowed to reach the manager, e.g. -c adminCidr=203.0.113.7/32',
  );
}
const cidr = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(adminCidr!);
if (!cidr || cidr.slice(1, 5).some((o) => Number(o) > 255) || Number(cidr[5]) > 32) {
  fail(`adminCidr "${adminCidr}" is not an IPv4 CIDR such as 203.0.113.7/32`);
} else if (Number(cidr[5]) === 0) {
  fail('adminCidr must not be 0.0.0.0/0: the manager would be open to the whole internet');
}

const infraDir = path.resolve(__dirname, '..');
const built = path.resolve(infraDir, context('bundlePath') ?? 'build/bundle');
const hasBundle = fs.existsSync(path.join(built, 'dist/apps/worker/src/main.js'));
if (!hasBundle && context('requireBundle') === 'true') {
  fail(`no bundle at ${built}: run "npm run deploy" from the repository root (it builds it)`);
}
// A fresh clone has no dist/: synth still works, with a placeholder the instances refuse to run.
const bundlePath = hasBundle ? built : path.join(infraDir, 'placeholder-bundle');

const vpcId = context('vpcId');
new EbbflowStack(app, stackName, {
  stackName,
  adminCidr: adminCidr!,
  vpcId,
  amiId: context('amiId'),
  bundlePath,
  workerInstanceType: context('workerInstanceType') ?? DEFAULTS.workerInstanceType,
  managerInstanceType: context('managerInstanceType') ?? DEFAULTS.managerInstanceType,
  databaseInstanceType: context('databaseInstanceType') ?? DEFAULTS.databaseInstanceType,
  databaseStorageGb: Number(context('databaseStorageGb') ?? DEFAULTS.databaseStorageGb),
  // Vpc.fromLookup needs a concrete account and region (and credentials at synth time).
  ...(vpcId
    ? { env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION } }
    : {}),
  description: `Ebbflow (${stackName}): elastic pool of web workers, manager, ALB, RDS, S3`,
});
