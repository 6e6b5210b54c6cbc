/** The table `npm run bench` prints, and the list of targets it checks. */
import type { ColdStartResult } from './cold-start';
import type { CostResult } from './cost';
import type { ForgedCostResult } from './forged-cost';
import type { GatewayLoadResult } from './gateway-load';
import type { LatencyResult } from './latency';
import type { MemoryResult } from './memory';
import type { SdkCpuResult } from './sdk-cpu';
import type { VerifierWarmResult } from './verifier-warm';
import type { VerifyCpuResult } from './verify-cpu';

export interface BenchResults {
  verifierWarm?: VerifierWarmResult;
  verifyCpu?: VerifyCpuResult;
  sdkCpu?: SdkCpuResult;
  forgedCost?: ForgedCostResult;
  coldStart?: ColdStartResult;
  gatewayLoad?: GatewayLoadResult;
  memory?: MemoryResult;
  cost?: CostResult;
  latency?: LatencyResult;
}

export interface TargetCheck {
  readonly measurement: string;
  readonly figure: string;
  readonly value: number;
  readonly target: string;
  readonly pass: boolean;
  readonly why?: string;
}

const MiB = 1024 * 1024;
const KB = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
const mib = (bytes: number) => `${(bytes / MiB).toFixed(2)} MiB`;
const signedMib = (bytes: number) => `${bytes >= 0 ? '+' : '−'}${(Math.abs(bytes) / MiB).toFixed(2)} MiB`;

export function targetChecks(results: BenchResults): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const w = results.verifierWarm;
  if (w) {
    checks.push({ measurement: 'verifier warm', figure: 'median ratio to floor', value: w.ratio, target: `≤ ${w.ratioTarget}`, pass: w.ratioPass, ...(w.diagnosis ? { why: w.diagnosis } : {}) });
    checks.push({ measurement: 'verifier warm', figure: 'sequential AWS round trips', value: w.sequentialRoundTrips.max, target: `≤ ${w.roundTripsTarget}`, pass: w.roundTripsPass });
  }
  for (const row of results.verifyCpu?.rows ?? []) {
    checks.push({ measurement: 'verify CPU', figure: row.label, value: row.ratio, target: `≤ ${row.target}×`, pass: row.pass, ...(row.diagnosis ? { why: row.diagnosis } : {}) });
  }
  for (const row of results.sdkCpu?.rows ?? []) {
    checks.push({ measurement: 'vs official SDK', figure: `${row.label} ${row.path} (${row.ingress === 'rest' ? 'REST' : 'HTTP API'})`, value: row.ratio, target: `≤ ${row.target}×`, pass: row.pass });
  }
  for (const row of results.forgedCost?.rows ?? []) {
    checks.push({ measurement: 'forged request cost', figure: row.label, value: row.ratio, target: `≤ ${row.target}×`, pass: row.pass });
  }
  for (const c of results.coldStart?.comparisons ?? []) {
    if (c.target === undefined) continue; // printed for information
    checks.push({
      measurement: 'cold start',
      figure: `${c.what}, source maps ${c.sourceMaps ? 'on' : 'off'}`,
      value: c.ratio,
      target: `≤ ${c.target}×`,
      pass: c.pass,
      ...(c.decided ? {} : { why: `undecided: the ~95 % interval ${c.interval[0]}–${c.interval[1]} straddles the target` }),
    });
  }
  const g = results.gatewayLoad;
  if (g) {
    checks.push({ measurement: 'gateway load', figure: 'errors + non-2xx', value: g.errors + g.non2xx, target: '= 0', pass: g.errors + g.non2xx === 0 });
    checks.push({ measurement: 'gateway load', figure: 'duplicates + missing', value: g.duplicates + g.missing, target: '= 0 (exactly once)', pass: g.drained && g.duplicates === 0 && g.missing === 0 });
  }
  const cost = results.cost;
  if (cost) {
    for (const ingress of ['rest', 'http'] as const) {
      const total = cost.steady.costs[ingress].total;
      checks.push({ measurement: 'cost per million', figure: `${ingress === 'rest' ? 'REST API' : 'HTTP API'} ingress, batch size ${cost.steady.batchSize}`, value: Math.round(total * 100) / 100, target: `≤ $${cost.targets[ingress].toFixed(2)}`, pass: cost.pass[ingress] });
    }
    checks.push({ measurement: 'cost per million', figure: 'envelopes published per accepted event', value: cost.steady.publishedPerEvent, target: '= 1', pass: cost.steady.publishedPerEvent === 1 });
  }
  const lat = results.latency;
  if (lat) checks.push({ measurement: 'latency', figure: 'envelopes published per accepted event', value: lat.publishedPerEvent, target: '= 1', pass: lat.publishedPerEvent === 1 });
  const m = results.memory;
  if (m) {
    checks.push({ measurement: 'memory', figure: 'heap used growth', value: m.heapUsedDeltaBytes, target: `≤ ${mib(m.heapGrowthLimitBytes)}`, pass: m.heapUsedDeltaBytes <= m.heapGrowthLimitBytes });
    checks.push({ measurement: 'memory', figure: 'RSS growth', value: m.rssDeltaBytes, target: `≤ ${mib(m.rssGrowthLimitBytes)}`, pass: m.rssDeltaBytes <= m.rssGrowthLimitBytes });
  }
  return checks;
}

