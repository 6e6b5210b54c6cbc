import { gitlab } from '../../../../lambdas/core/providers/gitlab';
import { expectRefusal, utf8CrlfJson, verifyRequest, webhookRequest, withBody, withHeaders } from '../../../fixtures/request';

const TOKEN = 'glwht-hookrelay-test-token-1';
const OTHER_TOKEN = 'glwht-hookrelay-test-token-0';
const IDEMPOTENCY_KEY = '908a6d9e-45fd-46c8-97e6-c4f350f219dd';
const EVENT_UUID = '72d3162e-cc78-11e3-81ab-4c9367dc0958';
// Trimmed from GitLab's push event example (docs: user/project/integrations/webhook_events).
const PUSH = {
  object_kind: 'push',
  event_name: 'push',
  before: '95790bf891e76fee5e1747ab589903a6a1f80f22',
  after: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
  ref: 'refs/heads/master',
  user_name: 'Zoë Martin',
  project_id: 15,
  commits: [{ id: 'b6568db1bc1dcd7f8b4d5a946b0b91f9dacd7327', message: 'Update Catalan translation to e38cb41. 🐛' }],
  total_commits_count: 1,
};
const BODY = utf8CrlfJson(PUSH);

// Known answer for the fallback id's fingerprint (`contentKey`: SHA-256 of "<type length>:<type>\n" then the body):
//   printf '4:push\n%s' '{"object_kind":"push","ref":"refs/heads/main"}' | openssl dgst -sha256
const KNOWN_BODY = '{"object_kind":"push","ref":"refs/heads/main"}';
const KNOWN_CONTENT_KEY = '450cc84c03ae3286d868fc77b9112c34d4af7dda6c20e755cab0f661afe95975';

function gitlabRequest(headers: Record<string, string | undefined> = {}, body: string = BODY) {
  return webhookRequest({
    provider: 'gitlab',
    headers: {
      'Content-Type': 'application/json',
      'User-Agent': 'GitLab/17.11.0',
      'X-Gitlab-Event': 'Push Hook',
      'X-Gitlab-Token': TOKEN,
      'X-Gitlab-Event-UUID': EVENT_UUID,
      'X-Gitlab-Webhook-UUID': '13792a34-cac6-4fda-95a8-c58e00a3954e',
      'Idempotency-Key': IDEMPOTENCY_KEY,
      ...headers,
    },
    body,
  });
}

