import { execFile } from 'child_process';
import * as path from 'path';
import { promisify } from 'util';
import { Match, Template } from 'aws-cdk-lib/assertions';
import {
  DRAIN_TIMEOUT_S,
  GATEWAY_PORT,
  HEALTH_CHECK,
  MANAGED_TAG,
  MYSQL_PORT,
  STACK_TAG_KEY,
  WORKER_PORT,
} from '../lib/settings';
import {
  Resource,
  TEST_ADMIN_CIDR,
  TEST_STACK_NAME,
  flatten,
  resourcesOf,
  synthesize,
} from './support/synth';

let template: Template;
const idOf = (prefix: string) => {
  const ids = Object.keys(template.toJSON().Resources as object).filter((id) =>
    new RegExp(`^${prefix}[0-9A-F]{8}$`).test(id),
  );
  expect(ids).toHaveLength(1);
  return ids[0]!;
};
const props = (id: string) =>
  (template.toJSON().Resources as Record<string, Resource>)[id]!.Properties!;
const workerTemplate = () =>
  props(idOf('WorkerTemplate')).LaunchTemplateData as Record<string, unknown>;
const workerUserData = () => flatten(workerTemplate().UserData);
const managerUserData = () => {
  // The manager's logical id carries a hash of its user data (userDataCausesReplacement).
  const instances = resourcesOf(template, 'AWS::EC2::Instance');
  expect(instances).toHaveLength(1);
  return flatten(instances[0]![1].Properties!.UserData);
};
/** envLine is how user-data.ts writes one variable of an environment file. */
const envLine = (name: string, value: string) => `printf '%s=%s\\n' ${name} '${value}'`;

/** ingressRules lists every ingress rule of the stack with the group it opens. */
function ingressRules(): { group: string; rule: Record<string, unknown> }[] {
  const rules: { group: string; rule: Record<string, unknown> }[] = [];
  for (const [id, sg] of resourcesOf(template, 'AWS::EC2::SecurityGroup')) {
    for (const rule of (sg.Properties!.SecurityGroupIngress as Record<string, unknown>[]) ?? []) {
      rules.push({ group: id, rule });
    }
  }
  for (const [, ingress] of resourcesOf(template, 'AWS::EC2::SecurityGroupIngress')) {
    const group = (ingress.Properties!.GroupId as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!;
    rules.push({ group, rule: ingress.Properties! });
  }
  return rules;
}
const openToWorld = (rule: Record<string, unknown>) =>
  rule.CidrIp === '0.0.0.0/0' || rule.CidrIpv6 === '::/0';

beforeAll(() => {
  template = synthesize();
});

describe('the worker port, from one place', () => {
  it('should be the target group port and its health check port', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: WORKER_PORT,
      HealthCheckPort: String(WORKER_PORT),
      TargetType: 'instance',
    });
  });

  it('should be the only port the workers accept, from the ALB only, and the ALB may send to', () => {
    const workerSg = idOf('WorkerSg');
    const albSg = idOf('AlbSg');
    const toWorkers = ingressRules().filter((r) => r.group === workerSg);
    expect(toWorkers).toEqual([
      {
        group: workerSg,
        rule: expect.objectContaining({
          FromPort: WORKER_PORT,
          ToPort: WORKER_PORT,
          SourceSecurityGroupId: { 'Fn::GetAtt': [albSg, 'GroupId'] },
        }),
      },
    ]);
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      GroupId: { 'Fn::GetAtt': [albSg, 'GroupId'] },
      DestinationSecurityGroupId: { 'Fn::GetAtt': [workerSg, 'GroupId'] },
      FromPort: WORKER_PORT,
      ToPort: WORKER_PORT,
    });
  });

  it("should be the worker's WORKER_PORT in its user data and the manager's WORKER_PORT_AWS", () => {
    expect(workerUserData()).toContain(envLine('WORKER_PORT', String(WORKER_PORT)));
    expect(workerUserData()).toContain(envLine('WORKER_HOST', '0.0.0.0'));
    expect(managerUserData()).toContain(envLine('WORKER_PORT_AWS', String(WORKER_PORT)));
  });
});

