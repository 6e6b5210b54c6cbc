import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadConfig } from '../../lib/config/load-config';
import { configSchema, type HookrelayConfig } from '../../lib/config/schema';

/**
 * `docs/configuration.md` against the schema and its defaults (lib/config/defaults.ts): every
 * option the schema accepts is documented, every documented option exists, and every default the
 * reference states is the value `loadConfig` applies — in dev and in prod. A default changed in
 * code and not in the reference fails here.
 */

const DOC = readFileSync(path.join(__dirname, '..', '..', 'docs', 'configuration.md'), 'utf8');

interface DocumentedOption {
  readonly path: string;
  /** The default column, as written. */
  readonly defaultCell: string;
}

/** Option rows of the reference's tables: `| \`a\` / \`b\` | default | meaning |` under `## \`section\``. */
function documentedOptions(): DocumentedOption[] {
  const options: DocumentedOption[] = [];
  let prefix: string | undefined;
  for (const line of DOC.split('\n')) {
    const heading = /^## (.+)$/.exec(line);
    if (heading) {
      const section = /^`([^`]+)`/.exec(heading[1]!);
      prefix = heading[1] === 'Top level' ? '' : section ? `${section[1]}.` : undefined;
      continue;
    }
    if (prefix === undefined || !line.startsWith('| `')) continue;
    const [, first, defaultCell] = line.split('|').map((cell) => cell.trim());
    for (const name of [...first!.matchAll(/`([^`]+)`/g)].map((match) => match[1]!)) {
      options.push({ path: `${prefix}${name}`, defaultCell: defaultCell! });
    }
  }
  return options;
}

type Schema = { _zod: { def: Record<string, any> } };

/**
 * Every option path the schema accepts; each route's settings as `routes.<name>.…`. A key the schema
 * accepts only to refuse it with its migration (`z.never`) is no option.
 */
function schemaOptions(schema: Schema, prefix = ''): string[] {
  let current = schema;
  for (;;) {
    const def = current._zod.def;
    if (['optional', 'default', 'prefault', 'nullable', 'readonly'].includes(def['type'])) current = def['innerType'];
    else if (def['type'] === 'pipe') current = def['in'];
    else break;
  }
  const def = current._zod.def;
  if (def['type'] === 'never') return [];
  if (def['type'] === 'record') return schemaOptions(def['valueType'], `${prefix}.<name>`);
  if (def['type'] !== 'object') return [prefix];
  return Object.entries(def['shape'] as Record<string, Schema>).flatMap(([key, value]) => schemaOptions(value, prefix ? `${prefix}.${key}` : key));
}

function valueAt(config: HookrelayConfig, optionPath: string): unknown {
  const steps = optionPath.replace(/^routes\.<name>/, 'routes.0').split('.');
  return steps.reduce<unknown>((value, step) => (value as Record<string, unknown> | undefined)?.[step], config);
}

/** Whether a default cell states `value` (a stage-named string may be written with `<stage>`). */
function states(cell: string, value: unknown, stage: string): boolean {
  if (typeof value === 'number') return new RegExp(`(?<![\\d.])${value}(?![\\d])`).test(cell.replace(/[_ ](?=\d{3})/g, ''));
  if (typeof value === 'boolean') return new RegExp(`\\b${value}\\b`).test(cell);
  if (typeof value === 'string') return cell.includes(value) || cell.includes(value.replace(stage, '<stage>'));
  return cell.includes(JSON.stringify(value));
}

describe('Document: docs/configuration.md', () => {
  const documented = documentedOptions();
  const accepted = [...new Set(schemaOptions(configSchema as unknown as Schema))].filter((option) => option !== 'stage');
  const configs = { dev: loadConfig('dev', {}), prod: loadConfig('prod', {}) };

  it('documents every option the schema accepts', () => {
    // A row covers the options under it only when it is documented as a whole (customDomain.hostedZone),
    // not when it heads a section of its own (routes.<name>).
    const wholes = documented.filter((doc) => !documented.some((other) => other.path.startsWith(`${doc.path}.`)));
    const isDocumented = (option: string) => wholes.some((doc) => option === doc.path || option.startsWith(`${doc.path}.`));
    expect(accepted.filter((option) => !isDocumented(option))).toEqual([]);
    expect(accepted.length).toBeGreaterThan(40);
  });

  it('documents no option the schema does not accept', () => {
    expect(documented.filter((doc) => !accepted.some((option) => option === doc.path || option.startsWith(`${doc.path}.`))).map((doc) => doc.path)).toEqual([]);
  });

  it.each(['dev', 'prod'] as const)('states the default loadConfig applies for every option that has one (%s)', (stage) => {
    const stale = documented
      // The default routes are stated in words (one per registered provider; config.test.ts checks
      // them), and a route's provider defaults to its name.
      .filter((doc) => !['routes', 'routes.<name>.provider'].includes(doc.path))
      .map((doc) => ({ ...doc, value: valueAt(configs[stage], doc.path) }))
      .filter((doc) => doc.value !== undefined && (typeof doc.value !== 'object' || Array.isArray(doc.value)))
      .filter((doc) => !states(doc.defaultCell, doc.value, stage))
      .map((doc) => `${doc.path}: code ${JSON.stringify(doc.value)}, docs "${doc.defaultCell}"`);
    expect(stale).toEqual([]);
  });
});
