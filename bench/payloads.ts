/**
 * Realistic ~3 KB webhook bodies for the verification-CPU cases, each with its floor: signed with
 * node:crypto exactly as the provider's documentation (and the test suite's official signers) say,
 * or by the provider's own module (bench/cases.ts `providerCase`, which each provider's test checks
 * against the sender's package). `checkStripeSigner` proves the Stripe signer against the `stripe`
 * package once per run.
 */
import { createHmac, generateKeyPairSync, randomBytes, randomUUID, sign, type KeyObject } from 'node:crypto';
import Stripe from 'stripe';
import type { ProviderName } from '../lambdas/core/registry';
import { providerCase, TARGET_BODY_BYTES } from './cases';


/** Pads `build(padding)` with a note field until the serialised body is about `target` bytes. */
function padTo(target: number, build: (padding: string) => string): string {
  const base = build('');
  const missing = target - Buffer.byteLength(base);
  return missing > 0 ? build('x'.repeat(missing)) : base;
}

const LINE_ITEMS = Array.from({ length: 4 }, (_, i) => ({
  id: `li_1Pq${i}XyZ2eZvKYlo2C0kL3mN`,
  object: 'item',
  amount_subtotal: 1999 + i * 250,
  amount_total: 2199 + i * 250,
  currency: 'eur',
  description: `Café crème ☕ bundle ${i + 1} for Zoë 🚀`,
  price: { id: `price_1Pq${i}A2eZvKYlo2CAbCdEf`, unit_amount: 1999 + i * 250, product: `prod_Q${i}bCdEfGhIjK` },
  quantity: 1 + i,
}));

// ---------------------------------------------------------------------------------------------
// Stripe

export const STRIPE_BENCH_SECRET = 'whsec_hookrelay_bench_stripe_secret_0123456789';

/** A `payment_intent.succeeded` event as Stripe sends it (pretty-printed), about 3 KB. */
export function stripeEventBody(id: string, createdSeconds: number, target = TARGET_BODY_BYTES): string {
  return padTo(target, (note) =>
    JSON.stringify(
      {
        id,
        object: 'event',
        api_version: '2024-06-20',
        created: createdSeconds,
        data: {
          object: {
            id: 'pi_3PqXyZ2eZvKYlo2C1a2b3c4d',
            object: 'payment_intent',
            amount: 9246,
            amount_received: 9246,
            currency: 'eur',
            customer: 'cus_QaBcDeFgHiJkLm',
            description: 'Order #1042 — Café crème ☕ for Zoë 🚀',
            latest_charge: 'ch_3PqXyZ2eZvKYlo2C1n2o3p4q',
            metadata: { order_id: '1042', tenant: 'acme', note },
            payment_method: 'pm_1PqXyZ2eZvKYlo2CzYxWvUtS',
            payment_method_types: ['card'],
            shipping: { name: 'Zoë Müller', address: { city: 'Berlin', country: 'DE', line1: 'Straße 1', postal_code: '10115' } },
            status: 'succeeded',
            line_items: LINE_ITEMS,
          },
        },
        livemode: false,
        pending_webhooks: 1,
        request: { id: 'req_AbCdEfGhIjKlMn', idempotency_key: '6f1c1e6e-7d5a-4b8e-9f3e-1c2d3e4f5a6b' },
        type: 'payment_intent.succeeded',
      },
      null,
      2,
    ),
  );
}

let stripeSequence = 0;
/** A fresh, unique Stripe event id (the same length every time). */
export function uniqueStripeEventId(): string {
  return `evt_${process.pid.toString(36).padStart(5, '0')}${(stripeSequence++).toString(36).padStart(7, '0')}${randomBytes(6).toString('hex')}`;
}

/** `Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "{t}.{body}">`, with node:crypto. */
export function stripeSignature(body: string | Buffer, timestampSeconds: number, secret = STRIPE_BENCH_SECRET): string {
  const mac = createHmac('sha256', secret).update(`${timestampSeconds}.`).update(body).digest('hex');
  return `t=${timestampSeconds},v1=${mac}`;
}

