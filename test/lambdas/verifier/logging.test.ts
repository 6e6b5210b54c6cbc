import { randomUUID } from 'node:crypto';
import { envelopeAttributes, envelopeText, escapeNoncharacters, maxInlineMessageBytes, messageBytes } from '../../../lambdas/core/envelope';
import type { VerifierHandler } from '../../../lambdas/verifier/handler';
import { REFUSAL_QUERY_FIELDS, VERIFIER_REFUSAL_MESSAGE } from '../../../lib/constructs/refusal-queries';
import { MAX_LOGGED_IDS } from '../../../lambdas/observability/log-lines';
import { lambdaContext } from '../../../local/queue-poller';
import { DEFAULT_LARGE_PAYLOAD_THRESHOLD_BYTES } from '../../../lambdas/runtime-config';
import { SENDGRID_KEYS, sendgridSignature } from '../../fixtures/sendgrid';
import { webhookEvent } from '../../helpers/api-gateway-events';
import { githubSignatureHeader, stripeEventBody, stripeSignatureHeader } from '../../helpers/official-signers';
import { captureWrites, setEnvironment, type CapturedWrites } from '../../helpers/process-state';
import { verifierUnderTest } from '../../helpers/verifier-under-test';

/**
 * What the verifier writes to CloudWatch: one line per request naming route, code, sizes and
 * timings, on the request's metrics line — never the payload, a received signature, a computed MAC
 * or a secret.
 */
