import type { Logger } from '@aws-lambda-powertools/logger';
import type { PushEvent, IssuesEvent, IssuesOpenedEvent } from '@octokit/webhooks-types';
import type { SNSHandler, SQSHandler } from 'aws-lambda';
import type { AppMentionEvent, GenericMessageEvent } from '@slack/types';
import { expectTypeOf } from 'expect-type';
import type Stripe from 'stripe';
import {
  createSubscriber,
  type AdyenNotificationRequestItem,
  type DiscordApplicationCommand,
  type EventFor,
  type HookrelayEvent,
  type JsonObject,
  type OktaLogEvent,
  type ProviderEvents,
  type SendGridBounceEvent,
  type ShopifyOrder,
  type SlackEventCallback,
  type StandardWebhookPayload,
  type StripeEventFallback,
  type SubscriberLogger,
  type TwilioMessageStatusCallback,
  type TwilioParams,
  type TwitchFollowEvent,
  type TwitchRevocation,
  type ZoomMeeting,
  type ZoomOtherEvent,
} from '@hookrelay/subscriber';
import type { IsAny } from '../../../packages/subscriber/src/json';
import type { StripeEventMap } from '../../../packages/subscriber/src/providers/stripe';

/**
 * Type-level tests: `npm test` compiles this file with `tsc` before jest runs it, so every
 * `expectTypeOf` below is a compile-time assertion, and every `@ts-expect-error` line fails the
 * build if it stops being an error (the typing degraded to something looser).
 */
declare module '@hookrelay/subscriber' {
  interface ProviderEventMaps {
    acme: ProviderEvents<{ 'order.created': { orderId: string; total: number }; 'order.shipped': { orderId: string; carrier: string } }>;
  }
}

const subscriber = createSubscriber();

