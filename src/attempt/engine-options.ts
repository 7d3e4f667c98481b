// The HTTP engine settings for an attempt. Two kinds of setting, kept apart:
//   - the operator's network policy (allowlist, --hosts, TLS trust and certificates,
//     --insecure, proxy, source addresses): built from the flags, which the script's
//     `options` can only narrow (src/http/policy.ts has the rules);
//   - tuning (userAgent, maxRedirects, discardResponseBodies, tlsVersion, timeouts, body
//     cap): defaults, then the script's `options`, then explicit flags (flags win, as in k6).
import { defaultEngineOptions } from '../http/defaults.js';
import type { CreateEngineOptions } from '../http/engine.js';
import { parseLocalIPs } from '../http/local-ips.js';
import { narrowPolicy, operatorPolicy, type ScriptNetworkOptions } from '../http/policy.js';
import type { EngineOptions, TlsAuth } from '../http/types.js';

/** k6 options that act on a validation's HTTP. Load options are reported elsewhere. */
export function engineOptionsFor(
  scriptOptions: Record<string, unknown>,
  flags: CreateEngineOptions,
): { options: CreateEngineOptions & EngineOptions; notices: string[] } {
  const notices: string[] = [];
  const o = scriptOptions;

  const tuning: Partial<EngineOptions> = {};
  if (typeof o.userAgent === 'string') tuning.userAgent = o.userAgent;
  if (typeof o.maxRedirects === 'number') tuning.maxRedirects = o.maxRedirects;
  if (typeof o.discardResponseBodies === 'boolean') tuning.discardResponseBodies = o.discardResponseBodies;
  if (typeof o.tlsVersion === 'string' || (o.tlsVersion && typeof o.tlsVersion === 'object')) {
    tuning.tlsVersion = o.tlsVersion as EngineOptions['tlsVersion'];
  }

  const net: ScriptNetworkOptions = {};
  if (o.hosts && typeof o.hosts === 'object' && !Array.isArray(o.hosts)) net.hosts = stringMap(o.hosts as object);
  if (typeof o.insecureSkipTLSVerify === 'boolean') net.insecureSkipTLSVerify = o.insecureSkipTLSVerify;
  if (typeof o.localIPs === 'string' || Array.isArray(o.localIPs)) {
    try {
      net.localIPs = parseLocalIPs(o.localIPs as string | string[]);
    } catch (e) {
      notices.push(`options.localIPs ignored: ${(e as Error).message}`);
    }
  }
  if (Array.isArray(o.tlsAuth)) {
    net.tlsAuth = o.tlsAuth.filter(isTlsAuth);
    if (net.tlsAuth.length < o.tlsAuth.length) notices.push('options.tlsAuth: entries without a PEM cert and key ignored');
  }

  // The flags' policy fields become the operator's policy; a script's own `scriptHosts` is
  // never taken from the flags.
  const { scriptHosts: _ignored, ...operator } = flags;
  const narrowed = narrowPolicy(operatorPolicy(operator), net);
  notices.push(...narrowed.notices);
  const options = { ...defaultEngineOptions(), ...tuning, ...defined(operator), ...narrowed.fields };
  return { options, notices };
}

function isTlsAuth(v: unknown): v is TlsAuth {
  if (!v || typeof v !== 'object') return false;
  const a = v as Record<string, unknown>;
  return typeof a.cert === 'string' && typeof a.key === 'string' &&
    (a.domains === undefined || (Array.isArray(a.domains) && a.domains.every((d) => typeof d === 'string'))) &&
    (a.password === undefined || typeof a.password === 'string');
}

function stringMap(o: object): Record<string, string> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, String(v)]));
}

function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