describe('the target group', () => {
  it("should check /health with the balancer's thresholds and drain as long as the fleet waits", () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      HealthCheckPath: '/health',
      HealthCheckIntervalSeconds: HEALTH_CHECK.intervalS,
      HealthCheckTimeoutSeconds: HEALTH_CHECK.timeoutS,
      HealthyThresholdCount: 2,
      UnhealthyThresholdCount: 2,
      Matcher: { HttpCode: '200' },
      TargetGroupAttributes: Match.arrayWith([
        { Key: 'deregistration_delay.timeout_seconds', Value: '60' },
      ]),
    });
    expect(DRAIN_TIMEOUT_S).toBe(60); // FLEET_DRAIN_TIMEOUT_S's default (README)
    expect(managerUserData()).toContain(envLine('FLEET_DRAIN_TIMEOUT_S', '60'));
  });

  it("should be the ALB listener's default action", () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      DefaultActions: [{ Type: 'forward', TargetGroupArn: { Ref: idOf('Workers') } }],
    });
  });
});

describe("the workers' launch template", () => {
  it('should turn on detailed monitoring and require IMDSv2 tokens', () => {
    expect(workerTemplate().Monitoring).toEqual({ Enabled: true });
    expect(workerTemplate().MetadataOptions).toEqual(
      expect.objectContaining({ HttpTokens: 'required' }),
    );
  });

  it('should give workers an instance profile of the worker role', () => {
    const profile = (workerTemplate().IamInstanceProfile as { Arn: unknown }).Arn;
    expect(flatten(profile)).toMatch(/^\{GetAtt:WorkerTemplateProfile[0-9A-F]+\.Arn\}$/);
    template.hasResourceProperties('AWS::IAM::InstanceProfile', {
      Roles: [{ Ref: idOf('WorkerRole') }],
    });
  });

  it('should launch into a private subnet, with the worker security group and no public address', () => {
    expect(workerTemplate().NetworkInterfaces).toEqual([
      expect.objectContaining({
        SubnetId: { Ref: expect.stringMatching(/^VpcworkersSubnet1/) },
        Groups: [{ 'Fn::GetAtt': [idOf('WorkerSg'), 'GroupId'] }],
        AssociatePublicIpAddress: false,
      }),
    ]);
  });

  it('should tag every worker and its volume ebbflow:managed=true and ebbflow:stack=<name>', () => {
    const expected = expect.arrayContaining([
      { Key: MANAGED_TAG.key, Value: MANAGED_TAG.value },
      { Key: STACK_TAG_KEY, Value: TEST_STACK_NAME },
    ]);
    expect(workerTemplate().TagSpecifications).toEqual([
      { ResourceType: 'instance', Tags: expected },
      { ResourceType: 'volume', Tags: expected },
    ]);
  });

  it('should read the instance id from IMDSv2 with a token', () => {
    const script = workerUserData();
    expect(script).toContain('-X PUT http://169.254.169.254/latest/api/token');
    expect(script).toContain('X-aws-ec2-metadata-token: $IMDS_TOKEN');
    expect(script).toMatch(/INSTANCE_ID=\$\(curl [^\n]*meta-data\/instance-id\)/);
    expect(script).toContain(`printf '%s=%s\\n' INSTANCE_ID "$INSTANCE_ID"`);
  });

  it('should fetch the session secret and the database password from Secrets Manager, not carry them', () => {
    const script = workerUserData();
    expect(script).toMatch(/SESSION_SECRET=\$\(secret \{Ref:SessionSecret[0-9A-F]+\}\)/);
    expect(script).toMatch(
      /DB_PASSWORD=\$\(secret \{Ref:WorkerDbSecret[0-9A-F]+\} \| field password\)/,
    );
    expect(script).toContain('aws secretsmanager get-secret-value');
    expect(script).toMatch(
      /DATABASE_URL "mysql:\/\/ebbflow_worker:\$DB_PASSWORD@\{GetAtt:Database[0-9A-F]+\.Endpoint\.Address\}:3306\/ebbflow"/,
    );
  });

  it('should write the aws-mode environment and run the worker under systemd with Restart=always', () => {
    const script = workerUserData();
    expect(script).toContain(envLine('CLOUD_PROVIDER', 'aws'));
    expect(script).toMatch(/printf '%s=%s\\n' S3_BUCKET '\{Ref:Pictures[0-9A-F]+\}'/);
    expect(script).toContain(envLine('AWS_REGION', '{Ref:AWS::Region}'));
    expect(script).toContain('EnvironmentFile=/etc/ebbflow/worker.env');
    expect(script).toContain('ExecStart=$NODE --enable-source-maps dist/apps/worker/src/main.js');
    expect(script).toContain('Restart=always');
    expect(script).toContain('StartLimitIntervalSec=0');
    expect(script).toContain('systemctl enable --now ebbflow-worker.service');
  });

  it('should install the bundle from its S3 asset and refuse the synth-time placeholder', () => {
    const script = workerUserData();
    expect(script).toMatch(/aws s3 cp --region \{Ref:AWS::Region\} s3:\/\/.*\/[0-9a-f]{64}\.zip/);
    expect(script).toContain('EBBFLOW_PLACEHOLDER ]; then');
    expect(script).toContain('ci --omit=dev');
  });
});

