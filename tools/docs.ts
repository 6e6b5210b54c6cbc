/**
 * `npm run docs`: writes docs/providers.md and the README's provider tables from the provider
 * modules. `test/tools/docs.test.ts` fails when either is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { providersMarkdown, withReadmeTables } from './lib/provider-docs';

const ROOT = path.resolve(__dirname, '..');
const readme = path.join(ROOT, 'README.md');
writeFileSync(path.join(ROOT, 'docs/providers.md'), providersMarkdown());
writeFileSync(readme, withReadmeTables(readFileSync(readme, 'utf8')));
console.log('docs/providers.md and the README provider tables written');
