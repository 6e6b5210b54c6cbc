import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { StandInEndpoints } from '../../local/stand-ins';

const endpoints = JSON.parse(process.env['HOOKRELAY_STAND_INS']!) as StandInEndpoints;

/** Resolves with the connection outcome: 'connected', or the error code. */
function tryConnect(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
}

describe('Local AWS stand-ins (real SDK clients over the wire)', () => {
  it('DynamoDB refuses the second conditional put on one key', async () => {
    // Prepare
    const client = new DynamoDBClient({});
    const TableName = `t-${randomUUID()}`;
    await client.send(
      new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      }),
    );
    const put = () =>
      client.send(
        new PutItemCommand({ TableName, Item: { id: { S: 'k' } }, ConditionExpression: 'attribute_not_exists(id)' }),
      );

    // Act
    const results = await Promise.allSettled([put(), put(), put()]);

    // Assess
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('SQS round-trips a message', async () => {
    const client = new SQSClient({ useQueueUrlAsEndpoint: false });
    const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: `q-${randomUUID()}` }));
    await client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'hello' }));
    const { Messages } = await client.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
    expect(Messages?.map((m) => m.Body)).toEqual(['hello']);
  });

  it.each([
    { case: 'an emoji (outside the BMP, which SQS accepts)', body: '{"note":"café 🎉"}', accepted: true },
    { case: 'U+FFFE (which SQS refuses)', body: '{"note":"\uFFFE"}', accepted: false },
  ])('SQS applies its documented character rule to $case', async ({ body, accepted }) => {
    // Prepare
    const client = new SQSClient({ useQueueUrlAsEndpoint: false });
    const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: `q-${randomUUID()}` }));

    // Act
    const outcome = await client.send(new SendMessageCommand({ QueueUrl, MessageBody: body })).then(
      () => 'accepted',
      (error: Error) => error.name,
    );

    // Assess
    expect(outcome).toMatch(accepted ? /^accepted$/ : /InvalidMessageContents$/);
    if (accepted) {
      const { Messages } = await client.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
      expect(Messages?.map((m) => m.Body)).toEqual([body]);
    }
  });

  it.each(Object.entries(endpoints).map(([service, url]) => ({ service, port: Number(new URL(url).port) })))(
    '$service listens on loopback only: a connection to this machine\'s network address is refused',
    async ({ port }) => {
      // Prepare
      const address = Object.values(networkInterfaces())
        .flat()
        .find((entry) => entry !== undefined && entry.family === 'IPv4' && !entry.internal)?.address;
      expect(address).toBeDefined();

      // Act
      const [loopback, network] = await Promise.all([tryConnect('127.0.0.1', port), tryConnect(address!, port)]);

      // Assess
      expect({ loopback, network }).toEqual({ loopback: 'connected', network: 'ECONNREFUSED' });
    },
  );

  it('Secrets Manager returns what was stored', async () => {
    const client = new SecretsManagerClient({});
    const Name = `s-${randomUUID()}`;
    await client.send(new CreateSecretCommand({ Name, SecretString: '{"secrets":["a"]}' }));
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: Name }));
    expect(SecretString).toBe('{"secrets":["a"]}');
  });
});
