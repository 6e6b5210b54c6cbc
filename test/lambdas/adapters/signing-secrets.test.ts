import { CreateSecretCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { randomUUID } from 'node:crypto';
import { createAwsClients } from '../../../lambdas/adapters/aws-clients';
import { parseSecretValue, SigningSecrets } from '../../../lambdas/adapters/signing-secrets';
import { WebhookError } from '../../../lambdas/core/errors';
import { FaultPlan, faultyClients } from '../../helpers/fault-injection';

/** What `get` serves: the route's secrets (and no verify tokens, in these tests). */
const credentials = (secrets: string[]) => ({ secrets, verifyTokens: [] });

describe('Class: SigningSecrets', () => {
  const admin = createAwsClients();

  async function secretHolding(value: string): Promise<string> {
    const name = `hookrelay/test/${randomUUID()}`;
    await admin.secretsManager.send(new CreateSecretCommand({ Name: name, SecretString: value }));
    return name;
  }

  function setup(refreshSeconds = 300, maxStaleSeconds = 3600) {
    const plan = new FaultPlan();
    let now = 1_000_000;
    const stale: number[] = [];
    const secrets = new SigningSecrets(faultyClients(plan).secretsManager, {
      refreshSeconds,
      maxStaleSeconds,
      now: () => now,
      onStaleServed: (_id, age) => stale.push(age),
    });
    return { plan, secrets, stale, advance: (seconds: number) => (now += seconds * 1000) };
  }

  describe('Method: get', () => {
    it('serves a secret stored with a trailing newline trimmed, and reports the entry but not its value', async () => {
      // Prepare
      const id = await secretHolding('{"secrets":["gh-secret\\n"]}');
      const reports: Array<[string, readonly number[]]> = [];
      const secrets = new SigningSecrets(createAwsClients().secretsManager, {
        refreshSeconds: 300,
        maxStaleSeconds: 3600,
        onTrimmed: (secretId, entries) => reports.push([secretId, entries]),
      });

      // Act
      const served = await secrets.get(id);

      // Assess
      expect(served).toEqual(credentials(['gh-secret']));
      expect(reports).toEqual([[id, [0]]]);
    });

    it('reads the secret once and serves it from cache until the refresh interval', async () => {
      // Prepare
      const id = await secretHolding('{"secrets":["new","old"]}');
      const { plan, secrets, advance } = setup();

      // Act
      const first = await secrets.get(id);
      advance(299);
      const cached = await secrets.get(id);

      // Assess
      expect(first).toEqual(credentials(['new', 'old']));
      expect(cached).toEqual(credentials(['new', 'old']));
      expect(plan.calls('SecretsManager', 'GetSecretValue')).toBe(1);
    });

    it('picks up a rotated value after the refresh interval', async () => {
      const id = await secretHolding('{"secrets":["v1"]}');
      const { secrets, advance } = setup();
      await secrets.get(id);
      await admin.secretsManager.send(new PutSecretValueCommand({ SecretId: id, SecretString: '{"secrets":["v2","v1"]}' }));
      advance(301);
      expect(await secrets.get(id)).toEqual(credentials(['v2', 'v1']));
    });

    it('keeps serving cached secrets while Secrets Manager fails, within the stale limit', async () => {
      const id = await secretHolding('{"secrets":["s"]}');
      const { plan, secrets, stale, advance } = setup(300, 3600);
      await secrets.get(id);
      plan.add({ service: 'SecretsManager', command: 'GetSecretValue' });
      advance(1800);
      expect(await secrets.get(id)).toEqual(credentials(['s']));
      expect(stale).toEqual([1800]);
    });

    it('fails with SECRETS_UNAVAILABLE once the cache is older than the stale limit', async () => {
      const id = await secretHolding('{"secrets":["s"]}');
      const { plan, secrets, advance } = setup(300, 3600);
      await secrets.get(id);
      plan.add({ service: 'SecretsManager', command: 'GetSecretValue' });
      advance(3601);
      await expect(secrets.get(id)).rejects.toMatchObject({ code: 'SECRETS_UNAVAILABLE' });
    });

    it('fails with SECRETS_UNAVAILABLE when nothing is cached and the fetch fails', async () => {
      const { plan, secrets } = setup();
      plan.add({ service: 'SecretsManager', command: 'GetSecretValue' });
      await expect(secrets.get('hookrelay/any')).rejects.toBeInstanceOf(WebhookError);
    });

    it('re-reads an empty (not yet set) secret after 10 s instead of the refresh interval', async () => {
      const id = await secretHolding('{"secrets":[]}');
      const { secrets, advance } = setup();
      expect(await secrets.get(id)).toEqual(credentials([]));
      await admin.secretsManager.send(new PutSecretValueCommand({ SecretId: id, SecretString: '{"secrets":["set"]}' }));
      advance(11);
      expect(await secrets.get(id)).toEqual(credentials(['set']));
    });

    it('shares one fetch between concurrent cold calls', async () => {
      const id = await secretHolding('one-secret');
      const { plan, secrets } = setup();
      await Promise.all(Array.from({ length: 10 }, () => secrets.get(id)));
      expect(plan.calls('SecretsManager', 'GetSecretValue')).toBe(1);
    });
  });
});

describe('Function: parseSecretValue', () => {
  it.each([
    { case: 'the documented shape', value: '{"secrets":["a","b"]}', secrets: ['a', 'b'] },
    { case: 'a JSON array', value: '["a"]', secrets: ['a'] },
    { case: 'a bare string', value: 'whsec_abc', secrets: ['whsec_abc'] },
    { case: 'the placeholder the stack creates', value: '{"secrets":[]}', secrets: [] },
    { case: 'empty strings and non-strings dropped', value: '{"secrets":["", 5, "a"]}', secrets: ['a'] },
    { case: 'an empty value', value: '  ', secrets: [] },
    { case: 'a bracketed secret that is not JSON', value: '[not-json', secrets: ['[not-json'] },
  ])('$case', ({ value, secrets }) => {
    expect(parseSecretValue(value)).toEqual({ secrets, verifyTokens: [], trimmed: [] });
  });

  it.each([
    { case: 'a bare secret with a trailing newline', value: 'gh-secret\n', secrets: ['gh-secret'], trimmed: [0] },
    { case: 'a listed secret with spaces around it', value: '{"secrets":["new", " old "]}', secrets: ['new', 'old'], trimmed: [1] },
    { case: 'a JSON value with a trailing newline around it', value: '{"secrets":["a"]}\n', secrets: ['a'], trimmed: [] },
  ])('trims $case and says which entries needed it', ({ value, secrets, trimmed }) => {
    expect(parseSecretValue(value)).toEqual({ secrets, verifyTokens: [], trimmed });
  });

  it('reads verify tokens beside the secrets, trimmed', () => {
    expect(parseSecretValue('{"secrets":["app-secret"],"verifyTokens":[" token-1 ","token-0"]}')).toEqual({
      secrets: ['app-secret'],
      verifyTokens: ['token-1', 'token-0'],
      trimmed: [],
    });
  });
});
