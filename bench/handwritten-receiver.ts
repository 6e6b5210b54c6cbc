/**
 * The receiver a team would write by hand instead of deploying hookrelay, as the cold-start
 * comparison's reference (bench/cold-start.ts bundles it with the stack's own esbuild options): the
 * Stripe SDK verifies the signature and parses the event, a conditional DynamoDB PutItem
 * deduplicates it, SQS takes it for later processing. Clients and the SDK are created at module
 * load, as such handlers usually do. It is never deployed; the bench only loads it.
 */
import { ConditionalCheckFailedException, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import Stripe from 'stripe';

const stripe = new Stripe(process.env['STRIPE_API_KEY'] ?? 'sk_test_unused');
const dynamodb = new DynamoDBClient({});
const sqs = new SQSClient({});

export async function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const body = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
  let stripeEvent: Stripe.Event;
  try {
    stripeEvent = stripe.webhooks.constructEvent(body, event.headers['Stripe-Signature'] ?? event.headers['stripe-signature'] ?? '', process.env['STRIPE_WEBHOOK_SECRET'] ?? '');
  } catch {
    return { statusCode: 400, body: JSON.stringify({ error: 'Invalid signature' }) };
  }
  try {
    await dynamodb.send(
      new PutItemCommand({
        TableName: process.env['TABLE_NAME'],
        Item: { id: { S: stripeEvent.id }, expiresAt: { N: String(Math.floor(Date.now() / 1000) + 7 * 24 * 3600) } },
        ConditionExpression: 'attribute_not_exists(id)',
      }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return { statusCode: 200, body: JSON.stringify({ received: true, duplicate: true }) };
    throw error;
  }
  await sqs.send(new SendMessageCommand({ QueueUrl: process.env['QUEUE_URL'], MessageBody: body }));
  return { statusCode: 200, body: JSON.stringify({ received: true }) };
}
