import { SNSClient } from '@aws-sdk/client-sns';
import { clientConfig, type AwsClientSettings } from './settings';

export const createSNSClient = (settings?: AwsClientSettings) => new SNSClient(clientConfig(settings));
