/**
 * Typeform webhooks: a form response, typed by `event_type` (the type hookrelay publishes). Typeform
 * publishes no TypeScript types for webhook bodies; these follow its "Example webhook payload"
 * (https://www.typeform.com/developers/webhooks/example-payload/), every other field still present
 * at run time.
 */
export interface TypeformFieldReference {
  readonly id: string;
  readonly type: string;
  readonly ref?: string;
}

interface TypeformAnswerBase<TType extends string> {
  readonly type: TType;
  readonly field: TypeformFieldReference;
}

export type TypeformAnswer =
  | (TypeformAnswerBase<'text'> & { readonly text: string })
  | (TypeformAnswerBase<'email'> & { readonly email: string })
  | (TypeformAnswerBase<'phone_number'> & { readonly phone_number: string })
  | (TypeformAnswerBase<'url'> & { readonly url: string })
  | (TypeformAnswerBase<'file_url'> & { readonly file_url: string })
  | (TypeformAnswerBase<'date'> & { readonly date: string })
  | (TypeformAnswerBase<'number'> & { readonly number: number })
  | (TypeformAnswerBase<'boolean'> & { readonly boolean: boolean })
  | (TypeformAnswerBase<'choice'> & { readonly choice: { readonly id?: string; readonly label?: string; readonly ref?: string; readonly other?: string } })
  | (TypeformAnswerBase<'choices'> & { readonly choices: { readonly ids?: readonly string[]; readonly labels?: readonly string[]; readonly refs?: readonly string[]; readonly other?: string } })
  | (TypeformAnswerBase<'payment'> & { readonly payment: { readonly amount: string; readonly last4: string; readonly name: string; readonly success: boolean } });

export interface TypeformVariable {
  readonly key: string;
  readonly type: 'number' | 'text';
  readonly number?: number;
  readonly text?: string;
}

export interface TypeformFormResponse {
  readonly form_id: string;
  /** Unique per response: the same token across a partial and the completed response. */
  readonly token: string;
  readonly landed_at: string;
  readonly submitted_at: string;
  readonly hidden?: Readonly<Record<string, string>>;
  readonly calculated?: { readonly score: number };
  readonly variables?: readonly TypeformVariable[];
  readonly definition: {
    readonly id: string;
    readonly title: string;
    readonly fields: ReadonlyArray<{ readonly id: string; readonly title: string; readonly type: string; readonly ref?: string; readonly [field: string]: unknown }>;
    readonly [field: string]: unknown;
  };
  readonly answers: readonly TypeformAnswer[];
  readonly ending?: { readonly id: string; readonly ref: string };
  readonly [field: string]: unknown;
}

export interface TypeformWebhook<TEventType extends string> {
  readonly event_id: string;
  readonly event_type: TEventType;
  readonly form_response: TypeformFormResponse;
}

export interface TypeformEventMap {
  readonly form_response: TypeformWebhook<'form_response'>;
  /** Sent when partial responses are enabled for the webhook. */
  readonly form_response_partial: TypeformWebhook<'form_response_partial'>;
}

/** Typeform's event types are the two above. */
export type TypeformOtherEvent = never;
