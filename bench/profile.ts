/**
 * Where CPU goes, by package: a V8 CPU profile (node:inspector) of a piece of work, each sample
 * charged to the innermost frame that belongs to a package or to hookrelay's own folders (Node's
 * internals are charged to the package that called them). Used to explain a missed target.
 */
import { Session } from 'node:inspector/promises';
import { ROOT } from './aws';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function category(url: string, functionName: string): string | undefined {
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(garbage collector)') return 'garbage collector';
  const pkg = /node_modules\/(@[^/]+\/[^/]+|[^/]+)/.exec(url)?.[1];
  if (pkg) {
    if (pkg === 'tsx') return undefined;
    if (pkg === '@aws-sdk/util-dynamodb') return pkg; // marshalling helpers, used by Powertools, not a client
    if (pkg.startsWith('@smithy/') || pkg.startsWith('@aws-sdk/')) return 'AWS SDK clients (@aws-sdk, @smithy)';
    return pkg;
  }
  const root = `file://${ROOT}/`;
  if (url.startsWith(root)) {
    const rel = url.slice(root.length);
    return rel.startsWith('lambdas/') ? `hookrelay ${rel}` : `harness ${rel.split('/')[0]}/`;
  }
  return undefined;
}

/** Runs `work` under the CPU profiler; returns ms of CPU per category, largest first. */
export async function profileByPackage(work: () => Promise<void>): Promise<Array<{ category: string; ms: number }>> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
    await work();
    const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
    const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
    const parent = new Map<number, number>();
    for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
    const totals = new Map<string, number>();
    profile.samples.forEach((id, index) => {
      let current: number | undefined = id;
      let name: string | undefined;
      while (current !== undefined && name === undefined) {
        const node: ProfileNode = nodes.get(current)!;
        name = category(node.callFrame.url, node.callFrame.functionName);
        current = parent.get(current);
      }
      const key = name ?? 'node internals (event loop, http, sockets)';
      totals.set(key, (totals.get(key) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000);
    });
    return [...totals].map(([key, ms]) => ({ category: key, ms })).sort((a, b) => b.ms - a.ms);
  } finally {
    await session.post('Profiler.disable').catch(() => undefined);
    session.disconnect();
  }
}
