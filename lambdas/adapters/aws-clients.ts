import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { createDynamoDBClient } from './clients/dynamodb';
import { createS3Client } from './clients/s3';
import { createSecretsManagerClient } from './clients/secrets-manager';
import { lazyClients, type AwsClientSettings } from './clients/settings';
import { createSNSClient } from './clients/sns';
import { createSQSClient } from './clients/sqs';

export type { AwsClientSettings } from './clients/settings';

export interface AwsClients {
  readonly dynamodb: DynamoDBClient;
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  readonly s3: S3Client;
  readonly secretsManager: SecretsManagerClient;
}

/** What the verifier calls. */
export type VerifierClients = Pick<AwsClients, 'dynamodb' | 'sqs' | 's3' | 'secretsManager'>;
/** What a processor calls. */
export type ProcessorClients = Pick<AwsClients, 'dynamodb' | 'sns'>;

/**
 * Every client, created on first use: for the local gateway, tools and tests. Lambda entry points
 * build only their own (see `lambdas/handlers/`), so their bundles stay small.
 */
export function createAwsClients(settings: AwsClientSettings = {}): AwsClients {
  return lazyClients<AwsClients>({
    dynamodb: () => createDynamoDBClient(settings),
    sqs: () => createSQSClient(settings),
    sns: () => createSNSClient(settings),
    s3: () => createS3Client(settings),
    secretsManager: () => createSecretsManagerClient(settings),
  });
}
