import { accessLogFormatOf, formatAccessLogLine, type AccessLogRequest } from '../../bench/access-log';
import { billedUnits } from '../../bench/cost';
import type { RecordedCall } from '../../bench/pipeline';
import { costPerMillion, platformLogLines, type UsagePerEvent } from '../../bench/pricing';

const call = (client: string, command: string, input: Record<string, unknown>, output?: Record<string, unknown>): RecordedCall => ({
  client,
  command,
  input,
  ...(output === undefined ? {} : { output }),
  attempts: 1,
  spans: [[0, 1]],
  start: 0,
  end: 1,
});

const entries = (count: number, bytes: number) => Array.from({ length: count }, (_, i) => ({ Id: String(i), Message: 'x'.repeat(bytes) }));

describe('Function: billedUnits', () => {
  it.each([
    { case: 'a PublishBatch of ten 3 KB envelopes is one request', calls: [call('SNS', 'PublishBatch', { PublishBatchRequestEntries: entries(10, 3000) })], sns: 1, sqs: 0 },
    { case: 'a PublishBatch of ten 10 KB envelopes is two 64 KB chunks', calls: [call('SNS', 'PublishBatch', { PublishBatchRequestEntries: entries(10, 10_000) })], sns: 2, sqs: 0 },
    { case: 'a 100 KB SendMessage is two requests', calls: [call('SQS', 'SendMessage', { MessageBody: 'x'.repeat(100_000) })], sns: 0, sqs: 2 },
    { case: 'an empty ReceiveMessage is still one request', calls: [call('SQS', 'ReceiveMessage', {}, {})], sns: 0, sqs: 1 },
    { case: 'a DeleteMessageBatch is one request', calls: [call('SQS', 'DeleteMessageBatch', { Entries: [] })], sns: 0, sqs: 1 },
  ])('$case', ({ calls, sns, sqs }) => {
    // Act
    const units = billedUnits(calls);

    // Assess
    expect({ sns: units.sns, sqs: units.sqs }).toEqual({ sns, sqs });
  });

  it('takes DynamoDB capacity from what the table reports, single and batch, reads apart from writes', () => {
    // Prepare
    const calls = [
      call('DynamoDB', 'PutItem', {}, { ConsumedCapacity: { TableName: 't', CapacityUnits: 1 } }),
      call('DynamoDB', 'BatchGetItem', {}, { ConsumedCapacity: [{ TableName: 't', CapacityUnits: 10 }] }),
      call('DynamoDB', 'BatchWriteItem', {}, { ConsumedCapacity: [{ TableName: 't', CapacityUnits: 10 }] }),
    ];

    // Act
    const units = billedUnits(calls);

    // Assess
    expect({ writeUnits: units.writeUnits, readUnits: units.readUnits }).toEqual({ writeUnits: 11, readUnits: 10 });
  });
});

