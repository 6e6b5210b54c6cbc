import { createTelemetry, metricsLineLevel, type Telemetry } from '../../../lambdas/observability/telemetry';
import { captureWrites, setEnvironment } from '../../helpers/process-state';

type Line = Record<string, unknown>;

/**
 * Runs `work` with the given environment (restored after) and returns the JSON lines it wrote to
 * stdout and to stderr (Powertools writes warnings and errors there; Lambda ingests both).
 */
function linesOf(env: Record<string, string | undefined>, work: (telemetry: Telemetry) => void): { stdout: Line[]; stderr: Line[] } {
  const stdout = captureWrites(process.stdout);
  const stderr = captureWrites(process.stderr);
  const restoreEnvironment = setEnvironment(env);
  try {
    work(createTelemetry('telemetry-test'));
  } finally {
    stdout.restore();
    stderr.restore();
    restoreEnvironment();
  }
  const jsonLines = (text: string) => text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Line);
  return { stdout: jsonLines(stdout.text()), stderr: jsonLines(stderr.text()) };
}

const METRICS_ON = { POWERTOOLS_METRICS_DISABLED: 'false', POWERTOOLS_LOG_LEVEL: 'INFO', AWS_LAMBDA_LOG_LEVEL: undefined };

describe('Function: createTelemetry', () => {
  describe('Method: summarise', () => {
    it('an accepted request: one line, the metrics with the request fields as EMF metadata', () => {
      // Act
      const { stdout, stderr } = linesOf(METRICS_ON, (telemetry) => {
        telemetry.count('Received', 'stripe');
        telemetry.count('Verified', 'stripe');
        telemetry.count('Enqueued', 'stripe');
        telemetry.summarise('Webhook accepted', { route: 'stripe', status: 200, ms: 3.2, eventIds: ['evt_1'], replayed: false, secretIndex: undefined });
        telemetry.flush();
      });

      // Assess
      expect(stdout).toHaveLength(1);
      expect(stdout[0]).toEqual(
        expect.objectContaining({ message: 'Webhook accepted', route: 'stripe', status: 200, ms: 3.2, eventIds: ['evt_1'], replayed: false, provider: 'stripe', Received: 1, Verified: 1, Enqueued: 1 }),
      );
      expect(stdout[0]!['_aws']).toEqual(expect.objectContaining({ CloudWatchMetrics: [expect.objectContaining({ Dimensions: [['service', 'provider']] })] }));
      expect(Object.keys(stdout[0]!)).not.toContain('secretIndex');
      expect(stderr).toEqual([]);
    });

    it('a refusal: the fields ride on the last metrics line (the one with the code dimension), which keeps its dimensions, with no collision warning', () => {
      // Act
      const { stdout, stderr } = linesOf(METRICS_ON, (telemetry) => {
        telemetry.count('Received', 'stripe');
        telemetry.count('Rejected', 'unknown', { code: 'INVALID_SIGNATURE' });
        telemetry.summarise('Webhook refused', { route: 'stripe', code: 'INVALID_SIGNATURE', provider: 'not-a-dimension-value', service: 'other', status: 401 });
        telemetry.flush();
      });

      // Assess
      expect(stdout).toHaveLength(2);
      expect(stdout[0]!['message']).toBeUndefined();
      expect(stdout[1]).toEqual(expect.objectContaining({ message: 'Webhook refused', route: 'stripe', code: 'INVALID_SIGNATURE', provider: 'unknown', service: 'telemetry-test', status: 401, Rejected: 1 }));
      expect(stderr).toEqual([]);
    });

    it.each([
      { case: 'metrics disabled', env: { ...METRICS_ON, POWERTOOLS_METRICS_DISABLED: 'true' }, count: true },
      { case: 'nothing counted', env: METRICS_ON, count: false },
    ])('$case: the logger writes the line instead, with the same keys', ({ env, count }) => {
      // Act
      const { stdout } = linesOf(env, (telemetry) => {
        if (count) telemetry.count('Rejected', 'stripe', { code: 'FORBIDDEN' });
        telemetry.summarise('Webhook refused', { route: 'stripe', code: 'FORBIDDEN', status: 403 });
        telemetry.flush();
      });

      // Assess
      expect(stdout).toEqual([expect.objectContaining({ level: 'INFO', message: 'Webhook refused', route: 'stripe', code: 'FORBIDDEN', status: 403 })]);
      expect(stdout[0]!['_aws']).toBeUndefined();
    });

    it('writes a line once: a flush without a new summary writes only the counts', () => {
      // Act
      const { stdout } = linesOf(METRICS_ON, (telemetry) => {
        telemetry.count('Received', 'stripe');
        telemetry.summarise('Webhook accepted', { route: 'stripe' });
        telemetry.flush();
        telemetry.count('Received', 'stripe');
        telemetry.flush();
      });

      // Assess
      expect(stdout.map((line) => line['message'])).toEqual(['Webhook accepted', undefined]);
    });
  });

  describe("Lambda's application log level (AWS_LAMBDA_LOG_LEVEL, JSON log format)", () => {
    it.each([
      { case: 'INFO: metrics lines need no level (Lambda reads none as INFO)', level: 'INFO', metricsLevel: undefined },
      { case: 'WARN: metrics lines name WARN, so Lambda keeps them', level: 'WARN', metricsLevel: 'WARN' },
      { case: 'ERROR: metrics lines name ERROR', level: 'ERROR', metricsLevel: 'ERROR' },
    ])('$case', ({ level, metricsLevel }) => {
      // Act
      const { stdout } = linesOf({ ...METRICS_ON, AWS_LAMBDA_LOG_LEVEL: level, POWERTOOLS_LOG_LEVEL: level }, (telemetry) => {
        telemetry.count('Received', 'stripe');
        telemetry.summarise('Webhook accepted', { route: 'stripe' });
        telemetry.flush();
      });

      // Assess
      expect(stdout).toHaveLength(1);
      expect(stdout[0]!['level']).toEqual(metricsLevel);
      expect(stdout[0]!['message']).toEqual('Webhook accepted');
    });

    it.each([
      { case: 'WARN drops info, keeps warn and error', alc: 'WARN', powertools: 'WARN', levels: ['WARN', 'ERROR'] },
      { case: 'Lambda INFO wins over a Powertools DEBUG: no debug line', alc: 'INFO', powertools: 'DEBUG', levels: ['INFO', 'WARN', 'ERROR'] },
      { case: 'DEBUG passes debug lines', alc: 'DEBUG', powertools: 'DEBUG', levels: ['DEBUG', 'INFO', 'WARN', 'ERROR'] },
    ])('Powertools Logger follows it — $case — and writes each line once, as JSON (never re-encoded)', ({ alc, powertools, levels }) => {
      // Act
      const { stdout, stderr } = linesOf({ AWS_LAMBDA_LOG_LEVEL: alc, POWERTOOLS_LOG_LEVEL: powertools }, (telemetry) => {
        telemetry.logger.debug('d');
        telemetry.logger.info('i');
        telemetry.logger.warn('w');
        telemetry.logger.error('e');
      });

      // Assess: Powertools warns once that DEBUG is below Lambda's level; the rest are the lines logged.
      const written = [...stdout, ...stderr];
      const logged = written.filter((line) => ['d', 'i', 'w', 'e'].includes(String(line['message'])));
      expect(logged.map((line) => line['level'])).toEqual(levels);
      expect(logged.every((line) => typeof line['message'] === 'string' && line['service'] === 'telemetry-test')).toEqual(true);
    });
  });
});

describe('Function: metricsLineLevel', () => {
  it.each([
    { level: undefined, expected: undefined },
    { level: 'DEBUG', expected: undefined },
    { level: 'INFO', expected: undefined },
    { level: 'WARN', expected: 'WARN' },
    { level: 'ERROR', expected: 'ERROR' },
    { level: 'FATAL', expected: 'FATAL' },
  ])('AWS_LAMBDA_LOG_LEVEL=$level → $expected', ({ level, expected }) => {
    expect(metricsLineLevel(level === undefined ? {} : { AWS_LAMBDA_LOG_LEVEL: level })).toEqual(expected);
  });
});
