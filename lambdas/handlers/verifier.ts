/** Lambda entry point of the verifier: wiring only; the logic is in `../verifier/handler.ts`. */
import type { VerifierClients } from '../adapters/aws-clients';
import { createDynamoDBClient } from '../adapters/clients/dynamodb';
import { createS3Client } from '../adapters/clients/s3';
import { createSecretsManagerClient } from '../adapters/clients/secrets-manager';
import { lazyClients } from '../adapters/clients/settings';
import { createSQSClient } from '../adapters/clients/sqs';
import { createTelemetry } from '../observability/telemetry';
import { loadVerifierConfig, SERVICE_NAMES } from '../runtime-config';
import { createVerifierHandler } from '../verifier/handler';

export const handler = createVerifierHandler({
  config: loadVerifierConfig(process.env),
  // Only the clients the verifier calls, so only they are bundled (cold start).
  clients: lazyClients<VerifierClients>({
    dynamodb: () => createDynamoDBClient(),
    sqs: () => createSQSClient(),
    s3: () => createS3Client(),
    secretsManager: () => createSecretsManagerClient(),
  }),
  telemetry: createTelemetry(SERVICE_NAMES.verifier),
});
