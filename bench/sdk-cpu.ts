/**
 * Measurement: hookrelay's verification side by side with each sender's official verifier, CPU per
 * request, on the same ~3 KB request signed with the same secret (bench/cases.ts), for the accepted
 * path and the refused one (the same request with one character of the body changed), from the
 * event body as each ingress hands it to a Lambda function:
 *
 *   REST API: base64 (the deployed API declares every media type binary, so bytes that are not
 *             UTF-8 arrive intact); HTTP API: text (payload format 1.0, a JSON content type).
 *
 *   hookrelay: the adapter's request around the event body (`withRequestBody`) and `checkWebhook`,
 *              the very entry point the verifier calls: signature, timestamp, the payload parsed,
 *              id and type derived and checked, and (where the sender signs no id) the content
 *              fingerprint deduplication uses.
 *   SDK:       the body decoded as the SDK takes it (what the receiver must do with a base64 body),
 *              then the receiver's call (bench/sdk-verifiers.ts): the SDK's verifier, plus
 *              `JSON.parse` where the SDK only answers yes or no.
 *
 * Rounds interleave the two (alternating which goes first); each round re-signs the same body at
 * the current time, so SDKs that check timestamps against their own clock never see a stale one.
 * The ratio is the median of the per-round ratios, printed with their spread (interquartile range
 * and a ~95 % interval of the median).
 */
import { providerNames } from '../lambdas/core/registry';
import { checkWebhook } from '../lambdas/core/verify-webhook';
import { withRequestBody } from '../lambdas/http/api-gateway';
import { providerCase, type ProviderCase } from './cases';
import { SDK_VERIFIERS, type SdkVerifier } from './sdk-verifiers';
import { median, medianInterval, quantile, round } from './stats';

/** hookrelay may cost at most this many times the SDK's verification: it must not be slower. */
export const SDK_CPU_TARGET_RATIO = 1;

export type VerificationPath = 'accept' | 'reject';
/** How the event body reaches the function: base64 (REST API, `*\/*` binary) or text (HTTP API). */
export type Ingress = 'rest' | 'http';
export const INGRESSES: readonly Ingress[] = ['rest', 'http'];

export interface SdkCpuRow {
  readonly label: string;
  readonly provider: string;
  readonly sdk: string;
  readonly path: VerificationPath;
  readonly ingress: Ingress;
  readonly bodyBytes: number;
  readonly hookrelayUsPerOp: number;
  readonly sdkUsPerOp: number;
  /** Median of the per-round ratios hookrelay ÷ SDK. */
  readonly ratio: number;
  /** Interquartile range of the per-round ratios. */
  readonly ratioIqr: readonly [number, number];
  /** ~95 % interval of the median ratio. */
  readonly ratioInterval: readonly [number, number];
  readonly rounds: number;
  readonly opsPerRound: number;
  /** What each side answered on this path (hookrelay's refusal code, the SDK's error class). */
  readonly outcome: { readonly hookrelay: string; readonly sdk: string };
  readonly target: number;
  readonly pass: boolean;
}

export interface SdkCpuResult {
  readonly rows: SdkCpuRow[];
  /** Providers whose senders publish no verifier (no row). */
  readonly withoutSdk: string[];
}

let sink = 0;

type Call = (eventBody: string) => unknown;
type Timed = (ops: number) => Promise<number>;

/** The event body as the ingress hands it over. */
const eventBodyOf = (body: string, ingress: Ingress) => (ingress === 'rest' ? Buffer.from(body, 'utf8').toString('base64') : body);

/**
 * hookrelay's call: the adapter's request around the event body, then the core, as the verifier
 * runs them. Answers the events, or undefined for a refusal (as a yes/no verifier answers false).
 */
function hookrelayCall(c: ProviderCase, ingress: Ingress): Call {
  const { rawBody: _bytes, bodyText: _text, ...fields } = c.request;
  const base64 = ingress === 'rest';
  return (eventBody) => checkWebhook(c.module, withRequestBody(fields, eventBody, base64), c.settings).verified?.events;
}

/** The SDK's call from the event body: decoded as the SDK takes it, then the receiver's call. */
async function sdkCall(verifier: SdkVerifier, c: ProviderCase, ingress: Ingress): Promise<Call> {
  if (verifier.prepareBytes) {
    const call = await verifier.prepareBytes(c);
    return ingress === 'rest' ? (eventBody) => call(Buffer.from(eventBody, 'base64')) : (eventBody) => call(Buffer.from(eventBody, 'utf8'));
  }
  const call = await verifier.prepare!(c);
  return ingress === 'rest' ? (eventBody) => call(Buffer.from(eventBody, 'base64').toString('utf8')) : call;
}

/** µs per call over `ops` calls; refusals (throws) are caught, as a receiver does. */
function timer(call: Call, eventBody: string, isAsync: boolean): Timed {
  if (isAsync) {
    return async (ops) => {
      const start = process.hrtime.bigint();
      for (let i = 0; i < ops; i++) {
        try {
          sink += (await call(eventBody)) === undefined ? 0 : 1;
        } catch {
          sink += 2;
        }
      }
      return Number(process.hrtime.bigint() - start) / 1000 / ops;
    };
  }
  return async (ops) => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < ops; i++) {
      try {
        sink += call(eventBody) === undefined ? 0 : 1;
      } catch {
        sink += 2;
      }
    }
    return Number(process.hrtime.bigint() - start) / 1000 / ops;
  };
}

