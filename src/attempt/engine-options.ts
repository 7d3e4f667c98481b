// The HTTP engine settings for an attempt: defaults, then what the script's exported
// `options` asks for, then explicit flags (flags win, as in k6).
import { defaultEngineOptions } from '../http/defaults.js';
import { parseLocalIPs } from '../http/local-ips.js';
import type { CreateEngineOptions } from '../http/engine.js';
import type { EngineOptions, TlsAuth } from '../http/types.js';

/** k6 options that act on a validation's HTTP. Load options are reported elsewhere. */
export function engineOptionsFor(
  scriptOptions: Record<string, unknown>,
  flags: CreateEngineOptions,
): { options: CreateEngineOptions & EngineOptions; notices: string[] } {
  const notices: string[] = [];
  const o = scriptOptions;
  const fromScript: Partial<EngineOptions> = {};
  if (o.hosts && typeof o.hosts === 'object') fromScript.hosts = stringMap(o.hosts as object);
  if (typeof o.insecureSkipTLSVerify === 'boolean') fromScript.insecureSkipTLSVerify = o.insecureSkipTLSVerify;
  if (typeof o.userAgent === 'string') fromScript.userAgent = o.userAgent;
  if (typeof o.maxRedirects === 'number') fromScript.maxRedirects = o.maxRedirects;
  if (typeof o.discardResponseBodies === 'boolean') fromScript.discardResponseBodies = o.discardResponseBodies;
  if (typeof o.localIPs === 'string' || Array.isArray(o.localIPs)) {
    try {
      fromScript.localIPs = parseLocalIPs(o.localIPs as string | string[]);
    } catch (e) {
      notices.push(`options.localIPs ignored: ${(e as Error).message}`);
    }
  }
  if (typeof o.tlsVersion === 'string' || (o.tlsVersion && typeof o.tlsVersion === 'object')) {
    fromScript.tlsVersion = o.tlsVersion as EngineOptions['tlsVersion'];
  }
  if (Array.isArray(o.tlsAuth)) fromScript.tlsAuth = o.tlsAuth as TlsAuth[];
  const options = { ...defaultEngineOptions(), ...fromScript, ...defined(flags) };
  return { options, notices };
}

function stringMap(o: object): Record<string, string> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, String(v)]));
}

function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
