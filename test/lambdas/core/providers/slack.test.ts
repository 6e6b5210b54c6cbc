import { slack } from '../../../../lambdas/core/providers/slack';
import { expectRefusal, headerOf, NOW, verifyRequest, withBody, withHeaders } from '../../../fixtures/request';
import {
  signedSlackRequest,
  SLACK_EVENT_CALLBACK,
  SLACK_OTHER_SECRET,
  SLACK_SECRET,
  SLACK_URL_VERIFICATION,
  slackSignature,
} from '../../../fixtures/slack';

describe('Provider: slack', () => {
  describe('verify', () => {
    it('accepts an event_callback signed per Slack docs and returns its event', () => {
      // Prepare
      const request = signedSlackRequest();

      // Act
      const result = verifyRequest(slack, request, { secrets: [SLACK_SECRET] });

      // Assess
      expect(result).toEqual({
        secretIndex: 0,
        events: [{ id: 'Ev123ABC456', type: 'app_mention', payload: SLACK_EVENT_CALLBACK, payloadJson: request.rawBody.toString('utf8') }],
      });
    });

    it('answers a signed url_verification with its challenge and enqueues nothing', () => {
      // Prepare
      const request = signedSlackRequest({ body: JSON.stringify(SLACK_URL_VERIFICATION) });

      // Act
      const result = verifyRequest(slack, request, { secrets: [SLACK_SECRET] });

      // Assess
      expect(result).toEqual({
        secretIndex: 0,
        events: [],
        reply: { statusCode: 200, body: { challenge: SLACK_URL_VERIFICATION.challenge } },
      });
    });

    it('acknowledges app_rate_limited without enqueuing it', () => {
      // Prepare
      const body = JSON.stringify({ token: 't', type: 'app_rate_limited', team_id: 'T1', minute_rate_limited: NOW, api_app_id: 'A1' });

      // Act
      const result = verifyRequest(slack, signedSlackRequest({ body }), { secrets: [SLACK_SECRET] });

      // Assess
      expect(result.events).toEqual([]);
      expect(result.reply?.statusCode).toBe(200);
    });

    it.each([
      { case: 'the second secret matches (rotation)', secrets: [SLACK_OTHER_SECRET, SLACK_SECRET], secretIndex: 1 },
      { case: 'the first secret matches', secrets: [SLACK_SECRET, SLACK_OTHER_SECRET], secretIndex: 0 },
    ])('returns secretIndex $secretIndex when $case', ({ secrets, secretIndex }) => {
      // Act
      const result = verifyRequest(slack, signedSlackRequest(), { secrets });

      // Assess
      expect(result.secretIndex).toBe(secretIndex);
    });

    it.each([
      { case: 'a timestamp 300 s old', init: { timestamp: NOW - 300 } },
      { case: 'a timestamp 300 s ahead', init: { timestamp: NOW + 300 } },
      { case: 'an emoji and CRLF body', init: { body: JSON.stringify({ ...SLACK_EVENT_CALLBACK, event: { type: '🎉' } }, null, 1).replace(/\n/g, '\r\n') } },
    ])('accepts $case', ({ init }) => {
      // Act
      const result = verifyRequest(slack, signedSlackRequest(init), { secrets: [SLACK_SECRET] });

      // Assess
      expect(result.events).toHaveLength(1);
    });

    const valid = signedSlackRequest();
    const signature = headerOf(valid, 'x-slack-signature');
    const body = JSON.stringify(SLACK_EVENT_CALLBACK);
    it.each([
      { case: 'missing X-Slack-Signature', request: withHeaders(valid, { 'X-Slack-Signature': undefined }), code: 'MISSING_SIGNATURE' },
      { case: 'missing X-Slack-Request-Timestamp', request: withHeaders(valid, { 'X-Slack-Request-Timestamp': undefined }), code: 'MISSING_SIGNATURE' },
      { case: 'a wrong version prefix (v1=)', request: withHeaders(valid, { 'X-Slack-Signature': signature.replace('v0=', 'v1=') }), code: 'MALFORMED_SIGNATURE' },
      { case: 'no version prefix', request: withHeaders(valid, { 'X-Slack-Signature': signature.slice(3) }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a non-numeric timestamp', request: withHeaders(valid, { 'X-Slack-Request-Timestamp': 'yesterday' }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a wrong secret', request: signedSlackRequest({ secret: SLACK_OTHER_SECRET }), code: 'INVALID_SIGNATURE' },
      { case: 'a tampered body', request: withBody(valid, body.replace('app_mention', 'message')), code: 'INVALID_SIGNATURE' },
      { case: 'a changed timestamp', request: withHeaders(valid, { 'X-Slack-Request-Timestamp': String(NOW - 1) }), code: 'INVALID_SIGNATURE' },
      { case: 'a timestamp 301 s old', request: signedSlackRequest({ timestamp: NOW - 301 }), code: 'TIMESTAMP_OUT_OF_TOLERANCE' },
      { case: 'a timestamp 301 s in the future', request: signedSlackRequest({ timestamp: NOW + 301 }), code: 'TIMESTAMP_OUT_OF_TOLERANCE' },
      { case: 'a signed form-encoded body (slash command)', request: signedSlackRequest({ body: 'command=%2Fweather&text=94070' }), code: 'INVALID_PAYLOAD' },
      { case: 'a signed JSON array', request: signedSlackRequest({ body: '[]' }), code: 'INVALID_PAYLOAD' },
      { case: 'a signed event_callback without event_id', request: signedSlackRequest({ body: JSON.stringify({ ...SLACK_EVENT_CALLBACK, event_id: undefined }) }), code: 'INVALID_PAYLOAD' },
      { case: 'a signed url_verification without challenge', request: signedSlackRequest({ body: JSON.stringify({ type: 'url_verification' }) }), code: 'INVALID_PAYLOAD' },
      {
        case: 'an unsigned url_verification',
        request: withBody(valid, JSON.stringify(SLACK_URL_VERIFICATION)),
        code: 'INVALID_SIGNATURE',
      },
    ] as const)('refuses $case with $code', ({ request, code }) => {
      // Act & Assess
      expectRefusal(() => verifyRequest(slack, request, { secrets: [SLACK_SECRET] }), code, [SLACK_SECRET, signature.slice(3)]);
    });

    it('accepts a repeated X-Slack-Signature whose second value is valid', () => {
      // Prepare
      const request = withHeaders(valid, { 'X-Slack-Signature': [slackSignature('other', NOW), signature] });

      // Act
      const result = verifyRequest(slack, request, { secrets: [SLACK_SECRET] });

      // Assess
      expect(result.secretIndex).toBe(0);
    });
  });

  describe('sign', () => {
    it('reproduces the example in Slack\'s "Verifying requests from Slack" documentation', () => {
      // Prepare: the documented secret, timestamp, body and signature.
      const body =
        'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';

      // Act
      const signed = slack.sign({ method: 'POST', url: 'https://hooks.example.com/webhooks/slack', headers: {}, body }, { secret: '8f742231b10e8888abcd99yyyzzz85a5', nowSeconds: 1531420618, options: undefined });

      // Assess
      expect(signed.headers).toEqual({
        'X-Slack-Signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
        'X-Slack-Request-Timestamp': '1531420618',
      });
    });
  });
});