describe('Typing: handlers receive the sender’s own payload types', () => {
  it('stripe invoice.paid is Stripe.InvoicePaidEvent', () => {
    subscriber.on('stripe', 'invoice.paid', (event) => {
      expectTypeOf(event).toEqualTypeOf<HookrelayEvent<'stripe', 'invoice.paid', Stripe.InvoicePaidEvent>>();
      expectTypeOf(event.payload.data.object).toEqualTypeOf<Stripe.Invoice>();
      expectTypeOf(event.payload.type).toEqualTypeOf<'invoice.paid'>();
      expectTypeOf(event.rawPayload).toEqualTypeOf<string>();
      expectTypeOf(event.source).toEqualTypeOf<string>();
    });
  });

  it('a glob gives the union of matching types, narrowed by checking event.type', () => {
    subscriber.on('stripe', 'invoice.*', (event) => {
      expectTypeOf(event.type).toEqualTypeOf<Extract<Stripe.Event['type'], `invoice.${string}`>>();
      expectTypeOf<'invoice.paid'>().toMatchTypeOf<typeof event.type>();
      expectTypeOf<'charge.succeeded'>().not.toMatchTypeOf<typeof event.type>();
      if (event.type === 'invoice.payment_failed') expectTypeOf(event.payload).toEqualTypeOf<Stripe.InvoicePaymentFailedEvent>();
    });
    subscriber.on('stripe', '*', (event) => {
      expectTypeOf(event.payload).toEqualTypeOf<Stripe.Event>();
    });
    subscriber.on('stripe', 'customer.*.created', (event) => {
      expectTypeOf(event.type).toEqualTypeOf<'customer.subscription.created' | 'customer.discount.created' | 'customer.source.created' | 'customer.tax_id.created'>();
    });
  });

  it('github push is @octokit/webhooks-types PushEvent; issues is the union of its actions', () => {
    subscriber.on('github', 'push', (event) => {
      expectTypeOf(event.payload).toEqualTypeOf<PushEvent>();
      expectTypeOf(event.payload.commits[0]!.message).toEqualTypeOf<string>();
    });
    subscriber.on('github', 'issues', (event) => {
      expectTypeOf(event.payload).toEqualTypeOf<IssuesEvent>();
      if (event.payload.action === 'opened') expectTypeOf(event.payload).toEqualTypeOf<IssuesOpenedEvent>();
    });
  });

  it('slack app_mention is the Events API callback around AppMentionEvent; message is every subtype', () => {
    subscriber.on('slack', 'app_mention', (event) => {
      expectTypeOf(event.payload).toEqualTypeOf<SlackEventCallback<AppMentionEvent>>();
    });
    subscriber.on('slack', 'message', (event) => {
      expectTypeOf<SlackEventCallback<GenericMessageEvent>>().toMatchTypeOf<typeof event.payload>();
    });
  });

  it('hand-written types for shopify, twilio and sendgrid', () => {
    subscriber.on('shopify', 'orders/paid', (event) => expectTypeOf(event.payload).toEqualTypeOf<ShopifyOrder>());
    subscriber.on('twilio', 'message.delivered', (event) => {
      expectTypeOf(event.payload).toEqualTypeOf<TwilioMessageStatusCallback<'delivered'>>();
      expectTypeOf(event.payload.MessageStatus).toEqualTypeOf<'delivered'>();
    });
    subscriber.on('sendgrid', 'bounce', (event) => {
      expectTypeOf(event.payload).toEqualTypeOf<SendGridBounceEvent>();
      expectTypeOf(event.payload.type).toEqualTypeOf<'bounce' | 'blocked'>();
    });
  });

  it('hand-written types for the senders added with the provider platform', () => {
    subscriber.on('discord', 'application_command', (event) => {
      expectTypeOf(event.payload).toEqualTypeOf<DiscordApplicationCommand>();
      expectTypeOf(event.payload.type).toEqualTypeOf<2>();
    });
    // @ts-expect-error -- PING is answered by hookrelay, never published
    subscriber.on('discord', 'ping', () => undefined);
    subscriber.on('zoom', 'meeting.ended', (event) => expectTypeOf(event.payload.payload.object).toEqualTypeOf<ZoomMeeting & { readonly end_time: string }>());
    subscriber.on('zoom', 'webinar.started', (event) => expectTypeOf(event.payload).toEqualTypeOf<ZoomOtherEvent>());
    subscriber.on('twitch', 'channel.follow', (event) => expectTypeOf(event.payload.event).toEqualTypeOf<TwitchFollowEvent>());
    subscriber.on('twitch', 'revocation', (event) => expectTypeOf(event.payload).toEqualTypeOf<TwitchRevocation>());
    subscriber.on('adyen', 'REFUND', (event) => expectTypeOf(event.payload).toEqualTypeOf<AdyenNotificationRequestItem<'REFUND'>>());
    subscriber.on('mailgun', 'failed', (event) => expectTypeOf(event.payload['event-data'].severity).toEqualTypeOf<'permanent' | 'temporary'>());
    subscriber.on('okta', 'user.account.lock', (event) => expectTypeOf(event.payload).toEqualTypeOf<OktaLogEvent<'user.account.lock'>>());
    subscriber.on('okta', 'policy.evaluate_sign_on', (event) => expectTypeOf(event.payload).toEqualTypeOf<OktaLogEvent>());
  });

  it('open providers accept any type: unknown ones typed by their fallback', () => {
    subscriber.on('twilio', 'task.created', (event) => {
      expectTypeOf(event).toEqualTypeOf<HookrelayEvent<'twilio', 'task.created', TwilioParams>>();
    });
    subscriber.on('shopify', 'inventory_levels/update', (event) => expectTypeOf(event.payload).toEqualTypeOf<JsonObject>());
    subscriber.on('standard', 'invoice.paid', (event) => expectTypeOf(event.payload).toEqualTypeOf<StandardWebhookPayload>());
    subscriber.on('generic', 'anything', (event) => expectTypeOf(event.payload).toBeUnknown());
  });

  it('a provider added by declaration merging is typed like the built-in ones', () => {
    subscriber.on('acme', 'order.*', (event) => {
      if (event.type === 'order.shipped') expectTypeOf(event.payload).toEqualTypeOf<{ orderId: string; carrier: string }>();
      else expectTypeOf(event.payload).toEqualTypeOf<{ orderId: string; total: number }>();
    });
  });

  it('typos and wrong payload uses do not compile', () => {
    // @ts-expect-error -- not a Stripe event type (closed set)
    subscriber.on('stripe', 'invoice.payed', () => undefined);
    // @ts-expect-error -- not a provider
    subscriber.on('paypal', '*', () => undefined);
    subscriber.on('stripe', 'invoice.paid', (event) => {
      // @ts-expect-error -- an invoice has no `amount_captured` (a charge does)
      void event.payload.data.object.amount_captured;
      // @ts-expect-error -- the type is the literal, not any string
      expectTypeOf(event.type).toEqualTypeOf<string>();
    });
    subscriber.on('github', 'push', (event) => {
      // @ts-expect-error -- a push has no `issue`
      void event.payload.issue;
    });
    // @ts-expect-error -- the handler must accept what the pattern delivers
    subscriber.on('stripe', 'invoice.paid', (event: HookrelayEvent<'stripe', 'charge.succeeded', Stripe.ChargeSucceededEvent>) => void event);
  });

  it('the sender packages resolve: payload types are never any', () => {
    expectTypeOf<IsAny<Stripe.Event>>().toEqualTypeOf<false>();
    expectTypeOf<StripeEventMap['invoice.paid']>().toEqualTypeOf<Stripe.InvoicePaidEvent>();
    expectTypeOf<EventFor<'github', 'push'>['payload']>().not.toBeAny();
    // Without the `stripe` package the map is empty and the fallback types every event.
    expectTypeOf<StripeEventFallback['data']['object']>().toEqualTypeOf<JsonObject>();
  });

  it('fits the Lambda handler types of @types/aws-lambda and takes a Powertools Logger', () => {
    expectTypeOf(subscriber.handler).toExtend<SQSHandler>();
    expectTypeOf(subscriber.handler).toExtend<SNSHandler>();
    expectTypeOf<Logger>().toExtend<SubscriberLogger>();
  });
});
