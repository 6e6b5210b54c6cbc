import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createAwsClients } from '../../../lambdas/adapters/aws-clients';
import { createQueue } from '../../../local/local-resources';
import type { PlannedEvent } from '../../../tools/lib/archive-reader';
import {
  checkPayloads,
  excludesReplays,
  formatPlan,
  parseTime,
  rateLimiter,
  ReplayCheckpoint,
  replayIdOf,
  ReplayUsageError,
  resolveQueue,
  type Clock,
  type ReplayDefinition,
} from '../../../tools/lib/replay';

const NOW = Date.parse('2026-11-29T12:00:00Z');
const definition: ReplayDefinition = {
  route: 'stripe',
  since: '2026-11-29T09:00:00.000Z',
  until: '2026-11-29T12:00:00.000Z',
  types: ['invoice.*', 'charge.*'],
  ids: [],
  to: 'https://sqs.eu-west-1.amazonaws.com/123456789012/billing',
};

function planned(id: string, type: string, publishedAt: string, extra: Partial<PlannedEvent> = {}): PlannedEvent {
  return {
    key: `stripe#${id}`,
    id,
    type,
    provider: 'stripe',
    source: 'stripe',
    receivedAt: publishedAt,
    publishedAt,
    messageId: randomUUID(),
    topicArn: 'arn:aws:sns:eu-west-1:123456789012:hookrelay-dev-stripe',
    attributes: { provider: 'stripe', source: 'stripe', eventType: type },
    bytes: 100,
    objectKey: 'events/route=stripe/day=2026-11-29/hour=10/x.json.gz',
    line: 0,
    ...extra,
  };
}

