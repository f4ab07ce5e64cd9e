import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EbbflowStack } from '../../lib/ebbflow-stack';
import { DEFAULTS } from '../../lib/settings';

/** TEST_STACK_NAME and TEST_ADMIN_CIDR are the parameters the tests synthesize with. */
export const TEST_STACK_NAME = 'ebbflow-test';
export const TEST_ADMIN_CIDR = '198.51.100.7/32';

/**
 * synthesize builds the stack offline (no credentials, no network: env-agnostic, the placeholder
 * bundle) and returns its template. Call it once per test file: it takes a few seconds.
 */
export function synthesize(): Template {
  const app = new App();
  const stack = new EbbflowStack(app, TEST_STACK_NAME, {
    stackName: TEST_STACK_NAME,
    adminCidr: TEST_ADMIN_CIDR,
    bundlePath: path.resolve(__dirname, '../../placeholder-bundle'),
    workerInstanceType: DEFAULTS.workerInstanceType,
    managerInstanceType: DEFAULTS.managerInstanceType,
    databaseInstanceType: DEFAULTS.databaseInstanceType,
    databaseStorageGb: DEFAULTS.databaseStorageGb,
  });
  return Template.fromStack(stack);
}

/** Resource is one resource of a synthesized template. */
export interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
  [key: string]: unknown;
}

/** resourcesOf lists the template's resources of `type` with their logical ids. */
export function resourcesOf(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.findResources(type)) as [string, Resource][];
}

/**
 * flatten renders a CloudFormation value as text: Fn::Join parts are concatenated, Fn::Base64 is
 * unwrapped, and any other intrinsic becomes `{Ref:X}` / `{GetAtt:X.Y}` so that a test can
 * search user data for lines like `WORKER_PORT=5000`.
 */
export function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(flatten).join('');
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    if ('Fn::Base64' in obj) return flatten(obj['Fn::Base64']);
    if ('Fn::Join' in obj) {
      const [sep, parts] = obj['Fn::Join'] as [string, unknown[]];
      return parts.map(flatten).join(sep);
    }
    if ('Ref' in obj) return `{Ref:${String(obj.Ref)}}`;
    if ('Fn::GetAtt' in obj) return `{GetAtt:${(obj['Fn::GetAtt'] as string[]).join('.')}}`;
    return JSON.stringify(obj);
  }
  return '';
}
