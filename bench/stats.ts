/** Shared statistics helpers for the benchmark suite. Every function copies before sorting. */

/** The q-quantile (0..1) with linear interpolation between closest ranks. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (position - lower);
}

export const median = (values: readonly number[]): number => quantile(values, 0.5);
export const p99 = (values: readonly number[]): number => quantile(values, 0.99);

export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** Median absolute deviation relative to the median: a robust "how noisy was this" figure. */
export function relativeMad(values: readonly number[]): number {
  const m = median(values);
  return median(values.map((value) => Math.abs(value - m))) / m;
}

export interface Summary {
  readonly n: number;
  readonly median: number;
  readonly p99: number;
  readonly min: number;
  readonly max: number;
}

export function summarize(values: readonly number[]): Summary {
  return {
    n: values.length,
    median: median(values),
    p99: p99(values),
    min: Math.min(...values),
    max: Math.max(...values),
  };
}

/** Rounds for JSON output (keeps results.json readable). */
export function round(value: number, digits = 3): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Fisher–Yates, in place; returns the array. */
export function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/**
 * A distribution-free ~95 % confidence interval of the median (order statistics: ranks
 * n/2 ± 0.98·√n), for deciding whether a median ratio is on one side of a target. Rounds on a
 * shared machine are not identically distributed, so read it as "how settled", not as a proof.
 */
export function medianInterval(values: readonly number[]): readonly [number, number] {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return [Number.NaN, Number.NaN];
  const half = 0.98 * Math.sqrt(n);
  const lower = Math.max(0, Math.floor(n / 2 - half) - 1);
  const upper = Math.min(n - 1, Math.ceil(n / 2 + half));
  return [sorted[lower]!, sorted[upper]!];
}

/** µs per call of `fn`, over `ops` calls in a row (process.hrtime). */
export function usPerOp(fn: () => void, ops: number): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < ops; i++) fn();
  return Number(process.hrtime.bigint() - start) / 1000 / ops;
}

/**
 * `rounds` rounds of `ops` calls of each side, the side that goes first alternating from round to
 * round: each side's µs/op per round, and the per-round ratios subject ÷ reference, whose median is
 * less sensitive to the shared machine's drift than a ratio of two medians.
 */
export function interleavedRounds(subject: () => void, reference: () => void, ops: number, rounds: number): { subject: number[]; reference: number[]; ratios: number[] } {
  const result = { subject: [] as number[], reference: [] as number[], ratios: [] as number[] };
  for (let r = 0; r < rounds; r++) {
    let s: number;
    let f: number;
    if (r % 2 === 0) {
      s = usPerOp(subject, ops);
      f = usPerOp(reference, ops);
    } else {
      f = usPerOp(reference, ops);
      s = usPerOp(subject, ops);
    }
    result.subject.push(s);
    result.reference.push(f);
    result.ratios.push(s / f);
  }
  return result;
}
