// Egress policy: which hosts and addresses a validation may connect to.
//
// The check runs twice for every connection (see dial.ts): on the name before DNS (so a
// denied name is never even resolved), and on each address actually dialled (so DNS
// answers, `hosts` overrides, redirects and odd literal forms cannot route around it).
// Cloud metadata endpoints are denied even without an allowlist: a ConfigMap script must
// not be able to read the runner pod's cloud credentials.
import { cidrContains, parseCidr, parseIp, type Cidr, type ParsedIp } from './ip.js';

/** Addresses that serve cloud instance credentials (AWS/GCP/Azure/OpenStack, AWS IPv6, Alibaba). */
export const METADATA_CIDRS: readonly string[] = ['169.254.169.254/32', 'fd00:ec2::254/128', '100.100.100.200/32'];
/** Names that resolve to metadata endpoints inside clouds. */
export const METADATA_NAMES: readonly string[] = ['metadata.google.internal', 'metadata.goog', 'metadata'];

export interface EgressPolicy {
  /** True when an allowlist is active (otherwise only the metadata rule applies). */
  readonly restricted: boolean;
  /** Decision on a URL host before resolution. `undefined` means "decide per address". */
  checkName(host: string): EgressDecision | undefined;
  /** Decision on an address about to be dialled for `host`. */
  checkAddress(host: string, ip: string): EgressDecision;
  /** Decision for a host reached through a proxy: the proxy resolves it, so a name must
   *  match a name entry (IP/CIDR entries cannot vouch for an address we never see). */
  checkProxied(host: string): EgressDecision;
}

export type EgressDecision =
  | { allowed: true }
  | { allowed: false; code: 1110 | 1111; error: string; why: string };

export const IP_DENIED_ERROR = 'ip is blocked by the egress policy';
export const HOST_DENIED_ERROR = 'hostname is blocked by the egress policy';

interface Patterns {
  exact: Set<string>;
  suffixes: string[];
  cidrs: Cidr[];
  any: boolean;
}

function normHost(h: string): string {
  return h.trim().toLowerCase().replace(/\.$/, '').replace(/^\[|\]$/g, '');
}

/** Splits allowHosts entries into names, `*.domain` suffixes and CIDRs/IPs. */
function compile(list: readonly string[]): Patterns {
  const p: Patterns = { exact: new Set(), suffixes: [], cidrs: [], any: false };
  for (const raw of list) {
    const e = normHost(raw);
    if (!e) continue;
    if (e === '*') {
      p.any = true;
      continue;
    }
    const c = parseCidr(e);
    if (c) {
      p.cidrs.push(c);
      continue;
    }
    if (e.startsWith('*.')) p.suffixes.push(e.slice(1));
    else if (e.startsWith('.')) p.suffixes.push(e);
    else p.exact.add(e);
  }
  return p;
}

function nameMatches(p: Patterns, host: string): boolean {
  if (p.any) return true;
  if (p.exact.has(host)) return true;
  return p.suffixes.some((s) => host.endsWith(s) && host.length > s.length);
}

function ipMatches(cidrs: readonly Cidr[], ip: ParsedIp): boolean {
  return cidrs.some((c) => cidrContains(c, ip));
}

const metadataCidrs = METADATA_CIDRS.map((c) => parseCidr(c)!);

export function isMetadataAddress(ip: string): boolean {
  const p = parseIp(ip);
  return !!p && ipMatches(metadataCidrs, p);
}

function denyIp(why: string): EgressDecision {
  return { allowed: false, code: 1110, error: IP_DENIED_ERROR, why };
}
function denyName(why: string): EgressDecision {
  return { allowed: false, code: 1111, error: HOST_DENIED_ERROR, why };
}

/**
 * Builds the policy from `allowHosts` (hostnames, `*.domain`, IPs, CIDRs; `*` allows all
 * but metadata). Metadata addresses are allowed only by an IP/CIDR entry that covers them
 * or an exact metadata hostname entry.
 */
export function createEgressPolicy(allowHosts: readonly string[] = []): EgressPolicy {
  const p = compile(allowHosts);
  const restricted = allowHosts.some((h) => h.trim() !== '');

  const metadataAllowedByIp = (ip: ParsedIp) => ipMatches(p.cidrs, ip);

  return {
    restricted,
    checkName(rawHost) {
      const host = normHost(rawHost);
      const lit = parseIp(host);
      if (lit) return this.checkAddress(host, lit.text);
      if (METADATA_NAMES.includes(host) && !p.exact.has(host)) {
        return denyName(`${host} is a cloud metadata name, denied unless listed exactly in --allow-host`);
      }
      if (!restricted) return { allowed: true };
      if (nameMatches(p, host)) return undefined; // still checked per address for metadata
      // With no IP/CIDR entries nothing this name resolves to could be allowed: deny before DNS.
      if (p.cidrs.length === 0) return denyName(`${host} matches no --allow-host entry`);
      return undefined;
    },
    checkAddress(rawHost, ipText) {
      const ip = parseIp(ipText);
      if (!ip) return denyIp(`${ipText} is not an IP address`);
      if (ipMatches(metadataCidrs, ip) && !metadataAllowedByIp(ip)) {
        return denyIp(`${ip.text} is a cloud metadata address, denied by default unless an --allow-host IP/CIDR entry covers it`);
      }
      if (!restricted) return { allowed: true };
      const host = normHost(rawHost);
      if (ipMatches(p.cidrs, ip)) return { allowed: true };
      if (!parseIp(host) && nameMatches(p, host)) return { allowed: true };
      return denyIp(
        parseIp(host)
          ? `${ip.text} matches no --allow-host entry`
          : `${host} resolved to ${ip.text}, and neither matches an --allow-host entry`,
      );
    },
    checkProxied(rawHost) {
      const host = normHost(rawHost);
      const byName = this.checkName(host);
      if (byName) return byName;
      if (!restricted || nameMatches(p, host)) return { allowed: true };
      return denyName(`${host} is reached through a proxy, so only a host name entry in --allow-host can allow it`);
    },
  };
}
