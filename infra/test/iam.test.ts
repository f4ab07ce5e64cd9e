import * as fs from 'fs';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { CLOUDWATCH_NAMESPACE, MANAGED_TAG, STACK_TAG_KEY } from '../lib/settings';
import { REPO_ROOT, actionsInDirs, actionsInSource } from './support/sdk-actions';
import { Resource, TEST_STACK_NAME, flatten, resourcesOf, synthesize } from './support/synth';

/** Where the manager's and the workers' AWS calls are made. */
const MANAGER_CODE = ['libs/cloud/src/aws', 'apps/janitor/src/clear'];
const WORKER_CODE = ['apps/worker/src'];

/**
 * RESOURCE_STAR_ALLOWED are the only actions granted on Resource "*", each because the API has no
 * resource-level permission (IAM Service Authorization Reference): EC2 and ELBv2 Describe* calls,
 * CloudWatch GetMetricData, PutMetricData (scoped by its cloudwatch:namespace condition instead),
 * and the SSM agent's Session Manager calls (a shell for reading logs without SSH).
 */
const RESOURCE_STAR_ALLOWED = new Set([
  'ec2:DescribeInstances',
  'elasticloadbalancing:DescribeTargetHealth',
  'elasticloadbalancing:DescribeTargetGroupAttributes',
  'elasticloadbalancing:DescribeLoadBalancers',
  'cloudwatch:GetMetricData',
  'cloudwatch:PutMetricData',
  'ssm:UpdateInstanceInformation',
  'ssmmessages:CreateControlChannel',
  'ssmmessages:CreateDataChannel',
  'ssmmessages:OpenControlChannel',
  'ssmmessages:OpenDataChannel',
]);

interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

const list = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

let template: Template;
let policies: [string, Resource][];

/** statementsOf returns the statements of the IAM policy whose logical id starts with `prefix`. */
function statementsOf(prefix: string): Statement[] {
  const found = policies.filter(([id]) => id.startsWith(prefix));
  expect(found).toHaveLength(1);
  const doc = found[0]![1].Properties!.PolicyDocument as { Statement: Statement[] };
  return doc.Statement;
}
const actionsOf = (statements: Statement[]) =>
  [...new Set(statements.flatMap((s) => list(s.Action)))].sort();
const bySid = (statements: Statement[], sid: string) => {
  const s = statements.find((x) => x.Sid === sid);
  if (!s) throw new Error(`no statement ${sid}`);
  return s;
};

beforeAll(() => {
  template = synthesize();
  policies = resourcesOf(template, 'AWS::IAM::Policy');
});

describe('deriving AWS actions from code', () => {
  it.each([
    [
      'an EC2 command imported and sent',
      "import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';\nawait c.send(new RunInstancesCommand({}));",
      ['ec2:RunInstances'],
    ],
    [
      "S3's renamed actions (ListObjectsV2 needs ListBucket, DeleteObjects needs DeleteObject)",
      "import {\n  DeleteObjectsCommand,\n  ListObjectsV2Command,\n} from '@aws-sdk/client-s3';\nnew ListObjectsV2Command({}); new DeleteObjectsCommand({});",
      ['s3:DeleteObject', 's3:ListBucket'],
    ],
    [
      'the ELBv2 package maps to the elasticloadbalancing prefix',
      "import { RegisterTargetsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';\nnew RegisterTargetsCommand({});",
      ['elasticloadbalancing:RegisterTargets'],
    ],
    [
      'a command imported but never constructed needs nothing',
      "import { TerminateInstancesCommand } from '@aws-sdk/client-ec2';",
      [],
    ],
  ])('should find %s', (_name, source, expected) => {
    expect(actionsInSource(source)).toEqual(expected);
  });

  it('should refuse a client package it cannot map to an IAM prefix', () => {
    expect(() =>
      actionsInSource(
        "import { PutItemCommand } from '@aws-sdk/client-dynamodb';\nnew PutItemCommand({});",
      ),
    ).toThrow(/client-dynamodb has no IAM service prefix/);
  });

  it('should find AWS calls of the manager services nowhere but in the adapters (nothing unchecked elsewhere)', () => {
    // libs/storage is left out: its only AWS call outside the S3 client factory is ensureBucket
    // (CreateBucket), which only the storage tests call; the stack creates the bucket.
    const everywhere = [
      ...['fleet', 'metrics', 'scaler', 'janitor', 'gateway'].map((a) => `apps/${a}/src`),
      ...['cloud', 'messaging', 'contracts', 'config', 'database', 'app-data'].map(
        (l) => `libs/${l}/src`,
      ),
    ];
    expect(actionsInDirs(everywhere)).toEqual(actionsInDirs(MANAGER_CODE));
  });

  it("should find the manager adapters' calls in the code (the list the policy is checked against)", () => {
    // If this list changes, the code sends something new: the policy test below says what to grant.
    expect(actionsInDirs(MANAGER_CODE)).toEqual([
      'cloudwatch:GetMetricData',
      'ec2:DescribeInstances',
      'ec2:RunInstances',
      'ec2:TerminateInstances',
      'elasticloadbalancing:DeregisterTargets',
      'elasticloadbalancing:DescribeLoadBalancers',
      'elasticloadbalancing:DescribeTargetGroupAttributes',
      'elasticloadbalancing:DescribeTargetHealth',
      'elasticloadbalancing:RegisterTargets',
      's3:DeleteObject',
      's3:ListBucket',
    ]);
  });
});

