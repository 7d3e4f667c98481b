// The two standard services a gRPC client needs without any .proto from the script:
// health checking (grpc.health.v1) and server reflection (grpc.reflection.v1 / v1alpha).
import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor.js';
import { Code, CODE_NAMES, type CallResult, type GrpcConnection } from './connection.js';
import { rootFromDescriptorSet } from './proto.js';

// Parsed on first use: a validation without gRPC pays nothing for it.
const SCHEMA = `
syntax = "proto3";
package k6p;
message HealthCheckRequest { string service = 1; }
message HealthCheckResponse { int32 status = 1; }
message ServerReflectionRequest {
  string host = 1;
  oneof message_request { string file_by_filename = 3; string file_containing_symbol = 4; string list_services = 7; }
}
message ServerReflectionResponse {
  string valid_host = 1;
  oneof message_response {
    FileDescriptorResponse file_descriptor_response = 4;
    ListServiceResponse list_services_response = 6;
    ErrorResponse error_response = 7;
  }
}
message FileDescriptorResponse { repeated bytes file_descriptor_proto = 1; }
message ListServiceResponse { repeated ServiceResponse service = 1; }
message ServiceResponse { string name = 1; }
message ErrorResponse { int32 error_code = 1; string error_message = 2; }
`;

let types: Record<'HealthReq' | 'HealthRes' | 'ReflReq' | 'ReflRes', protobuf.Type> | undefined;
function t() {
  if (!types) {
    const root = protobuf.parse(SCHEMA, { keepCase: true }).root;
    types = {
      HealthReq: root.lookupType('k6p.HealthCheckRequest'),
      HealthRes: root.lookupType('k6p.HealthCheckResponse'),
      ReflReq: root.lookupType('k6p.ServerReflectionRequest'),
      ReflRes: root.lookupType('k6p.ServerReflectionResponse'),
    };
  }
  return types;
}

export const HEALTH_CHECK_PATH = '/grpc.health.v1.Health/Check';
export const SERVING_STATUS: Record<number, string> = { 0: 'UNKNOWN', 1: 'SERVING', 2: 'NOT_SERVING', 3: 'SERVICE_UNKNOWN' };

export function healthRequest(service: string): Uint8Array {
  return t().HealthReq.encode({ service }).finish();
}

/** The serving status of a health answer (0 UNKNOWN when the body is missing). */
export function healthStatus(res: CallResult): number {
  const m = res.messages[0];
  if (!m) return 0;
  return Number((t().HealthRes.decode(m) as unknown as { status?: number }).status ?? 0);
}

/** Why reflection failed: a status from the server or the network. */
export class ReflectionError extends Error {
  constructor(message: string, readonly result?: CallResult) {
    super(message);
  }
}

/** Most files one reflection may fetch. */
const MAX_REFLECTED_FILES = 500;

/**
 * Asks the server for its services and their descriptors (v1 first, then v1alpha when v1 is
 * unimplemented) and returns them as one FileDescriptorSet root.
 */
export async function reflect(conn: GrpcConnection, metadata: Record<string, string[]>, timeoutMs: number, signal?: AbortSignal): Promise<protobuf.Root> {
  let version = 'v1';
  const ask = async (reqs: object[]): Promise<Record<string, any>[]> => {
    const bytes = reqs.map((r) => t().ReflReq.encode(r).finish());
    let res = await conn.call(`/grpc.reflection.${version}.ServerReflection/ServerReflectionInfo`, bytes, metadata, timeoutMs, signal);
    if (res.status === Code.Unimplemented && version === 'v1') {
      version = 'v1alpha';
      res = await conn.call(`/grpc.reflection.${version}.ServerReflection/ServerReflectionInfo`, bytes, metadata, timeoutMs, signal);
    }
    if (res.status !== Code.OK) {
      throw new ReflectionError(`can't list services: rpc error: code = ${CODE_NAMES[res.status] ?? res.status} desc = ${res.statusMessage}`, res);
    }
    return res.messages.map((m) => t().ReflRes.toObject(t().ReflRes.decode(m), { bytes: Array }) as Record<string, any>);
  };
  const listed = await ask([{ list_services: '*' }]);
  const services = (listed[0]?.list_services_response?.service ?? [])
    .map((s: { name: string }) => s.name)
    .filter((n: string) => !n.startsWith('grpc.reflection.'));
  const files = new Map<string, Uint8Array>();
  const addFrom = (answers: Record<string, any>[]) => {
    for (const a of answers) {
      if (a.error_response) throw new ReflectionError(`reflection: ${a.error_response.error_message} (code ${a.error_response.error_code})`);
      for (const b of a.file_descriptor_response?.file_descriptor_proto ?? []) {
        const bytes = Uint8Array.from(b as number[]);
        const fd = descriptor.FileDescriptorProto.decode(bytes) as unknown as { name: string };
        if (!files.has(fd.name)) files.set(fd.name, bytes);
      }
    }
  };
  if (services.length) addFrom(await ask(services.map((s: string) => ({ file_containing_symbol: s }))));
  // Dependencies the server did not send along.
  for (let round = 0; round < 20; round++) {
    const missing = new Set<string>();
    for (const bytes of files.values()) {
      const fd = descriptor.FileDescriptorProto.decode(bytes) as unknown as { dependency?: string[] };
      for (const d of fd.dependency ?? []) if (!files.has(d)) missing.add(d);
    }
    if (missing.size === 0) break;
    if (files.size + missing.size > MAX_REFLECTED_FILES) throw new ReflectionError(`reflection: more than ${MAX_REFLECTED_FILES} files`);
    addFrom(await ask([...missing].map((f) => ({ file_by_filename: f }))));
  }
  const set = protobuf.Writer.create();
  for (const bytes of files.values()) set.uint32((1 << 3) | 2).bytes(bytes);
  return rootFromDescriptorSet(set.finish(), 'the reflection answer');
}
