// The structural schema, closed: additionalProperties: false on every object that lists
// properties, plus $schema and $id, so a plain JSON Schema validator rejects unknown
// fields as k6-preflight does. (A CRD's openAPIV3Schema forbids additionalProperties
// beside properties, so the shipped structural file cannot carry it.)
export const CLOSED_SCHEMA_ID = 'https://github.com/k6-preflight/k6-preflight/schema/pre-test-validation.closed.schema.json';

export function closeSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closeSchema);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    // x-kubernetes-validations holds CEL rules, not schemas; copied untouched.
    out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as object).map(([p, s]) => [p, closeSchema(s)])) : k === 'items' ? closeSchema(v) : v;
  }
  if (out.type === 'object' && out.properties) out.additionalProperties = false;
  return out;
}

export function closedSchemaText(structural: unknown): string {
  const closed = closeSchema(structural) as Record<string, unknown>;
  const doc = { $schema: 'https://json-schema.org/draft/2020-12/schema', $id: CLOSED_SCHEMA_ID, ...closed };
  return JSON.stringify(doc, null, 2) + '\n';
}