describe('Function: costPerMillion', () => {
  const usage: UsagePerEvent = {
    apiRequests: 1,
    verifier: { invocations: 1, billedMsPerInvocation: 10, memoryMb: 512 },
    processor: { invocations: 0.1, billedMsPerInvocation: 20, memoryMb: 256 },
    dynamodbWriteUnits: 2,
    dynamodbReadUnits: 1,
    sqsRequests: 1.2,
    snsRequests: 0.1,
    s3Puts: 0,
    secretsManagerCalls: 0,
    logBytes: 1024 ** 3 / 1e6,
    accessLogBytes: { rest: (2 * 1024 ** 3) / 1e6, http: (4 * 1024 ** 3) / 1e6 },
  };

  it.each([
    { ingress: 'rest' as const, api: 3.5, accessLog: 1.0 },
    { ingress: 'http' as const, api: 1.0, accessLog: 2.0 },
  ])('prices a million events behind the $ingress ingress part by part, with that ingress\'s access log', ({ ingress, api, accessLog }) => {
    // Act
    const cost = costPerMillion(usage, ingress);
    const byPart = Object.fromEntries(cost.lines.map((line) => [line.part, Number(line.dollarsPerMillion.toFixed(6))]));

    // Assess: 0.20 + 0.010 s × 0.5 GB × $13.3334 per million GB-s; a tenth of 0.20 + 0.020 × 0.25 × 13.3334.
    expect(byPart).toEqual({
      [ingress === 'rest' ? 'API Gateway (REST API)' : 'API Gateway (HTTP API)']: api,
      'verifier Lambda (512 MB)': Number((0.2 + 0.01 * 0.5 * 13.3334).toFixed(6)),
      'processor Lambda (256 MB)': Number((0.1 * (0.2 + 0.02 * 0.25 * 13.3334)).toFixed(6)),
      'DynamoDB writes (on-demand)': 1.25,
      'DynamoDB reads (on-demand)': 0.125,
      SQS: 0.48,
      SNS: 0.05,
      'S3 (claim checks)': 0,
      'Secrets Manager': 0,
      'CloudWatch Logs (functions)': 0.5,
      'CloudWatch Logs (API access log)': accessLog,
    });
    expect(cost.total).toBeCloseTo(cost.lines.reduce((sum, line) => sum + line.dollarsPerMillion, 0), 9);
  });
});

describe('Function: platformLogLines', () => {
  it('text format: writes the three lines Lambda logs per invocation, billed duration rounded up to the millisecond', () => {
    // Act
    const lines = platformLogLines('8f507cfc-0000-4697-b07a-ac58fc914c95', 3.21, 512);

    // Assess
    expect(lines.map((line) => line.split(' ')[0])).toEqual(['START', 'END', 'REPORT']);
    expect(lines[2]).toContain('Billed Duration: 4 ms\tMemory Size: 512 MB');
  });
});

describe('Function: platformLogLines (JSON format)', () => {
  it.each([
    { case: 'system log level INFO: platform.start, runtimeDone and report', systemLogLevel: 'INFO' as const, types: ['platform.start', 'platform.runtimeDone', 'platform.report'] },
    { case: 'system log level WARN: none for an invocation that succeeds', systemLogLevel: 'WARN' as const, types: [] },
  ])('$case', ({ systemLogLevel, types }) => {
    // Act
    const lines = platformLogLines('8f507cfc-0000-4697-b07a-ac58fc914c95', 3.21, 512, { format: 'json', systemLogLevel });

    // Assess
    expect(lines.map((line) => (JSON.parse(line) as { type: string }).type)).toEqual(types);
  });
});

describe('Function: formatAccessLogLine', () => {
  const request: AccessLogRequest = {
    requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
    time: new Date(Date.UTC(2026, 10, 30, 14, 3, 7)),
    sourceIp: '54.187.174.169',
    userAgent: 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
    httpMethod: 'POST',
    path: '/webhooks/stripe',
    status: 200,
    responseLength: 52,
    responseLatencyMs: 23.4,
  };

  it.each([
    { ingress: 'rest' as const, pathField: 'resourcePath' },
    { ingress: 'http' as const, pathField: 'path' },
  ])("fills in every variable of the $ingress ingress's deployed format with what API Gateway would write", ({ ingress, pathField }) => {
    // Act
    const line = formatAccessLogLine(accessLogFormatOf(ingress), request);

    // Assess
    expect(line).not.toContain('$context');
    expect(line.endsWith('\n')).toEqual(true);
    expect(JSON.parse(line)).toEqual(
      expect.objectContaining({ requestId: request.requestId, requestTime: '30/Nov/2026:14:03:07 +0000', status: '200', responseLatency: '23', integrationError: '-', [pathField]: '/webhooks/stripe' }),
    );
  });

  it('refuses a variable it has no value for, rather than counting it as empty', () => {
    expect(() => formatAccessLogLine('{"x":"$context.authorizer.claims"}', request)).toThrow('$context.authorizer.claims');
  });
});
