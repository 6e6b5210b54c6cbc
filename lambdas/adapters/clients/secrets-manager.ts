import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { clientConfig, type AwsClientSettings } from './settings';

export const createSecretsManagerClient = (settings?: AwsClientSettings) => new SecretsManagerClient(clientConfig(settings));
