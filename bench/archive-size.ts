/**
 * `npx tsx bench/archive-size.ts`: what one archived event weighs, per provider, for the archive's
 * cost: the envelope, the SNS notification Firehose receives (what it bills, in 5 KB steps), and
 * the GZIP bytes per event in an object of 1,000 of the provider's sample events (what S3 stores and
 * Athena scans). Every figure is computed from the providers' own samples (`npm run send` sends
 * the same), with a topic ARN and unsubscribe URL of the lengths a deployed stack has.
 */
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { archiveLine } from '../lambdas/core/archive-format';
import { envelopeAttributes, envelopeText, stringifyForWire } from '../lambdas/core/envelope';
import { allProviders } from '../lambdas/core/registry';

const EVENTS_PER_OBJECT = 1000;
const TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:hookrelay-prod-StripePipelineTopicD6A8C2F1-Ab12Cd34Ef56';
const FIREHOSE_BILLING_STEP = 5 * 1024;

/** The payloads of one sample request: a JSON body, each element of a JSON batch, or form parameters as JSON. */
function payloadsOf(body: string): string[] {
  try {
    const parsed = JSON.parse(body) as unknown;
    return Array.isArray(parsed) ? parsed.map((element) => JSON.stringify(element)) : [body];
  } catch {
    return [stringifyForWire(Object.fromEntries(new URLSearchParams(body)))];
  }
}

function archivedLineOf(provider: string, type: string, payload: string): string {
  const header = { id: `evt_${randomUUID().replace(/-/g, '')}`, provider, source: provider, type, receivedAt: new Date().toISOString() };
  const attributes = envelopeAttributes(header);
  return archiveLine({
    Type: 'Notification',
    MessageId: randomUUID(),
    TopicArn: TOPIC_ARN,
    Message: envelopeText(header, { json: payload }),
    Timestamp: new Date().toISOString(),
    UnsubscribeURL: `https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${TOPIC_ARN}:${randomUUID()}`,
    MessageAttributes: Object.fromEntries(Object.entries(attributes).map(([name, value]) => [name, { Type: 'String', Value: value }])),
  });
}

const rows: { provider: string; envelope: number; notification: number; billed: number; gzip: number }[] = [];
for (const provider of allProviders()) {
  const sample = provider.samples.types[provider.samples.defaultType]!;
  const context = { url: `https://hooks.example.com/webhooks/${provider.name}`, nowSeconds: Math.floor(Date.now() / 1000) };
  const lines: string[] = [];
  let envelopeBytes = 0;
  while (lines.length < EVENTS_PER_OBJECT) {
    for (const payload of payloadsOf(sample(context))) {
      const line = archivedLineOf(provider.name, provider.samples.defaultType, payload);
      envelopeBytes += Buffer.byteLength(JSON.parse(line).Message as string);
      lines.push(line);
    }
  }
  const lineBytes = lines.map((line) => Buffer.byteLength(line));
  const average = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  rows.push({
    provider: provider.name,
    envelope: envelopeBytes / lines.length,
    notification: average(lineBytes),
    billed: average(lineBytes.map((bytes) => Math.ceil(bytes / FIREHOSE_BILLING_STEP) * FIREHOSE_BILLING_STEP)),
    gzip: gzipSync(lines.join('')).length / lines.length,
  });
}

const kb = (bytes: number) => (bytes / 1024).toFixed(2);
console.log(`bytes per archived event (${EVENTS_PER_OBJECT} sample events per object; KB = 1,024 bytes)`);
console.log('provider    envelope KB  notification KB  Firehose billed KB  GZIP KB  ratio');
for (const row of rows) {
  console.log(
    `${row.provider.padEnd(11)} ${kb(row.envelope).padStart(11)}  ${kb(row.notification).padStart(15)}  ${kb(row.billed).padStart(18)}  ${kb(row.gzip).padStart(7)}  ${(row.notification / row.gzip).toFixed(1).padStart(5)}`,
  );
}
const mean = (key: 'envelope' | 'notification' | 'billed' | 'gzip') => rows.reduce((sum, row) => sum + row[key], 0) / rows.length;
console.log(`${'mean'.padEnd(11)} ${kb(mean('envelope')).padStart(11)}  ${kb(mean('notification')).padStart(15)}  ${kb(mean('billed')).padStart(18)}  ${kb(mean('gzip')).padStart(7)}  ${(mean('notification') / mean('gzip')).toFixed(1).padStart(5)}`);
