import {
  Aws,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  StackProps,
  Tags,
  aws_ec2 as ec2,
  aws_elasticloadbalancingv2 as elbv2,
  aws_iam as iam,
  aws_rds as rds,
  aws_s3 as s3,
  aws_s3_assets as s3assets,
  aws_secretsmanager as secretsmanager,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { grantsSql } from './database-grants';
import {
  AMQP_PORT,
  AMQP_USER,
  AMQP_VHOST,
  APP_DIR,
  CLOUDWATCH_NAMESPACE,
  DATABASE_NAME,
  DRAIN_TIMEOUT_S,
  ENV_DIR,
  GATEWAY_PORT,
  HEALTH_CHECK,
  HEALTH_CHECK_PATH,
  HTTP_PORT,
  MANAGED_TAG,
  MANAGER_DB_USER,
  MANAGER_SERVICES,
  MYSQL_PORT,
  RABBITMQ_IMAGE,
  SCALER_WINDOW_S,
  STACK_TAG_KEY,
  UNHEALTHY_GRACE_S,
  WORKER_DB_USER,
  WORKER_PORT,
} from './settings';
import { commonSetup, imdsInstanceId, systemdUnit, writeEnvFile } from './user-data';

/** EbbflowStackProps are the deploy kit's parameters (bin/ebbflow.ts reads them from context). */
export interface EbbflowStackProps extends StackProps {
  /** The stack's name: CloudFormation stack, tag `ebbflow:stack`, resource names. */
  stackName: string;
  /** The only CIDR allowed to reach the manager (port GATEWAY_PORT). Required. */
  adminCidr: string;
  /** An existing VPC (public and private subnets); unset: a new VPC. Needs credentials at synth. */
  vpcId?: string;
  /** An AMI for workers and the manager; unset: the latest Amazon Linux 2023 (x86_64). */
  amiId?: string;
  /** Folder of the built bundle (dist/ + package files), uploaded as an asset. */
  bundlePath: string;
  workerInstanceType: string;
  managerInstanceType: string;
  databaseInstanceType: string;
  databaseStorageGb: number;
}

/**
 * GRANTS_RUNNER runs the grants file (argv[2]) as the RDS master user: it waits for MySQL to
 * answer (a fresh instance may still be starting), then runs each statement. The statements are
 * idempotent, so a replaced manager host runs them again safely.
 */
const GRANTS_RUNNER = [
  'const fs = require("fs");',
  `const mysql = require("${APP_DIR}/node_modules/mysql2/promise");`,
  'const master = JSON.parse(process.env.MASTER_JSON);',
  'const statements = fs.readFileSync(process.argv[2], "utf8").split(";\\n").filter((s) => s.trim());',
  '(async () => {',
  '  for (let attempt = 1; ; attempt++) {',
  '    let conn;',
  '    try {',
  '      conn = await mysql.createConnection({ host: process.env.DB_HOST, port: Number(process.env.DB_PORT), user: master.username, password: master.password });',
  '    } catch (error) {',
  '      if (attempt >= 120) throw error;',
  '      console.log(`waiting for MySQL: ${error.message}`);',
  '      await new Promise((r) => setTimeout(r, 5000));',
  '      continue;',
  '    }',
  '    for (const statement of statements) await conn.query(statement);',
  '    await conn.end();',
  '    console.log(`ebbflow: ${statements.length} grant statements applied`);',
  '    return;',
  '  }',
  '})().catch((error) => { console.error(error); process.exit(1); });',
].join('\n');

/** FixedImage is an AMI given by id (IMachineImage needs an object, not a string). */
class FixedImage implements ec2.IMachineImage {
  constructor(private readonly imageId: string) {}
  getImage(): ec2.MachineImageConfig {
    return {
      imageId: this.imageId,
      osType: ec2.OperatingSystemType.LINUX,
      userData: ec2.UserData.forLinux(),
    };
  }
}

/**
 * EbbflowStack is everything Ebbflow needs on AWS: a VPC, the ALB with the workers' target group,
 * the workers' launch template (Node.js, the bundle, systemd), the pictures' bucket, RDS MySQL with
 * one user per side, the secrets, and the manager host (the manager's services and RabbitMQ).
 * Every IAM statement is scoped to the actions the code sends and to this stack's resources.
 */
export class EbbflowStack extends Stack {
  constructor(scope: Construct, id: string, props: EbbflowStackProps) {
    super(scope, id, props);
    // The manager's IMDSv2 launch template gets a per-stack name (two stacks in one region).
    this.node.setContext('@aws-cdk/aws-ec2:uniqueImdsv2TemplateName', true);
    const name = props.stackName;
    const arn = (service: string, resource: string, region: string = Aws.REGION) =>
      `arn:${Aws.PARTITION}:${service}:${region}:${Aws.ACCOUNT_ID}:${resource}`;

    // ---- Network -------------------------------------------------------------------------------
    const vpc: ec2.IVpc = props.vpcId
      ? ec2.Vpc.fromLookup(this, 'Vpc', { vpcId: props.vpcId })
      : new ec2.Vpc(this, 'Vpc', {
          maxAzs: 2,
          // One NAT gateway: workers fetch Node.js and npm packages and reach AWS APIs through it.
          natGateways: 1,
          restrictDefaultSecurityGroup: false,
          subnetConfiguration: [
            { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
            { name: 'workers', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
            { name: 'database', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
          ],
        });
    const databaseSubnets: ec2.SubnetSelection = {
      subnetType: vpc.isolatedSubnets.length
        ? ec2.SubnetType.PRIVATE_ISOLATED
        : ec2.SubnetType.PRIVATE_WITH_EGRESS,
    };
    // The EC2 adapter sends no SubnetId: the launch template names one subnet, so workers run in
    // one availability zone (the ALB and RDS's subnet group span two).
    const workerSubnet = vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS })
      .subnets[0]!;

    const albSg = new ec2.SecurityGroup(this, 'AlbSg', {
      vpc,
      description: 'Ebbflow ALB: the app, open to the internet on HTTP',
      allowAllOutbound: false,
    });
    const workerSg = new ec2.SecurityGroup(this, 'WorkerSg', {
      vpc,
      description: 'Ebbflow workers: the worker port from the ALB only',
      allowAllOutbound: true,
    });
    const managerSg = new ec2.SecurityGroup(this, 'ManagerSg', {
      vpc,
      description: 'Ebbflow manager host: the manager UI from the admin CIDR only',
      allowAllOutbound: true,
    });
    const databaseSg = new ec2.SecurityGroup(this, 'DatabaseSg', {
      vpc,
      description: 'Ebbflow RDS MySQL: from the workers and the manager host only',
      allowAllOutbound: false,
    });
    const workerPort = ec2.Port.tcp(WORKER_PORT);
    albSg.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(HTTP_PORT), 'the app (HTTP)');
    albSg.addEgressRule(workerSg, workerPort, 'requests and health checks to the workers');
    workerSg.addIngressRule(albSg, workerPort, 'requests and health checks from the ALB');
    managerSg.addIngressRule(
      ec2.Peer.ipv4(props.adminCidr),
      ec2.Port.tcp(GATEWAY_PORT),
      'the manager UI from the admin CIDR',
    );
    databaseSg.addIngressRule(workerSg, ec2.Port.tcp(MYSQL_PORT), 'MySQL from the workers');
    databaseSg.addIngressRule(managerSg, ec2.Port.tcp(MYSQL_PORT), 'MySQL from the manager host');

    // ---- Load balancer ---------------------------------------------------------------------------
    const alb = new elbv2.ApplicationLoadBalancer(this, 'Alb', {
      vpc,
      internetFacing: true,
      securityGroup: albSg,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
    });
    const targetGroup = new elbv2.ApplicationTargetGroup(this, 'Workers', {
      vpc,
      port: WORKER_PORT,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targetType: elbv2.TargetType.INSTANCE,
      deregistrationDelay: Duration.seconds(DRAIN_TIMEOUT_S),
      healthCheck: {
        path: HEALTH_CHECK_PATH,
        port: String(WORKER_PORT),
        protocol: elbv2.Protocol.HTTP,
        interval: Duration.seconds(HEALTH_CHECK.intervalS),
        timeout: Duration.seconds(HEALTH_CHECK.timeoutS),
        healthyThresholdCount: HEALTH_CHECK.healthyThreshold,
        unhealthyThresholdCount: HEALTH_CHECK.unhealthyThreshold,
        healthyHttpCodes: '200',
      },
    });
    alb.addListener('Http', {
      port: HTTP_PORT,
      protocol: elbv2.ApplicationProtocol.HTTP,
      // The security group above is the whole rule set; CDK must not add a second 0.0.0.0/0 rule.
      open: false,
      defaultTargetGroups: [targetGroup],
    });
    const appOrigin = `http://${alb.loadBalancerDnsName}`;

    // ---- Storage and secrets ---------------------------------------------------------------------
    const bucket = new s3.Bucket(this, 'Pictures', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // Kept on `cdk destroy` (the pictures are data); docs/aws.md says how to remove it.
      removalPolicy: RemovalPolicy.RETAIN,
      cors: [
        {
          // Pictures are shown through presigned GET URLs on pages served from the ALB.
          allowedOrigins: [appOrigin],
          allowedMethods: [s3.HttpMethods.GET, s3.HttpMethods.HEAD],
          allowedHeaders: ['*'],
          maxAge: 3000,
        },
      ],
    });
    // Alphanumeric secrets: they go into mysql:// and amqp:// URLs and env files unescaped.
    const alphanumeric = { excludePunctuation: true, includeSpace: false, passwordLength: 40 };
    const userSecret = (id: string, username: string, description: string) =>
      new secretsmanager.Secret(this, id, {
        description,
        generateSecretString: {
          ...alphanumeric,
          secretStringTemplate: JSON.stringify({ username }),
          generateStringKey: 'password',
        },
      });
    const sessionSecret = new secretsmanager.Secret(this, 'SessionSecret', {
      description: `${name}: SESSION_SECRET of the workers (signs the app's session cookies)`,
      generateSecretString: { ...alphanumeric, passwordLength: 48 },
    });
    const managerPassword = new secretsmanager.Secret(this, 'ManagerPassword', {
      description: `${name}: MANAGER_PASSWORD, the manager UI's password (user admin)`,
      generateSecretString: { ...alphanumeric, passwordLength: 24 },
    });
    const amqpPassword = new secretsmanager.Secret(this, 'AmqpPassword', {
      description: `${name}: RabbitMQ password of user ${AMQP_USER} on the manager host`,
      generateSecretString: alphanumeric,
    });
    const workerDbSecret = userSecret(
      'WorkerDbSecret',
      WORKER_DB_USER,
      `${name}: MySQL user of the workers`,
    );
    const managerDbSecret = userSecret(
      'ManagerDbSecret',
      MANAGER_DB_USER,
      `${name}: MySQL user of the manager's services`,
    );

    const database = new rds.DatabaseInstance(this, 'Database', {
      engine: rds.DatabaseInstanceEngine.mysql({
        // 8.4 LTS: 8.0 left RDS standard support in July 2026 (extended support costs extra).
        version: rds.MysqlEngineVersion.VER_8_4_10,
      }),
      instanceType: new ec2.InstanceType(props.databaseInstanceType),
      vpc,
      vpcSubnets: databaseSubnets,
      securityGroups: [databaseSg],
      publiclyAccessible: false,
      port: MYSQL_PORT,
      credentials: rds.Credentials.fromGeneratedSecret('ebbflow_admin'),
      databaseName: DATABASE_NAME,
      allocatedStorage: props.databaseStorageGb,
      storageType: rds.StorageType.GP3,
      storageEncrypted: true,
      multiAz: false,
      backupRetention: Duration.days(1),
      deletionProtection: false,
      // `cdk destroy` leaves a final snapshot (docs/aws.md: how to delete it).
      removalPolicy: RemovalPolicy.SNAPSHOT,
    });
    const masterSecret = database.secret!;
    const dbHost = database.dbInstanceEndpointAddress;

    // ---- The bundle (dist/ + package files), read by both kinds of instance ---------------------
    const bundle = new s3assets.Asset(this, 'Bundle', { path: props.bundlePath });
    const bundleObjectArn = `arn:${Aws.PARTITION}:s3:::${bundle.s3BucketName}/${bundle.s3ObjectKey}`;
    const machineImage = props.amiId
      ? new FixedImage(props.amiId)
      : ec2.MachineImage.latestAmazonLinux2023();
    const imageId = machineImage.getImage(this).imageId;

    // ---- Workers ---------------------------------------------------------------------------------
    const workerRole = new iam.Role(this, 'WorkerRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: `${name}: Ebbflow workers`,
    });
    new iam.Policy(this, 'WorkerAppPolicy', {
      roles: [workerRole],
      statements: workerAppStatements(bucket),
    });
    new iam.Policy(this, 'WorkerBootPolicy', {
      roles: [workerRole],
      statements: bootStatements(bundleObjectArn, [sessionSecret, workerDbSecret]),
    });
    new iam.Policy(this, 'WorkerSessionManagerPolicy', {
      roles: [workerRole],
      statements: sessionManagerStatements(),
    });

    const workerUserData = ec2.UserData.forLinux();
    workerUserData.addCommands(
      ...commonSetup(Aws.REGION, { bucket: bundle.s3BucketName, key: bundle.s3ObjectKey }, []),
      ...imdsInstanceId(),
      `DB_PASSWORD=$(secret ${workerDbSecret.secretArn} | field password)`,
      `SESSION_SECRET=$(secret ${sessionSecret.secretArn})`,
      ...writeEnvFile(`${ENV_DIR}/worker.env`, {
        NODE_ENV: { value: 'production' },
        CLOUD_PROVIDER: { value: 'aws' },
        AWS_REGION: { value: Aws.REGION },
        WORKER_HOST: { value: '0.0.0.0' },
        WORKER_PORT: { value: String(WORKER_PORT) },
        INSTANCE_ID: { shell: '$INSTANCE_ID' },
        S3_BUCKET: { value: bucket.bucketName },
        DATABASE_HOST: { value: dbHost },
        DATABASE_NAME: { value: DATABASE_NAME },
        DATABASE_USER: { value: WORKER_DB_USER },
        DATABASE_URL: {
          shell: `mysql://${WORKER_DB_USER}:$DB_PASSWORD@${dbHost}:${MYSQL_PORT}/${DATABASE_NAME}`,
        },
        SESSION_SECRET: { shell: '$SESSION_SECRET' },
        EBBFLOW_DB_SECRET_ARN: { value: workerDbSecret.secretArn },
        EBBFLOW_SESSION_SECRET_ARN: { value: sessionSecret.secretArn },
      }),
      ...systemdUnit({
        name: 'ebbflow-worker',
        description: 'Ebbflow worker (the user app)',
        envFile: `${ENV_DIR}/worker.env`,
        execStart: 'dist/apps/worker/src/main.js',
        restart: 'always',
      }),
    );

    const launchTemplate = new ec2.LaunchTemplate(this, 'WorkerTemplate', {
      launchTemplateName: `${name}-worker`,
      machineImage,
      instanceType: new ec2.InstanceType(props.workerInstanceType),
      userData: workerUserData,
      role: workerRole,
      detailedMonitoring: true,
      requireImdsv2: true,
      httpPutResponseHopLimit: 1,
      blockDevices: [
        {
          deviceName: '/dev/xvda',
          volume: ec2.BlockDeviceVolume.ebs(8, {
            volumeType: ec2.EbsDeviceVolumeType.GP3,
            encrypted: true,
          }),
        },
      ],
    });
    const workerTags = [
      { Key: MANAGED_TAG.key, Value: MANAGED_TAG.value },
      { Key: STACK_TAG_KEY, Value: name },
      { Key: 'Name', Value: `${name}-worker` },
    ];
    const cfnTemplate = launchTemplate.node.defaultChild as ec2.CfnLaunchTemplate;
    // RunInstances without SubnetId (the adapter's call) would land in the default VPC: the
    // template's network interface names the subnet and the security group.
    cfnTemplate.addPropertyOverride('LaunchTemplateData.NetworkInterfaces', [
      {
        DeviceIndex: 0,
        SubnetId: workerSubnet.subnetId,
        Groups: [workerSg.securityGroupId],
        AssociatePublicIpAddress: false,
        DeleteOnTermination: true,
      },
    ]);
    // Both tags on every worker and its volume: today the adapter filters on ebbflow:managed;
    // ebbflow:stack scopes TerminateInstances to this stack's instances.
    cfnTemplate.addPropertyOverride('LaunchTemplateData.TagSpecifications', [
      { ResourceType: 'instance', Tags: workerTags },
      { ResourceType: 'volume', Tags: workerTags },
    ]);
    const launchTemplateArn = arn('ec2', `launch-template/${launchTemplate.launchTemplateId!}`);

    // ---- Manager host ----------------------------------------------------------------------------
    const managerRole = new iam.Role(this, 'ManagerRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: `${name}: Ebbflow manager host`,
    });
    new iam.Policy(this, 'ManagerCloudPolicy', {
      roles: [managerRole],
      statements: managerCloudStatements({
        arn,
        stackName: name,
        launchTemplateArn,
        imageArn: `arn:${Aws.PARTITION}:ec2:${Aws.REGION}::image/${imageId}`,
        subnetArn: arn('ec2', `subnet/${workerSubnet.subnetId}`),
        securityGroupArn: arn('ec2', `security-group/${workerSg.securityGroupId}`),
        targetGroupArn: targetGroup.targetGroupArn,
        workerRoleArn: workerRole.roleArn,
        bucket,
      }),
    });
    new iam.Policy(this, 'ManagerBootPolicy', {
      roles: [managerRole],
      statements: bootStatements(bundleObjectArn, [
        masterSecret,
        workerDbSecret,
        managerDbSecret,
        managerPassword,
        amqpPassword,
      ]),
    });
    new iam.Policy(this, 'ManagerSessionManagerPolicy', {
      roles: [managerRole],
      statements: sessionManagerStatements(),
    });

    const managerUserData = ec2.UserData.forLinux();
    const grants = grantsSql()
      .map((s) => `${s};`)
      .join('\n');
    managerUserData.addCommands(
      ...commonSetup(Aws.REGION, { bucket: bundle.s3BucketName, key: bundle.s3ObjectKey }, [
        'docker',
        'mariadb105',
      ]),
      `MASTER_JSON=$(secret ${masterSecret.secretArn})`,
      `WORKER_DB_PASSWORD=$(secret ${workerDbSecret.secretArn} | field password)`,
      `MANAGER_DB_PASSWORD=$(secret ${managerDbSecret.secretArn} | field password)`,
      `AMQP_PASSWORD=$(secret ${amqpPassword.secretArn})`,
      `MANAGER_PASSWORD=$(secret ${managerPassword.secretArn})`,
      // RabbitMQ: Amazon Linux 2023 has no package, so the official image, on 127.0.0.1 only.
      'systemctl enable --now docker',
      `docker volume create rabbitmq-data`,
      `docker start rabbitmq 2>/dev/null || docker run -d --name rabbitmq --restart=always -p 127.0.0.1:${AMQP_PORT}:${AMQP_PORT} -v rabbitmq-data:/var/lib/rabbitmq -e RABBITMQ_DEFAULT_USER=${AMQP_USER} -e RABBITMQ_DEFAULT_PASS="$AMQP_PASSWORD" -e RABBITMQ_DEFAULT_VHOST=${AMQP_VHOST} ${RABBITMQ_IMAGE}`,
      // Database users, with mysql2 from the bundle (the client the services use, so the same
      // authentication plugins); the master credentials go through the environment, never argv.
      'umask 077',
      `cat > /root/ebbflow-grants.sql <<'SQL'\n${grants}\nSQL`,
      // The generated passwords are alphanumeric: safe inside the quotes of the SQL literals.
      'sed -i -e "s/__WORKER_PASSWORD__/$WORKER_DB_PASSWORD/g" -e "s/__MANAGER_PASSWORD__/$MANAGER_DB_PASSWORD/g" /root/ebbflow-grants.sql',
      `cat > /root/ebbflow-grants.js <<'JS'\n${GRANTS_RUNNER}\nJS`,
      `MASTER_JSON="$MASTER_JSON" DB_HOST=${dbHost} DB_PORT=${MYSQL_PORT} "$NODE" /root/ebbflow-grants.js /root/ebbflow-grants.sql`,
      'rm -f /root/ebbflow-grants.sql /root/ebbflow-grants.js',
      'umask 022',
      ...writeEnvFile(`${ENV_DIR}/manager.env`, {
        NODE_ENV: { value: 'production' },
        CLOUD_PROVIDER: { value: 'aws' },
        AWS_REGION: { value: Aws.REGION },
        DATABASE_URL: {
          shell: `mysql://${MANAGER_DB_USER}:$MANAGER_DB_PASSWORD@${dbHost}:${MYSQL_PORT}/${DATABASE_NAME}`,
        },
        AMQP_URL: {
          shell: `amqp://${AMQP_USER}:$AMQP_PASSWORD@127.0.0.1:${AMQP_PORT}/${AMQP_VHOST}`,
        },
        S3_BUCKET: { value: bucket.bucketName },
        LAUNCH_TEMPLATE_ID: { value: launchTemplate.launchTemplateId! },
        // The exact version this deploy made (a new bundle makes a new version and a new host).
        LAUNCH_TEMPLATE_VERSION: { value: launchTemplate.latestVersionNumber },
        TARGET_GROUP_ARN: { value: targetGroup.targetGroupArn },
        LOAD_BALANCER_ARN: { value: alb.loadBalancerArn },
        WORKER_PORT_AWS: { value: String(WORKER_PORT) },
        // The fleet lists and terminates only instances tagged ebbflow:stack=<this stack>.
        EBBFLOW_STACK: { value: name },
        GATEWAY_HOST: { value: '0.0.0.0' },
        GATEWAY_PORT: { value: String(GATEWAY_PORT) },
        MANAGER_PASSWORD: { shell: '$MANAGER_PASSWORD' },
        FLEET_DRAIN_TIMEOUT_S: { value: String(DRAIN_TIMEOUT_S) },
        FLEET_UNHEALTHY_GRACE_S: { value: String(UNHEALTHY_GRACE_S) },
        SCALER_WINDOW_S: { value: String(SCALER_WINDOW_S) },
      }),
      ...systemdUnit({
        name: 'ebbflow-manager',
        description: 'Ebbflow manager services (fleet, metrics, scaler, janitor, gateway)',
        envFile: `${ENV_DIR}/manager.env`,
        execStart: `scripts/start.js --only ${MANAGER_SERVICES.join(',')}`,
        // "Stopping" ends the manager with exit code 0: it stays stopped, as in local mode.
        restart: 'on-failure',
        after: ['docker.service'],
      }),
    );

    const manager = new ec2.Instance(this, 'Manager', {
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      associatePublicIpAddress: true,
      instanceType: new ec2.InstanceType(props.managerInstanceType),
      machineImage,
      securityGroup: managerSg,
      role: managerRole,
      userData: managerUserData,
      // A new bundle or template version replaces the host (user data runs on first boot only).
      userDataCausesReplacement: true,
      requireImdsv2: true,
      detailedMonitoring: false,
      blockDevices: [
        {
          deviceName: '/dev/xvda',
          volume: ec2.BlockDeviceVolume.ebs(16, {
            volumeType: ec2.EbsDeviceVolumeType.GP3,
            encrypted: true,
          }),
        },
      ],
    });
    Tags.of(manager).add('Name', `${name}-manager`);
    manager.node.addDependency(database);
    Tags.of(this).add(STACK_TAG_KEY, name);

    new CfnOutput(this, 'AppUrl', { value: appOrigin, description: 'The app (behind the ALB)' });
    new CfnOutput(this, 'ManagerUrl', {
      value: `http://${manager.instancePublicDnsName}:${GATEWAY_PORT}`,
      description: 'The manager UI (user admin), reachable from adminCidr only',
    });
    new CfnOutput(this, 'ManagerPasswordSecret', {
      value: managerPassword.secretArn,
      description: 'aws secretsmanager get-secret-value --secret-id <this> --query SecretString',
    });
    new CfnOutput(this, 'ManagerInstanceId', { value: manager.instanceId });
    new CfnOutput(this, 'LaunchTemplateId', { value: launchTemplate.launchTemplateId! });
    new CfnOutput(this, 'TargetGroupArn', { value: targetGroup.targetGroupArn });
    new CfnOutput(this, 'LoadBalancerArn', { value: alb.loadBalancerArn });
    new CfnOutput(this, 'BucketName', { value: bucket.bucketName });
    new CfnOutput(this, 'DatabaseEndpoint', { value: dbHost });
  }
}

