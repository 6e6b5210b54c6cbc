/**
 * `npm run tail -- [provider] [--type <pattern>]`: streams published envelopes as they arrive.
 *
 *   (default)            from the local gateway (http://127.0.0.1:$PORT, or --url)
 *   --stack <name>       from a deployed stack: a temporary SQS queue is subscribed to the provider
 *                        topic(s), with a filter policy for --type, and removed on exit (also Ctrl-C)
 *   --topic-arn <arn>    the same, naming topic ARNs directly (repeatable) instead of a stack
 *   --type <pattern>     event types to show: `invoice.*`, `*.succeeded`, `push`
 *   --json               print each message as one JSON line instead of a summary
 *   --count <n>          exit after n messages
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { SNSClient, SubscribeCommand, UnsubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { notificationAttributes, parseNotification } from '../lambdas/core/archive-format';
import { compileTypePattern } from '../packages/subscriber/src/patterns';
import { REPLAY_ATTRIBUTE } from '../packages/subscriber/src/filter-policy';
import { patternToFilterPolicy } from './lib/event-pattern';
import { localGatewayUrl } from './lib/local-gateway';
import { providerTopicArns, readStackOutputs } from './lib/stack-outputs';

interface TailedMessage {
  topic: string;
  attributes: Record<string, string>;
  message: { id?: string; provider?: string; type?: string; receivedAt?: string; payloadLocation?: string };
}

interface Printer {
  (entry: TailedMessage): boolean;
}

function createPrinter(options: { json: boolean; type?: string; provider?: string; count?: number; onDone: () => void }): Printer {
  const typeMatches = options.type ? compileTypePattern(options.type) : undefined;
  let printed = 0;
  return (entry) => {
    const type = entry.attributes['eventType'] ?? entry.message.type ?? '';
    const provider = entry.attributes['provider'] ?? entry.message.provider ?? '';
    if (options.provider && provider !== options.provider) return false;
    if (typeMatches && !typeMatches(type)) return false;
    if (options.json) console.log(JSON.stringify(entry));
    else {
      const at = (entry.message.receivedAt ?? new Date().toISOString()).slice(11, 23);
      const where = entry.message.payloadLocation ? `  (payload at ${entry.message.payloadLocation})` : '';
      const replay = entry.attributes[REPLAY_ATTRIBUTE] ? `  (replay ${entry.attributes[REPLAY_ATTRIBUTE]})` : '';
      console.log(`${at}  ${provider.padEnd(9)} ${type.padEnd(32)} ${entry.message.id ?? ''}${where}${replay}`);
    }
    printed += 1;
    if (options.count !== undefined && printed >= options.count) options.onDone();
    return true;
  };
}

async function tailLocal(baseUrl: string, provider: string | undefined, print: Printer, signal: AbortSignal): Promise<void> {
  const query = provider ? `?follow=1&provider=${encodeURIComponent(provider)}` : '?follow=1';
  const response = await fetch(`${baseUrl}/_local/published${query}`, { signal });
  if (!response.ok || !response.body) throw new Error(`local gateway answered ${response.status}`);
  console.error(`tailing ${provider ?? 'all providers'} at ${baseUrl} (Ctrl-C to stop)`);
  const decoder = new TextDecoder();
  let buffered = '';
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffered += decoder.decode(chunk, { stream: true });
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (line.trim()) print(JSON.parse(line) as TailedMessage);
      }
    }
  } catch (error) {
    if (!signal.aborted) throw error;
  }
}

async function tailTopics(topicArns: string[], type: string | undefined, print: Printer, signal: AbortSignal, region?: string): Promise<void> {
  const config = region ? { region } : {};
  const sqs = new SQSClient({ ...config, useQueueUrlAsEndpoint: false });
  const sns = new SNSClient(config);
  const queueName = `hookrelay-tail-${randomUUID().slice(0, 8)}`;
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: queueName, Attributes: { MessageRetentionPeriod: '3600' } }));
  const subscriptions: string[] = [];
  const cleanUp = async () => {
    await Promise.allSettled(subscriptions.map((arn) => sns.send(new UnsubscribeCommand({ SubscriptionArn: arn }))));
    await sqs.send(new DeleteQueueCommand({ QueueUrl })).catch(() => undefined);
    console.error(`removed ${queueName} and its subscriptions`);
  };
  try {
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    const queueArn = Attributes!['QueueArn']!;
    await sqs.send(
      new SetQueueAttributesCommand({
        QueueUrl,
        Attributes: {
          Policy: JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { Service: 'sns.amazonaws.com' },
                Action: 'sqs:SendMessage',
                Resource: queueArn,
                Condition: { ArnEquals: { 'aws:SourceArn': topicArns } },
              },
            ],
          }),
        },
      }),
    );
    const filterPolicy = patternToFilterPolicy(type);
    for (const TopicArn of topicArns) {
      const { SubscriptionArn } = await sns.send(
        new SubscribeCommand({
          TopicArn,
          Protocol: 'sqs',
          Endpoint: queueArn,
          ReturnSubscriptionArn: true,
          ...(filterPolicy ? { Attributes: { FilterPolicy: JSON.stringify(filterPolicy) } } : {}),
        }),
      );
      if (SubscriptionArn) subscriptions.push(SubscriptionArn);
    }
    console.error(`tailing ${topicArns.length} topic(s) through ${queueName} (Ctrl-C to stop and clean up)`);

    while (!signal.aborted) {
      const { Messages } = await sqs
        .send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 2 }), { abortSignal: signal })
        .catch((error: unknown) => {
          if (signal.aborted) return { Messages: undefined };
          throw error;
        });
      if (!Messages?.length) continue;
      for (const message of Messages) {
        const notification = parseNotification(message.Body ?? '');
        print({ topic: notification.TopicArn, attributes: notificationAttributes(notification), message: JSON.parse(notification.Message) });
      }
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl,
          Entries: Messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle! })),
        }),
      );
    }
  } finally {
    await cleanUp();
  }
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      type: { type: 'string' },
      url: { type: 'string' },
      stack: { type: 'string' },
      region: { type: 'string' },
      'topic-arn': { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
      count: { type: 'string' },
    },
  });
  const provider = positionals[0]?.toLowerCase();
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const count = values.count === undefined ? undefined : Number(values.count);
  const print = createPrinter({
    json: values.json ?? false,
    ...(values.type ? { type: values.type } : {}),
    ...(provider ? { provider } : {}),
    ...(count === undefined ? {} : { count }),
    onDone: stop,
  });

  if (values.stack || values['topic-arn']) {
    let topicArns = values['topic-arn'] ?? [];
    if (values.stack) {
      const outputs = await readStackOutputs(values.stack, values.region);
      topicArns = providerTopicArns(outputs, provider);
      if (topicArns.length === 0) throw new Error(`Stack ${values.stack} has no topic output${provider ? ` for ${provider}` : ''}`);
    }
    await tailTopics(topicArns, values.type, print, controller.signal, values.region);
  } else {
    await tailLocal(values.url ?? localGatewayUrl(), provider, print, controller.signal);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