type Row = [label: string, figure: string, floor: string, ratio: string, target: string, result: string];

export function formatTable(results: BenchResults, machine: string, errors: Record<string, string>): string {
  const rows: Array<Row | string> = [];
  const verdict = (pass: boolean) => (pass ? 'pass' : 'MISS');

  const w = results.verifierWarm;
  rows.push(`1. Verifier warm path: Stripe ~3 KB, new event per invocation, in process vs loopback stand-ins (n=${w?.invocations ?? 0} each)`);
  if (w) {
    rows.push(['  median per invocation', `${w.medianMs.toFixed(2)} ms`, `${w.floorMedianMs.toFixed(2)} ms`, `${w.ratio.toFixed(2)}×`, `≤ ${w.ratioTarget}×`, verdict(w.ratioPass)]);
    rows.push(['  p99 per invocation', `${w.p99Ms.toFixed(2)} ms`, `${w.floorP99Ms.toFixed(2)} ms`, `${w.p99Ratio.toFixed(2)}×`, '—', 'info']);
    rows.push(['  per-batch ratio (median)', '', '', `${w.batchRatioMedian.toFixed(2)}×`, '—', 'info']);
    rows.push(['  diagnostic: metrics count() no-op', `${w.withoutMetrics.medianMs.toFixed(2)} ms`, `${w.withoutMetrics.metricDataPointsPerInvocation} EMF flushes/inv. as deployed`, `${w.withoutMetrics.ratio.toFixed(2)}×`, '—', 'info']);
    rows.push(['  sequential AWS round trips', `${w.sequentialRoundTrips.median} (max ${w.sequentialRoundTrips.max})`, '', '', `≤ ${w.roundTripsTarget}`, verdict(w.roundTripsPass)]);
    rows.push(['  SDK calls / HTTP attempts', `${w.sdkCallsPerInvocation.median} / ${w.httpAttemptsPerInvocation.median}`, 'middleware count per invocation', '', '', 'info']);
    rows.push(['  first invocation (cold)', `${w.firstInvocation.ms.toFixed(1)} ms`, `${w.firstInvocation.calls.length} calls (+ secret fetch)`, '', '', 'info']);
    rows.push(`     calls per accepted webhook (= the floor): ${w.callSequence.join(' → ')}`);
    const b = w.breakdownMs;
    rows.push(
      `     outside / inside the HTTP exchanges: verifier ${b.verifier.outsideHttp.toFixed(2)} / ${b.verifier.insideHttp.toFixed(2)} ms, ` +
        `floor ${b.floor.outsideHttp.toFixed(2)} / ${b.floor.insideHttp.toFixed(2)} ms; ${w.logging}`,
    );
  }

  rows.push('2. Verification CPU, pure verifyWebhook, µs/op (median of rounds; ratio = median of per-round ratios)');
  for (const row of results.verifyCpu?.rows ?? []) {
    rows.push([`  ${row.label} (${(row.bodyBytes / 1024).toFixed(1)} KB)`, `${row.usPerOp.toFixed(1)} µs`, `${row.floorUsPerOp.toFixed(1)} µs`, `${row.ratio.toFixed(2)}×`, `≤ ${row.target}×`, verdict(row.pass)]);
  }

  const sdk = results.sdkCpu;
  rows.push('2a. Side by side with the official SDK, µs/op: hookrelay (adapter + checkWebhook) vs the SDK (+ JSON.parse where it returns no object); ratio = median of per-round ratios [interquartile range]; REST base64 | HTTP API text');
  for (const row of sdk?.rows ?? []) {
    rows.push([
      `  ${row.label} ${row.path} ${row.ingress === 'rest' ? 'REST' : 'HTTP'}`,
      `${row.hookrelayUsPerOp.toFixed(1)} µs`,
      `${row.sdkUsPerOp.toFixed(1)} µs`,
      `${row.ratio.toFixed(2)}× [${row.ratioIqr[0].toFixed(2)}–${row.ratioIqr[1].toFixed(2)}]`,
      `≤ ${row.target}×`,
      verdict(row.pass),
    ]);
  }
  if (sdk) rows.push(`     no official verifier to compare with: ${sdk.withoutSdk.join(', ')}`);

  rows.push('2b. Forged request: the genuine one with a byte of the body changed and every header repeated (1, 2 or 16 times: the costliest), µs/op vs the genuine request');
  for (const row of results.forgedCost?.rows ?? []) {
    rows.push([`  ${row.label} (${(row.bodyBytes / 1024).toFixed(1)} KB, ${row.refusal})`, `${row.forgedUsPerOp.toFixed(1)} µs`, `${row.validUsPerOp.toFixed(1)} µs`, `${row.ratio.toFixed(2)}×`, `≤ ${row.target}×`, verdict(row.pass)]);
  }

  const c = results.coldStart;
  rows.push(`3. Cold start proxy: node -e "require(bundle)" − node -e 0, medians of ${c?.rounds ?? 0} interleaved rounds (bare node ${c?.bareNodeMs ?? '?'} ms); ratio = median of per-round ratios [~95 % interval]`);
  for (const b of c?.bundles ?? []) {
    rows.push([`  ${b.bundle} load, source maps on / off`, `${b.loadMs.sourceMaps.toFixed(1)} / ${b.loadMs.noSourceMaps.toFixed(1)} ms`, `CPU ${b.cpuMs.sourceMaps.toFixed(1)} / ${b.cpuMs.noSourceMaps.toFixed(1)} ms`, KB(b.bytes), `map ${KB(b.sourceMapBytes)}`, 'info']);
  }
  for (const cmp of c?.comparisons ?? []) {
    rows.push([
      `  ${cmp.what}, maps ${cmp.sourceMaps ? 'on' : 'off'}`,
      `${cmp.ratio.toFixed(2)}× [${cmp.interval[0].toFixed(2)}–${cmp.interval[1].toFixed(2)}]`,
      `CPU ${cmp.cpuRatio.toFixed(2)}×`,
      `${cmp.ratio.toFixed(2)}×`,
      cmp.target === undefined ? '—' : `≤ ${cmp.target}×`,
      cmp.target === undefined ? 'info' : cmp.decided ? verdict(cmp.pass) : `${verdict(cmp.pass)}?`,
    ]);
  }
  if (c) {
    const { target, format, minify, sourcemap, sourcesContent, external } = c.bundling;
    rows.push(`     esbuild ${format} ${target} minify=${minify} sourcemap=${sourcemap} sourcesContent=${sourcesContent} externals=[${external.join(',')}] (lib/bundling.ts), NODE_OPTIONS=${c.nodeOptions}`);
    rows.push(`     verifier: ${c.typicalProviders.join(', ')} (provider modules ${KB(c.providerModuleBytes.typical)}) or every provider (${KB(c.providerModuleBytes.everyProvider)}), each bundle with only its routes' providers (handlerBuildOptions)`);
    rows.push(`     verifier packages beyond its floor: ${c.verifierExtraPackages.slice(0, 8).map((p) => `${p.package} ${KB(p.bytes)}`).join(', ')}`);
    if (c.s3Client) rows.push(`     an S3 client in the verifier's floor: +${KB(c.s3Client.bytes)}, +${c.s3Client.loadMs.sourceMaps.toFixed(1)} / ${c.s3Client.loadMs.noSourceMaps.toFixed(1)} ms load (source maps on / off); the verifier loads it on its first claim check instead`);
  }

  const g = results.gatewayLoad;
  rows.push(`4. Local gateway (npm start) under autocannon: ${g?.connections ?? 50} connections, ${g?.durationSeconds ?? 10} s, unique signed Stripe events (${g ? KB(g.bodyBytes) : '?'})`);
  if (g) {
    rows.push(['  throughput', `${g.requestsPerSecond.toFixed(0)} req/s`, '', '', '—', 'info']);
    rows.push(['  latency p50 / p99', `${g.latencyP50Ms} / ${g.latencyP99Ms} ms`, '', '', '—', 'info']);
    rows.push(['  errors / non-2xx / timeouts', `${g.errors} / ${g.non2xx} / ${g.timeouts}`, '', '', '= 0', verdict(g.errors + g.non2xx === 0)]);
    rows.push(['  accepted / published', `${g.accepted} / ${g.published}`, `+${g.publishedUnacknowledged} in flight at stop`, '', '', '']);
    rows.push(['  duplicates / missing', `${g.duplicates} / ${g.missing}`, `drained in ${g.drainSeconds} s`, '', '= 0', verdict(g.drained && g.duplicates === 0 && g.missing === 0)]);
  }

  const m = results.memory;
  rows.push(`5. Memory: verifier after 1,000 vs 10,000 warm invocations, after gc() (concurrency ${m?.concurrency ?? '?'})`);
  if (m) {
    const first = m.checkpoints[0]!;
    const last = m.checkpoints[m.checkpoints.length - 1]!;
    rows.push(['  heap used', `${mib(last.heapUsedBytes)}`, `${mib(first.heapUsedBytes)} at 1k`, signedMib(m.heapUsedDeltaBytes), `≤ +${mib(m.heapGrowthLimitBytes)}`, verdict(m.heapUsedDeltaBytes <= m.heapGrowthLimitBytes)]);
    rows.push(['  RSS', `${mib(last.rssBytes)}`, `${mib(first.rssBytes)} at 1k`, signedMib(m.rssDeltaBytes), `≤ +${mib(m.rssGrowthLimitBytes)}`, verdict(m.rssDeltaBytes <= m.rssGrowthLimitBytes)]);
    rows.push(['  heap slope', `${m.heapSlopeBytesPerInvocation} B/invocation`, '', '', '—', 'info']);
  }

  const cost = results.cost;
  rows.push(`6. Cost per million accepted events, from the AWS requests of a local run (prices us-east-1, ${cost?.pricesDate ?? '?'}; ${cost?.steady.events ?? 0} events, batch size ${cost?.steady.batchSize ?? '?'})`);
  if (cost) {
    const run = cost.steady;
    for (const ingress of ['rest', 'http'] as const) {
      const c = run.costs[ingress];
      rows.push([`  ${ingress === 'rest' ? 'REST API' : 'HTTP API'} ingress, $ per million`, `$${c.total.toFixed(2)}`, `batch size 1: $${cost.lowTraffic.costs[ingress].total.toFixed(2)}`, '', `≤ $${cost.targets[ingress].toFixed(2)}`, verdict(cost.pass[ingress])]);
    }
    rows.push(`     parts ($/M, REST API): ${run.costs.rest.lines.filter((line) => line.dollarsPerMillion >= 0.005).map((line) => `${line.part} ${line.dollarsPerMillion.toFixed(2)}`).join(', ')}`);
    rows.push(`     requests per event: ${Object.entries(run.callsPerEvent).map(([api, n]) => `${api} ${n}`).join(', ')}`);
    const logs = run.logBytesPerEvent;
    rows.push(
      `     log bytes per event: functions ${(logs.verifier + logs.processor + logs.platform + logs.overhead).toFixed(0)} (verifier ${logs.verifier.toFixed(0)}, processor ${logs.processor.toFixed(0)}, ` +
        `Lambda's own lines ${logs.platform.toFixed(0)}, 26 B per log event ${logs.overhead.toFixed(0)}), API access log ${logs.accessLog.rest.toFixed(0)} REST / ${logs.accessLog.http.toFixed(0)} HTTP API; ` +
        `invocation ms median / p99: verifier ${run.verifierMs.median} / ${run.verifierMs.p99}, processor ${run.processorMs.median} / ${run.processorMs.p99} per batch`,
    );
    rows.push(['  published per accepted event', `${run.publishedPerEvent}`, '', '', '= 1', verdict(run.publishedPerEvent === 1)]);
  }

  const lat = results.latency;
  rows.push(`7. Latency, local (stand-ins on loopback): ${lat?.events ?? 0} events, one every ${lat?.paceMs ?? '?'} ms, event source batch size ${lat?.batchSize ?? '?'} (mean batch ${lat?.meanBatch ?? '?'}); floor = the same calls issued bare`);
  if (lat) {
    for (const [label, f] of [['accept path (request → answer)', lat.acceptPath], ['end to end (request → envelope published)', lat.endToEnd]] as const) {
      rows.push([`  ${label}, p50 / p99`, `${f.p50Ms.toFixed(2)} / ${f.p99Ms.toFixed(2)} ms`, `${f.floorP50Ms.toFixed(2)} / ${f.floorP99Ms.toFixed(2)} ms`, `${(f.p50Ms / f.floorP50Ms).toFixed(2)}× / ${(f.p99Ms / f.floorP99Ms).toFixed(2)}×`, '—', 'info']);
    }
    rows.push(['  published per accepted event', `${lat.publishedPerEvent}`, '', '', '= 1', verdict(lat.publishedPerEvent === 1)]);
  }

  const header: Row = ['measurement', 'figure', 'floor / basis', 'ratio', 'target', 'result'];
  const tableRows = rows.filter((row): row is Row => typeof row !== 'string');
  const widths = header.map((_, i) => Math.max(header[i]!.length, ...tableRows.map((row) => row[i]!.length)));
  const fmt = (row: Row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : i === 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd();
  const lines = [`hookrelay benchmarks — ${machine}`, '', fmt(header), '-'.repeat(fmt(header).length)];
  for (const row of rows) lines.push(typeof row === 'string' ? row : fmt(row));

  const checks = targetChecks(results);
  const misses = checks.filter((check) => !check.pass);
  lines.push('');
  lines.push(`${checks.length - misses.length} of ${checks.length} targets hold.`);
  for (const miss of misses) lines.push(`MISS ${miss.measurement} / ${miss.figure} (${miss.value} vs ${miss.target})${miss.why ? `: ${miss.why}` : ''}`);
  for (const [name, error] of Object.entries(errors)) lines.push(`ERROR ${name}: ${error.split('\n')[0]}`);
  return lines.join('\n');
}
