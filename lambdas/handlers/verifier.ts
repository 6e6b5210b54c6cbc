/** Lambda entry point of the verifier: wiring only; the logic is in `../verifier/handler.ts`. */
import { createAwsClients } from '../adapters/aws-clients';
import { createTelemetry } from '../observability/telemetry';
import { loadVerifierConfig } from '../runtime-config';
import { createVerifierHandler } from '../verifier/handler';

export const handler = createVerifierHandler({
  config: loadVerifierConfig(process.env),
  clients: createAwsClients(),
  telemetry: createTelemetry('hookrelay-verifier'),
});
