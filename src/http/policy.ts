// The operator's network policy and what a script may do to it.
//
// The person who runs the gate decides where it may connect and how (--allow-host, the
// default deny of cloud credential endpoints, --hosts, --ca, --cert/--key, --insecure,
// --proxy, --local-ips; or the same fields of the library's `network`). A validation script
// is someone else's code, usually from a ConfigMap. So the two are kept apart as types: the
// policy is built once from the operator's settings and frozen; the script's `options` are
// parsed into ScriptNetworkOptions; `narrowPolicy` combines them and can only narrow:
//
//   setting                 | operator                      | script's options can
//   allowlist, default deny | --allow-host                  | nothing (no such k6 option)
//   DNS overrides           | --hosts: trusted like DNS     | add names the operator did not override; with an allowlist on,
//                           |                               | their addresses must pass on their own (dial.ts)
//   certificate checks      | --insecure turns them off     | turn them back on (false); `true` without --insecure is ignored
//   trusted CAs             | --ca                          | nothing
//   client certificates     | --cert/--key, used first      | add their own for other hosts (tlsAuth)
//   proxy                   | --proxy, HTTPS_PROXY …        | nothing
//   source addresses        | --local-ips                   | pick among them (a subset); any address when none was given
import type { EngineOptions, TlsAuth } from './types.js';

/** The operator's decisions about the network. Frozen: nothing downstream can widen it. */
export interface OperatorPolicy {
  readonly allowHosts: readonly string[];
  readonly hosts: Readonly<Record<string, string>>;
  readonly insecureSkipTLSVerify: boolean;
  readonly ca: readonly string[];
  readonly tlsAuth: readonly TlsAuth[];
  readonly proxy?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Empty: any source address. */
  readonly localIPs: readonly string[];
}

/** The network part of a script's exported `options`, already type-checked. */
export interface ScriptNetworkOptions {
  hosts?: Record<string, string>;
  insecureSkipTLSVerify?: boolean;
  tlsAuth?: TlsAuth[];
  localIPs?: string[];
}

/** The policy from the operator's settings (flags, manifest, library `network`). */
export function operatorPolicy(o: Partial<EngineOptions>): OperatorPolicy {
  return Object.freeze({
    allowHosts: Object.freeze([...(o.allowHosts ?? [])]),
    hosts: Object.freeze({ ...(o.hosts ?? {}) }),
    insecureSkipTLSVerify: o.insecureSkipTLSVerify === true,
    ca: Object.freeze([...(o.ca ?? [])]),
    tlsAuth: Object.freeze([...(o.tlsAuth ?? [])]),
    ...(o.proxy !== undefined ? { proxy: o.proxy } : {}),
    ...(o.env !== undefined ? { env: Object.freeze({ ...o.env }) } : {}),
    localIPs: Object.freeze([...(o.localIPs ?? [])]),
  });
}

export type PolicyFields = Pick<EngineOptions, 'allowHosts' | 'hosts' | 'scriptHosts' | 'insecureSkipTLSVerify' | 'ca' | 'tlsAuth' | 'proxy' | 'env' | 'localIPs'>;

/** The engine's network settings: the policy, narrowed by what the script asked for. */
export function narrowPolicy(policy: OperatorPolicy, script: ScriptNetworkOptions = {}): { fields: PolicyFields; notices: string[] } {
  const notices: string[] = [];

  const scriptHosts: Record<string, string> = {};
  const operatorNames = new Set(Object.keys(policy.hosts).map((k) => k.toLowerCase()));
  for (const [name, to] of Object.entries(script.hosts ?? {})) {
    if (operatorNames.has(name.toLowerCase())) notices.push(`options.hosts["${name}"] ignored: --hosts sets that name`);
    else scriptHosts[name] = to;
  }

  let insecure = policy.insecureSkipTLSVerify;
  if (script.insecureSkipTLSVerify === false) insecure = false;
  else if (script.insecureSkipTLSVerify === true && !policy.insecureSkipTLSVerify) {
    notices.push('options.insecureSkipTLSVerify ignored: only the operator can turn certificate checks off (--insecure)');
  }

  let localIPs = [...policy.localIPs];
  if (script.localIPs && script.localIPs.length > 0) {
    if (policy.localIPs.length === 0) localIPs = [...script.localIPs];
    else {
      const allowed = new Set(policy.localIPs);
      const kept = script.localIPs.filter((ip) => allowed.has(ip));
      const dropped = script.localIPs.filter((ip) => !allowed.has(ip));
      if (dropped.length) notices.push(`options.localIPs: ${dropped.slice(0, 5).join(', ')}${dropped.length > 5 ? ', …' : ''} not among --local-ips, ignored`);
      if (kept.length) localIPs = kept;
    }
  }

  const fields: PolicyFields = {
    allowHosts: [...policy.allowHosts],
    hosts: { ...policy.hosts },
    scriptHosts,
    insecureSkipTLSVerify: insecure,
    ca: [...policy.ca],
    // The operator's certificates come first, so they win for the hosts they cover.
    tlsAuth: [...policy.tlsAuth, ...(script.tlsAuth ?? [])],
    localIPs,
    ...(policy.proxy !== undefined ? { proxy: policy.proxy } : {}),
    ...(policy.env !== undefined ? { env: { ...policy.env } } : {}),
  };
  return { fields, notices };
}
