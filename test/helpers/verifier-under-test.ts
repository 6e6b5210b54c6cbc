import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import { createAwsClients, type AwsClients } from '../../lambdas/adapters/aws-clients';
import { createTelemetry } from '../../lambdas/observability/telemetry';
import { createProcessorHandler } from '../../lambdas/processor/handler';
import { lambdaContext, toRecord } from '../../local/queue-poller';
import type { RouteConfig } from '../../lambdas/runtime-config';
import { createVerifierHandler, type VerifierHandler } from '../../lambdas/verifier/handler';
import { provisionLocalResources, type LocalResources } from '../../local/local-resources';

export interface VerifierUnderTest {
  readonly verifier: VerifierHandler;
  readonly resources: LocalResources;
  readonly clients: AwsClients;
  /**
   * What Lambda's event source mapping would do next: hands every message on the provider's queue
   * to the real processor (which publishes it and records it PUBLISHED), deletes the handled ones,
   * and returns their bodies.
   */
  publishQueued(provider: string): Promise<string[]>;
}

/**
 * The real verifier handler wired to freshly provisioned resources on the stand-ins (own names per
 * call, so test files never share a queue or a table).
 */
export async function verifierUnderTest(options: {
  readonly secrets: Readonly<Record<string, readonly string[]>>;
  /** @default 64 KiB */
  readonly maxBodyBytes?: number;
  /** Configured exact URLs the senders sign, by route. @default none (rebuilt from the request) */
  readonly signedUrls?: Readonly<Record<string, string>>;
  /** Source CIDR blocks each route accepts requests from, by route. @default any source */
  readonly allowedSourceCidrs?: Readonly<Record<string, readonly string[]>>;
  /** @default true: large payloads go to the stand-in bucket */
  readonly withPayloadBucket?: boolean;
  readonly serviceName?: string;
}): Promise<VerifierUnderTest> {
  const clients = createAwsClients();
  const providers = Object.keys(options.secrets);
  const resources = await provisionLocalResources(clients, {
    prefix: `v${randomUUID().slice(0, 8)}`,
    routes: Object.fromEntries(providers.map((provider) => [provider, { provider, secrets: options.secrets[provider]! }])),
  });
  const routes: Record<string, RouteConfig> = {};
  for (const provider of providers) {
    const { queueUrl } = resources.providers[provider]!;
    const { secretId } = resources.routes[provider]!;
    const signedUrl = options.signedUrls?.[provider];
    const allowedSourceCidrs = options.allowedSourceCidrs?.[provider];
    routes[provider] = {
      queueUrl,
      secretId,
      maxBodyBytes: options.maxBodyBytes ?? 64 * 1024,
      ...(signedUrl === undefined ? {} : { signedUrl }),
      ...(allowedSourceCidrs === undefined ? {} : { allowedSourceCidrs: [...allowedSourceCidrs] }),
    };
  }
  const verifier = createVerifierHandler({
    config: {
      routes,
      idempotencyTableName: resources.tableName,
      idempotencyWindowSeconds: 3600,
      secretsRefreshSeconds: 300,
      secretsMaxStaleSeconds: 3600,
      payloadBucketName: options.withPayloadBucket === false ? undefined : resources.bucketName,
      largePayloadThresholdBytes: 200_000,
    },
    clients,
    telemetry: createTelemetry(options.serviceName ?? 'test-verifier'),
  });
  const processors = new Map(
    providers.map((provider) => [
      provider,
      createProcessorHandler({
        config: { provider, topicArn: resources.providers[provider]!.topicArn, idempotencyTableName: resources.tableName, idempotencyWindowSeconds: 3600 },
        clients,
        telemetry: createTelemetry(`${options.serviceName ?? 'test'}-processor`),
      }),
    ]),
  );
  async function publishQueued(provider: string): Promise<string[]> {
    const { queueUrl, queueArn } = resources.providers[provider]!;
    const bodies: string[] = [];
    for (;;) {
      const { Messages = [] } = await clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'] }),
      );
      if (Messages.length === 0) return bodies;
      const { batchItemFailures } = await processors.get(provider)!({ Records: Messages.map((message) => toRecord(message, queueArn)) }, lambdaContext(`${provider}-processor`));
      const failed = new Set(batchItemFailures.map((failure) => failure.itemIdentifier));
      const handled = Messages.filter((message) => !failed.has(message.MessageId!));
      if (handled.length > 0) {
        await clients.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: handled.map((message, i) => ({ Id: String(i), ReceiptHandle: message.ReceiptHandle! })) }));
      }
      bodies.push(...handled.map((message) => message.Body!));
      if (failed.size > 0) throw new Error(`the processor failed ${failed.size} message(s)`);
    }
  }
  return { verifier, resources, clients, publishQueued };
}

let drainClient: SQSClient | undefined;

/**
 * Every message on the queue (message and system attributes included), in the order received, each
 * deleted once read: the queue is empty afterwards, so what a later read finds is new. Messages
 * already in flight elsewhere are not waited for.
 */
export async function drain(queueUrl: string): Promise<Message[]> {
  const sqs = (drainClient ??= createAwsClients().sqs);
  const messages: Message[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'] }),
    );
    if (Messages.length === 0) return messages;
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: Messages.map((message, i) => ({ Id: String(i), ReceiptHandle: message.ReceiptHandle! })) }));
    messages.push(...Messages);
  }
}
