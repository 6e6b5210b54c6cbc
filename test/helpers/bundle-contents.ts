import { readFileSync } from 'node:fs';
import path from 'node:path';

const PROVIDER_MODULE = /lambdas\/core\/providers\/([a-z0-9-]+)\.ts$/;
/** The `require` a left-out provider module's loader keeps (lib/bundling.ts marks the module external). */
const LEFT_OUT_REQUIRE = /require\("\.\/providers\/([a-z0-9-]+)"\)/g;

/** What a handler bundle (`index.js` and its source map in `dir`) holds of the provider modules. */
export interface ProviderModulesOfBundle {
  /** Provider modules whose code is in the bundle (the source map's sources), sorted. */
  readonly carried: string[];
  /** Provider modules the bundle only `require`s (left out of it), sorted. */
  readonly leftOut: string[];
}

/** Provider module names among a bundle's inputs or sources (shared helpers in `providers/` included), sorted. */
export function providerModulesAmong(files: readonly string[]): string[] {
  return files.flatMap((file) => PROVIDER_MODULE.exec(file)?.[1] ?? []).sort();
}

/** Reads a bundle written as the stack writes it: `index.js` and `index.js.map` in `dir`. */
export function providerModulesOfBundle(dir: string): ProviderModulesOfBundle {
  const code = readFileSync(path.join(dir, 'index.js'), 'utf8');
  const map = JSON.parse(readFileSync(path.join(dir, 'index.js.map'), 'utf8')) as { sources: string[] };
  return {
    carried: providerModulesAmong(map.sources),
    leftOut: [...code.matchAll(LEFT_OUT_REQUIRE)].map((match) => match[1]!).sort(),
  };
}
