/**
 * Twilio posts form parameters; hookrelay publishes them as an object, each value a string (an
 * array when Twilio repeats a parameter). Types are namespaced by resource (`message.delivered`,
 * `call.completed`, `recording.completed`, `conference.participant-join`), as hookrelay names them.
 * Fields as documented by Twilio:
 * https://www.twilio.com/docs/messaging/guides/track-outbound-message-status,
 * https://www.twilio.com/docs/voice/api/call-resource#statuscallback,
 * https://www.twilio.com/docs/voice/api/recording#recordingstatuscallback,
 * https://www.twilio.com/docs/voice/api/conference-resource#conference-status-callback.
 */
export interface TwilioParams {
  readonly [param: string]: string | readonly string[] | undefined;
}

interface TwilioCallbackBase extends TwilioParams {
  readonly AccountSid: string;
  readonly ApiVersion?: string;
}

export type TwilioMessageStatus =
  | 'accepted' | 'scheduled' | 'canceled' | 'queued' | 'sending' | 'sent' | 'failed' | 'delivered' | 'undelivered'
  | 'receiving' | 'read' | 'partially_delivered';

/** An outbound message's status callback (`message.<status>`). */
export interface TwilioMessageStatusCallback<TStatus extends TwilioMessageStatus = TwilioMessageStatus> extends TwilioCallbackBase {
  readonly MessageSid: string;
  readonly SmsSid?: string;
  readonly MessageStatus: TStatus;
  readonly SmsStatus?: string;
  readonly From: string;
  readonly To: string;
  readonly MessagingServiceSid?: string;
  readonly ErrorCode?: string;
  readonly ErrorMessage?: string;
  readonly RawDlrDoneDate?: string;
}

/** An incoming message (`message.received`). */
export interface TwilioIncomingMessage extends TwilioCallbackBase {
  readonly MessageSid: string;
  readonly SmsMessageSid?: string;
  readonly SmsSid?: string;
  readonly SmsStatus: 'received';
  readonly From: string;
  readonly To: string;
  readonly Body: string;
  readonly NumMedia: string;
  readonly NumSegments?: string;
  readonly MessagingServiceSid?: string;
  readonly FromCity?: string;
  readonly FromState?: string;
  readonly FromZip?: string;
  readonly FromCountry?: string;
  readonly ToCity?: string;
  readonly ToState?: string;
  readonly ToZip?: string;
  readonly ToCountry?: string;
}

export type TwilioCallStatus = 'queued' | 'initiated' | 'ringing' | 'in-progress' | 'completed' | 'busy' | 'failed' | 'no-answer' | 'canceled';

/** A call's status callback (`call.<status>`). */
export interface TwilioCallStatusCallback<TStatus extends TwilioCallStatus = TwilioCallStatus> extends TwilioCallbackBase {
  readonly CallSid: string;
  readonly CallStatus: TStatus;
  readonly Direction: 'inbound' | 'outbound-api' | 'outbound-dial' | 'trunking-originating' | 'trunking-terminating';
  readonly From: string;
  readonly To: string;
  readonly ForwardedFrom?: string;
  readonly CallerName?: string;
  readonly ParentCallSid?: string;
  readonly CallDuration?: string;
  readonly Duration?: string;
  readonly SipResponseCode?: string;
  readonly Timestamp?: string;
  readonly CallbackSource?: string;
  readonly SequenceNumber?: string;
}

export type TwilioRecordingStatus = 'in-progress' | 'completed' | 'absent' | 'failed';

/** A recording's status callback (`recording.<status>`); it carries the call's fields too. */
export interface TwilioRecordingStatusCallback<TStatus extends TwilioRecordingStatus = TwilioRecordingStatus> extends TwilioCallbackBase {
  readonly RecordingSid: string;
  readonly RecordingStatus: TStatus;
  readonly RecordingUrl: string;
  readonly RecordingDuration?: string;
  readonly RecordingChannels?: string;
  readonly RecordingStartTime?: string;
  readonly RecordingSource?: string;
  readonly RecordingTrack?: string;
  readonly CallSid?: string;
  readonly ConferenceSid?: string;
  readonly ErrorCode?: string;
}

export type TwilioTranscriptionStatus = 'completed' | 'failed';

/** A transcription callback (`transcription.<status>`). */
export interface TwilioTranscriptionCallback<TStatus extends TwilioTranscriptionStatus = TwilioTranscriptionStatus> extends TwilioCallbackBase {
  readonly TranscriptionSid: string;
  readonly TranscriptionStatus: TStatus;
  readonly TranscriptionText?: string;
  readonly TranscriptionUrl: string;
  readonly RecordingSid: string;
  readonly RecordingUrl: string;
  readonly CallSid: string;
  readonly From?: string;
  readonly To?: string;
}

export type TwilioConferenceEvent =
  | 'conference-start' | 'conference-end' | 'participant-join' | 'participant-leave' | 'participant-mute'
  | 'participant-unmute' | 'participant-hold' | 'participant-unhold' | 'participant-modify'
  | 'participant-speech-start' | 'participant-speech-stop' | 'announcement-end' | 'announcement-fail';

/** A conference status callback (`conference.<StatusCallbackEvent>`). */
export interface TwilioConferenceStatusCallback<TEvent extends TwilioConferenceEvent = TwilioConferenceEvent> extends TwilioCallbackBase {
  readonly ConferenceSid: string;
  readonly FriendlyName: string;
  readonly StatusCallbackEvent: TEvent;
  readonly SequenceNumber: string;
  readonly Timestamp: string;
  readonly CallSid?: string;
  readonly Muted?: string;
  readonly Hold?: string;
  readonly Coaching?: string;
  readonly EndConferenceOnExit?: string;
  readonly StartConferenceOnEnter?: string;
  readonly ReasonConferenceEnded?: string;
}

export type TwilioEventMap = { readonly [S in TwilioMessageStatus as `message.${S}`]: TwilioMessageStatusCallback<S> } & {
  readonly 'message.received': TwilioIncomingMessage;
} & { readonly [S in TwilioCallStatus as `call.${S}`]: TwilioCallStatusCallback<S> } & {
  readonly [S in TwilioRecordingStatus as `recording.${S}`]: TwilioRecordingStatusCallback<S>;
} & { readonly [S in TwilioTranscriptionStatus as `transcription.${S}`]: TwilioTranscriptionCallback<S> } & {
  readonly [E in TwilioConferenceEvent as `conference.${E}`]: TwilioConferenceStatusCallback<E>;
};

/**
 * Anything else Twilio calls back with: TaskRouter, Conversations and Sync name their own
 * `EventType`; a JSON body names its `type`; a request naming none is `unknown`.
 */
export type TwilioOtherEvent = TwilioParams;
