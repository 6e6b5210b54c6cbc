/** Lambda entry point of the verifier: wiring only; the logic is in `../verifier/handler.ts`. */
import type { S3Client } from '@aws-sdk/client-s3';
import type { VerifierClients } from '../adapters/aws-clients';
import { createDynamoDBClient } from '../adapters/clients/dynamodb';
import { createS3Client } from '../adapters/clients/s3';
import { createSecretsManagerClient } from '../adapters/clients/secrets-manager';
import { createSQSClient } from '../adapters/clients/sqs';
import { createTelemetry } from '../observability/telemetry';
import { loadVerifierConfig, SERVICE_NAMES } from '../runtime-config';
import { createVerifierHandler } from '../verifier/handler';

let s3: S3Client | undefined;

/**
 * Only the clients the verifier calls are bundled (cold start). Those every request needs are
 * built at init, where Lambda gives the function a whole CPU; S3 is loaded and built on the first
 * claim check only, from the runtime's SDK (`adapters/clients/s3.ts`): most requests never need it.
 */
const clients: VerifierClients = {
  dynamodb: createDynamoDBClient(),
  sqs: createSQSClient(),
  secretsManager: createSecretsManagerClient(),
  get s3() {
    return (s3 ??= createS3Client());
  },
};

export const handler = createVerifierHandler({
  config: loadVerifierConfig(process.env),
  clients,
  telemetry: createTelemetry(SERVICE_NAMES.verifier),
});
