/**
 * List prices (us-east-1, on-demand, arm64) and the arithmetic that turns measured AWS usage per
 * event into dollars per million events. The usage comes from a local run (bench/cost.ts); nothing
 * here is assumed about how many requests an event takes.
 */

/** Where and when the prices were read. */
export const PRICE_TABLE_DATE = '2026-11-30';

/**
 * Prices in dollars per unit. Sources (read 2026-11-30; the AWS pricing pages themselves are not
 * reachable offline, so each is checked against the published rates quoted in AWS documentation
 * and in dated third-party guides of 2025–2026):
 * - Lambda (arm64): $0.20 per million requests, $0.0000133334 per GB-second (first 7.5 billion
 *   GB-s a month), billed per 1 ms. https://aws.amazon.com/lambda/pricing/
 * - API Gateway: REST $3.50 per million (first 333 million), HTTP API $1.00 per million (first 300
 *   million; a request is metered in 512 KB increments). https://aws.amazon.com/api-gateway/pricing/
 * - DynamoDB on-demand (after the November 2024 cut): $0.625 per million write request units,
 *   $0.125 per million read request units. https://aws.amazon.com/dynamodb/pricing/on-demand/
 * - SQS standard: $0.40 per million requests; each 64 KB chunk of a payload is a request.
 *   https://aws.amazon.com/sqs/pricing/
 * - SNS standard: $0.50 per million publish requests, each 64 KB chunk of published data a request;
 *   a PublishBatch of up to ten messages is one request ("reduce costs … by a factor of up to 10",
 *   https://docs.aws.amazon.com/sns/latest/dg/sns-batch-api-actions.html); delivery to SQS and
 *   Lambda subscriptions is free. https://aws.amazon.com/sns/pricing/
 * - S3 Standard: $0.005 per thousand PUT requests. https://aws.amazon.com/s3/pricing/
 * - Secrets Manager: $0.05 per 10,000 API calls. https://aws.amazon.com/secrets-manager/pricing/
 * - CloudWatch Logs: $0.50 per GB ingested (Lambda logs: the first tier of vended-log pricing).
 *   https://aws.amazon.com/cloudwatch/pricing/
 */
export const PRICES = {
  lambdaRequest: 0.2 / 1e6,
  lambdaArmGbSecond: 0.0000133334,
  apiGatewayRestRequest: 3.5 / 1e6,
  apiGatewayHttpRequest: 1.0 / 1e6,
  dynamodbWriteUnit: 0.625 / 1e6,
  dynamodbReadUnit: 0.125 / 1e6,
  sqsRequest: 0.4 / 1e6,
  snsRequest: 0.5 / 1e6,
  s3Put: 0.005 / 1e3,
  secretsManagerCall: 0.05 / 1e4,
  logsIngestedGb: 0.5,
} as const;

export type Ingress = 'rest' | 'http';

/** What one accepted event used, measured (averages over a run: fractions where a batch shares a request). */
export interface UsagePerEvent {
  /** API Gateway requests (HTTP API: 512 KB increments of the request). */
  readonly apiRequests: number;
  readonly verifier: FunctionUsage;
  readonly processor: FunctionUsage;
  readonly dynamodbWriteUnits: number;
  readonly dynamodbReadUnits: number;
  /** SQS requests in 64 KB chunks: the verifier's sends, the event source's receives and deletes. */
  readonly sqsRequests: number;
  /** SNS publish requests in 64 KB chunks. */
  readonly snsRequests: number;
  readonly s3Puts: number;
  readonly secretsManagerCalls: number;
  /** Log bytes ingested by CloudWatch Logs, both functions (their own lines, Lambda's, 26 B per log event). */
  readonly logBytes: number;
  /** API Gateway's access log, bytes per event (26 B per log event included), by ingress: the formats differ. */
  readonly accessLogBytes: Readonly<Record<Ingress, number>>;
}

export interface FunctionUsage {
  readonly invocations: number;
  /** Billed milliseconds per invocation (each invocation's duration rounded up to 1 ms), averaged. */
  readonly billedMsPerInvocation: number;
  readonly memoryMb: number;
}

export interface CostLine {
  readonly part: string;
  /** What one event used, in the part's own unit. */
  readonly perEvent: number;
  readonly unit: string;
  readonly dollarsPerMillion: number;
}

export interface CostPerMillion {
  readonly ingress: Ingress;
  readonly lines: CostLine[];
  readonly total: number;
}

const lambdaDollars = (usage: FunctionUsage) =>
  usage.invocations * (PRICES.lambdaRequest + (usage.billedMsPerInvocation / 1000) * (usage.memoryMb / 1024) * PRICES.lambdaArmGbSecond);