/**
 * workerAppStatements are what the worker's code sends (apps/worker/src): objects of the bucket,
 * HeadBucket for its health probe (s3:ListBucket on the bucket), and PutMetricData in the Ebbflow
 * namespace only.
 */
export function workerAppStatements(bucket: s3.IBucket): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'PictureObjects',
      actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
      resources: [bucket.arnForObjects('*')],
    }),
    new iam.PolicyStatement({
      sid: 'BucketProbe',
      actions: ['s3:ListBucket'],
      resources: [bucket.bucketArn],
    }),
    new iam.PolicyStatement({
      sid: 'RequestCountMetric',
      actions: ['cloudwatch:PutMetricData'],
      // PutMetricData has no resource type; the namespace condition is its only scope.
      resources: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': CLOUDWATCH_NAMESPACE } },
    }),
  ];
}

/** bootStatements let an instance's user data read the bundle and its own secrets, nothing else. */
function bootStatements(
  bundleObjectArn: string,
  secrets: secretsmanager.ISecret[],
): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'Bundle',
      actions: ['s3:GetObject'],
      resources: [bundleObjectArn],
    }),
    new iam.PolicyStatement({
      sid: 'Secrets',
      actions: ['secretsmanager:GetSecretValue'],
      resources: secrets.map((s) => s.secretArn),
    }),
  ];
}

