/** Lambda entry point of a provider's processor: wiring only; the logic is in `../processor/handler.ts`. */
import { createAwsClients } from '../adapters/aws-clients';
import { createTelemetry } from '../observability/telemetry';
import { createProcessorHandler } from '../processor/handler';
import { loadProcessorConfig } from '../runtime-config';

export const handler = createProcessorHandler({
  config: loadProcessorConfig(process.env),
  clients: createAwsClients(),
  telemetry: createTelemetry('hookrelay-processor'),
});