describe('security groups', () => {
  it('should open neither the workers nor the database to 0.0.0.0/0', () => {
    const closed = [idOf('WorkerSg'), idOf('DatabaseSg'), idOf('ManagerSg')];
    const open = ingressRules().filter((r) => closed.includes(r.group) && openToWorld(r.rule));
    expect(open).toEqual([]);
  });

  it('should open only the ALB to the internet, on HTTP', () => {
    const open = ingressRules().filter((r) => openToWorld(r.rule));
    expect(open).toEqual([
      { group: idOf('AlbSg'), rule: expect.objectContaining({ FromPort: 80, ToPort: 80 }) },
    ]);
  });

  it('should let only the workers and the manager host reach MySQL', () => {
    const sources = ingressRules()
      .filter((r) => r.group === idOf('DatabaseSg'))
      .map((r) => [
        (r.rule.SourceSecurityGroupId as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0],
        r.rule.FromPort,
      ]);
    expect(sources.sort()).toEqual([
      [idOf('ManagerSg'), MYSQL_PORT],
      [idOf('WorkerSg'), MYSQL_PORT],
    ]);
  });

  it('should open the manager only to the admin CIDR, on the gateway port', () => {
    expect(ingressRules().filter((r) => r.group === idOf('ManagerSg'))).toEqual([
      {
        group: idOf('ManagerSg'),
        rule: expect.objectContaining({
          CidrIp: TEST_ADMIN_CIDR,
          FromPort: GATEWAY_PORT,
          ToPort: GATEWAY_PORT,
        }),
      },
    ]);
  });
});

describe('the bucket', () => {
  it('should block public access, encrypt, and refuse plain HTTP', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
        ],
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ],
      },
    });
  });

  it("should allow cross-origin GETs of presigned URLs from the ALB's origin only", () => {
    const cors = props(idOf('Pictures')).CorsConfiguration as {
      CorsRules: Record<string, unknown>[];
    };
    expect(cors.CorsRules).toHaveLength(1);
    expect(cors.CorsRules[0]!.AllowedMethods).toEqual(['GET', 'HEAD']);
    expect((cors.CorsRules[0]!.AllowedOrigins as unknown[]).map(flatten)).toEqual([
      expect.stringMatching(/^http:\/\/\{GetAtt:Alb[0-9A-F]+\.DNSName\}$/),
    ]);
  });
});

describe('the database', () => {
  it('should not be public, live in the private subnets, and keep its password in Secrets Manager', () => {
    template.hasResourceProperties('AWS::RDS::DBInstance', {
      Engine: 'mysql',
      PubliclyAccessible: false,
      StorageEncrypted: true,
      MasterUserPassword: Match.objectLike({
        'Fn::Join': ['', Match.arrayWith(['{{resolve:secretsmanager:'])],
      }),
    });
    const group = Object.values(template.findResources('AWS::RDS::DBSubnetGroup'))[0]!;
    const subnets = (group.Properties as { SubnetIds: { Ref: string }[] }).SubnetIds;
    expect(subnets.map((s) => s.Ref)).toEqual([
      expect.stringMatching(/^VpcdatabaseSubnet1/),
      expect.stringMatching(/^VpcdatabaseSubnet2/),
    ]);
  });
});

