// Egress policy: which hosts and addresses a validation may connect to.
//
// The check runs twice for every connection (see dial.ts): on the name before DNS (so a
// denied name is never even resolved), and on each address actually dialled (so DNS
// answers, `hosts` overrides, redirects and odd literal forms cannot route around it).
// Cloud metadata and credential endpoints are denied even without an allowlist, as classes
// of addresses rather than a few known ones: a ConfigMap script must not be able to read
// the runner pod's cloud credentials, whichever cloud and whichever agent serves them.
import { cidrContains, parseCidr, parseIp, type Cidr, type ParsedIp } from './ip.js';

/**
 * Denied unless an --allow-host IP/CIDR entry inside the range names it. Link-local covers
 * every provider's 169.254.169.254, AWS ECS task credentials (169.254.170.2), EKS Pod
 * Identity (169.254.170.23), Scaleway (169.254.42.42), Tencent (169.254.0.23); the others
 * are fixed metadata addresses outside it.
 */
export const DEFAULT_DENY: readonly { cidr: string; label: string }[] = [
  { cidr: '169.254.0.0/16', label: 'IPv4 link-local: cloud metadata and credential endpoints' },
  { cidr: 'fe80::/10', label: 'IPv6 link-local: cloud metadata endpoints' },
  { cidr: 'fd00:ec2::/64', label: 'AWS IPv6 instance metadata and EKS Pod Identity' },
  { cidr: '100.100.100.200/32', label: 'Alibaba Cloud metadata' },
  { cidr: 'fd00:100::100:200/128', label: 'Alibaba Cloud metadata, IPv6' },
  { cidr: '168.63.129.16/32', label: 'Azure WireServer (certificates, extension settings)' },
  { cidr: '192.0.0.192/32', label: 'Oracle Cloud metadata (Classic, Cloud@Customer)' },
  { cidr: 'fd00:c1::a9fe:a9fe/128', label: 'Oracle Cloud metadata, IPv6' },
  { cidr: 'fd20:ce::254/128', label: 'Google Cloud metadata, IPv6' },
  { cidr: 'fd00:42::42/128', label: 'Scaleway metadata, IPv6' },
  { cidr: 'fd00:a9fe:a9fe::1/128', label: 'Akamai (Linode) metadata, IPv6' },
];

/** The best-known single metadata addresses (kept for callers that name them). */
export const METADATA_CIDRS: readonly string[] = ['169.254.169.254/32', 'fd00:ec2::254/128', '100.100.100.200/32'];
/** Names that resolve to metadata endpoints inside clouds. */
export const METADATA_NAMES: readonly string[] = ['metadata.google.internal', 'metadata.goog', 'metadata', 'instance-data', 'instance-data.ec2.internal', 'metadata.tencentyun.com'];

export interface EgressPolicy {
  /** True when an allowlist is active (otherwise only the metadata rule applies). */
  readonly restricted: boolean;
  /** Decision on a URL host before resolution. `undefined` means "decide per address". */
  checkName(host: string): EgressDecision | undefined;
  /** Decision on an address about to be dialled for `host`. */
  checkAddress(host: string, ip: string): EgressDecision;
  /** Decision on an address that only an IP/CIDR entry can vouch for (it came from a script's
   *  `hosts` override, so the name it was asked for says nothing about it). */
  checkAddressByEntry(ip: string): EgressDecision;
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
const denyClasses = DEFAULT_DENY.map((d) => ({ ...d, range: parseCidr(d.cidr)! }));

/** True for the best-known metadata addresses (169.254.169.254, fd00:ec2::254, 100.100.100.200). */
export function isMetadataAddress(ip: string): boolean {
  const p = parseIp(ip);
  return !!p && ipMatches(metadataCidrs, p);
}

/** The default-deny class an address falls in, if any. */
export function defaultDenyClass(ip: string | ParsedIp): { cidr: string; label: string; range: Cidr } | undefined {
  const p = typeof ip === 'string' ? parseIp(ip) : ip;
  return p ? denyClasses.find((d) => cidrContains(d.range, p)) : undefined;
}

/** An allowlist entry opens a default-denied address only when it names it: the entry covers
 *  the address and lies inside its class (so `0.0.0.0/0` or `*` open nothing there). */
function entryNames(entry: Cidr, cls: Cidr, ip: ParsedIp): boolean {
  return entry.family === cls.family && entry.prefix >= cls.prefix && cidrContains(entry, ip);
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

  /** The denial for a default-denied address, unless an entry names it. */
  const defaultDenied = (host: string, ip: ParsedIp): EgressDecision | undefined => {
    const cls = defaultDenyClass(ip);
    if (!cls) return undefined;
    if (p.cidrs.some((c) => entryNames(c, cls.range, ip))) return undefined;
    // An exact entry for a metadata name (metadata.google.internal) opens what it resolves to.
    if (METADATA_NAMES.includes(host) && p.exact.has(host)) return undefined;
    return denyIp(`${ip.text} is in ${cls.cidr} (${cls.label}), denied by default unless an --allow-host IP or CIDR entry inside that range names it`);
  };

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
      const host = normHost(rawHost);
      const denied = defaultDenied(host, ip);
      if (denied) return denied;
      if (!restricted) return { allowed: true };
      if (ipMatches(p.cidrs, ip)) return { allowed: true };
      if (!parseIp(host) && nameMatches(p, host)) return { allowed: true };
      return denyIp(
        parseIp(host)
          ? `${ip.text} matches no --allow-host entry`
          : `${host} resolved to ${ip.text}, and neither matches an --allow-host entry`,
      );
    },
    checkAddressByEntry(ipText) {
      const ip = parseIp(ipText);
      if (!ip) return denyIp(`${ipText} is not an IP address`);
      const denied = defaultDenied('', ip);
      if (denied) return denied;
      if (!restricted || ipMatches(p.cidrs, ip)) return { allowed: true };
      return denyIp(`${ip.text} is covered by no --allow-host IP or CIDR entry`);
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
