/** Lambda entry point of the verifier: wiring only; the logic is in `../verifier/handler.ts`. */
import type { VerifierClients } from '../adapters/aws-clients';
import { createDynamoDBClient } from '../adapters/clients/dynamodb';
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
    // Loaded on the first claim check only: most requests never need S3, so a cold start does not
    // evaluate its client (esbuild bundles a `require`d module as a lazily initialised part).
    s3: () => (require('../adapters/clients/s3') as typeof import('../adapters/clients/s3')).createS3Client(),
    secretsManager: () => createSecretsManagerClient(),
  }),
  telemetry: createTelemetry(SERVICE_NAMES.verifier),
});