describe('the manager host', () => {
  it('should run the manager services through scripts/start.js with the stack identifiers', () => {
    const script = managerUserData();
    expect(script).toContain(
      'ExecStart=$NODE --enable-source-maps scripts/start.js --only fleet,metrics,scaler,janitor,gateway',
    );
    expect(script).toContain(envLine('CLOUD_PROVIDER', 'aws'));
    expect(script).toMatch(/LAUNCH_TEMPLATE_ID '\{Ref:WorkerTemplate[0-9A-F]+\}'/);
    expect(script).toMatch(
      /LAUNCH_TEMPLATE_VERSION '\{GetAtt:WorkerTemplate[0-9A-F]+\.LatestVersionNumber\}'/,
    );
    expect(script).toMatch(/TARGET_GROUP_ARN '\{Ref:Workers[0-9A-F]+\}'/);
    expect(script).toMatch(/LOAD_BALANCER_ARN '\{Ref:Alb[0-9A-F]+\}'/);
    expect(script).toMatch(
      /AMQP_URL "amqp:\/\/ebbflow:\$AMQP_PASSWORD@127\.0\.0\.1:5672\/ebbflow"/,
    );
    expect(script).not.toContain('S3_ENDPOINT');
  });

  it('should run RabbitMQ on 127.0.0.1 only, with its own user, vhost and generated password', () => {
    const script = managerUserData();
    expect(script).toMatch(/AMQP_PASSWORD=\$\(secret \{Ref:AmqpPassword[0-9A-F]+\}\)/);
    expect(script).toContain('-p 127.0.0.1:5672:5672');
    expect(script).toContain('RABBITMQ_DEFAULT_USER=ebbflow');
    expect(script).toContain('RABBITMQ_DEFAULT_VHOST=ebbflow');
  });

  it('should create the two database users with the master secret, passwords never in the template', () => {
    const script = managerUserData();
    expect(script).toMatch(/MASTER_JSON=\$\(secret \{Ref:DatabaseSecretAttachment[0-9A-F]+\}\)/);
    expect(script).toContain(
      "CREATE USER IF NOT EXISTS 'ebbflow_worker'@'%' IDENTIFIED BY '__WORKER_PASSWORD__'",
    );
    expect(script).toContain(
      "CREATE USER IF NOT EXISTS 'ebbflow_manager'@'%' IDENTIFIED BY '__MANAGER_PASSWORD__'",
    );
    // The master credentials reach the runner through its environment, not its command line.
    expect(script).toMatch(
      /MASTER_JSON="\$MASTER_JSON" DB_HOST=\{GetAtt:Database[0-9A-F]+\.Endpoint\.Address\} DB_PORT=3306 "\$NODE" \/root\/ebbflow-grants\.js \/root\/ebbflow-grants\.sql/,
    );
    expect(script).toContain('rm -f /root/ebbflow-grants.sql /root/ebbflow-grants.js');
  });

  it('should require IMDSv2 on the manager host too, with a per-stack template name', () => {
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateName: Match.stringLikeRegexp(`^${TEST_STACK_NAME}`),
      LaunchTemplateData: { MetadataOptions: { HttpTokens: 'required' } },
    });
  });
});

describe('the CDK app (bin/ebbflow.ts)', () => {
  const run = (context: Record<string, string>) =>
    promisify(execFile)(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', 'bin/ebbflow.ts'],
      {
        cwd: path.resolve(__dirname, '..'),
        env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify(context) },
      },
    ).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
    );

  it.each([
    [{}, /adminCidr is required/],
    [{ adminCidr: '0.0.0.0/0' }, /adminCidr must not be 0\.0\.0\.0\/0/],
    [{ adminCidr: '10.0.0.300/32' }, /is not an IPv4 CIDR/],
    [{ adminCidr: '10.0.0.1/32', stackName: 'Ebbflow_Prod' }, /stackName "Ebbflow_Prod"/],
  ])(
    'should refuse context %j with a clear message',
    async (context, message) => {
      const result = await run(context);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
    },
    60000,
  );
});
