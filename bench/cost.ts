/**
 * Measurement: cost per million accepted webhooks, from the AWS requests a local run makes. Unique
 * ~3 KB Stripe events go through the verifier as the REST API hands them over; then the event
 * source drains the queue in batches of the configured size (lib/config/defaults.ts) and invokes
 * the processor with each. Every request of the verifier, the processor and the event source is
 * counted by API through SDK middleware (bench/pipeline.ts), with what AWS bills it by; each
 * handler invocation is timed; what the handlers log is counted, with Lambda's own lines and API
 * Gateway's access log line for each request (the stack's format, filled in). The usage per event is then
 * priced (bench/pricing.ts) for REST API and HTTP API ingress. A second, smaller run drains one
 * message per batch: what low traffic costs, when batches do not fill.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { DEFAULTS } from '../lib/config/defaults';
import { accessLogFormatOf, formatAccessLogLine, type AccessLogRequest } from './access-log';
import { createPipeline, LogCapture, processorContext, restApiEvent, verifierContext, type Pipeline, type RecordedCall } from './pipeline';
import { costPerMillion, LOG_EVENT_OVERHEAD_BYTES, platformLogLines, PRICE_TABLE_DATE, type CostPerMillion, type Ingress, type PlatformLogging, type UsagePerEvent } from './pricing';
import { median, p99, round } from './stats';

/** Targets at the default settings and a batch size of 10, dollars per million events. */
export const COST_TARGETS = { rest: 6.0, http: 3.3 } as const;

const CHUNK_BYTES = 64 * 1024;
const chunks = (bytes: number) => Math.max(1, Math.ceil(bytes / CHUNK_BYTES));

interface Attribute {
  readonly DataType?: string;
  readonly StringValue?: string;
}
const attributeBytes = (attributes: Record<string, Attribute> | undefined) =>
  Object.entries(attributes ?? {}).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(value.DataType ?? '') + Buffer.byteLength(value.StringValue ?? ''), 0);

const capacityOf = (output: Record<string, unknown> | undefined): number => {
  const consumed = output?.['ConsumedCapacity'] as { CapacityUnits?: number } | Array<{ CapacityUnits?: number }> | undefined;
  if (consumed === undefined) return 0;
  return (Array.isArray(consumed) ? consumed : [consumed]).reduce((sum, entry) => sum + (entry.CapacityUnits ?? 0), 0);
};

/** How the stack configures the functions' logs at the default settings (lib/constructs/webhook-function.ts). */
const DEPLOYED_LOGGING: PlatformLogging = { format: 'json', systemLogLevel: DEFAULTS.logging.systemLogLevel };

/** Where the bench's requests come from: one of Stripe's published webhook addresses, its user agent. */
const SENDER = { sourceIp: '54.187.174.169', userAgent: 'Stripe/1.0 (+https://stripe.com/docs/webhooks)' } as const;

/** API Gateway's request ids: a UUID from a REST API, 16 base64 characters from an HTTP API (`Ab1CdEfGhIjKlM=`). */
const gatewayRequestId = (ingress: Ingress) => (ingress === 'rest' ? randomUUID() : `${randomBytes(11).toString('base64').slice(0, 15)}=`);

const READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan']);

/** What a set of recorded calls bills, by service. */
export function billedUnits(calls: readonly RecordedCall[]) {
  let writeUnits = 0;
  let readUnits = 0;
  let sqs = 0;
  let sns = 0;
  let s3 = 0;
  let secrets = 0;
  for (const call of calls) {
    switch (call.client) {
      case 'DynamoDB':
        if (READS.has(call.command)) readUnits += capacityOf(call.output);
        else writeUnits += capacityOf(call.output);
        break;
      case 'SQS': {
        if (call.command === 'SendMessage') {
          sqs += chunks(Buffer.byteLength(String(call.input['MessageBody'])) + attributeBytes(call.input['MessageAttributes'] as Record<string, Attribute>));
        } else if (call.command === 'ReceiveMessage') {
          const messages = (call.output?.['Messages'] as Array<{ Body?: string; MessageAttributes?: Record<string, Attribute> }> | undefined) ?? [];
          sqs += chunks(messages.reduce((sum, message) => sum + Buffer.byteLength(message.Body ?? '') + attributeBytes(message.MessageAttributes), 0));
        } else sqs += 1;
        break;
      }
      case 'SNS': {
        const entries = (call.input['PublishBatchRequestEntries'] as Array<{ Message: string; MessageAttributes?: Record<string, Attribute> }> | undefined) ?? [
          { Message: String(call.input['Message'] ?? ''), MessageAttributes: call.input['MessageAttributes'] as Record<string, Attribute> },
        ];
        sns += chunks(entries.reduce((sum, entry) => sum + Buffer.byteLength(entry.Message) + attributeBytes(entry.MessageAttributes), 0));
        break;
      }
      case 'S3':
        if (call.command === 'PutObject') s3 += 1;
        break;
      case 'SecretsManager':
        secrets += 1;
        break;
    }
  }
  return { writeUnits, readUnits, sqs, sns, s3, secrets };
}