/** What the SDK's call answers: `accepted`, or the refusal (its error's class, or `false`). */
async function outcomeOf(call: () => unknown): Promise<string> {
  try {
    const result = await call();
    return result === undefined || result === false ? 'refused (false)' : 'accepted';
  } catch (error) {
    return `refused (${error instanceof Error ? error.constructor.name : typeof error})`;
  }
}

/** Signs the body afresh at the current time (same body, same secret) and prepares both sides. */
async function sides(verifier: SdkVerifier, unsignedBody: string, path: VerificationPath, ingress: Ingress) {
  const c = providerCase(verifier.provider, { body: unsignedBody }, verifier.variant);
  const body = path === 'accept' ? c.body : c.forgedBody;
  if (body === undefined) throw new Error(`${c.label}: the scheme signs no part of the body, so there is no forged body to refuse`);
  return { c, eventBody: eventBodyOf(body, ingress), ours: hookrelayCall(c, ingress), theirs: await sdkCall(verifier, c, ingress) };
}

export interface SdkCpuOptions {
  /** @default 21 */
  readonly rounds?: number;
  /** Target duration of one side of a round, ms. @default 10 */
  readonly roundMs?: number;
  /** Only the SDK rows whose label starts with one of these (a quick look). @default all */
  readonly only?: readonly string[];
  /** @default both */
  readonly ingresses?: readonly Ingress[];
  readonly log?: (line: string) => void;
}

export async function runSdkCpu(options: SdkCpuOptions = {}): Promise<SdkCpuResult> {
  const rounds = options.rounds ?? 21;
  const roundMs = options.roundMs ?? 10;
  const rows: SdkCpuRow[] = [];
  const verifiers = SDK_VERIFIERS.filter((v) => !options.only || options.only.some((label) => v.label.startsWith(label)));
  for (const verifier of verifiers) {
    const unsignedBody = providerCase(verifier.provider, {}, verifier.variant).unsignedBody;
    for (const path of ['accept', 'reject'] as const) {
      for (const ingress of options.ingresses ?? INGRESSES) {
        // Both must answer as the path expects before anything is timed.
        const first = await sides(verifier, unsignedBody, path, ingress);
        const { rawBody: _bytes, bodyText: _text, ...fields } = first.c.request;
        const checked = checkWebhook(first.c.module, withRequestBody(fields, first.eventBody, ingress === 'rest'), first.c.settings);
        const outcome = { hookrelay: checked.refusal?.code ?? 'accepted', sdk: await outcomeOf(() => first.theirs(first.eventBody)) };
        const accepted = path === 'accept';
        if ((outcome.hookrelay === 'accepted') !== accepted || (outcome.sdk === 'accepted') !== accepted) {
          throw new Error(`${verifier.label} ${path} (${ingress}): hookrelay ${outcome.hookrelay}, SDK ${outcome.sdk}`);
        }

        // Warm-up (JIT) and calibration: ops per round so that hookrelay's side takes about roundMs.
        const warmOurs = timer(first.ours, first.eventBody, false);
        await timer(first.theirs, first.eventBody, verifier.async)(300);
        await warmOurs(300);
        const ops = Math.max(40, Math.round((roundMs * 1000) / (await warmOurs(300))));

        const oursSamples: number[] = [];
        const sdkSamples: number[] = [];
        const ratios: number[] = [];
        for (let r = 0; r < rounds; r++) {
          const { eventBody, ours, theirs } = await sides(verifier, unsignedBody, path, ingress);
          const timeOurs = timer(ours, eventBody, false);
          const timeSdk = timer(theirs, eventBody, verifier.async);
          let o: number;
          let s: number;
          if (r % 2 === 0) {
            o = await timeOurs(ops);
            s = await timeSdk(ops);
          } else {
            s = await timeSdk(ops);
            o = await timeOurs(ops);
          }
          oursSamples.push(o);
          sdkSamples.push(s);
          ratios.push(o / s);
        }
        const ratio = median(ratios);
        const [low, high] = medianInterval(ratios);
        const row: SdkCpuRow = {
          label: verifier.label,
          provider: verifier.provider,
          sdk: verifier.sdk,
          path,
          ingress,
          bodyBytes: Buffer.byteLength(path === 'accept' ? first.c.body : first.c.forgedBody!),
          hookrelayUsPerOp: round(median(oursSamples), 2),
          sdkUsPerOp: round(median(sdkSamples), 2),
          ratio: round(ratio, 3),
          ratioIqr: [round(quantile(ratios, 0.25), 3), round(quantile(ratios, 0.75), 3)],
          ratioInterval: [round(low, 3), round(high, 3)],
          rounds,
          opsPerRound: ops,
          outcome,
          target: SDK_CPU_TARGET_RATIO,
          pass: ratio <= SDK_CPU_TARGET_RATIO,
        };
        rows.push(row);
        options.log?.(
          `  ${`${row.label} ${path} ${ingress}`.padEnd(38)} hookrelay ${row.hookrelayUsPerOp.toFixed(1).padStart(6)} µs  SDK ${row.sdkUsPerOp.toFixed(1).padStart(6)} µs  ` +
            `×${row.ratio.toFixed(2)} (IQR ${row.ratioIqr[0].toFixed(2)}–${row.ratioIqr[1].toFixed(2)})`,
        );
      }
    }
  }
  if (sink === -1) console.log(sink);
  const covered = new Set(SDK_VERIFIERS.map((v) => v.provider));
  return { rows, withoutSdk: providerNames.filter((name) => !covered.has(name)) };
}
