import { github } from '../../../../lambdas/core/providers/github';
import { GITHUB_BODY, GITHUB_DELIVERY, GITHUB_OTHER_SECRET, GITHUB_SECRET, githubRequest } from '../../../fixtures/github';
import { octokitSign } from '../../../fixtures/octokit';
import { expectRefusal, verifyRequest, withBody, withHeaders } from '../../../fixtures/request';

const NOT_JSON = 'payload=%7B%7D';
// Official vectors: @octokit/webhooks-methods `sign(secret, payload)`, computed once.
const [SIGNATURE, OTHER_SECRET_SIGNATURE, NOT_JSON_SIGNATURE] = octokitSign([
  { secret: GITHUB_SECRET, payload: GITHUB_BODY },
  { secret: GITHUB_OTHER_SECRET, payload: GITHUB_BODY },
  { secret: GITHUB_SECRET, payload: NOT_JSON },
]) as [string, string, string];
const MAC = SIGNATURE.slice('sha256='.length);

describe('Provider: github', () => {
  describe('verify', () => {
    it('accepts a delivery signed by @octokit/webhooks-methods and returns its event', () => {
      // Prepare
      const request = githubRequest(SIGNATURE);

      // Act
      const result = verifyRequest(github, request, { secrets: [GITHUB_SECRET] });

      // Assess
      expect(result).toEqual({
        secretIndex: 0,
        events: [
          { id: GITHUB_DELIVERY, type: 'issues', payload: JSON.parse(GITHUB_BODY), payloadJson: GITHUB_BODY, contentKey: expect.stringMatching(/^[0-9a-f]{64}$/) },
        ],
      });
    });

    it.each([
      { case: 'the second secret matches (rotation)', secrets: [GITHUB_OTHER_SECRET, GITHUB_SECRET], secretIndex: 1 },
      { case: 'the only secret matches', secrets: [GITHUB_SECRET], secretIndex: 0 },
    ])('returns secretIndex $secretIndex when $case', ({ secrets, secretIndex }) => {
      // Act
      const result = verifyRequest(github, githubRequest(SIGNATURE), { secrets });

      // Assess
      expect(result.secretIndex).toBe(secretIndex);
    });

    it.each([
      { case: 'a repeated header whose second value is valid', signature: ['sha256=' + '0'.repeat(64), SIGNATURE] },
      { case: 'repeated headers joined with a comma (HTTP API)', signature: `sha256=${'0'.repeat(64)}, ${SIGNATURE}` },
      { case: 'the legacy X-Hub-Signature next to the SHA-256 one', signature: SIGNATURE, extra: { 'X-Hub-Signature': 'sha1=00' } },
    ])('accepts $case', ({ signature, extra }) => {
      // Prepare
      const request = withHeaders(githubRequest(SIGNATURE), { 'X-Hub-Signature-256': signature, ...extra });

      // Act
      const result = verifyRequest(github, request, { secrets: [GITHUB_SECRET] });

      // Assess
      expect(result.events[0]?.id).toBe(GITHUB_DELIVERY);
    });

    const valid = githubRequest(SIGNATURE);
    it.each([
      { case: 'missing X-Hub-Signature-256', request: withHeaders(valid, { 'X-Hub-Signature-256': undefined }), code: 'MISSING_SIGNATURE' },
      {
        case: 'only the SHA-1 X-Hub-Signature',
        request: withHeaders(valid, { 'X-Hub-Signature-256': undefined, 'X-Hub-Signature': 'sha1=0123' }),
        code: 'MISSING_SIGNATURE',
      },
      { case: 'an empty signature', request: withHeaders(valid, { 'X-Hub-Signature-256': '' }), code: 'MISSING_SIGNATURE' },
      { case: 'a wrong prefix (sha1=)', request: withHeaders(valid, { 'X-Hub-Signature-256': `sha1=${MAC}` }), code: 'MALFORMED_SIGNATURE' },
      { case: 'no prefix', request: withHeaders(valid, { 'X-Hub-Signature-256': MAC }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a truncated MAC', request: withHeaders(valid, { 'X-Hub-Signature-256': SIGNATURE.slice(0, -2) }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a non-hex MAC', request: withHeaders(valid, { 'X-Hub-Signature-256': `sha256=${'g'.repeat(64)}` }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a signature under another secret', request: githubRequest(OTHER_SECRET_SIGNATURE), code: 'INVALID_SIGNATURE' },
      { case: 'a tampered body', request: withBody(valid, GITHUB_BODY.replace('opened', 'closed')), code: 'INVALID_SIGNATURE' },
      { case: 'a well-formed MAC of something else', request: withHeaders(valid, { 'X-Hub-Signature-256': `sha256=${'A'.repeat(64)}` }), code: 'INVALID_SIGNATURE' },
      { case: 'a signed non-JSON body', request: githubRequest(NOT_JSON_SIGNATURE, NOT_JSON), code: 'INVALID_PAYLOAD' },
      { case: 'no X-GitHub-Delivery', request: withHeaders(valid, { 'X-GitHub-Delivery': undefined }), code: 'INVALID_PAYLOAD' },
      { case: 'no X-GitHub-Event', request: withHeaders(valid, { 'X-GitHub-Event': undefined }), code: 'INVALID_PAYLOAD' },
    ] as const)('refuses $case with $code', ({ request, code }) => {
      // Act & Assess
      expectRefusal(() => verifyRequest(github, request, { secrets: [GITHUB_SECRET] }), code, [GITHUB_SECRET, MAC]);
    });

    it('refuses a header stuffed with more than 16 candidates before hashing anything', () => {
      // Prepare
      const request = withHeaders(valid, { 'X-Hub-Signature-256': Array.from({ length: 17 }, () => SIGNATURE).join(',') });

      // Act & Assess
      expectRefusal(() => verifyRequest(github, request, { secrets: [GITHUB_SECRET] }), 'MALFORMED_SIGNATURE');
    });
  });

  describe('replay protection (nothing signed but the body)', () => {
    const keyOf = (request: ReturnType<typeof githubRequest>) => verifyRequest(github, request, { secrets: [GITHUB_SECRET] }).events[0]?.contentKey;

    it('gives a captured delivery sent again with a fresh X-GitHub-Delivery the same deduplication key', () => {
      // Prepare
      const original = githubRequest(SIGNATURE);
      const replay = withHeaders(original, { 'X-GitHub-Delivery': 'ffffffff-0000-4000-8000-000000000000' });

      // Act & Assess
      expect(keyOf(replay)).toEqual(keyOf(original));
    });

    it('gives the same body relabelled with another X-GitHub-Event a different key (a different event, not merged)', () => {
      const original = githubRequest(SIGNATURE);
      expect(keyOf(withHeaders(original, { 'X-GitHub-Event': 'push' }))).not.toEqual(keyOf(original));
    });
  });

  describe('sign', () => {
    it('produces the X-Hub-Signature-256 that @octokit/webhooks-methods sign produces', () => {
      const signed = github.sign({ method: 'POST', url: 'https://hooks.example.com/webhooks/github', headers: {}, body: GITHUB_BODY }, { secret: GITHUB_SECRET, nowSeconds: 0, options: undefined });
      expect(signed.headers['X-Hub-Signature-256']).toBe(SIGNATURE);
    });
  });
});
