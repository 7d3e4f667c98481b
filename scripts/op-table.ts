// Rewrites docs/architecture.md's op table from the registry (src/sandbox/ops/registry.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import { opTableMarkdown } from '../src/sandbox/ops/registry.js';

const DOC = new URL('../docs/architecture.md', import.meta.url);
const START = '<!-- op-table:start -->';
const END = '<!-- op-table:end -->';

const text = readFileSync(DOC, 'utf8');
const a = text.indexOf(START);
const b = text.indexOf(END);
if (a < 0 || b < a) throw new Error(`docs/architecture.md: markers ${START} … ${END} not found`);
writeFileSync(DOC, `${text.slice(0, a + START.length)}\n${opTableMarkdown()}\n${text.slice(b)}`);
