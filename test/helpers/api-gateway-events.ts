import type { APIGatewayProxyEvent } from 'aws-lambda';
import { toApiGatewayEvent } from '../../local/api-gateway-event';

/** An API Gateway proxy event for `POST /webhooks/{provider}`, built like the local gateway builds it. */
export function webhookEvent(provider: string, body: string | Buffer, headers: Record<string, string>): APIGatewayProxyEvent {
  return toApiGatewayEvent({
    method: 'POST',
    path: `/webhooks/${provider}`,
    query: new URLSearchParams(),
    headers: { host: 'hooks.example.test', 'content-type': 'application/json', ...lowerCaseKeys(headers) },
    body: Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'),
    sourceIp: '203.0.113.10',
  });
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([key, value]) => [key.toLowerCase(), value]));
}
