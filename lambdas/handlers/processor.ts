/** Lambda entry point of a provider's processor: wiring only; the logic is in `../processor/handler.ts`. */
import type { ProcessorClients } from '../adapters/aws-clients';
import { createDynamoDBClient } from '../adapters/clients/dynamodb';
import { lazyClients } from '../adapters/clients/settings';
import { createSNSClient } from '../adapters/clients/sns';
import { createTelemetry } from '../observability/telemetry';
import { createProcessorHandler } from '../processor/handler';
import { loadProcessorConfig, SERVICE_NAMES } from '../runtime-config';

export const handler = createProcessorHandler({
  config: loadProcessorConfig(process.env),
  // Only the clients a processor calls, so only they are bundled (cold start).
  clients: lazyClients<ProcessorClients>({
    dynamodb: () => createDynamoDBClient(),
    sns: () => createSNSClient(),
  }),
  telemetry: createTelemetry(SERVICE_NAMES.processor),
});
