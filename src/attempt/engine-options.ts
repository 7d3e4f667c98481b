// The HTTP engine settings for an attempt: defaults, then what the script's exported
// `options` asks for, then explicit flags (flags win, as in k6).
import { defaultEngineOptions } from '../http/defaults.js';
import type { Redactor } from '../http/redact.js';
import type { EngineOptions, TlsAuth } from '../http/types.js';

/** k6 options that act on a validation's HTTP. Load options are reported elsewhere. */
export function engineOptionsFor(
  scriptOptions: Record<string, unknown>,
  flags: Partial<EngineOptions>,
  redactor: Redactor,
): { options: EngineOptions; notices: string[] } {
  const notices: string[] = [];
  const o = scriptOptions;
  const fromScript: Partial<EngineOptions> = {};
  if (o.hosts && typeof o.hosts === 'object') fromScript.hosts = stringMap(o.hosts as object);
  if (typeof o.insecureSkipTLSVerify === 'boolean') fromScript.insecureSkipTLSVerify = o.insecureSkipTLSVerify;
  if (typeof o.userAgent === 'string') fromScript.userAgent = o.userAgent;
  if (typeof o.maxRedirects === 'number') fromScript.maxRedirects = o.maxRedirects;
  if (typeof o.discardResponseBodies === 'boolean') fromScript.discardResponseBodies = o.discardResponseBodies;
  if (typeof o.localIPs === 'string' || Array.isArray(o.localIPs)) {
    fromScript.localIPs = ([] as string[]).concat(o.localIPs as string | string[]).flatMap((s) => String(s).split(','));
  }
  if (typeof o.tlsVersion === 'string' || (o.tlsVersion && typeof o.tlsVersion === 'object')) {
    fromScript.tlsVersion = o.tlsVersion as EngineOptions['tlsVersion'];
  }
  if (Array.isArray(o.tlsAuth)) fromScript.tlsAuth = o.tlsAuth as TlsAuth[];
  const options = { ...defaultEngineOptions(), ...fromScript, ...defined(flags) };
  for (const v of [...(options.secretValues ?? [])]) redactor.addSecret(v);
  return { options, notices };
}

function stringMap(o: object): Record<string, string> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, String(v)]));
}

function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