/** Our signer must agree with Stripe's own SDK, both ways; throws otherwise. */
export function checkStripeSigner(): void {
  const stripe = new Stripe('sk_test_hookrelay_bench');
  const body = stripeEventBody(uniqueStripeEventId(), Math.floor(Date.now() / 1000));
  const timestamp = Math.floor(Date.now() / 1000);
  const ours = stripeSignature(body, timestamp);
  const theirs = stripe.webhooks.generateTestHeaderString({ payload: body, secret: STRIPE_BENCH_SECRET, timestamp });
  if (ours !== theirs) throw new Error(`Stripe signer disagrees with the stripe package:\n  ours:   ${ours}\n  stripe: ${theirs}`);
  stripe.webhooks.constructEvent(body, ours, STRIPE_BENCH_SECRET); // throws if Stripe would refuse it
}

// ---------------------------------------------------------------------------------------------
// Every provider: one signed ~3 KB request for the pure core, plus what its floor needs.

/** What the floor of a provider verifies: the same bytes, the same key, nothing else. */
export type FloorInput =
  | { readonly kind: 'hmac'; readonly algorithm: 'sha1' | 'sha256'; readonly key: string | Buffer; readonly parts: ReadonlyArray<string | Buffer>; readonly mac: Buffer; readonly parse: 'json' | 'form' }
  | { readonly kind: 'ecdsa'; readonly key: KeyObject; readonly parts: ReadonlyArray<string | Buffer>; readonly signature: Buffer }
  | { readonly kind: 'ed25519'; readonly key: KeyObject; readonly prefix: Buffer; readonly signature: Buffer };

export interface SignedCase {
  /** Row label: the provider name, plus the scheme where a provider has several. */
  readonly label: string;
  readonly provider: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  readonly url: string;
  readonly secrets: readonly string[];
  readonly nowSeconds: number;
  readonly options?: unknown;
  readonly floor: FloorInput;
  /** What the floor is, in words (for the table). */
  readonly floorName: string;
}

const NOW = 1_700_000_000;

const hmacOf = (algorithm: 'sha1' | 'sha256', key: string | Buffer, ...parts: Array<string | Buffer>) => {
  const mac = createHmac(algorithm, key);
  for (const part of parts) mac.update(part);
  return mac.digest();
};

/** A generic ~3 KB JSON document with the given top-level fields first. */
function jsonDocument(fields: Record<string, unknown>, pretty = false): string {
  return padTo(TARGET_BODY_BYTES, (note) =>
    JSON.stringify({ ...fields, items: LINE_ITEMS, customer: { name: 'Zoë Müller', email: 'zoe@example.com', tags: ['vip', 'eu'] }, note }, null, pretty ? 2 : undefined),
  );
}

/** HubSpot's batch: `count` property changes, ~3 KB for ten. */
function hubspotBatch(count: number) {
  return Array.from({ length: count }, (_, i) => ({
    eventId: 1_000_000 + i,
    subscriptionId: 1_234_562,
    portalId: 62515,
    appId: 54321,
    occurredAt: NOW * 1000 + i,
    subscriptionType: 'contact.propertyChange',
    attemptNumber: 0,
    objectId: 5_100_000_000 + i,
    propertyName: 'firstname',
    propertyValue: `Zoë ${i} — café crème ☕`,
    changeSource: 'CRM',
    sourceId: 'userId:8675309',
  }));
}

/** Where a module-signed case's floor finds the MAC: a header, the part `pattern` captures, its encoding. */
interface MacLocation {
  readonly header: string;
  readonly pattern?: RegExp;
  readonly encoding: 'hex' | 'base64';
}

