import { verifyKey } from 'discord-interactions';
import { receivedRequest } from '../../../../lambdas/core/provider';
import { discord } from '../../../../lambdas/core/providers/discord';
import { expectRefusal, headerOf, NOW, verifyRequest, withBody, withHeaders } from '../../../fixtures/request';
import { DISCORD_COMMAND, DISCORD_KEYS, DISCORD_OTHER_KEYS, DISCORD_PING, discordSignature, signedDiscordRequest } from '../../../fixtures/discord';

const SIGNATURE_HEADER = 'X-Signature-Ed25519';
const TIMESTAMP_HEADER = 'X-Signature-Timestamp';
const SECRETS = [DISCORD_KEYS.publicKeyHex];

describe('Provider: discord', () => {
  describe('fixture', () => {
    it('signs what discord-interactions verifyKey accepts', async () => {
      // Prepare
      const body = JSON.stringify(DISCORD_COMMAND);

      // Act
      const valid = await verifyKey(body, discordSignature(body, String(NOW)), String(NOW), DISCORD_KEYS.publicKeyHex);

      // Assess
      expect(valid).toBe(true);
    });
  });

  describe('verify', () => {
    it('accepts a signed application command: one event, answered with a deferred message', () => {
      // Prepare
      const request = signedDiscordRequest();

      // Act
      const result = verifyRequest(discord, request, { secrets: SECRETS });

      // Assess
      expect(result).toEqual({
        secretIndex: 0,
        events: [{ id: DISCORD_COMMAND.id, type: 'application_command', payload: DISCORD_COMMAND, payloadJson: request.rawBody.toString('utf8') }],
        reply: { statusCode: 200, body: { type: 5 } },
      });
    });

    it.each([
      { case: 'an application command (2)', interactionType: 2, type: 'application_command', reply: { type: 5 } },
      { case: 'a message component (3)', interactionType: 3, type: 'message_component', reply: { type: 6 } },
      { case: 'an autocomplete request (4)', interactionType: 4, type: 'application_command_autocomplete', reply: { type: 8, data: { choices: [] } } },
      { case: 'a modal submit (5)', interactionType: 5, type: 'modal_submit', reply: { type: 5 } },
    ])('publishes $case as "$type" and answers it at once', ({ interactionType, type, reply }) => {
      // Prepare
      const body = JSON.stringify({ ...DISCORD_COMMAND, type: interactionType });

      // Act
      const result = verifyRequest(discord, signedDiscordRequest({ body }), { secrets: SECRETS });

      // Assess
      expect({ types: result.events.map((event) => event.type), reply: result.reply }).toEqual({ types: [type], reply: { statusCode: 200, body: reply } });
    });

    it('answers a signed PING with PONG ({"type":1}) and publishes nothing', () => {
      // Act
      const result = verifyRequest(discord, signedDiscordRequest({ body: JSON.stringify(DISCORD_PING) }), { secrets: SECRETS });

      // Assess
      expect(result).toEqual({ secretIndex: 0, events: [], reply: { statusCode: 200, body: { type: 1 } } });
    });

    it.each([
      { case: 'the second key matches (rotation)', secrets: [DISCORD_OTHER_KEYS.publicKeyHex, DISCORD_KEYS.publicKeyHex], secretIndex: 1 },
      { case: 'the key is written in upper case', secrets: [DISCORD_KEYS.publicKeyHex.toUpperCase()], secretIndex: 0 },
      { case: 'an unparseable key comes first', secrets: ['not-a-key', DISCORD_KEYS.publicKeyHex], secretIndex: 1 },
    ])('returns secretIndex $secretIndex when $case', ({ secrets, secretIndex }) => {
      // Act
      const result = verifyRequest(discord, signedDiscordRequest(), { secrets });

      // Assess
      expect(result.secretIndex).toBe(secretIndex);
    });

    it.each([
      { case: 'a timestamp exactly 300 s old', timestamp: NOW - 300 },
      { case: 'a timestamp exactly 300 s ahead', timestamp: NOW + 300 },
    ])('accepts $case', ({ timestamp }) => {
      // Act
      const result = verifyRequest(discord, signedDiscordRequest({ timestamp }), { secrets: SECRETS });

      // Assess
      expect(result.events).toHaveLength(1);
    });

    const valid = signedDiscordRequest();
    const signature = headerOf(valid, SIGNATURE_HEADER);
    const body = JSON.stringify(DISCORD_COMMAND);
    it.each([
      { case: 'a missing signature header', request: withHeaders(valid, { [SIGNATURE_HEADER]: undefined }), code: 'MISSING_SIGNATURE' },
      { case: 'a missing timestamp header', request: withHeaders(valid, { [TIMESTAMP_HEADER]: undefined }), code: 'MISSING_SIGNATURE' },
      { case: 'a non-hex signature', request: withHeaders(valid, { [SIGNATURE_HEADER]: `zz${signature.slice(2)}` }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a truncated signature', request: withHeaders(valid, { [SIGNATURE_HEADER]: signature.slice(0, 126) }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a non-numeric timestamp', request: withHeaders(valid, { [TIMESTAMP_HEADER]: 'now' }), code: 'MALFORMED_SIGNATURE' },
      { case: 'a signature by another key', request: signedDiscordRequest({ privateKey: DISCORD_OTHER_KEYS.privateKey }), code: 'INVALID_SIGNATURE' },
      { case: 'a tampered body', request: withBody(valid, body.replace('staging', 'production')), code: 'INVALID_SIGNATURE' },
      { case: 'a changed timestamp', request: withHeaders(valid, { [TIMESTAMP_HEADER]: String(NOW - 1) }), code: 'INVALID_SIGNATURE' },
      { case: 'an unsigned PING (Discord’s probe)', request: withBody(valid, JSON.stringify(DISCORD_PING)), code: 'INVALID_SIGNATURE' },
      { case: 'a timestamp 301 s old', request: signedDiscordRequest({ timestamp: NOW - 301 }), code: 'TIMESTAMP_OUT_OF_TOLERANCE' },
      { case: 'a timestamp 301 s in the future', request: signedDiscordRequest({ timestamp: NOW + 301 }), code: 'TIMESTAMP_OUT_OF_TOLERANCE' },
      { case: 'a signed non-JSON body', request: signedDiscordRequest({ body: 'type=2' }), code: 'INVALID_PAYLOAD' },
      { case: 'a signed JSON array', request: signedDiscordRequest({ body: '[]' }), code: 'INVALID_PAYLOAD' },
      { case: 'a signed unknown interaction type', request: signedDiscordRequest({ body: JSON.stringify({ ...DISCORD_COMMAND, type: 99 }) }), code: 'INVALID_PAYLOAD' },
      { case: 'a signed interaction type given as a string', request: signedDiscordRequest({ body: JSON.stringify({ ...DISCORD_COMMAND, type: '2' }) }), code: 'INVALID_PAYLOAD' },
      { case: 'a signed interaction without id', request: signedDiscordRequest({ body: JSON.stringify({ ...DISCORD_COMMAND, id: undefined }) }), code: 'INVALID_PAYLOAD' },
    ] as const)('refuses $case with $code', ({ request, code }) => {
      // Act & Assess
      expectRefusal(() => verifyRequest(discord, request, { secrets: SECRETS }), code, [signature, DISCORD_KEYS.publicKeyHex]);
    });

    it.each([
      { case: 'an unknown number', type: 99, logged: 'number' },
      { case: 'a string', type: 'application_command<script>', logged: 'string' },
      { case: 'an object', type: { kind: 2 }, logged: 'object' },
      { case: 'nothing', type: undefined, logged: 'undefined' },
    ])('logs an interaction type that is $case by its kind ("$logged"), never its value', ({ type, logged }) => {
      // Act
      const error = expectRefusal(() => verifyRequest(discord, signedDiscordRequest({ body: JSON.stringify({ ...DISCORD_COMMAND, type }) }), { secrets: SECRETS }), 'INVALID_PAYLOAD');

      // Assess
      expect(error.details).toEqual({ interactionTypeOf: logged });
    });

    it.each([
      { case: 'the key in base64', key: Buffer.from(DISCORD_KEYS.publicKeyHex, 'hex').toString('base64') },
      { case: 'the key cut short', key: DISCORD_KEYS.publicKeyHex.slice(0, 62) },
      { case: 'the private key', key: DISCORD_KEYS.privateKeyPem },
    ])('never matches when the configured key is $case', ({ key }) => {
      // Act & Assess
      expectRefusal(() => verifyRequest(discord, valid, { secrets: [key] }), 'INVALID_SIGNATURE');
    });

    it('agrees with discord-interactions verifyKey on a tampered body', async () => {
      // Prepare
      const tampered = body.replace('staging', 'production');

      // Act
      const official = await verifyKey(tampered, signature, String(NOW), DISCORD_KEYS.publicKeyHex);

      // Assess
      expect(official).toBe(false);
      expectRefusal(() => verifyRequest(discord, withBody(valid, tampered), { secrets: SECRETS }), 'INVALID_SIGNATURE');
    });
  });

  describe('sign', () => {
    it('signs what discord-interactions verifyKey accepts, and what verify accepts', async () => {
      // Prepare
      const body = JSON.stringify(DISCORD_COMMAND);
      const unsigned = { method: 'POST' as const, url: 'https://hooks.example.com/webhooks/discord', headers: {}, body };

      // Act
      const signed = discord.sign(unsigned, { secret: DISCORD_KEYS.privateKeyPem, nowSeconds: NOW, options: undefined });

      // Assess
      const headers = signed.headers as Record<string, string>;
      expect(await verifyKey(body, headers[SIGNATURE_HEADER]!, headers[TIMESTAMP_HEADER]!, DISCORD_KEYS.publicKeyHex)).toBe(true);
      expect(headers[TIMESTAMP_HEADER]).toBe(String(NOW));
      expect(verifyRequest(discord, receivedRequest(signed, 'discord'), { secrets: SECRETS }).events).toHaveLength(1);
    });

    it('refuses to sign with the application public key, without echoing it', () => {
      const act = () => discord.sign({ method: 'POST', url: 'https://x', headers: {}, body: '{}' }, { secret: DISCORD_KEYS.publicKeyHex, nowSeconds: NOW, options: undefined });
      expect(act).toThrow(/private key/);
      expect(act).not.toThrow(DISCORD_KEYS.publicKeyHex);
    });
  });
});
