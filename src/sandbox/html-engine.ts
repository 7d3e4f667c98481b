// The HTML parser and CSS selector engine behind k6/html, bundled into the guest runtime as
// the internal module `k6p:vendor/html`: htmlparser2 (parsing), css-select (selectors),
// domutils and dom-serializer (text and markup). They run inside the sandbox, so a hostile
// page is parsed under the attempt's memory cap and deadline, never on the host's heap.
// Built with esbuild when the runtime is read from source (tests) and by the bundle build,
// which embeds the result like every other runtime module.
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { packageRoot } from '../package-root.js';

export const HTML_ENGINE_MODULE = 'k6p:vendor/html';

const ENTRY = `
export { parseDocument } from 'htmlparser2';
export { selectAll, selectOne, is } from 'css-select';
export { default as render } from 'dom-serializer';
export { textContent, uniqueSort } from 'domutils';
`;

type BuildSync = (o: object) => { outputFiles: { text: string }[] };

export function bundleHtmlEngine(): string {
  const req = createRequire(resolve(packageRoot(), 'package.json')); // also from a worker, whose __filename is not a path
  const { buildSync } = req('esbuild') as { buildSync: BuildSync };
  const out = buildSync({
    stdin: { contents: ENTRY, resolveDir: packageRoot(), sourcefile: 'html-engine.js' },
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    write: false,
  });
  return out.outputFiles[0]!.text;
}
