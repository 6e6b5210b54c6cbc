/** Lambda entry point of a provider's processor: wiring only; the logic is in `../processor/handler.ts`. */
import { createDynamoDBClient } from '../adapters/clients/dynamodb';
import { createSNSClient } from '../adapters/clients/sns';
import { createTelemetry } from '../observability/telemetry';
import { createProcessorHandler } from '../processor/handler';
import { loadProcessorConfig, SERVICE_NAMES } from '../environment';

export const handler = createProcessorHandler({
  config: loadProcessorConfig(process.env),
  // Only the clients a processor calls, so only they are bundled (cold start); every batch needs
  // both, so both are built at init.
  clients: { dynamodb: createDynamoDBClient(), sns: createSNSClient() },
  telemetry: createTelemetry(SERVICE_NAMES.processor),
});