describe('Handler: verifier logging', () => {
  const SECRET = 'whsec_logging_secret_value';
  const MARKER = 'PAYLOAD-MARKER-0b7e';
  let verifier: VerifierHandler;
  let stdout: CapturedWrites | undefined;
  let restoreEnvironment: (() => void) | undefined;
  /** The JSON lines written since the test began. */
  const writtenRecords = () => stdout!.text().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);

  beforeAll(async () => {
    restoreEnvironment = setEnvironment({ POWERTOOLS_LOG_LEVEL: 'DEBUG', POWERTOOLS_METRICS_DISABLED: 'false' });
    stdout = captureWrites(process.stdout);
    ({ verifier } = await verifierUnderTest({
      secrets: { stripe: [SECRET], sendgrid: [SENDGRID_KEYS.publicKeyBase64], github: [SECRET] },
      // No payload bucket: a payload that cannot travel inline is escaped or refused.
      withPayloadBucket: false,
      maxBodyBytes: 1024 * 1024,
      serviceName: 'log-test',
    }));
  });

  afterAll(() => {
    stdout?.restore();
    restoreEnvironment?.();
  });
  beforeEach(() => stdout!.clear());

  it.each([
    { case: 'accepted', sign: (b: string) => stripeSignatureHeader(b, SECRET), tamper: false, status: 200 },
    { case: 'wrong secret', sign: (b: string) => stripeSignatureHeader(b, 'whsec_someone_else'), tamper: false, status: 401 },
    { case: 'tampered body', sign: (b: string) => stripeSignatureHeader(b, SECRET), tamper: true, status: 401 },
  ])('$case: logs provider, status and code, and none of payload, signature or secret', async ({ sign, tamper, status }) => {
    // Prepare
    const { body } = stripeEventBody('charge.succeeded', { description: MARKER });
    const signature = sign(body);

    // Act
    const response = await verifier(webhookEvent('stripe', tamper ? body.replace('2000', '2001') : body, { 'Stripe-Signature': signature }), lambdaContext('log-test'));

    // Assess
    expect(response.statusCode).toBe(status);
    const output = stdout!.text();
    const records = writtenRecords();
    const requestLine = records.find((record) => record['status'] === status);
    expect(requestLine).toEqual(expect.objectContaining({ route: 'stripe', provider: 'stripe', status, bodyBytes: Buffer.byteLength(body), _aws: expect.any(Object) }));
    if (status === 200) expect(requestLine).toEqual(expect.objectContaining({ secretIndex: 0 }));
    else expect(requestLine).toEqual(expect.objectContaining({ code: 'INVALID_SIGNATURE' }));
    expect(output).not.toContain(MARKER);
    expect(output).not.toContain(SECRET);
    for (const part of signature.split(',').filter((p) => p.startsWith('v1='))) expect(output).not.toContain(part.slice(3));
    expect(records.some((record) => record['_aws'] !== undefined)).toBe(true); // EMF metrics were emitted
  });

  it('an accepted request writes one line: its metrics, carrying the request line', async () => {
    // Prepare
    const { body } = stripeEventBody('charge.succeeded');

    // Act
    const response = await verifier(webhookEvent('stripe', body, { 'Stripe-Signature': stripeSignatureHeader(body, SECRET) }), lambdaContext('log-test'));

    // Assess
    expect(response.statusCode).toBe(200);
    const records = writtenRecords();
    expect(records).toEqual([expect.objectContaining({ message: 'Webhook accepted', route: 'stripe', Received: 1, Verified: 1, Enqueued: 1, function_request_id: expect.any(String) })]);
  });

  it.each([
    { case: 'one event', events: 1 },
    { case: `${MAX_LOGGED_IDS} events`, events: MAX_LOGGED_IDS },
    { case: `${MAX_LOGGED_IDS + 5} events`, events: MAX_LOGGED_IDS + 5 },
  ])('a batch of $case: the accepted line counts every event and names at most the first MAX_LOGGED_IDS', async ({ events }) => {
    // Prepare
    const ids = Array.from({ length: events }, (_, index) => `sg-${Date.now()}-${index}`);
    const body = JSON.stringify(ids.map((sg_event_id) => ({ email: 'a@example.com', event: 'delivered', sg_event_id, timestamp: 1 })));
    const timestamp = String(Math.floor(Date.now() / 1000));
    const headers = { 'X-Twilio-Email-Event-Webhook-Signature': sendgridSignature(body, timestamp), 'X-Twilio-Email-Event-Webhook-Timestamp': timestamp };

    // Act
    const response = await verifier(webhookEvent('sendgrid', body, headers), lambdaContext('log-test'));

    // Assess
    expect(response.statusCode).toBe(200);
    const records = writtenRecords();
    const accepted = records.find((record) => record['message'] === 'Webhook accepted');
    expect(accepted).toEqual(expect.objectContaining({ eventIds: ids.slice(0, MAX_LOGGED_IDS), eventIdsCount: events, Enqueued: events }));
    expect(accepted?.['eventIdsTruncated']).toEqual(events > MAX_LOGGED_IDS ? true : undefined);
  });

  it.each([
    { case: 'exactly at the inline limit is accepted', over: 0, status: 200 },
    { case: 'one byte over the inline limit is refused 413, logging its escaped size', over: 1, status: 413 },
  ])('without a payload bucket, an envelope whose payload is escaped (U+FFFE → \\uFFFE) $case', async ({ over, status }) => {
    // Prepare: the helper's verifier runs with the default claim-check threshold (200,000 bytes).
    const header = { id: randomUUID(), provider: 'github', source: 'github', type: 'push', receivedAt: new Date().toISOString() };
    const bodyOf = (filler: number) => `{"text":"\uFFFE${'x'.repeat(filler)}"}`;
    const escapedBytes = (body: string) => messageBytes(envelopeText(header, { json: escapeNoncharacters(body) }), envelopeAttributes(header));
    const body = bodyOf(maxInlineMessageBytes(DEFAULT_LARGE_PAYLOAD_THRESHOLD_BYTES) - escapedBytes(bodyOf(0)) + over);
    const headers = { 'X-Hub-Signature-256': await githubSignatureHeader(body, SECRET), 'X-GitHub-Delivery': header.id, 'X-GitHub-Event': header.type };

    // Act
    const response = await verifier(webhookEvent('github', body, headers), lambdaContext('log-test'));

    // Assess
    expect(response.statusCode).toBe(status);
    const records = writtenRecords();
    const requestLine = records.find((record) => record['status'] === status);
    expect(escapedBytes(body)).toEqual(DEFAULT_LARGE_PAYLOAD_THRESHOLD_BYTES + over);
    if (status === 413) expect(requestLine).toEqual(expect.objectContaining({ code: 'PAYLOAD_TOO_LARGE', messageBytes: escapedBytes(body) }));
    else expect(requestLine).toEqual(expect.objectContaining({ message: 'Webhook accepted', eventIds: [header.id] }));
  });

  it("a refusal's line carries what the saved Logs Insights queries read: the message, the route, the code and every field they show", async () => {
    // Prepare
    const { body } = stripeEventBody('charge.succeeded');

    // Act
    await verifier(webhookEvent('stripe', body, { 'Stripe-Signature': stripeSignatureHeader(body, 'whsec_someone_else') }), lambdaContext('log-test'));

    // Assess
    const records = writtenRecords();
    const refusal = records.find((record) => record['message'] === VERIFIER_REFUSAL_MESSAGE);
    expect(refusal).toEqual(expect.objectContaining({ route: 'stripe', code: 'INVALID_SIGNATURE', status: 401, bodyBytes: expect.any(Number), ms: expect.any(Number) }));
    expect(REFUSAL_QUERY_FIELDS.filter((field) => refusal?.[field] === undefined)).toEqual([]);
  });

  it('an unknown route: metrics say provider "unknown" and logs a bounded copy of the path segment', async () => {
    // Prepare
    const route = `x${'y'.repeat(500)}`;

    // Act
    const response = await verifier(webhookEvent(route, '{}', {}), lambdaContext('log-test'));

    // Assess
    expect(response.statusCode).toBe(404);
    const records = writtenRecords();
    const metric = records.find((record) => record['_aws'] !== undefined);
    expect(metric).toEqual(expect.objectContaining({ provider: 'unknown', code: 'UNKNOWN_PROVIDER', Rejected: 1 }));
    expect(String(metric?.['route'])).toHaveLength(64);
    expect(metric?.['message']).toEqual(VERIFIER_REFUSAL_MESSAGE);
    expect(JSON.parse(response.body).error.length).toBeLessThan(120);
  });
});