describe('Provider: gitlab', () => {
  describe('verify', () => {
    it('accepts the configured token: id Idempotency-Key, type object_kind, the body as sent, no content key', () => {
      // Act
      const result = verifyRequest(gitlab, gitlabRequest(), { secrets: [TOKEN] });

      // Assess
      expect(result).toEqual({ secretIndex: 0, events: [{ id: IDEMPOTENCY_KEY, type: 'push', payload: PUSH, payloadJson: BODY }] });
    });

    it.each([
      { case: 'the second token matches (rotation)', secrets: [OTHER_TOKEN, TOKEN], secretIndex: 1 },
      { case: 'the only token matches', secrets: [TOKEN], secretIndex: 0 },
    ])('returns secretIndex $secretIndex when $case', ({ secrets, secretIndex }) => {
      // Act
      const result = verifyRequest(gitlab, gitlabRequest(), { secrets });

      // Assess
      expect(result.secretIndex).toBe(secretIndex);
    });

    it.each([
      { case: 'object_kind', body: '{"object_kind":"merge_request","event_name":"ignored"}', headers: {}, type: 'merge_request' },
      { case: 'event_name when there is no object_kind (system hooks)', body: '{"event_name":"project_create","name":"hookrelay"}', headers: {}, type: 'project_create' },
      { case: 'the X-Gitlab-Event header for a custom template body', body: '{"text":"deployed"}', headers: { 'X-Gitlab-Event': 'Deployment Hook' }, type: 'Deployment Hook' },
    ])('takes the type from $case', ({ body, headers, type }) => {
      // Act
      const [event] = verifyRequest(gitlab, gitlabRequest(headers, body), { secrets: [TOKEN] }).events;

      // Assess
      expect(event?.type).toBe(type);
    });

    describe('without Idempotency-Key (GitLab < 17.4)', () => {
      const withoutKey = (headers: Record<string, string | undefined> = {}, body = BODY) => gitlabRequest({ 'Idempotency-Key': undefined, ...headers }, body);
      const eventOf = (request: ReturnType<typeof gitlabRequest>) => verifyRequest(gitlab, request, { secrets: [TOKEN] }).events[0]!;

      it('uses X-Gitlab-Event-UUID qualified by the content fingerprint, which also deduplicates (openssl known answer)', () => {
        // Act
        const event = eventOf(withoutKey({}, KNOWN_BODY));

        // Assess
        expect({ id: event.id, contentKey: event.contentKey }).toEqual({ id: `${EVENT_UUID}:${KNOWN_CONTENT_KEY.slice(0, 16)}`, contentKey: KNOWN_CONTENT_KEY });
      });

      it('keeps two distinct events sharing one recursion-detection UUID apart', () => {
        // Act
        const first = eventOf(withoutKey({}, '{"object_kind":"issue","object_attributes":{"iid":1}}'));
        const second = eventOf(withoutKey({}, '{"object_kind":"issue","object_attributes":{"iid":2}}'));

        // Assess
        expect(second.id).not.toEqual(first.id);
        expect(second.contentKey).not.toEqual(first.contentKey);
      });

      it('recognises a manual resend, which carries a new X-Gitlab-Event-UUID, as a repeat', () => {
        // Act
        const original = eventOf(withoutKey());
        const resend = eventOf(withoutKey({ 'X-Gitlab-Event-UUID': 'a5b1c0de-0000-4000-8000-000000000000' }));

        // Assess
        expect(resend.contentKey).toEqual(original.contentKey);
      });
    });

    it('accepts a body changed under the same token: the token does not cover the body (documented)', () => {
      // Act
      const result = verifyRequest(gitlab, withBody(gitlabRequest(), BODY.replace('master', 'main')), { secrets: [TOKEN] });

      // Assess
      expect(result.events[0]?.payload).toMatchObject({ ref: 'refs/heads/main' });
    });

    it.each([
      { case: 'missing X-Gitlab-Token', request: gitlabRequest({ 'X-Gitlab-Token': undefined }), code: 'MISSING_SIGNATURE' },
      { case: 'an empty X-Gitlab-Token', request: gitlabRequest({ 'X-Gitlab-Token': '' }), code: 'MISSING_SIGNATURE' },
      { case: 'a wrong token', request: gitlabRequest({ 'X-Gitlab-Token': 'glwht-guess' }), code: 'INVALID_SIGNATURE' },
      { case: 'a prefix of the token', request: gitlabRequest({ 'X-Gitlab-Token': TOKEN.slice(0, -1) }), code: 'INVALID_SIGNATURE' },
      { case: 'the token with a suffix', request: gitlabRequest({ 'X-Gitlab-Token': `${TOKEN}x` }), code: 'INVALID_SIGNATURE' },
      { case: 'the token in upper case', request: gitlabRequest({ 'X-Gitlab-Token': TOKEN.toUpperCase() }), code: 'INVALID_SIGNATURE' },
      { case: 'a wrong token first, the right one second (one guess per request)', request: withHeaders(gitlabRequest(), { 'X-Gitlab-Token': ['glwht-guess', TOKEN] }), code: 'INVALID_SIGNATURE' },
      { case: 'neither Idempotency-Key nor X-Gitlab-Event-UUID', request: gitlabRequest({ 'Idempotency-Key': undefined, 'X-Gitlab-Event-UUID': undefined }), code: 'INVALID_PAYLOAD' },
      { case: 'a non-JSON body', request: gitlabRequest({}, 'object_kind=push'), code: 'INVALID_PAYLOAD' },
      { case: 'no object_kind, event_name or X-Gitlab-Event', request: gitlabRequest({ 'X-Gitlab-Event': undefined }, '{"ref":"refs/heads/main"}'), code: 'INVALID_PAYLOAD' },
    ] as const)('refuses $case with $code', ({ request, code }) => {
      // Act & Assess
      expectRefusal(() => verifyRequest(gitlab, request, { secrets: [TOKEN] }), code, [TOKEN]);
    });
  });

  describe('sign', () => {
    it('sends the token as X-Gitlab-Token, unchanged, as GitLab does', () => {
      // Act
      const sent = gitlab.sign({ method: 'POST', url: 'https://hooks.example.com/webhooks/gitlab', headers: {}, body: BODY }, { secret: TOKEN, nowSeconds: 0, options: undefined });

      // Assess
      expect(sent.headers).toEqual({ 'X-Gitlab-Token': TOKEN });
    });
  });
});
