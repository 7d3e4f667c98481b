// Messages as k6 presents them: the protobuf JSON mapping, with unpopulated fields emitted
// (zero values, [] and {}, null for absent messages; oneof members only when set), as
// Go's protojson does with EmitUnpopulated. Requests are parsed from the same mapping.
import protobuf from 'protobufjs';
import protojson from 'protobufjs/ext/protojson.js';

const LONG = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);

function zero(field: protobuf.Field): unknown {
  if (field.map) return {};
  if (field.repeated) return [];
  const t = field.resolvedType;
  if (t instanceof protobuf.Type) return null;
  if (t instanceof protobuf.Enum) {
    const name = Object.keys(t.values).find((k) => t.values[k] === 0);
    return name ?? 0;
  }
  if (field.type === 'bool') return false;
  if (field.type === 'string' || field.type === 'bytes') return '';
  if (LONG.has(field.type)) return '0';
  return 0;
}

/** Well-known types have their own JSON forms (Timestamp is a string …): never filled. */
const isWellKnown = (t: protobuf.Type) => t.fullName.startsWith('.google.protobuf.');

function fill(type: protobuf.Type, json: unknown): unknown {
  if (!json || typeof json !== 'object' || Array.isArray(json) || isWellKnown(type)) return json;
  const o = json as Record<string, unknown>;
  // Declaration order, as Go's protojson writes them.
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    const key = field.jsonName ?? field.name;
    const sub = field.resolvedType instanceof protobuf.Type ? field.resolvedType : undefined;
    if (!(key in o)) {
      if (!field.partOf) out[key] = zero(field); // oneof members (and proto3 optional) only when set
      continue;
    }
    const v = o[key];
    if (!sub) out[key] = v;
    else if (field.map && v && typeof v === 'object') {
      out[key] = Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, fill(sub, x)]));
    } else if (field.repeated && Array.isArray(v)) out[key] = v.map((x) => fill(sub, x));
    else out[key] = fill(sub, v);
  }
  for (const [k, v] of Object.entries(o)) if (!(k in out)) out[k] = v;
  return out;
}

/** Decoded message bytes → the JSON value a script sees. */
export function messageToJson(type: protobuf.Type, bytes: Uint8Array): unknown {
  const msg = type.decode(bytes);
  return fill(type, protojson.toJson(type, msg));
}

/** A script's request object → wire bytes. Throws with protobufjs's reason when it doesn't fit. */
export function jsonToMessage(type: protobuf.Type, value: unknown): Uint8Array {
  const msg = protojson.fromJson(type, value ?? {});
  return type.encode(msg).finish();
}
