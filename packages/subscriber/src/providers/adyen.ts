/**
 * Adyen standard webhooks as hookrelay publishes them: one event per `NotificationRequestItem`, the
 * item exactly as Adyen wrote it, typed by its `eventCode`. Only eight fields are signed
 * (`pspReference`, `originalReference`, `merchantAccountCode`, `merchantReference`, `amount`,
 * `eventCode`, `success`); see docs/providers.md. Fields as documented in
 * https://docs.adyen.com/development-resources/webhooks/webhook-types/#standard-webhooks and the
 * event codes of `@adyen/api-library`'s `NotificationRequestItem.EventCodeEnum`.
 */
export type AdyenEventCode =
  | 'AUTORESCUE'
  | 'AUTHORISATION'
  | 'AUTHORISATION_ADJUSTMENT'
  | 'CANCEL_AUTORESCUE'
  | 'CANCELLATION'
  | 'CANCEL_OR_REFUND'
  | 'CAPTURE'
  | 'CAPTURE_FAILED'
  | 'CHARGEBACK'
  | 'CHARGEBACK_REVERSED'
  | 'DISPUTE_DEFENSE_PERIOD_ENDED'
  | 'DONATION'
  | 'EXPIRE'
  | 'HANDLED_EXTERNALLY'
  | 'INFORMATION_SUPPLIED'
  | 'ISSUER_COMMENTS'
  | 'ISSUER_RESPONSE_TIMEFRAME_EXPIRED'
  | 'MANUAL_REVIEW_ACCEPT'
  | 'MANUAL_REVIEW_REJECT'
  | 'NOTIFICATION_OF_CHARGEBACK'
  | 'NOTIFICATION_OF_FRAUD'
  | 'OFFER_CLOSED'
  | 'ORDER_CLOSED'
  | 'ORDER_OPENED'
  | 'PAIDOUT_REVERSED'
  | 'PENDING'
  | 'POSTPONED_REFUND'
  | 'PREARBITRATION_LOST'
  | 'PREARBITRATION_WON'
  | 'PROCESS_RETRY'
  | 'PAYOUT_DECLINE'
  | 'PAYOUT_EXPIRE'
  | 'PAYOUT_THIRDPARTY'
  | 'RECURRING_CONTRACT'
  | 'REFUND'
  | 'REFUND_FAILED'
  | 'REFUNDED_REVERSED'
  | 'REFUND_WITH_DATA'
  | 'REPORT_AVAILABLE'
  | 'REQUEST_FOR_INFORMATION'
  | 'SECOND_CHARGEBACK'
  | 'TECHNICAL_CANCEL'
  | 'VOID_PENDING_REFUND';

export interface AdyenNotificationRequestItem<TCode extends string = string> {
  readonly eventCode: TCode;
  /** `"true"` or `"false"`: whether the operation the event reports succeeded. */
  readonly success: 'true' | 'false';
  readonly pspReference: string;
  /** The payment a modification (capture, refund, cancellation…) applies to. */
  readonly originalReference?: string;
  readonly merchantAccountCode: string;
  readonly merchantReference: string;
  /** `value` in minor units (cents). */
  readonly amount: { readonly currency: string; readonly value: number };
  /** ISO-8601 with the offset of Adyen's data centre. */
  readonly eventDate: string;
  readonly paymentMethod?: string;
  /** The refusal reason, or for AUTHORISATION `authCode:cardSummary:expiryDate`. */
  readonly reason?: string;
  readonly operations?: ReadonlyArray<'CANCEL' | 'CAPTURE' | 'REFUND'>;
  /** Extra details, as strings; `hmacSignature` is the item's signature. */
  readonly additionalData?: { readonly hmacSignature?: string; readonly [key: string]: string | undefined };
}

export type AdyenEventMap = { readonly [Code in AdyenEventCode]: AdyenNotificationRequestItem<Code> };

/** Adyen adds event codes over time: those not above arrive with the same item shape. */
export type AdyenOtherEvent = AdyenNotificationRequestItem;