describe('the manager host', () => {
  it("should grant exactly the actions the adapters' code sends, plus the tagging and PassRole a launch from the template needs", () => {
    // RunInstances with tag specifications needs ec2:CreateTags; with an instance profile, iam:PassRole.
    const implied = ['ec2:CreateTags', 'iam:PassRole'];
    expect(actionsOf(statementsOf('ManagerCloudPolicy'))).toEqual(
      [...actionsInDirs(MANAGER_CODE), ...implied].sort(),
    );
  });

  it('should let RunInstances use only the launch template, its subnet, security group and image, for instances tagged ebbflow:managed', () => {
    const statements = statementsOf('ManagerCloudPolicy');
    const fromTemplate = bySid(statements, 'RunFromTemplate');
    expect(flatten(fromTemplate.Resource)).toMatch(
      /:launch-template\/\{Ref:WorkerTemplate[0-9A-F]+\}$/,
    );
    const instances = bySid(statements, 'RunTaggedInstances');
    expect(instances.Condition!.StringEquals).toEqual({
      [`aws:RequestTag/${MANAGED_TAG.key}`]: MANAGED_TAG.value,
    });
    expect(flatten(instances.Condition!.ArnEquals!['ec2:LaunchTemplate'])).toMatch(
      /launch-template\/\{Ref:WorkerTemplate/,
    );
    const others = bySid(statements, 'RunTemplateResources');
    const arns = list(others.Resource).map(flatten);
    expect(arns.some((a) => /:subnet\/\{Ref:VpcworkersSubnet1/.test(a))).toBe(true);
    expect(
      arns.some((a) => /:security-group\/\{GetAtt:WorkerSg[0-9A-F]+\.GroupId\}$/.test(a)),
    ).toBe(true);
    expect(others.Condition!.ArnEquals).toBeDefined();
  });

  it('should allow CreateTags only as part of RunInstances', () => {
    const tags = bySid(statementsOf('ManagerCloudPolicy'), 'TagOnLaunchOnly');
    expect(tags.Action).toBe('ec2:CreateTags');
    expect(tags.Condition).toEqual({ StringEquals: { 'ec2:CreateAction': 'RunInstances' } });
  });

  it("should terminate only instances carrying this stack's tag", () => {
    const terminate = bySid(statementsOf('ManagerCloudPolicy'), 'TerminateOwnWorkers');
    expect(terminate.Condition).toEqual({
      StringEquals: { [`aws:ResourceTag/${STACK_TAG_KEY}`]: TEST_STACK_NAME },
    });
  });

  it("should pass only the workers' role, and only to EC2", () => {
    const pass = bySid(statementsOf('ManagerCloudPolicy'), 'PassWorkerRole');
    expect(flatten(pass.Resource)).toMatch(/^\{GetAtt:WorkerRole[0-9A-F]+\.Arn\}$/);
    expect(pass.Condition).toEqual({
      StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' },
    });
  });

  it('should register and deregister targets in the workers target group only', () => {
    const targets = bySid(statementsOf('ManagerCloudPolicy'), 'WorkerTargets');
    expect(targets.Resource).toEqual({ Ref: expect.stringMatching(/^Workers[0-9A-F]+$/) });
  });
});

describe('the workers', () => {
  it("should grant exactly the S3 and CloudWatch actions the worker's code sends", () => {
    expect(actionsOf(statementsOf('WorkerAppPolicy'))).toEqual(actionsInDirs(WORKER_CODE));
  });

  it('should put objects only in the pictures bucket, and the bucket probe on that bucket alone', () => {
    const statements = statementsOf('WorkerAppPolicy');
    expect(flatten(bySid(statements, 'PictureObjects').Resource)).toMatch(
      /^\{GetAtt:Pictures[0-9A-F]+\.Arn\}\/\*$/,
    );
    expect(bySid(statements, 'BucketProbe').Resource).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^Pictures/), 'Arn'],
    });
  });

  it('should publish metrics only in the namespace the worker publishes under', () => {
    const publisher = fs.readFileSync(
      path.join(REPO_ROOT, 'apps/worker/src/metrics/request-count.publisher.ts'),
      'utf8',
    );
    const namespace = /CLOUDWATCH_NAMESPACE = '([^']+)'/.exec(publisher)?.[1];
    expect(namespace).toBe(CLOUDWATCH_NAMESPACE);
    const metric = bySid(statementsOf('WorkerAppPolicy'), 'RequestCountMetric');
    expect(metric.Condition).toEqual({ StringEquals: { 'cloudwatch:namespace': namespace } });
  });

  it('should read only its own two secrets and the bundle at boot', () => {
    const boot = statementsOf('WorkerBootPolicy');
    expect(list(bySid(boot, 'Secrets').Resource).map(flatten).sort()).toEqual([
      expect.stringMatching(/^\{Ref:SessionSecret/),
      expect.stringMatching(/^\{Ref:WorkerDbSecret/),
    ]);
    expect(bySid(boot, 'Bundle').Action).toBe('s3:GetObject');
    expect(flatten(bySid(boot, 'Bundle').Resource)).toMatch(/^arn:.*:s3:::.*\/[0-9a-f]{64}\.zip$/);
  });
});

