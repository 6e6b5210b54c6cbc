import { formBody, randomHex, type SampleSet } from './sample';

// Twilio's id is the `I-Twilio-Idempotency-Token` header (see the signer); the SIDs are fresh too.
// Types are named as hookrelay names them (`message.delivered`, `call.completed`: see docs/providers.md).
const ACCOUNT_SID = 'AC0000000000hookrelay0development';
const OUR_NUMBER = '+14155550100';
const THEIR_NUMBER = '+33612345678';

const sid = (prefix: string) => prefix + randomHex(16);

function messageStatus(status: string, extra: Record<string, string> = {}): string {
  const messageSid = sid('SM');
  return formBody({
    AccountSid: ACCOUNT_SID,
    ApiVersion: '2010-04-01',
    From: OUR_NUMBER,
    To: THEIR_NUMBER,
    MessageSid: messageSid,
    SmsSid: messageSid,
    MessageStatus: status,
    SmsStatus: status,
    ...extra,
  });
}

function incomingMessage(): string {
  const messageSid = sid('SM');
  return formBody({
    AccountSid: ACCOUNT_SID,
    ApiVersion: '2010-04-01',
    From: THEIR_NUMBER,
    To: OUR_NUMBER,
    MessageSid: messageSid,
    SmsMessageSid: messageSid,
    SmsSid: messageSid,
    SmsStatus: 'received',
    Body: 'Bonjour 👋 — est-ce livré ?',
    NumMedia: '0',
    NumSegments: '1',
    FromCountry: 'FR',
    ToCountry: 'US',
  });
}

function callStatus(status: string, direction: string, extra: Record<string, string> = {}): string {
  return formBody({
    AccountSid: ACCOUNT_SID,
    ApiVersion: '2010-04-01',
    CallSid: sid('CA'),
    CallStatus: status,
    Direction: direction,
    From: direction === 'inbound' ? THEIR_NUMBER : OUR_NUMBER,
    To: direction === 'inbound' ? OUR_NUMBER : THEIR_NUMBER,
    ...extra,
  });
}

export const twilioSamples: SampleSet = {
  defaultType: 'message.delivered',
  types: {
    'message.delivered': () => messageStatus('delivered', { RawDlrDoneDate: '2511291030' }),
    'message.sent': () => messageStatus('sent'),
    'message.failed': () => messageStatus('failed', { ErrorCode: '30008' }),
    'message.undelivered': () => messageStatus('undelivered', { ErrorCode: '30003' }),
    'message.received': incomingMessage,
    'call.ringing': () => callStatus('ringing', 'inbound'),
    'call.completed': () => callStatus('completed', 'outbound-api', { CallDuration: '42', Duration: '1' }),
    'recording.completed': () =>
      callStatus('completed', 'outbound-api', {
        RecordingSid: sid('RE'),
        RecordingStatus: 'completed',
        RecordingDuration: '41',
        RecordingChannels: '1',
        RecordingSource: 'RecordVerb',
      }),
  },
};
