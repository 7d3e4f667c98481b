// Protobuf definitions for a gRPC client: .proto files read from the script's own files
// (imports resolved through the import paths, well-known types built in), protosets and
// reflection answers (FileDescriptorSet bytes), and the methods they declare.
import { posix } from 'node:path';
import protobuf from 'protobufjs';
import 'protobufjs/ext/descriptor.js';

export interface MethodInfo {
  name: string;
  isClientStream: boolean;
  isServerStream: boolean;
  package: string;
  service: string;
  fullMethod: string;
}

export interface MethodDef {
  info: MethodInfo;
  request: protobuf.Type;
  response: protobuf.Type;
}

/** A bad .proto, protoset or reflection answer: the message names the file and the problem. */
export class ProtoError extends Error {}

/** Reads a file of the script's folder by its normalised relative name; undefined when absent. */
export type ReadFile = (name: string) => Uint8Array | undefined;

/** Most files a single load may pull in (imports included): a bound on what a script can make the host parse. */
const MAX_FILES = 500;

/**
 * Parses `files` and their imports. Names resolve against each import path in turn (paths
 * relative to `baseDir`, the script's folder); nothing outside the script's folder is read.
 */
export function loadProtoFiles(read: ReadFile, baseDir: string, importPaths: readonly string[], files: readonly string[]): protobuf.Root {
  const root = new protobuf.Root();
  const paths = (importPaths.length ? importPaths : ['.']).map((p) => p.replace(/^file:\/\//, ''));
  const seen = new Set<string>();
  const locate = (name: string): { path: string; bytes: Uint8Array } | undefined => {
    for (const ip of paths) {
      if (posix.isAbsolute(ip) || posix.isAbsolute(name)) {
        throw new ProtoError(`${posix.isAbsolute(ip) ? ip : name}: only files inside the script's folder or ConfigMap can be loaded (use a relative path)`);
      }
      const p = posix.normalize(posix.join(baseDir, ip, name)).replace(/^\.\//, '');
      if (p === '..' || p.startsWith('../')) throw new ProtoError(`${name}: only files inside the script's folder or ConfigMap can be loaded`);
      const bytes = read(p);
      if (bytes) return { path: p, bytes };
    }
    return undefined;
  };
  const visit = (name: string, from: string | null) => {
    if (seen.has(name)) return;
    seen.add(name);
    if (seen.size > MAX_FILES) throw new ProtoError(`more than ${MAX_FILES} .proto files in one load`);
    const found = locate(name);
    if (!found) {
      const common = protobuf.common.get(name);
      if (common) {
        root.addJSON((common as { nested: protobuf.INamespace['nested'] }).nested ?? {});
        return;
      }
      throw new ProtoError(`${from ? `${from}: import ` : ''}"${name}": no such file (looked in ${paths.map((p) => JSON.stringify(p)).join(', ')} inside the script's folder)`);
    }
    let parsed: protobuf.IParserResult;
    try {
      parsed = protobuf.parse(Buffer.from(found.bytes).toString('utf8'), root, { keepCase: true, alternateCommentMode: true });
    } catch (e) {
      throw new ProtoError(`${found.path}: ${(e as Error).message}`);
    }
    for (const imp of [...(parsed.imports ?? []), ...(parsed.weakImports ?? [])]) visit(imp, found.path);
  };
  for (const f of files) visit(String(f), null);
  try {
    root.resolveAll();
  } catch (e) {
    throw new ProtoError(`${files.join(', ')}: ${(e as Error).message}`);
  }
  return root;
}

/** A FileDescriptorSet (protoset file, reflection answer) as a root. */
export function rootFromDescriptorSet(bytes: Uint8Array, what: string): protobuf.Root {
  try {
    const root = (protobuf.Root as unknown as { fromDescriptor(b: Uint8Array): protobuf.Root }).fromDescriptor(bytes);
    root.resolveAll();
    return root;
  } catch (e) {
    throw new ProtoError(`couldn't unmarshal ${what}: ${(e as Error).message}`);
  }
}

/** The services' methods of a root, keyed by `/package.Service/Method`. */
export function methodsOf(root: protobuf.Root): MethodDef[] {
  const out: MethodDef[] = [];
  const walk = (ns: protobuf.NamespaceBase) => {
    for (const o of ns.nestedArray) {
      if (o instanceof protobuf.Service) {
        const svcName = o.fullName.replace(/^\./, '');
        const pkg = o.parent && o.parent !== root ? o.parent.fullName.replace(/^\./, '') : '';
        for (const m of o.methodsArray) {
          m.resolve();
          out.push({
            info: {
              name: m.name,
              isClientStream: !!m.requestStream,
              isServerStream: !!m.responseStream,
              package: pkg,
              service: o.name,
              fullMethod: `/${svcName}/${m.name}`,
            },
            request: m.resolvedRequestType!,
            response: m.resolvedResponseType!,
          });
        }
      }
      if (o instanceof protobuf.Namespace) walk(o);
    }
  };
  walk(root);
  return out;
}
