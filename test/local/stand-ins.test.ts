import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';

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

  it('Secrets Manager returns what was stored', async () => {
    const client = new SecretsManagerClient({});
    const Name = `s-${randomUUID()}`;
    await client.send(new CreateSecretCommand({ Name, SecretString: '{"secrets":["a"]}' }));
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: Name }));
    expect(SecretString).toBe('{"secrets":["a"]}');
  });
});
