/**
 * Measurement 6: what a forged request costs the verifier, against a genuine one of the same size.
 * An attacker who holds one genuine signed request can send it back with the body changed and
 * every header repeated (once, twice, or up to the candidate bound: the costliest is measured); all the work before the signature is refused
 * (header parsing, form parsing, one HMAC or public-key check per candidate signed message and
 * secret) must stay a small multiple of verifying the genuine request. Rounds interleave the two.
 */
import { MAX_SIGNATURE_CANDIDATES, MAX_SIGNED_MESSAGES } from '../lambdas/core/provider';
import type { WebhookRequest } from '../lambdas/core/request';
import { verifyWebhook } from '../lambdas/core/verify-webhook';
import { withRequestBody } from '../lambdas/http/api-gateway';
import { allProviderCases, type ProviderCase } from './cases';
import { interleavedRounds, median, relativeMad, round, usPerOp } from './stats';

/** The clock every case is signed and verified at (fixed: the measurement has no timestamps to go stale). */
const NOW_SECONDS = 1_700_000_000;

/** A forged request may cost at most this many genuine ones. */
export const FORGED_COST_TARGET_RATIO = 4;

export interface ForgedCostRow {
  readonly label: string;
  readonly bodyBytes: number;
  readonly validUsPerOp: number;
  readonly forgedUsPerOp: number;
  readonly ratio: number;
  readonly ratioNoise: number;
  /** The refusal the forged request gets (it must be refused, never accepted). */
  readonly refusal: string;
  readonly target: number;
  readonly pass: boolean;
}

export interface ForgedCostResult {
  readonly rows: ForgedCostRow[];
}

let sink = 0;

/** The forged body (one character changed) with every header value repeated `copies` times. */
function forge(signed: ProviderCase, copies: number): WebhookRequest {
  const { rawBody: _bytes, bodyText: _text, headers, ...fields } = signed.request;
  const repeated: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(headers)) repeated[name] = Array.from({ length: copies }, (_, i) => values[i % values.length]!);
  return withRequestBody({ ...fields, headers: repeated }, signed.forgedBody!, false);
}

function refusalOf(fn: () => void): string {
  try {
    fn();
    return 'ACCEPTED';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

export interface ForgedCostOptions {
  /** @default 21 */
  readonly rounds?: number;
  /** Target duration of one side of a round, ms. @default 20 */
  readonly roundMs?: number;
  readonly log?: (line: string) => void;
}

export function runForgedCost(options: ForgedCostOptions = {}): ForgedCostResult {
  const rounds = options.rounds ?? 21;
  const roundMs = options.roundMs ?? 20;
  const rows: ForgedCostRow[] = [];
  for (const signed of allProviderCases({ nowSeconds: NOW_SECONDS })) {
    // A static token signs no part of the body (GitLab, Okta): whoever holds one request can forge.
    if (signed.forgedBody === undefined) continue;
    const provider = signed.module;
    const valid = signed.request;
    const settings = signed.settings;
    const genuine = () => void (sink += verifyWebhook(provider, valid, settings).events.length);
    // The worst case: as many copies as a scheme still examines (past its bound it refuses at once).
    const forged = [1, MAX_SIGNED_MESSAGES, MAX_SIGNATURE_CANDIDATES]
      .map((copies) => forge(signed, copies))
      .map((request) => ({ request, us: usPerOp(() => refusalOf(() => verifyWebhook(provider, request, settings)), 300) }))
      .sort((a, b) => b.us - a.us)[0]!.request;
    const attack = () => {
      try {
        verifyWebhook(provider, forged, settings);
        sink += 1;
      } catch {
        sink += 2;
      }
    };
    const refusal = refusalOf(() => verifyWebhook(provider, forged, settings));
    if (refusal === 'ACCEPTED') throw new Error(`${signed.label}: the forged request was accepted`);

    usPerOp(genuine, 200);
    usPerOp(attack, 200);
    const ops = Math.max(50, Math.round((roundMs * 1000) / usPerOp(genuine, 200)));
    const { subject: forgedSamples, reference: validSamples, ratios } = interleavedRounds(attack, genuine, ops, rounds);
    const ratio = median(ratios);
    const row: ForgedCostRow = {
      label: signed.label,
      bodyBytes: Buffer.byteLength(signed.body),
      validUsPerOp: round(median(validSamples), 2),
      forgedUsPerOp: round(median(forgedSamples), 2),
      ratio: round(ratio, 2),
      ratioNoise: round(relativeMad(ratios), 3),
      refusal,
      target: FORGED_COST_TARGET_RATIO,
      pass: ratio <= FORGED_COST_TARGET_RATIO,
    };
    rows.push(row);
    options.log?.(`  ${row.label.padEnd(24)} forged ${row.forgedUsPerOp.toFixed(1).padStart(7)} µs  valid ${row.validUsPerOp.toFixed(1).padStart(7)} µs  ×${row.ratio.toFixed(2)}  (${refusal})`);
  }
  if (sink === -1) console.log(sink);
  return { rows };
}
