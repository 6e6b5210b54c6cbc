import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { clientConfig, type AwsClientSettings } from './settings';

export const createDynamoDBClient = (settings?: AwsClientSettings) => new DynamoDBClient(clientConfig(settings));
