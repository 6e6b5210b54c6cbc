/**
 * Measurement 2: CPU of the pure verification core per provider, against its floor (the bare
 * signature check plus parsing the same bytes). Both run in this process on the same request;
 * rounds alternate which goes first, and the ratio is the median of the per-round ratios.
 */
import { createHmac, createVerify, timingSafeEqual, verify } from 'node:crypto';
import { parseSendGridPublicKey } from '../lambdas/core/providers/sendgrid';
import { parseStandardSecret } from '../lambdas/core/providers/standard';
import { findProvider } from '../lambdas/core/registry';
import { normaliseHeaders, queryOf, type WebhookRequest } from '../lambdas/core/request';
import { verifyWebhook } from '../lambdas/core/verify-webhook';
import { signedCases, type FloorInput, type SignedCase } from './payloads';
import { interleavedRounds, median, relativeMad, round, usPerOp } from './stats';

export const VERIFY_CPU_TARGET_RATIO = 2;

export interface VerifyCpuRow {
  readonly label: string;
  readonly provider: string;
  readonly bodyBytes: number;
  readonly usPerOp: number;
  readonly floorUsPerOp: number;
  readonly ratio: number;
  readonly floor: string;
  readonly opsPerRound: number;
  readonly rounds: number;
  /** Relative median absolute deviation of the per-round ratios. */
  readonly ratioNoise: number;
  readonly target: number;
  readonly pass: boolean;
  /**
   * Asymmetric schemes: µs/op of turning the configured key string into a KeyObject, which the
   * provider does on every request and the floor does once (measured with the provider's own
   * exported parse function).
   */
  readonly keyParseUsPerOp?: number;
  readonly diagnosis?: string;
}

export interface VerifyCpuResult {
  readonly rows: VerifyCpuRow[];
}

let sink = 0;

function floorFunction(floor: FloorInput, body: Buffer): () => void {
  switch (floor.kind) {
    case 'hmac': {
      const { algorithm, key, parts, mac, parse } = floor;
      return () => {
        const h = createHmac(algorithm, key);
        for (const part of parts) h.update(part);
        if (!timingSafeEqual(h.digest(), mac)) throw new Error('floor HMAC mismatch');
        const text = body.toString('utf8');
        sink += parse === 'json' ? (JSON.parse(text) === null ? 0 : 1) : Object.keys(Object.fromEntries(new URLSearchParams(text))).length;
      };
    }
    case 'ecdsa': {
      const { key, parts, signature } = floor;
      return () => {
        const v = createVerify('sha256');
        for (const part of parts) v.update(part);
        if (!v.verify({ key, dsaEncoding: 'der' }, signature)) throw new Error('floor ECDSA mismatch');
        sink += JSON.parse(body.toString('utf8')) === null ? 0 : 1;
      };
    }
    case 'ed25519': {
      const { key, prefix, signature } = floor;
      return () => {
        if (!verify(null, Buffer.concat([prefix, body]), key, signature)) throw new Error('floor Ed25519 mismatch');
        sink += JSON.parse(body.toString('utf8')) === null ? 0 : 1;
      };
    }
  }
}

function coreFunction(signed: SignedCase): () => void {
  const provider = findProvider(signed.provider);
  if (!provider) throw new Error(`no provider ${signed.provider}`);
  const request: WebhookRequest = { route: signed.provider, method: 'POST', headers: normaliseHeaders(signed.headers), rawBody: signed.body, url: signed.url, query: queryOf(signed.url) };
  const settings = { secrets: signed.secrets, nowSeconds: signed.nowSeconds, maxBodyBytes: 1024 * 1024, options: provider.parseOptions(signed.options) };
  // Must verify, once, before it is timed.
  const verified = verifyWebhook(provider, request, settings);
  if (verified.events.length === 0) throw new Error(`${signed.label}: the bench request yielded no event`);
  return () => {
    sink += verifyWebhook(provider, request, settings).events.length;
  };
}

/** The provider's own per-request key parsing, for the asymmetric schemes. */
function keyParseFunction(signed: SignedCase): (() => void) | undefined {
  const secret = signed.secrets[0]!;
  if (signed.floor.kind === 'ecdsa') return () => void (sink += parseSendGridPublicKey(secret) ? 1 : 0);
  if (signed.floor.kind === 'ed25519') return () => void (sink += parseStandardSecret(secret) ? 1 : 0);
  return undefined;
}

/** Runs `fn` for about `ms` milliseconds (JIT warm-up); returns µs/op. */
function warm(fn: () => void, ms: number): number {
  const start = performance.now();
  let ops = 0;
  while (performance.now() - start < ms) {
    fn();
    ops++;
  }
  return ((performance.now() - start) * 1000) / ops;
}

export interface VerifyCpuOptions {
  /** Target duration of one round of one side, ms. @default 25 */
  readonly roundMs?: number;
  /** @default 21 */
  readonly rounds?: number;
  readonly log?: (line: string) => void;
}

export function runVerifyCpu(options: VerifyCpuOptions = {}): VerifyCpuResult {
  const roundMs = options.roundMs ?? 25;
  const rounds = options.rounds ?? 21;
  const rows: VerifyCpuRow[] = [];
  for (const signed of signedCases()) {
    const core = coreFunction(signed);
    const floor = floorFunction(signed.floor, signed.body);
    // Warm-up (JIT) and calibration: ops per round so one side of a round takes ~roundMs.
    warm(floor, 100);
    const warmCore = warm(core, 150);
    const ops = Math.max(50, Math.round((roundMs * 1000) / warmCore));

    const { subject: coreSamples, reference: floorSamples, ratios } = interleavedRounds(core, floor, ops, rounds);
    const ratio = median(ratios);
    const keyParse = keyParseFunction(signed);
    let keyParseUsPerOp: number | undefined;
    if (keyParse) {
      warm(keyParse, 50);
      keyParseUsPerOp = round(median(Array.from({ length: 5 }, () => usPerOp(keyParse, Math.max(20, Math.round(ops / 2))))), 2);
    }
    const coreUsPerOp = median(coreSamples);
    const floorUsPerOp = median(floorSamples);
    const pass = ratio <= VERIFY_CPU_TARGET_RATIO;
    const row: VerifyCpuRow = {
      label: signed.label,
      provider: signed.provider,
      bodyBytes: signed.body.length,
      usPerOp: round(coreUsPerOp, 2),
      floorUsPerOp: round(floorUsPerOp, 2),
      ratio: round(ratio, 2),
      floor: signed.floorName,
      opsPerRound: ops,
      rounds,
      ratioNoise: round(relativeMad(ratios), 3),
      target: VERIFY_CPU_TARGET_RATIO,
      pass,
      ...(keyParseUsPerOp === undefined ? {} : { keyParseUsPerOp }),
      ...(!pass && keyParseUsPerOp !== undefined
        ? {
            diagnosis:
              `the provider parses the public key (createPublicKey) on every request: ${keyParseUsPerOp.toFixed(0)} µs of the ` +
              `${(coreUsPerOp - floorUsPerOp).toFixed(0)} µs above the floor; caching the KeyObject per secret would bring it to ` +
              `×${((coreUsPerOp - keyParseUsPerOp) / floorUsPerOp).toFixed(2)}`,
          }
        : {}),
    };
    rows.push(row);
    options.log?.(`  ${row.label.padEnd(24)} ${row.usPerOp.toFixed(1).padStart(7)} µs/op  floor ${row.floorUsPerOp.toFixed(1).padStart(7)} µs/op  ×${row.ratio.toFixed(2)}`);
  }
  if (sink === -1) console.log(sink); // keep results observable
  return { rows };
}