export interface RunUsage {
  readonly events: number;
  readonly batchSize: number;
  readonly batches: number;
  readonly usage: UsagePerEvent;
  /** Requests per event by part and API, e.g. `verifier DynamoDB.PutItem`: 1. */
  readonly callsPerEvent: Record<string, number>;
  readonly verifierMs: { readonly median: number; readonly p99: number };
  readonly processorMs: { readonly median: number; readonly p99: number };
  /**
   * Log bytes per event by origin (platform = Lambda's own lines, overhead = 26 B per function log
   * event; the access log's bytes include its 26 B per line).
   */
  readonly logBytesPerEvent: {
    readonly verifier: number;
    readonly processor: number;
    readonly platform: number;
    readonly overhead: number;
    readonly accessLog: Readonly<Record<Ingress, number>>;
  };
  readonly costs: { readonly rest: CostPerMillion; readonly http: CostPerMillion };
  /** Envelopes published (PublishBatch successes) per accepted event: 1 means exactly once. */
  readonly publishedPerEvent: number;
}

/** Accepts `events` events, then drains them in batches of `batchSize`; returns what they used. */
async function measureRun(pipeline: Pipeline, logs: LogCapture, events: number, batchSize: number): Promise<RunUsage> {
  for (const recorder of Object.values(pipeline.recorders)) recorder.take();
  const verifierLog = { bytes: 0, lines: 0 };
  const processorLog = { bytes: 0, lines: 0 };
  const verifierMs: number[] = [];
  const processorMs: number[] = [];
  const accessLog = { rest: 0, http: 0 };
  const accessLogFormats = { rest: accessLogFormatOf('rest'), http: accessLogFormatOf('http') };

  for (let i = 0; i < events; i++) {
    const { event, eventId } = restApiEvent();
    const start = performance.now();
    const response = await logs.count(verifierLog, () => pipeline.verifier(event, verifierContext()));
    const ms = performance.now() - start;
    verifierMs.push(ms);
    if (response.statusCode !== 200) throw new Error(`verifier answered ${response.statusCode} for ${eventId}: ${response.body}`);
    for (const ingress of ['rest', 'http'] as const) {
      const request: AccessLogRequest = {
        requestId: gatewayRequestId(ingress),
        time: new Date(),
        ...SENDER,
        httpMethod: event.httpMethod,
        path: event.resource,
        status: response.statusCode,
        responseLength: Buffer.byteLength(response.body),
        // API Gateway's own share of the latency is not measured here: the verifier's is the figure.
        responseLatencyMs: ms,
      };
      accessLog[ingress] += Buffer.byteLength(formatAccessLogLine(accessLogFormats[ingress], request)) + LOG_EVENT_OVERHEAD_BYTES;
    }
  }
  let processed = 0;
  while (processed < events) {
    const batch = await pipeline.receiveBatch(batchSize, 1);
    if (!batch) continue;
    const start = performance.now();
    const response = await logs.count(processorLog, () => pipeline.processor(batch, processorContext()));
    processorMs.push(performance.now() - start);
    if (response.batchItemFailures.length > 0) throw new Error(`the processor failed ${response.batchItemFailures.length} records`);
    await pipeline.deleteProcessed(batch, response);
    processed += batch.Records.length;
  }

  const calls = { verifier: pipeline.recorders.verifier.take(), processor: pipeline.recorders.processor.take(), eventSource: pipeline.recorders.eventSource.take() };
  const all = [...calls.verifier, ...calls.processor, ...calls.eventSource];
  const units = billedUnits(all);
  const callsPerEvent: Record<string, number> = {};
  for (const [part, list] of Object.entries(calls)) {
    for (const call of list) {
      const key = `${part} ${call.client}.${call.command}`;
      callsPerEvent[key] = (callsPerEvent[key] ?? 0) + 1 / events;
    }
  }
  const published = calls.processor
    .filter((call) => call.command === 'PublishBatch')
    .reduce((sum, call) => sum + ((call.output?.['Successful'] as unknown[] | undefined)?.length ?? 0), 0);

  const billedMs = (samples: readonly number[]) => samples.reduce((sum, ms) => sum + Math.ceil(ms), 0) / samples.length;
  const platform = [
    ...verifierMs.map((ms) => platformLogLines(randomUUID(), ms, DEFAULTS.verifier.memorySize, DEPLOYED_LOGGING)),
    ...processorMs.map((ms) => platformLogLines(randomUUID(), ms, DEFAULTS.pipeline.processorMemorySize, DEPLOYED_LOGGING)),
  ].flat();
  const platformBytes = platform.reduce((sum, line) => sum + Buffer.byteLength(line), 0);
  const lines = verifierLog.lines + processorLog.lines + platform.length;
  const logBytesPerEvent = {
    verifier: verifierLog.bytes / events,
    processor: processorLog.bytes / events,
    platform: platformBytes / events,
    overhead: (lines * LOG_EVENT_OVERHEAD_BYTES) / events,
    accessLog: { rest: accessLog.rest / events, http: accessLog.http / events },
  };
  const usage: UsagePerEvent = {
    apiRequests: 1,
    verifier: { invocations: 1, billedMsPerInvocation: billedMs(verifierMs), memoryMb: DEFAULTS.verifier.memorySize },
    processor: { invocations: processorMs.length / events, billedMsPerInvocation: billedMs(processorMs), memoryMb: DEFAULTS.pipeline.processorMemorySize },
    dynamodbWriteUnits: units.writeUnits / events,
    dynamodbReadUnits: units.readUnits / events,
    sqsRequests: units.sqs / events,
    snsRequests: units.sns / events,
    s3Puts: units.s3 / events,
    secretsManagerCalls: units.secrets / events,
    logBytes: logBytesPerEvent.verifier + logBytesPerEvent.processor + logBytesPerEvent.platform + logBytesPerEvent.overhead,
    accessLogBytes: logBytesPerEvent.accessLog,
  };
  return {
    events,
    batchSize,
    batches: processorMs.length,
    usage,
    callsPerEvent: Object.fromEntries(Object.entries(callsPerEvent).map(([key, value]) => [key, round(value, 3)])),
    verifierMs: { median: round(median(verifierMs), 2), p99: round(p99(verifierMs), 2) },
    processorMs: { median: round(median(processorMs), 2), p99: round(p99(processorMs), 2) },
    logBytesPerEvent: {
      verifier: round(logBytesPerEvent.verifier, 1),
      processor: round(logBytesPerEvent.processor, 1),
      platform: round(logBytesPerEvent.platform, 1),
      overhead: round(logBytesPerEvent.overhead, 1),
      accessLog: { rest: round(logBytesPerEvent.accessLog.rest, 1), http: round(logBytesPerEvent.accessLog.http, 1) },
    },
    costs: { rest: costPerMillion(usage, 'rest'), http: costPerMillion(usage, 'http') },
    publishedPerEvent: round(published / events, 3),
  };
}

