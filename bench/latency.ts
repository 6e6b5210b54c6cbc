/**
 * Measurement: latency, locally, against the stand-ins (bench/pipeline.ts). Events arrive at a
 * steady pace while an event source (as Lambda's SQS event source mapping: long-poll, batch of the
 * configured size, invoke, delete) feeds the processor:
 *
 *   accept path:  the verifier's invocation, request to answer (REST API event, ~3 KB Stripe);
 *   end to end:   the request's start to the moment the PublishBatch carrying its envelope returns.
 *
 * Beside each, its floor: the same AWS calls issued bare, one after another, with the same clients
 * to the same stand-ins — conditional PutItem then SendMessage for the accept path; then
 * ReceiveMessage, consistent BatchGetItem and PublishBatch for the end to end (the calls an
 * event must wait for before it is published). Floors and the pipeline run in alternating blocks.
 */
import { ConditionalCheckFailedException, BatchGetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PublishBatchCommand } from '@aws-sdk/client-sns';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { randomBytes } from 'node:crypto';
import { createPipeline, LogCapture, processorContext, restApiEvent, verifierContext, type Pipeline } from './pipeline';
import { median, p99, round } from './stats';

export interface LatencyFigures {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly floorP50Ms: number;
  readonly floorP99Ms: number;
}

