import { CreateTableCommand, DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, PutSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateTopicCommand, SubscribeCommand, UnsubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { FilterPolicy } from '../packages/subscriber/src/filter-policy';

/**
 * Creates on the stand-ins what the CDK stack creates on AWS: the idempotency table, per provider a
 * queue with its DLQ (redrive policy) and a topic, per route a secret; plus the payload bucket and,
 * for `/_local/published`, an observer queue subscribed to each topic like any real subscriber.
 * Every name starts with `prefix`, so tests can run isolated sets side by side.
 */
export interface LocalRouteCredentials {
  /** The route's provider module. */
  readonly provider: string;
  /** Signing secrets, newest first. */
  readonly secrets: readonly string[];
  /** A second credential (Meta's verify token), newest first. @default [] */
  readonly verifyTokens?: readonly string[];
}

export interface LocalResourceOptions {
  readonly prefix: string;
  /** Every route, by name. The providers of the routes get a pipeline each. */
  readonly routes: Readonly<Record<string, LocalRouteCredentials>>;
  /** @default 5 */
  readonly maxReceiveCount?: number;
  /** @default 5 */
  readonly visibilityTimeoutSeconds?: number;
}

export interface LocalProviderResources {
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly dlqUrl: string;
  readonly dlqArn: string;
  readonly topicArn: string;
  readonly observerQueueUrl: string;
}

export interface LocalRouteResources {
  readonly secretId: string;
}

export interface LocalResources {
  readonly tableName: string;
  readonly bucketName: string;
  /** Queue, DLQ and topic of each provider the routes use. */
  readonly providers: Readonly<Record<string, LocalProviderResources>>;
  readonly routes: Readonly<Record<string, LocalRouteResources>>;
}

export interface LocalClients {
  readonly dynamodb: DynamoDBClient;
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  readonly s3: S3Client;
  readonly secretsManager: SecretsManagerClient;
}

export async function provisionLocalResources(clients: LocalClients, options: LocalResourceOptions): Promise<LocalResources> {
  const { prefix } = options;
  const tableName = `${prefix}-idempotency`;
  await createIdempotencyTable(clients.dynamodb, tableName);
  const bucketName = await createBucket(clients.s3, `${prefix}-payloads`);

  const providers: Record<string, LocalProviderResources> = {};
  for (const provider of new Set(Object.values(options.routes).map((route) => route.provider))) {
    const name = `${prefix}-${provider}`;
    const dlqUrl = await createQueue(clients.sqs, `${name}-dlq`, { MessageRetentionPeriod: String(14 * 24 * 3600) });
    const dlqArn = await queueArn(clients.sqs, dlqUrl);
    const queueUrl = await createQueue(clients.sqs, name, {
      VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? 5),
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: options.maxReceiveCount ?? 5 }),
    });
    const { TopicArn } = await clients.sns.send(new CreateTopicCommand({ Name: name }));
    const observerQueueUrl = await createQueue(clients.sqs, `${name}-observer`, {});
    await subscribeQueue(clients.sns, { topicArn: TopicArn!, queueArn: await queueArn(clients.sqs, observerQueueUrl), rawMessageDelivery: false });
    providers[provider] = { queueUrl, queueArn: await queueArn(clients.sqs, queueUrl), dlqUrl, dlqArn, topicArn: TopicArn!, observerQueueUrl };
  }
  const routes: Record<string, LocalRouteResources> = {};
  for (const [route, { secrets, verifyTokens = [] }] of Object.entries(options.routes)) {
    const secretId = `${prefix}/${route}`;
    await putSecret(clients.secretsManager, secretId, JSON.stringify({ secrets, verifyTokens }));
    routes[route] = { secretId };
  }
  return { tableName, bucketName, providers, routes };
}

/** The idempotency table (Powertools' layout), unless it exists already (`--data` keeps it across restarts). */
export async function createIdempotencyTable(dynamodb: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (error) {
    if ((error as { name?: string }).name !== 'ResourceNotFoundException') throw error;
  }
  // The layout Powertools idempotency expects: partition key `id`; TTL attribute `expiration`.
  await dynamodb.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    }),
  );
}

/**
 * A bucket, unless it exists already (`--data` restores into the same one); `name` is made a valid
 * S3 bucket name (a lower-case DNS label). Resolves to the bucket's name.
 */
export async function createBucket(s3: S3Client, name: string): Promise<string> {
  const bucket = name.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  await s3.send(new CreateBucketCommand({ Bucket: bucket })).catch((error: { name?: string }) => {
    if (error.name !== 'BucketAlreadyOwnedByYou' && error.name !== 'BucketAlreadyExists') throw error;
  });
  return bucket;
}

export interface QueueSubscription {
  readonly topicArn: string;
  readonly queueArn: string;
  /** Deliver the published message itself (true), or SNS's JSON notification around it (false). */
  readonly rawMessageDelivery: boolean;
  /** @default none: every message */
  readonly filterPolicy?: FilterPolicy | undefined;
}

/** Subscribes a queue to a topic, as a subscriber's stack does; resolves to the function that removes the subscription. */
export async function subscribeQueue(sns: SNSClient, subscription: QueueSubscription): Promise<() => Promise<void>> {
  const { SubscriptionArn } = await sns.send(
    new SubscribeCommand({
      TopicArn: subscription.topicArn,
      Protocol: 'sqs',
      Endpoint: subscription.queueArn,
      ReturnSubscriptionArn: true,
      Attributes: {
        RawMessageDelivery: String(subscription.rawMessageDelivery),
        ...(subscription.filterPolicy ? { FilterPolicy: JSON.stringify(subscription.filterPolicy) } : {}),
      },
    }),
  );
  return async () => {
    if (SubscriptionArn) await sns.send(new UnsubscribeCommand({ SubscriptionArn }));
  };
}

export async function createQueue(sqs: SQSClient, QueueName: string, Attributes: Record<string, string>): Promise<string> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName, Attributes }));
  return QueueUrl!;
}

export async function queueArn(sqs: SQSClient, QueueUrl: string): Promise<string> {
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return Attributes!['QueueArn']!;
}

async function putSecret(secretsManager: SecretsManagerClient, Name: string, SecretString: string): Promise<void> {
  try {
    await secretsManager.send(new CreateSecretCommand({ Name, SecretString }));
  } catch (error) {
    if ((error as { name?: string }).name !== 'ResourceExistsException') throw error;
    await secretsManager.send(new PutSecretValueCommand({ SecretId: Name, SecretString }));
  }
}
