import { Readable } from 'stream';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { loadConfig } from '@app/config';
import { AWS_CLOUD_ENV } from './aws-cloud.config';
import { awsClientSettings, ec2ClientProvider, elbv2ClientProvider } from './aws.clients';

/** A fake HTTP handler (no network): throttles `throttled` times, then answers `ok`. */
function throttlingHandler(throttled: number, error: string, ok: string) {
  const requests: string[] = [];
  let left = throttled;
  const reply = (statusCode: number, body: string) => ({
    response: {
      statusCode,
      headers: { 'content-type': 'text/xml' },
      body: Readable.from([Buffer.from(body)]),
    },
  });
  return {
    requests,
    metadata: { handlerProtocol: 'http/1.1' },
    destroy: () => undefined,
    handle: async (request: { body?: unknown }) => {
      requests.push(String(request.body));
      return left-- > 0 ? reply(400, error) : reply(200, ok);
    },
  };
}

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG' };
type Factory = (config: unknown) => EC2Client | ElasticLoadBalancingV2Client;

describe('aws clients', () => {
  const config = loadConfig(AWS_CLOUD_ENV, { AWS_REGION: 'eu-west-1', AWS_MAX_ATTEMPTS: '4' });

  it('should build the EC2 and ELBv2 clients with adaptive retries and AWS_MAX_ATTEMPTS', async () => {
    expect(awsClientSettings(config)).toEqual({
      region: 'eu-west-1',
      retryMode: 'adaptive',
      maxAttempts: 4,
    });
    for (const provider of [ec2ClientProvider, elbv2ClientProvider]) {
      const client = (provider as { useFactory: Factory }).useFactory(config);
      expect(await client.config.retryStrategy()).toMatchObject({ mode: 'adaptive' });
      expect(await client.config.maxAttempts()).toBe(4);
      expect(await client.config.region()).toBe('eu-west-1');
    }
  });

  it('should default AWS_MAX_ATTEMPTS to 5 and refuse 0', () => {
    expect(loadConfig(AWS_CLOUD_ENV, {}).AWS_MAX_ATTEMPTS).toBe(5);
    expect(() => loadConfig(AWS_CLOUD_ENV, { AWS_MAX_ATTEMPTS: '0' })).toThrow(
      'AWS_MAX_ATTEMPTS: must be at least 1',
    );
  });

  it('should retry an EC2 call AWS throttled (RequestLimitExceeded) and succeed', async () => {
    const handler = throttlingHandler(
      2,
      '<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>r-1</RequestID></Response>',
      '<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r-2</requestId><reservationSet/></DescribeInstancesResponse>',
    );
    const ec2 = new EC2Client({
      ...awsClientSettings(config),
      credentials: CREDENTIALS,
      requestHandler: handler,
    });

    const reply = await ec2.send(new DescribeInstancesCommand({}));

    expect(reply.Reservations ?? []).toEqual([]);
    expect(handler.requests).toHaveLength(3);
    expect(reply.$metadata.attempts).toBe(3);
  });

  it('should retry an ELBv2 call AWS throttled (Throttling) and give up after AWS_MAX_ATTEMPTS', async () => {
    const throttling =
      '<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>r-3</RequestId></ErrorResponse>';
    const handler = throttlingHandler(10, throttling, '');
    const elb = new ElasticLoadBalancingV2Client({
      ...awsClientSettings({ AWS_REGION: 'eu-west-1', AWS_MAX_ATTEMPTS: 2 }),
      credentials: CREDENTIALS,
      requestHandler: handler,
    });

    const error = await elb
      .send(new DescribeTargetHealthCommand({ TargetGroupArn: 'arn:aws:elasticloadbalancing:x' }))
      .catch((e: unknown) => e);

    expect((error as Error).name).toBe('Throttling');
    expect(handler.requests).toHaveLength(2);
  });
});
