import { readFileSync } from 'node:fs';
import path from 'node:path';
import { allProviders } from '../../lambdas/core/registry';
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

  it('names every sender in the README\'s opening paragraph', () => {
    // Prepare: the paragraph after the title line and the one-line summary
    const opening = readFileSync(path.join(ROOT, 'README.md'), 'utf8').split('\n\n')[2]!.replace(/\s+/g, ' ');

    // Assess: each sender by its name without the parenthesis (the generic route is described instead)
    const missing = allProviders()
      .filter((provider) => provider.name !== 'generic')
      .map((provider) => provider.docs.title.replace(/ \(.*\)$/, ''))
      .filter((title) => !opening.includes(title));
    expect(missing).toEqual([]);
  });
});