export interface CostResult {
  readonly pricesDate: string;
  /** At the configured batch size (batches fill: a steady flow of events). */
  readonly steady: RunUsage;
  /** One message per batch (low traffic: each event alone). */
  readonly lowTraffic: RunUsage;
  readonly targets: typeof COST_TARGETS;
  readonly pass: { readonly rest: boolean; readonly http: boolean };
}

export interface CostOptions {
  /** Events of the steady run. @default 300 */
  readonly events?: number;
  /** Events of the low-traffic run. @default 40 */
  readonly lowTrafficEvents?: number;
  readonly log?: (line: string) => void;
}

export async function runCost(options: CostOptions = {}): Promise<CostResult> {
  const logs = new LogCapture();
  try {
    const pipeline = await createPipeline('bench-cost');
    await measureRun(pipeline, logs, 20, pipeline.batchSize); // warm-up: connections, JIT, the secret fetched
    const steady = await measureRun(pipeline, logs, options.events ?? 300, pipeline.batchSize);
    options.log?.(`  batch ${steady.batchSize}: $${steady.costs.rest.total.toFixed(2)}/M REST, $${steady.costs.http.total.toFixed(2)}/M HTTP API (${steady.batches} batches)`);
    const lowTraffic = await measureRun(pipeline, logs, options.lowTrafficEvents ?? 40, 1);
    options.log?.(`  batch 1: $${lowTraffic.costs.rest.total.toFixed(2)}/M REST, $${lowTraffic.costs.http.total.toFixed(2)}/M HTTP API`);
    return {
      pricesDate: PRICE_TABLE_DATE,
      steady,
      lowTraffic,
      targets: COST_TARGETS,
      pass: { rest: steady.costs.rest.total <= COST_TARGETS.rest, http: steady.costs.http.total <= COST_TARGETS.http },
    };
  } finally {
    logs.restore();
  }
}
