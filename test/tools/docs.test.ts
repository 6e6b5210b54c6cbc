import { readFileSync } from 'node:fs';
import path from 'node:path';
import { providersMarkdown, withReadmeTables } from '../../tools/lib/provider-docs';

const ROOT = path.resolve(__dirname, '../..');

describe('Command: npm run docs', () => {
  it('has written docs/providers.md from the current provider modules (run npm run docs if this fails)', () => {
    expect(readFileSync(path.join(ROOT, 'docs/providers.md'), 'utf8')).toBe(providersMarkdown());
  });

  it("has written the README's provider tables from the current provider modules (run npm run docs if this fails)", () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme).toBe(withReadmeTables(readme));
  });
});
