import type { PushEvent } from '@octokit/webhooks-types';
import type Stripe from 'stripe';

/**
 * The billing rules, kept apart from Lambda and hookrelay so they are tested as plain functions:
 * a paid invoice becomes a booking in the ledger; a push to a repository becomes metered usage.
 */
export const BOOKABLE_CURRENCIES: ReadonlySet<string> = new Set(['eur', 'usd', 'gbp']);

/** The ledger cannot book this invoice; the event is retried, then parked in the DLQ for a person. */
export class UnbookableInvoiceError extends Error {
  public override readonly name = 'UnbookableInvoiceError';
}

export interface InvoiceBooking {
  readonly invoiceId: string;
  readonly customerId: string | null;
  /** In the currency's minor unit (cents), as Stripe counts. */
  readonly amountPaid: number;
  readonly currency: string;
}

export function bookInvoicePayment(invoice: Stripe.Invoice): InvoiceBooking {
  if (!BOOKABLE_CURRENCIES.has(invoice.currency)) {
    throw new UnbookableInvoiceError(`Invoice ${invoice.id ?? '(no id)'} is in ${invoice.currency}, which the ledger does not book`);
  }
  return {
    invoiceId: invoice.id ?? '(draft)',
    customerId: typeof invoice.customer === 'string' ? invoice.customer : (invoice.customer?.id ?? null),
    amountPaid: invoice.amount_paid,
    currency: invoice.currency,
  };
}

export interface PushUsage {
  readonly repository: string;
  readonly ref: string;
  readonly commits: number;
}

export function meterPush(push: PushEvent): PushUsage {
  return { repository: push.repository.full_name, ref: push.ref, commits: push.commits.length };
}
