import type { AddressInfo } from 'node:net';
import { startLocalFauxqs } from './fauxqs';
import { LOCAL_REGION, standInEnvironment, type StandInEndpoints } from '../lambdas/adapters/clients/stand-in-environment';
import { startSecretsManagerStandIn, type SecretsManagerStandIn } from './secrets-manager-stand-in';

export { LOCAL_REGION, standInEnvironment, type StandInEndpoints };

/**
 * Local stand-ins for every AWS service hookrelay calls, each spoken to with the real SDK client
 * over its real wire protocol: dynalite (DynamoDB), fauxqs (SQS, SNS, S3) and a small Secrets
 * Manager server, every one listening on 127.0.0.1 only. Point the SDK at them with
 * `standInEnvironment(endpoints)`.
 */
export interface StandIns {
  readonly endpoints: StandInEndpoints;
  readonly secretsManager: SecretsManagerStandIn;
  stop(): Promise<void>;
}

export interface StandInOptions {
  /** Keep DynamoDB data in this folder across restarts. @default in memory */
  readonly dataDirectory?: string;
  /** @default 0 (any free port) for each service */
  readonly dynamodbPort?: number;
  readonly fauxqsPort?: number;
  readonly secretsManagerPort?: number;
}


export async function startStandIns(options: StandInOptions = {}): Promise<StandIns> {
  const { default: dynalite } = await import('dynalite');

  const dynamo = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(options.dataDirectory ? { path: options.dataDirectory } : {}) });
  await new Promise<void>((resolve, reject) => {
    dynamo.once('error', reject);
    dynamo.listen(options.dynamodbPort ?? 0, '127.0.0.1', () => resolve());
  });
  const fauxqs = await startLocalFauxqs(options.fauxqsPort ?? 0);
  const secretsManager = await startSecretsManagerStandIn(options.secretsManagerPort ?? 0, LOCAL_REGION);

  const fauxqsEndpoint = `http://127.0.0.1:${fauxqs.port}`;
  return {
    endpoints: {
      dynamodb: `http://127.0.0.1:${(dynamo.address() as AddressInfo).port}`,
      sqs: fauxqsEndpoint,
      sns: fauxqsEndpoint,
      s3: fauxqsEndpoint,
      secretsManager: secretsManager.endpoint,
    },
    secretsManager,
    async stop() {
      await Promise.allSettled([
        new Promise<void>((resolve) => dynamo.close(() => resolve())),
        fauxqs.stop(),
        secretsManager.stop(),
      ]);
    },
  };
}

/** The environment variables that make every AWS SDK v3 client use the stand-ins. */
