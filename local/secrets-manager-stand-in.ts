import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A Secrets Manager stand-in speaking the real wire protocol (awsJson1_1 over HTTP), so the real
 * `SecretsManagerClient` talks to it unchanged. Only what hookrelay uses: GetSecretValue,
 * PutSecretValue and CreateSecret. No Secrets Manager stand-in on npm runs in-process here.
 */
export interface SecretsManagerStandIn {
  readonly endpoint: string;
  /** Sets (or creates) a secret's current string value. */
  setSecret(secretId: string, value: string): void;
  stop(): Promise<void>;
}

interface StoredSecret {
  name: string;
  arn: string;
  value: string;
  versionId: string;
}

export async function startSecretsManagerStandIn(port = 0, region = 'us-east-1'): Promise<SecretsManagerStandIn> {
  const secrets = new Map<string, StoredSecret>();
  let version = 0;

  const put = (secretId: string, value: string): StoredSecret => {
    const existing = secrets.get(secretId) ?? [...secrets.values()].find((s) => s.arn === secretId);
    const name = existing?.name ?? secretId;
    const stored: StoredSecret = {
      name,
      arn: existing?.arn ?? `arn:aws:secretsmanager:${region}:000000000000:secret:${name}-AbCdEf`,
      value,
      versionId: `v${++version}`,
    };
    secrets.set(name, stored);
    return stored;
  };
  const find = (secretId: unknown): StoredSecret | undefined =>
    typeof secretId === 'string' ? (secrets.get(secretId) ?? [...secrets.values()].find((s) => s.arn === secretId)) : undefined;

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const reply = (status: number, body: unknown, errorType?: string) => {
        res.writeHead(status, {
          'content-type': 'application/x-amz-json-1.1',
          ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
        });
        res.end(JSON.stringify(body));
      };
      let input: Record<string, unknown>;
      try {
        input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        return reply(400, { __type: 'InvalidRequestException', message: 'Body is not JSON' }, 'InvalidRequestException');
      }
      const operation = String(req.headers['x-amz-target'] ?? '').replace('secretsmanager.', '');
      switch (operation) {
        case 'GetSecretValue': {
          const secret = find(input['SecretId']);
          if (!secret) {
            return reply(
              400,
              { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." },
              'ResourceNotFoundException',
            );
          }
          return reply(200, {
            ARN: secret.arn,
            Name: secret.name,
            SecretString: secret.value,
            VersionId: secret.versionId,
            VersionStages: ['AWSCURRENT'],
            CreatedDate: Date.now() / 1000,
          });
        }
        case 'CreateSecret':
        case 'PutSecretValue': {
          const id = input[operation === 'CreateSecret' ? 'Name' : 'SecretId'];
          if (typeof id !== 'string' || typeof input['SecretString'] !== 'string') {
            return reply(400, { __type: 'InvalidParameterException', message: 'SecretId and SecretString are required' }, 'InvalidParameterException');
          }
          const stored = put(id, input['SecretString']);
          return reply(200, { ARN: stored.arn, Name: stored.name, VersionId: stored.versionId });
        }
        default:
          return reply(400, { __type: 'UnknownOperationException', message: `Unsupported: ${operation}` }, 'UnknownOperationException');
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: boundPort } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${boundPort}`,
    setSecret: (secretId, value) => void put(secretId, value),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