describe('Module: tools/lib/replay', () => {
  describe('Function: parseTime', () => {
    it.each([
      { case: 'an ISO-8601 time', value: '2026-11-29T03:00:00Z', ms: Date.parse('2026-11-29T03:00:00Z') },
      { case: 'an ISO-8601 time with an offset', value: '2026-11-29T04:00:00+01:00', ms: Date.parse('2026-11-29T03:00:00Z') },
      { case: 'minutes ago', value: '90m', ms: NOW - 90 * 60_000 },
      { case: 'hours ago', value: '3h', ms: NOW - 3 * 3_600_000 },
      { case: 'days ago', value: '2d', ms: NOW - 2 * 86_400_000 },
    ])('reads $case', ({ value, ms }) => {
      expect(parseTime(value, NOW, '--since')).toBe(ms);
    });

    it.each(['yesterday', '3 hours', '2026-13-45T00:00:00Z', ''])('refuses "%s" with a usage error naming the option', (value) => {
      expect(() => parseTime(value, NOW, '--since')).toThrow(ReplayUsageError);
      expect(() => parseTime(value, NOW, '--since')).toThrow(/--since/);
    });
  });

  describe('Function: rateLimiter', () => {
    function fakeClock(): Clock & { slept: number[]; advance(ms: number): void } {
      let now = 0;
      const slept: number[] = [];
      return {
        slept,
        now: () => now,
        advance: (ms) => (now += ms),
        sleep: async (ms) => {
          slept.push(ms);
          now += ms;
        },
      };
    }

    it.each([
      { rate: 10, waits: 4, slept: [100, 100, 100] },
      { rate: 4, waits: 3, slept: [250, 250] },
      { rate: 1000, waits: 3, slept: [1, 1] },
    ])('spaces $waits sends at $rate/s: the first at once, then 1/rate apart', async ({ rate, waits, slept }) => {
      // Prepare
      const clock = fakeClock();
      const limiter = rateLimiter(rate, clock);

      // Act
      for (let i = 0; i < waits; i += 1) await limiter.wait();

      // Assess
      expect(clock.slept).toEqual(slept);
    });

    it('does not burst to catch up after a slow send', async () => {
      // Prepare
      const clock = fakeClock();
      const limiter = rateLimiter(10, clock);
      await limiter.wait();

      // Act: a send took 1 s, ten intervals
      clock.advance(1000);
      await limiter.wait();
      await limiter.wait();

      // Assess: the next waits its interval after the late one, not at once
      expect(clock.slept).toEqual([100]);
    });
  });

  describe('Function: excludesReplays', () => {
    it.each([
      { case: "the kit's policy", policy: { eventType: [{ prefix: 'invoice.' }], replay: [{ exists: false }] }, scope: undefined, excludes: true },
      { case: "the kit's policy with sources ($or)", policy: { replay: [{ exists: false }], $or: [{ source: ['stripe'] }] }, scope: 'MessageAttributes', excludes: true },
      { case: 'includeReplays (no replay condition)', policy: { eventType: ['invoice.paid'] }, scope: undefined, excludes: false },
      { case: 'no filter policy', policy: undefined, scope: undefined, excludes: false },
      { case: 'a body-scoped policy', policy: { replay: [{ exists: false }] }, scope: 'MessageBody', excludes: false },
      { case: 'a condition that lets replays through', policy: { replay: [{ exists: true }] }, scope: undefined, excludes: false },
    ])('$case: excludes replays = $excludes', ({ policy, scope, excludes }) => {
      expect(excludesReplays(policy && JSON.stringify(policy), scope)).toBe(excludes);
    });
  });

  describe('Function: replayIdOf', () => {
    it('is the same for the same replay, whatever the order of its filters', () => {
      expect(replayIdOf({ ...definition, types: ['charge.*', 'invoice.*'] })).toBe(replayIdOf(definition));
      expect(replayIdOf(definition)).toMatch(/^rpl_[0-9a-f]{16}$/);
    });

    it.each([
      { case: 'another destination', change: { to: 'topic' } },
      { case: 'another window', change: { until: '2026-11-29T13:00:00.000Z' } },
      { case: 'other ids', change: { ids: ['evt_1'] } },
    ])('differs for $case', ({ change }) => {
      expect(replayIdOf({ ...definition, ...change })).not.toBe(replayIdOf(definition));
    });
  });

  describe('Class: ReplayCheckpoint', () => {
    let directory: string;
    beforeEach(() => {
      directory = mkdtempSync(path.join(tmpdir(), 'hookrelay-checkpoint-'));
    });
    afterEach(() => rmSync(directory, { recursive: true, force: true }));

    it('remembers what was sent across runs, ignoring a line torn by a crash', () => {
      // Prepare
      const first = ReplayCheckpoint.open(directory, definition);
      first.record('stripe#evt_1');
      first.record('stripe#evt_2');
      appendFileSync(first.file, '{"sent":"stripe#ev');

      // Act
      const resumed = ReplayCheckpoint.open(directory, definition);

      // Assess
      expect([...resumed.sent]).toEqual(['stripe#evt_1', 'stripe#evt_2']);
      expect(resumed.done).toBeUndefined();
      expect(ReplayCheckpoint.definitionOf(directory, resumed.replayId)).toEqual(definition);
    });

    it('says when a replay is complete, and forgets it on restart', () => {
      // Prepare
      const first = ReplayCheckpoint.open(directory, definition);
      first.record('stripe#evt_1');
      first.complete();

      // Act
      const again = ReplayCheckpoint.open(directory, definition);
      const restarted = ReplayCheckpoint.open(directory, definition, { restart: true });

      // Assess
      expect(again.done).toEqual({ at: expect.any(String), sent: 1 });
      expect([restarted.sent.size, restarted.done]).toEqual([0, undefined]);
    });

    it('refuses to resume an unknown replay', () => {
      expect(() => ReplayCheckpoint.definitionOf(directory, 'rpl_0000000000000000')).toThrow(ReplayUsageError);
    });
  });

  describe('Function: formatPlan', () => {
    it('counts events by type and names the first and last by publish time', () => {
      // Prepare
      const events = [
        planned('evt_b', 'invoice.paid', '2026-11-29T10:00:02.000Z'),
        planned('evt_a', 'invoice.paid', '2026-11-29T10:00:01.000Z'),
        planned('evt_c', 'charge.succeeded', '2026-11-29T11:30:00.000Z'),
      ];

      // Act
      const text = formatPlan({
        replayId: 'rpl_0123456789abcdef',
        definition,
        archive: 's3://archive',
        scan: { partitions: 3, objectKeys: ['a', 'b'], records: 9, duplicates: 1, unreadable: [], events },
        toSend: events,
        alreadySent: 0,
        payloadsMissing: 1,
        payloadsUnchecked: 0,
        destination: 'queue https://sqs.example/billing',
        ratePerSecond: 10,
      }).join('\n');

      // Assess
      expect(text).toMatch(/archive {6}s3:\/\/archive: 3 hour\(s\), 2 object\(s\), 9 record\(s\), 1 duplicate copy dropped/);
      expect(text).toMatch(/events {7}3 to replay; 1 skipped: their claim-checked payload has expired/);
      expect(text).toMatch(/invoice\.paid +2\n +charge\.succeeded +1/);
      expect(text).toContain('first        evt_a  invoice.paid');
      expect(text).toContain('last         evt_c  charge.succeeded');
      expect(text).toContain('replay=rpl_0123456789abcdef');
    });
  });

  describe('AWS calls (stand-ins)', () => {
    const clients = createAwsClients();

    it('resolves a queue ARN to its URL, and refuses a destination that is neither a queue nor the topic', async () => {
      // Prepare
      const name = `replay-target-${randomUUID().slice(0, 8)}`;
      const queueUrl = await createQueue(clients.sqs, name, {});

      // Act
      const resolved = await resolveQueue(clients.sqs, `arn:aws:sqs:us-east-1:000000000000:${name}`);

      // Assess
      expect(resolved).toEqual({ kind: 'queue', queueUrl, label: `queue ${queueUrl}` });
      await expect(resolveQueue(clients.sqs, 'billing')).rejects.toThrow(ReplayUsageError);
    });

    it('finds claim-checked payloads that have expired or that no subscriber can locate, so their envelopes are not replayed', async () => {
      // Prepare
      const bucket = `payloads-${randomUUID().slice(0, 8)}`;
      await clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'stripe/kept.json', Body: '{}' }));
      const events = [
        planned('evt_inline', 'invoice.paid', '2026-11-29T10:00:00Z'),
        planned('evt_kept', 'invoice.paid', '2026-11-29T10:00:01Z', { payloadLocation: `s3://${bucket}/stripe/kept.json` }),
        planned('evt_gone', 'invoice.paid', '2026-11-29T10:00:02Z', { payloadLocation: `s3://${bucket}/stripe/gone.json` }),
        planned('evt_malformed', 'invoice.paid', '2026-11-29T10:00:03Z', { payloadLocation: `https://${bucket}.s3.amazonaws.com/stripe/kept.json` }),
      ];

      // Act
      const result = await checkPayloads(clients.s3, events);

      // Assess
      expect({ missing: [...result.missing], unchecked: result.unchecked }).toEqual({ missing: ['stripe#evt_gone', 'stripe#evt_malformed'], unchecked: 0 });
    });
  });
});