export interface LatencyResult {
  readonly events: number;
  /** Milliseconds between request starts. */
  readonly paceMs: number;
  readonly batchSize: number;
  readonly acceptPath: LatencyFigures;
  readonly endToEnd: LatencyFigures;
  /** Envelopes published per event: 1 means every event exactly once. */
  readonly publishedPerEvent: number;
  /** The event source's batches while events flowed: how full they were. */
  readonly meanBatch: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The event source as Lambda runs it: long-poll, invoke, delete, until stopped. */
function startEventSource(pipeline: Pipeline, logs: LogCapture, batches: number[]) {
  let running = true;
  const sink = { bytes: 0, lines: 0 };
  const loop = (async () => {
    while (running) {
      const batch = await pipeline.receiveBatch(pipeline.batchSize, 1);
      if (!batch) continue;
      batches.push(batch.Records.length);
      const response = await logs.count(sink, () => pipeline.processor(batch, processorContext()));
      await pipeline.deleteProcessed(batch, response);
    }
  })();
  return async () => {
    running = false;
    await loop;
  };
}

/** One pass of the bare calls an event waits for, timed to the accept and to the publish. */
async function floorOnce(pipeline: Pipeline, body: string): Promise<{ accept: number; endToEnd: number }> {
  const { dynamodb } = pipeline.clients.verifier;
  const { sqs } = pipeline.clients.verifier;
  const key = `latency-floor#${randomBytes(12).toString('hex')}`;
  const table = pipeline.resources.tableName;
  const start = performance.now();
  try {
    await dynamodb.send(
      new PutItemCommand({
        TableName: table,
        Item: { id: { S: key }, status: { S: 'ACCEPTED' }, expiration: { N: String(Math.floor(Date.now() / 1000) + 3600) } },
        ConditionExpression: 'attribute_not_exists(#id)',
        ExpressionAttributeNames: { '#id': 'id' },
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
  await sqs.send(new SendMessageCommand({ QueueUrl: pipeline.floorQueueUrl, MessageBody: body }));
  const accept = performance.now() - start;
  // What the event then waits for: its batch received, its state read, the publish.
  const { Messages = [] } = await pipeline.clients.eventSource.sqs.send(new ReceiveMessageCommand({ QueueUrl: pipeline.floorQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
  await pipeline.clients.processor.dynamodb.send(new BatchGetItemCommand({ RequestItems: { [table]: { Keys: [{ id: { S: key } }], ConsistentRead: true } } }));
  await pipeline.clients.processor.sns.send(
    new PublishBatchCommand({ TopicArn: pipeline.topicArn, PublishBatchRequestEntries: Messages.map((message, index) => ({ Id: String(index), Message: message.Body ?? '' })) }),
  );
  const endToEnd = performance.now() - start;
  // Not waited for by the event (after its publish): clean up the floor's queue.
  await pipeline.deleteFloorMessages(Messages);
  return { accept, endToEnd };
}

export interface LatencyOptions {
  /** @default 400 */
  readonly events?: number;
  /** @default 20 (50 events per second) */
  readonly paceMs?: number;
  /** Events per block of the pipeline, alternating with a block of floor passes. @default 50 */
  readonly blockSize?: number;
  readonly log?: (line: string) => void;
}

export async function runLatency(options: LatencyOptions = {}): Promise<LatencyResult> {
  const events = options.events ?? 400;
  const paceMs = options.paceMs ?? 20;
  const blockSize = options.blockSize ?? 50;
  const logs = new LogCapture();
  const discard = { bytes: 0, lines: 0 };
  try {
    const pipeline = await createPipeline('bench-latency');
    /** When each envelope id was first published, and how many times. */
    const published = new Map<string, number>();
    const publishCounts = new Map<string, number>();
    pipeline.recorders.processor.onCall = (call) => {
      if (call.command !== 'PublishBatch' || call.client !== 'SNS') return;
      const successful = new Set(((call.output?.['Successful'] as Array<{ Id?: string }> | undefined) ?? []).map((entry) => entry.Id));
      for (const entry of (call.input['PublishBatchRequestEntries'] as Array<{ Id: string; Message: string }>) ?? []) {
        if (!successful.has(entry.Id)) continue;
        const id = /^\{"id":("(?:[^"\\]|\\.)*")/.exec(entry.Message)?.[1];
        if (id) {
          const eventId = JSON.parse(id) as string;
          if (!published.has(eventId)) published.set(eventId, call.end);
          publishCounts.set(eventId, (publishCounts.get(eventId) ?? 0) + 1);
        }
      }
    };
    const batches: number[] = [];
    const stop = startEventSource(pipeline, logs, batches);

    const accept: number[] = [];
    const endToEnd: number[] = [];
    const floorAccept: number[] = [];
    const floorEndToEnd: number[] = [];
    const starts = new Map<string, number>();
    const sampleBody = restApiEvent().event.body!;
    // Warm-up of both (connections, JIT, the secret).
    for (let i = 0; i < 20; i++) await floorOnce(pipeline, sampleBody);
    for (let i = 0; i < 20; i++) await logs.count(discard, () => pipeline.verifier(restApiEvent().event, verifierContext()));

    const inFlight: Array<Promise<void>> = [];
    for (let sent = 0; sent < events; ) {
      // A block of events at the pace, each invocation on its own (as concurrent Lambda invocations).
      const blockEnd = Math.min(events, sent + blockSize);
      for (; sent < blockEnd; sent++) {
        const { event, eventId } = restApiEvent();
        const start = performance.now();
        starts.set(eventId, start);
        inFlight.push(
          logs.count(discard, async () => {
            const response = await pipeline.verifier(event, verifierContext());
            if (response.statusCode !== 200) throw new Error(`verifier answered ${response.statusCode}: ${response.body}`);
            accept.push(performance.now() - start);
          }),
        );
        await sleep(paceMs);
      }
      await Promise.all(inFlight.splice(0));
      // A block of floor passes at the same pace.
      for (let i = 0; i < blockSize; i++) {
        const { accept: a, endToEnd: e } = await floorOnce(pipeline, sampleBody);
        floorAccept.push(a);
        floorEndToEnd.push(e);
      }
      options.log?.(`  ${sent}/${events} events`);
    }
    // Wait (bounded) until every accepted event is published.
    const deadline = performance.now() + 30_000;
    while ([...starts.keys()].some((id) => !published.has(id)) && performance.now() < deadline) await sleep(50);
    await stop();
    for (const [id, start] of starts) {
      const at = published.get(id);
      if (at === undefined) throw new Error(`event ${id} was accepted but not published within 30 s`);
      endToEnd.push(at - start);
    }
    const figures = (measured: number[], floor: number[]): LatencyFigures => ({
      p50Ms: round(median(measured), 2),
      p99Ms: round(p99(measured), 2),
      floorP50Ms: round(median(floor), 2),
      floorP99Ms: round(p99(floor), 2),
    });
    return {
      events,
      paceMs,
      batchSize: pipeline.batchSize,
      acceptPath: figures(accept, floorAccept),
      endToEnd: figures(endToEnd, floorEndToEnd),
      publishedPerEvent: round([...starts.keys()].reduce((sum, id) => sum + (publishCounts.get(id) ?? 0), 0) / events, 3),
      meanBatch: round(batches.reduce((sum, n) => sum + n, 0) / Math.max(1, batches.length), 2),
    };
  } finally {
    logs.restore();
  }
}