/**
 * `body` signed at NOW by the provider's module with its development secret (bench/cases.ts
 * `providerCase`), and its HMAC-SHA256 floor: `floor` names the signed parts, in the order the
 * sender's documentation gives them, and where the module put the MAC.
 */
function moduleSignedCase(
  provider: ProviderName,
  label: string,
  body: string,
  floor: (sent: { url: string; body: Buffer; headers: Record<string, string> }) => { parts: ReadonlyArray<string | Buffer>; mac: MacLocation; floorName: string },
): SignedCase {
  const signed = providerCase(provider, { nowSeconds: NOW, body });
  const headers = Object.fromEntries(Object.entries(signed.sent.headers).map(([name, value]) => [name.toLowerCase(), value]));
  const bytes = Buffer.from(signed.body);
  const { parts, mac, floorName } = floor({ url: signed.sent.url, body: bytes, headers });
  const sentMac = mac.pattern ? mac.pattern.exec(headers[mac.header] ?? '')?.[1] : headers[mac.header];
  if (sentMac === undefined) throw new Error(`${label}: the module sent no MAC in ${mac.header}`);
  return {
    label,
    provider,
    headers,
    body: bytes,
    url: signed.sent.url,
    secrets: signed.settings.secrets,
    nowSeconds: NOW,
    floor: { kind: 'hmac', algorithm: 'sha256', key: signed.signingSecret, parts, mac: Buffer.from(sentMac, mac.encoding), parse: 'json' },
    floorName,
  };
}

