// Writes schema/pre-test-validation.closed.schema.json: the shipped structural schema as a
// standalone JSON Schema for plain validators and editors. It adds what a CRD's
// openAPIV3Schema may not hold: $schema, $id, and additionalProperties: false on every
// object (k6-preflight and a strict API server reject unknown fields; a CRD cannot say so).
//   node --import tsx scripts/schema-closed.ts          write it
//   node --import tsx scripts/schema-closed.ts --check  exit 1 when the committed file is stale
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { closedSchemaText } from '../src/manifest/schema-closed.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'schema');
const out = join(dir, 'pre-test-validation.closed.schema.json');
const text = closedSchemaText(JSON.parse(readFileSync(join(dir, 'pre-test-validation.schema.json'), 'utf8')));
if (process.argv.includes('--check')) {
  if (readFileSync(out, 'utf8') !== text) {
    process.stderr.write(`${out} is stale; run node --import tsx scripts/schema-closed.ts\n`);
    process.exit(1);
  }
} else {
  writeFileSync(out, text);
  process.stdout.write(`wrote ${out}\n`);
}
