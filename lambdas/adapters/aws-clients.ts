import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';

/**
 * One place for SDK client settings. Endpoints come from the SDK's own `AWS_ENDPOINT_URL_*`
 * variables (the local gateway sets them), so there is no endpoint code here.
 *
 * Timeouts are short because a webhook sender waits for us (Slack: 3 s): a hung call must fail
 * fast, release the idempotency record, and let the sender's retry go through.
 */
export interface AwsClientSettings {
  /** Per-attempt request timeout. @default 2000 ms */
  readonly requestTimeoutMs?: number;
  /** @default 1000 ms */
  readonly connectionTimeoutMs?: number;
  /** Attempts including the first (SDK standard retry mode). @default 3 */
  readonly maxAttempts?: number;
}

function commonConfig(settings: AwsClientSettings) {
  return {
    maxAttempts: settings.maxAttempts ?? 3,
    requestHandler: {
      requestTimeout: settings.requestTimeoutMs ?? 2000,
      connectionTimeout: settings.connectionTimeoutMs ?? 1000,
    },
  };
}

export interface AwsClients {
  readonly dynamodb: DynamoDBClient;
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  readonly s3: S3Client;
  readonly secretsManager: SecretsManagerClient;
}

/** Clients are created lazily, so a function only pays for (and connects to) what it uses. */
export function createAwsClients(settings: AwsClientSettings = {}): AwsClients {
  const config = commonConfig(settings);
  let dynamodb: DynamoDBClient | undefined;
  let sqs: SQSClient | undefined;
  let sns: SNSClient | undefined;
  let s3: S3Client | undefined;
  let secretsManager: SecretsManagerClient | undefined;
  return {
    get dynamodb() {
      return (dynamodb ??= new DynamoDBClient(config));
    },
    // Queue URLs name a host of their own (`sqs.<region>.localhost` on fauxqs); send to the
    // configured endpoint instead (harmless on AWS, required locally: TOOLCHAIN.md).
    get sqs() {
      return (sqs ??= new SQSClient({ ...config, useQueueUrlAsEndpoint: false }));
    },
    get sns() {
      return (sns ??= new SNSClient(config));
    },
    get s3() {
      return (s3 ??= new S3Client({ ...config, forcePathStyle: Boolean(process.env['AWS_ENDPOINT_URL_S3']) }));
    },
    get secretsManager() {
      return (secretsManager ??= new SecretsManagerClient(config));
    },
  };
}