/** Dollars per million events for `usage` behind the given ingress. */
export function costPerMillion(usage: UsagePerEvent, ingress: Ingress): CostPerMillion {
  const million = 1e6;
  const lines: CostLine[] = [
    {
      part: ingress === 'rest' ? 'API Gateway (REST API)' : 'API Gateway (HTTP API)',
      perEvent: usage.apiRequests,
      unit: 'requests',
      dollarsPerMillion: million * usage.apiRequests * (ingress === 'rest' ? PRICES.apiGatewayRestRequest : PRICES.apiGatewayHttpRequest),
    },
    { part: `verifier Lambda (${usage.verifier.memoryMb} MB)`, perEvent: usage.verifier.invocations, unit: `invocations × ${usage.verifier.billedMsPerInvocation.toFixed(1)} ms`, dollarsPerMillion: million * lambdaDollars(usage.verifier) },
    { part: `processor Lambda (${usage.processor.memoryMb} MB)`, perEvent: usage.processor.invocations, unit: `invocations × ${usage.processor.billedMsPerInvocation.toFixed(1)} ms`, dollarsPerMillion: million * lambdaDollars(usage.processor) },
    { part: 'DynamoDB writes (on-demand)', perEvent: usage.dynamodbWriteUnits, unit: 'WRU', dollarsPerMillion: million * usage.dynamodbWriteUnits * PRICES.dynamodbWriteUnit },
    { part: 'DynamoDB reads (on-demand)', perEvent: usage.dynamodbReadUnits, unit: 'RRU', dollarsPerMillion: million * usage.dynamodbReadUnits * PRICES.dynamodbReadUnit },
    { part: 'SQS', perEvent: usage.sqsRequests, unit: 'requests', dollarsPerMillion: million * usage.sqsRequests * PRICES.sqsRequest },
    { part: 'SNS', perEvent: usage.snsRequests, unit: 'publish requests', dollarsPerMillion: million * usage.snsRequests * PRICES.snsRequest },
    { part: 'S3 (claim checks)', perEvent: usage.s3Puts, unit: 'PUT', dollarsPerMillion: million * usage.s3Puts * PRICES.s3Put },
    { part: 'Secrets Manager', perEvent: usage.secretsManagerCalls, unit: 'calls', dollarsPerMillion: million * usage.secretsManagerCalls * PRICES.secretsManagerCall },
    { part: 'CloudWatch Logs (functions)', perEvent: usage.logBytes, unit: 'bytes', dollarsPerMillion: million * (usage.logBytes / 1024 ** 3) * PRICES.logsIngestedGb },
    {
      part: 'CloudWatch Logs (API access log)',
      perEvent: usage.accessLogBytes[ingress],
      unit: 'bytes',
      dollarsPerMillion: million * (usage.accessLogBytes[ingress] / 1024 ** 3) * PRICES.logsIngestedGb,
    },
  ];
  return { ingress, lines, total: lines.reduce((sum, line) => sum + line.dollarsPerMillion, 0) };
}

/** How a function's logs are configured: Lambda's log format and, in JSON, the level of its own lines. */
export type PlatformLogging = { readonly format: 'text' } | { readonly format: 'json'; readonly systemLogLevel: 'DEBUG' | 'INFO' | 'WARN' };

/**
 * Lambda's own lines per warm invocation, as CloudWatch Logs ingests them. Text format: START, END
 * and REPORT. JSON format: `platform.start`, `platform.runtimeDone` and `platform.report` at INFO
 * (an upper bound: `platform.start` is written with the function's ARN); none at WARN, which keeps only
 * Lambda's own warnings and errors, none of which a warm invocation that succeeds writes.
 * See https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-log-level.html
 */
export function platformLogLines(requestId: string, durationMs: number, memoryMb: number, logging: PlatformLogging = { format: 'text' }): string[] {
  const billedMs = Math.ceil(durationMs);
  const maxMemoryMb = Math.round(memoryMb / 5);
  if (logging.format === 'text') {
    return [
      `START RequestId: ${requestId} Version: $LATEST\n`,
      `END RequestId: ${requestId}\n`,
      `REPORT RequestId: ${requestId}\tDuration: ${durationMs.toFixed(2)} ms\tBilled Duration: ${billedMs} ms\tMemory Size: ${memoryMb} MB\tMax Memory Used: ${maxMemoryMb} MB\t\n`,
    ];
  }
  if (logging.systemLogLevel === 'WARN') return [];
  const time = new Date().toISOString();
  const functionArn = 'arn:aws:lambda:us-east-1:123456789012:function:hookrelay-prod-Verifier3A8B2C1D-AbCdEfGhIjKl';
  const record = (type: string, body: Record<string, unknown>) => `${JSON.stringify({ time, type, record: { requestId, ...body } })}\n`;
  return [
    record('platform.start', { functionArn, version: '$LATEST' }),
    record('platform.runtimeDone', { status: 'success', metrics: { durationMs: Number(durationMs.toFixed(3)), producedBytes: 52 } }),
    record('platform.report', { metrics: { durationMs: Number(durationMs.toFixed(3)), billedDurationMs: billedMs, memorySizeMB: memoryMb, maxMemoryUsedMB: maxMemoryMb }, status: 'success' }),
  ];
}

/**
 * Bytes CloudWatch Logs counts for log events: each event's UTF-8 message plus 26 bytes of
 * metadata (the size PutLogEvents counts; counted here as ingested, an upper bound).
 */
export const LOG_EVENT_OVERHEAD_BYTES = 26;