export function signedCases(): SignedCase[] {
  const cases: SignedCase[] = [];

  {
    const body = stripeEventBody('evt_1HookrelayBenchCpu', NOW);
    const secret = STRIPE_BENCH_SECRET;
    const mac = hmacOf('sha256', secret, `${NOW}.`, body);
    cases.push({
      label: 'stripe',
      provider: 'stripe',
      headers: { 'stripe-signature': `t=${NOW},v1=${mac.toString('hex')}`, 'content-type': 'application/json' },
      body: Buffer.from(body),
      url: 'https://hooks.example.com/webhooks/stripe',
      secrets: [secret],
      nowSeconds: NOW,
      floor: { kind: 'hmac', algorithm: 'sha256', key: secret, parts: [`${NOW}.`, Buffer.from(body)], mac, parse: 'json' },
      floorName: 'HMAC-SHA256 + timingSafeEqual + JSON.parse',
    });
  }
  {
    const body = jsonDocument({ action: 'opened', issue: { number: 1042, title: 'Ünïcödé title 🐛' }, repository: { full_name: 'octo/hookrelay' } }, true);
    const secret = 'hookrelay-bench-github-secret';
    const mac = hmacOf('sha256', secret, body);
    cases.push({
      label: 'github',
      provider: 'github',
      headers: {
        'x-hub-signature-256': `sha256=${mac.toString('hex')}`,
        'x-github-delivery': randomUUID(),
        'x-github-event': 'issues',
        'content-type': 'application/json',
      },
      body: Buffer.from(body),
      url: 'https://hooks.example.com/webhooks/github',
      secrets: [secret],
      nowSeconds: NOW,
      floor: { kind: 'hmac', algorithm: 'sha256', key: secret, parts: [Buffer.from(body)], mac, parse: 'json' },
      floorName: 'HMAC-SHA256 + timingSafeEqual + JSON.parse',
    });
  }
  {
    const body = jsonDocument({ id: 820982911946154500, email: 'zoe@example.com', note_attributes: [], total_price: '92.46' });
    const secret = 'shpss_hookrelay_bench_client_secret';
    const mac = hmacOf('sha256', secret, body);
    cases.push({
      label: 'shopify',
      provider: 'shopify',
      headers: {
        'x-shopify-hmac-sha256': mac.toString('base64'),
        'x-shopify-topic': 'orders/create',
        'x-shopify-webhook-id': randomUUID(),
        'x-shopify-event-id': randomUUID(),
        'x-shopify-shop-domain': 'hookrelay.myshopify.com',
        'content-type': 'application/json',
      },
      body: Buffer.from(body),
      url: 'https://hooks.example.com/webhooks/shopify',
      secrets: [secret],
      nowSeconds: NOW,
      floor: { kind: 'hmac', algorithm: 'sha256', key: secret, parts: [Buffer.from(body)], mac, parse: 'json' },
      floorName: 'HMAC-SHA256 + timingSafeEqual + JSON.parse',
    });
  }
  {
    const body = jsonDocument({
      token: 'XXYYZZ',
      team_id: 'T123ABC456',
      api_app_id: 'A123ABC456',
      event: { type: 'app_mention', user: 'U123ABC456', text: 'Héllo <@U0LAN0Z89> 👋', channel: 'C123ABC456' },
      type: 'event_callback',
      event_id: 'Ev123ABC456',
      event_time: NOW,
    });
    const secret = '8f742231b10e8888abcd99yyyzzz85a5';
    const mac = hmacOf('sha256', secret, `v0:${NOW}:`, body);
    cases.push({
      label: 'slack',
      provider: 'slack',
      headers: { 'x-slack-signature': `v0=${mac.toString('hex')}`, 'x-slack-request-timestamp': String(NOW), 'content-type': 'application/json' },
      body: Buffer.from(body),
      url: 'https://hooks.example.com/webhooks/slack',
      secrets: [secret],
      nowSeconds: NOW,
      floor: { kind: 'hmac', algorithm: 'sha256', key: secret, parts: [`v0:${NOW}:`, Buffer.from(body)], mac, parse: 'json' },
      floorName: 'HMAC-SHA256 + timingSafeEqual + JSON.parse',
    });
  }
  {
    // Form-encoded status callback, ~3 KB; Twilio signs URL + every key+value sorted by key.
    const url = 'https://hooks.example.com/webhooks/twilio';
    const params: Record<string, string> = {
      AccountSid: 'AC0123456789abcdef0123456789abcdef',
      MessageSid: 'SM0123456789abcdef0123456789abcdef',
      MessageStatus: 'delivered',
      SmsStatus: 'delivered',
      From: '+14155550100',
      To: '+14155550111',
      ApiVersion: '2010-04-01',
    };
    for (let i = 0; Buffer.byteLength(new URLSearchParams(params).toString()) < TARGET_BODY_BYTES - 120; i++) {
      params[`Custom${String(i).padStart(2, '0')}`] = `Grüße 👋 value ${i} & more = yes`;
    }
    const body = new URLSearchParams(params).toString();
    const signedData = Object.keys(params).sort().map((key) => key + params[key]).join('');
    const secret = '12345678901234567890123456789012';
    const mac = hmacOf('sha1', secret, url, signedData);
    cases.push({
      label: 'twilio (form)',
      provider: 'twilio',
      headers: {
        'x-twilio-signature': mac.toString('base64'),
        'i-twilio-idempotency-token': 'AC0123456789abcdef-1700000000-RE0123',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: Buffer.from(body),
      url,
      secrets: [secret],
      nowSeconds: NOW,
      floor: { kind: 'hmac', algorithm: 'sha1', key: secret, parts: [url, signedData], mac, parse: 'form' },
      floorName: 'HMAC-SHA1 (URL + sorted params) + timingSafeEqual + URLSearchParams',
    });
  }
  {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const events = Array.from({ length: 9 }, (_, i) => ({
      email: 'zoe@example.com',
      timestamp: NOW - i,
      event: i % 2 === 0 ? 'delivered' : 'open',
      sg_event_id: `ZGVsaXZlcmVk-${i}-${randomBytes(6).toString('hex')}`,
      sg_message_id: `14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.${i}`,
      'smtp-id': '<14c5d75ce93.dfd.64b469@ismtpd-555>',
      category: ['cat facts', 'bench'],
      useragent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) 😀',
    }));
    const body = `${JSON.stringify(events)}\r\n`;
    const timestamp = String(NOW);
    const signature = sign('sha256', Buffer.from(timestamp + body, 'utf8'), privateKey);
    cases.push({
      label: 'sendgrid',
      provider: 'sendgrid',
      headers: {
        'x-twilio-email-event-webhook-signature': signature.toString('base64'),
        'x-twilio-email-event-webhook-timestamp': timestamp,
        'content-type': 'application/json',
      },
      body: Buffer.from(body),
      url: 'https://hooks.example.com/webhooks/sendgrid',
      secrets: [publicKey.export({ type: 'spki', format: 'der' }).toString('base64')],
      nowSeconds: NOW,
      floor: { kind: 'ecdsa', key: publicKey, parts: [timestamp, Buffer.from(body)], signature },
      floorName: 'ECDSA P-256 verify (key parsed once) + JSON.parse',
    });
  }
  {
    const key = randomBytes(24);
    const secret = `whsec_${key.toString('base64')}`;
    const id = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W';
    const body = jsonDocument({ type: 'invoice.paid', data: { id: 'in_1', customer: 'Zoë 🚀' } }, true);
    const prefix = `${id}.${NOW}.`;
    const mac = hmacOf('sha256', key, prefix, body);
    cases.push({
      label: 'standard (v1 HMAC)',
      provider: 'standard',
      headers: { 'webhook-id': id, 'webhook-timestamp': String(NOW), 'webhook-signature': `v1,${mac.toString('base64')}`, 'content-type': 'application/json' },
      body: Buffer.from(body),
      url: 'https://hooks.example.com/webhooks/standard',
      secrets: [secret],
      nowSeconds: NOW,
      floor: { kind: 'hmac', algorithm: 'sha256', key, parts: [prefix, Buffer.from(body)], mac, parse: 'json' },
      floorName: 'HMAC-SHA256 + timingSafeEqual + JSON.parse',
    });

    const ed = generateKeyPairSync('ed25519');
    const publicKey = `whpk_${Buffer.from(ed.publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('base64')}`;
    const signature = sign(null, Buffer.concat([Buffer.from(prefix), Buffer.from(body)]), ed.privateKey);
    cases.push({
      label: 'standard (v1a Ed25519)',
      provider: 'standard',
      headers: { 'webhook-id': id, 'webhook-timestamp': String(NOW), 'webhook-signature': `v1a,${signature.toString('base64')}`, 'content-type': 'application/json' },
      body: Buffer.from(body),
      url: 'https://hooks.example.com/webhooks/standard',
      secrets: [publicKey],
      nowSeconds: NOW,
      floor: { kind: 'ed25519', key: ed.publicKey, prefix: Buffer.from(prefix), signature },
      floorName: 'Ed25519 verify (key parsed once) + JSON.parse',
    });
  }
  {
    // Default options: hex HMAC-SHA256 of the body in X-Signature; the event id is then the
    // SHA-256 of the body (no id header configured).
    const body = jsonDocument({ kind: 'order.shipped', data: { order: { kind: 'nested' }, note: 'Zoë 📦' } });
    const secret = 'hookrelay-bench-generic-secret';
    const mac = hmacOf('sha256', secret, body);
    cases.push({
      label: 'generic (defaults)',
      provider: 'generic',
      headers: { 'x-signature': mac.toString('hex'), 'content-type': 'application/json' },
      body: Buffer.from(body),
      url: 'https://hooks.example.com/webhooks/generic',
      secrets: [secret],
      nowSeconds: NOW,
      floor: { kind: 'hmac', algorithm: 'sha256', key: secret, parts: [Buffer.from(body)], mac, parse: 'json' },
      floorName: 'HMAC-SHA256 + timingSafeEqual + JSON.parse',
    });
  }
  // Signed by the provider's own module: the floor hashes the same parts with the same key, and its
  // first comparison against the MAC the module sent fails if they are not what the module signed.
  cases.push(
    moduleSignedCase('paddle', 'paddle', jsonDocument({ event_id: 'evt_01hv8x2acma2gz3he4w8pw3f9c', event_type: 'transaction.completed', occurred_at: '2023-11-14T22:13:20.000Z', notification_id: 'ntf_01hv8x2af2fp1w8grffrpbsmaw' }), ({ body }) => ({
      parts: [`${NOW}:`, body],
      mac: { header: 'paddle-signature', pattern: /h1=([0-9a-f]+)/, encoding: 'hex' },
      floorName: 'HMAC-SHA256 + timingSafeEqual + JSON.parse',
    })),
    moduleSignedCase('linear', 'linear', jsonDocument({ action: 'update', type: 'Issue', data: { id: '2174add1-f7c8-44e3-bbf3-2d60b5ea8bc9', title: 'Café ☕' }, webhookTimestamp: NOW * 1000, webhookId: 'f1c7a3b2' }, true), ({ body }) => ({
      parts: [body],
      mac: { header: 'linear-signature', encoding: 'hex' },
      floorName: 'HMAC-SHA256 + timingSafeEqual + JSON.parse',
    })),
    moduleSignedCase('square', 'square', jsonDocument({ merchant_id: '6SSW7HV8K2ST5', type: 'payment.updated', event_id: randomUUID(), created_at: '2023-11-14T22:13:20Z', data: { type: 'payment', id: 'KkAkhdMsgzn59SM8A89WgKwekxLZY' } }), ({ url, body }) => ({
      parts: [url, body],
      mac: { header: 'x-square-hmacsha256-signature', encoding: 'base64' },
      floorName: 'HMAC-SHA256 (URL + body) + timingSafeEqual + JSON.parse',
    })),
    // A batch of ten events, ~3 KB: each becomes an envelope with its own slice of the body.
    moduleSignedCase('hubspot', 'hubspot (10 events)', JSON.stringify(hubspotBatch(10)), ({ url, body }) => ({
      parts: ['POST', url, body, String(NOW * 1000)],
      mac: { header: 'x-hubspot-signature-v3', encoding: 'base64' },
      floorName: 'HMAC-SHA256 (method + URL + body + timestamp) + timingSafeEqual + JSON.parse',
    })),
    moduleSignedCase('workos', 'workos', jsonDocument({ id: 'event_01HWWVGJ8J0ZQ3HT9P5F8CZB1K', event: 'user.created', data: { object: 'user', first_name: 'Zoë' }, created_at: '2023-11-14T22:13:20.000Z' }), ({ body }) => ({
      parts: [`${NOW * 1000}.`, body],
      mac: { header: 'workos-signature', pattern: /v1=([0-9a-f]+)/, encoding: 'hex' },
      floorName: 'HMAC-SHA256 + timingSafeEqual + JSON.parse',
    })),
    // No timestamp and an unsigned event id: the core also hashes the body for the content key.
    moduleSignedCase('razorpay', 'razorpay', jsonDocument({ entity: 'event', account_id: 'acc_BFQ7uQEaa7j2z7', event: 'payment.captured', contains: ['payment'], created_at: NOW }), ({ body }) => ({
      parts: [body],
      mac: { header: 'x-razorpay-signature', encoding: 'hex' },
      floorName: 'HMAC-SHA256 + timingSafeEqual + JSON.parse',
    })),
    moduleSignedCase('box', 'box', jsonDocument({ type: 'webhook_event', id: randomUUID(), created_at: '2023-11-14T14:13:20-08:00', trigger: 'FILE.UPLOADED', webhook: { id: '8382611', type: 'webhook' } }), ({ body, headers }) => ({
      parts: [body, headers['box-delivery-timestamp']!],
      mac: { header: 'box-signature-primary', encoding: 'base64' },
      floorName: 'HMAC-SHA256 + timingSafeEqual + JSON.parse',
    })),
  );
  return cases;
}