describe('every IAM statement of the stack', () => {
  const allowStatements = () =>
    policies.flatMap(([id, r]) =>
      (r.Properties!.PolicyDocument as { Statement: Statement[] }).Statement.map(
        (s) => [id, s] as const,
      ),
    );

  it('should name every action (no wildcard in any action)', () => {
    for (const [id, s] of allowStatements()) {
      for (const action of list(s.Action)) expect(`${id}: ${action}`).not.toMatch(/\*/);
    }
  });

  it('should use Resource "*" only for the actions whose API has no resource-level permission', () => {
    const offenders: string[] = [];
    for (const [id, s] of allowStatements()) {
      if (!list(s.Resource).includes('*')) continue;
      for (const action of list(s.Action)) {
        if (!RESOURCE_STAR_ALLOWED.has(action)) offenders.push(`${id}: ${action}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('should have only Allow statements in the roles (the one Deny is the bucket policy enforcing TLS)', () => {
    expect(allowStatements().filter(([, s]) => s.Effect !== 'Allow')).toEqual([]);
  });

  it('should have two roles, for EC2, with no managed policies attached (nothing broader than the statements above)', () => {
    const roles = resourcesOf(template, 'AWS::IAM::Role');
    expect(roles.map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual([
      'ManagerRole',
      'WorkerRole',
    ]);
    for (const [, role] of roles) {
      expect(role.Properties!.ManagedPolicyArns).toBeUndefined();
      expect(JSON.stringify(role.Properties!.AssumeRolePolicyDocument)).toContain(
        'ec2.amazonaws.com',
      );
    }
    // No custom resources (their Lambda roles would carry CDK's own wildcard grants).
    expect(resourcesOf(template, 'AWS::Lambda::Function')).toEqual([]);
  });
});