/**
 * sessionManagerStatements let an operator open a shell with SSM Session Manager (to read the
 * logs with journalctl) without SSH keys or an open port: the calls of the SSM agent, which
 * support no resource-level permissions.
 */
function sessionManagerStatements(): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'SessionManagerAgent',
      actions: [
        'ssm:UpdateInstanceInformation',
        'ssmmessages:CreateControlChannel',
        'ssmmessages:CreateDataChannel',
        'ssmmessages:OpenControlChannel',
        'ssmmessages:OpenDataChannel',
      ],
      resources: ['*'],
    }),
  ];
}

/** ManagerCloudScope is what the manager's statements are scoped to. */
interface ManagerCloudScope {
  arn: (service: string, resource: string, region?: string) => string;
  stackName: string;
  launchTemplateArn: string;
  imageArn: string;
  subnetArn: string;
  securityGroupArn: string;
  targetGroupArn: string;
  workerRoleArn: string;
  bucket: s3.IBucket;
}

/**
 * managerCloudStatements grant exactly the calls of the manager's adapters (libs/cloud/src/aws,
 * apps/janitor/src/clear; infra/test/iam.test.ts derives the list from their code), each on the
 * narrowest resources the API allows.
 */
export function managerCloudStatements(scope: ManagerCloudScope): iam.PolicyStatement[] {
  const { arn } = scope;
  const fromTemplate = { ArnEquals: { 'ec2:LaunchTemplate': scope.launchTemplateArn } };
  return [
    new iam.PolicyStatement({
      sid: 'RunFromTemplate',
      actions: ['ec2:RunInstances'],
      resources: [scope.launchTemplateArn],
    }),
    new iam.PolicyStatement({
      sid: 'RunTaggedInstances',
      actions: ['ec2:RunInstances'],
      resources: [arn('ec2', 'instance/*')],
      conditions: {
        ...fromTemplate,
        StringEquals: { [`aws:RequestTag/${MANAGED_TAG.key}`]: MANAGED_TAG.value },
      },
    }),
    new iam.PolicyStatement({
      sid: 'RunTemplateResources',
      actions: ['ec2:RunInstances'],
      resources: [
        arn('ec2', 'volume/*'),
        arn('ec2', 'network-interface/*'),
        scope.subnetArn,
        scope.securityGroupArn,
        scope.imageArn,
      ],
      conditions: fromTemplate,
    }),
    new iam.PolicyStatement({
      sid: 'TagOnLaunchOnly',
      actions: ['ec2:CreateTags'],
      resources: [
        arn('ec2', 'instance/*'),
        arn('ec2', 'volume/*'),
        arn('ec2', 'network-interface/*'),
      ],
      conditions: { StringEquals: { 'ec2:CreateAction': 'RunInstances' } },
    }),
    new iam.PolicyStatement({
      sid: 'TerminateOwnWorkers',
      actions: ['ec2:TerminateInstances'],
      resources: [arn('ec2', 'instance/*')],
      conditions: { StringEquals: { [`aws:ResourceTag/${STACK_TAG_KEY}`]: scope.stackName } },
    }),
    new iam.PolicyStatement({
      sid: 'PassWorkerRole',
      actions: ['iam:PassRole'],
      resources: [scope.workerRoleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
    }),
    new iam.PolicyStatement({
      sid: 'DescribeWithoutResourceLevel',
      // Describe* and GetMetricData support no resource-level permissions: `*` is the API's rule.
      actions: [
        'ec2:DescribeInstances',
        'elasticloadbalancing:DescribeTargetHealth',
        'elasticloadbalancing:DescribeTargetGroupAttributes',
        'elasticloadbalancing:DescribeLoadBalancers',
        'cloudwatch:GetMetricData',
      ],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      sid: 'WorkerTargets',
      actions: ['elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets'],
      resources: [scope.targetGroupArn],
    }),
    new iam.PolicyStatement({
      sid: 'JanitorListBucket',
      actions: ['s3:ListBucket'],
      resources: [scope.bucket.bucketArn],
    }),
    new iam.PolicyStatement({
      sid: 'JanitorDeleteObjects',
      actions: ['s3:DeleteObject'],
      resources: [scope.bucket.arnForObjects('*')],
    }),
  ];
}
