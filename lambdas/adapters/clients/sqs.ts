import { SQSClient } from '@aws-sdk/client-sqs';
import { clientConfig, type AwsClientSettings } from './settings';

// Queue URLs name a host of their own (`sqs.<region>.localhost` on fauxqs); send to the configured
// endpoint instead: harmless on AWS, and required by local stand-ins whose queue URLs name hosts
// that do not resolve (fauxqs: `sqs.us-east-1.localhost`, ENOTFOUND).
export const createSQSClient = (settings?: AwsClientSettings) =>
  new SQSClient({ ...clientConfig(settings), useQueueUrlAsEndpoint: false });
