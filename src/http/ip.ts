// IP address helpers: one canonical form for every way an address can be written, so the
// egress policy compares like with like (127.1, 2130706433, 0x7f.1, ::ffff:127.0.0.1 are
// all 127.0.0.1 to the kernel, and must be to the policy too).
import { isIP, isIPv4, isIPv6 } from 'node:net';

export interface ParsedIp {
  family: 4 | 6;
  /** 4 or 16 bytes. IPv4-mapped/NAT64 IPv6 addresses are unwrapped to family 4. */
  bytes: Uint8Array;
  /** Canonical text: dotted quad, or lower-case compressed IPv6 without brackets. */
  text: string;
}

/** Parses the legacy IPv4 forms that inet_aton and the WHATWG URL parser accept. */
function parseLegacyIpv4(s: string): Uint8Array | null {
  const parts = s.split('.');
  if (parts.length === 0 || parts.length > 4) return null;
  const nums: number[] = [];
  for (const p of parts) {
    if (p === '') return null;
    let n: number;
    if (/^0x[0-9a-f]*$/i.test(p)) n = p.length === 2 ? 0 : parseInt(p.slice(2), 16);
    else if (/^0[0-7]+$/.test(p)) n = parseInt(p.slice(1), 8);
    else if (/^(0|[1-9][0-9]*)$/.test(p)) n = Number(p);
    else return null;
    if (!Number.isFinite(n)) return null;
    nums.push(n);
  }
  const last = nums.pop()!;
  for (const n of nums) if (n > 255) return null;
  if (last >= 256 ** (4 - nums.length)) return null;
  const out = new Uint8Array(4);
  nums.forEach((n, i) => (out[i] = n));
  for (let i = 3, v = last; i >= nums.length; i--, v = Math.floor(v / 256)) out[i] = v % 256;
  return out;
}

function ipv6Bytes(s: string): Uint8Array {
  // Expand an embedded dotted quad first, then the `::`.
  let str = s;
  const dot = str.lastIndexOf(':');
  const tail = str.slice(dot + 1);
  if (tail.includes('.')) {
    const v4 = parseLegacyIpv4(tail)!;
    str = str.slice(0, dot + 1) + ((v4[0]! << 8) | v4[1]!).toString(16) + ':' + ((v4[2]! << 8) | v4[3]!).toString(16);
  }
  const [head, rest] = str.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const r = rest !== undefined ? (rest ? rest.split(':') : []) : [];
  const groups = rest !== undefined ? [...h, ...Array(8 - h.length - r.length).fill('0'), ...r] : h;
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const v = parseInt(g, 16);
    out[i * 2] = v >> 8;
    out[i * 2 + 1] = v & 0xff;
  });
  return out;
}

function v4text(b: Uint8Array): string {
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
}

function v6text(b: Uint8Array): string {
  const g: number[] = [];
  for (let i = 0; i < 16; i += 2) g.push((b[i]! << 8) | b[i + 1]!);
  // Longest run of zero groups (length ≥ 2) becomes "::".
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (best < 0) return hex.join(':');
  return hex.slice(0, best).join(':') + '::' + hex.slice(best + bestLen).join(':');
}

/**
 * Parses any textual IP form (brackets and zone ids allowed). Returns null for names.
 * IPv4-mapped (`::ffff:a.b.c.d`), IPv4-compatible (`::a.b.c.d`) and NAT64
 * (`64:ff9b::a.b.c.d`) addresses are unwrapped to IPv4: they reach the IPv4 host.
 */
export function parseIp(input: string): ParsedIp | null {
  let s = input.trim();
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  if (isIPv6(s)) {
    const b = ipv6Bytes(s.toLowerCase());
    const zero10 = b.slice(0, 10).every((x) => x === 0);
    const mapped = zero10 && b[10] === 0xff && b[11] === 0xff;
    const compat = b.slice(0, 12).every((x) => x === 0) && !(b[12] === 0 && b[13] === 0 && b[14] === 0);
    const nat64 = b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && b.slice(4, 12).every((x) => x === 0);
    if (mapped || compat || nat64) {
      const v4 = b.slice(12);
      return { family: 4, bytes: v4, text: v4text(v4) };
    }
    return { family: 6, bytes: b, text: v6text(b) };
  }
  if (isIPv4(s)) {
    const b = parseLegacyIpv4(s)!;
    return { family: 4, bytes: b, text: v4text(b) };
  }
  // Legacy forms (127.1, 2130706433, 0x7f000001, 0177.0.0.1): only when every part is numeric.
  if (/^[0-9a-fx.]+$/i.test(s) && /^(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]+))*$/i.test(s)) {
    const b = parseLegacyIpv4(s);
    if (b) return { family: 4, bytes: b, text: v4text(b) };
  }
  return null;
}

export interface Cidr {
  family: 4 | 6;
  bytes: Uint8Array;
  prefix: number;
}

/** Parses `a.b.c.d/n` or `v6/n` (or a single address as a /32 or /128). */
export function parseCidr(input: string): Cidr | null {
  const slash = input.indexOf('/');
  if (slash < 0) {
    const ip = parseIp(input);
    return ip ? { family: ip.family, bytes: ip.bytes, prefix: ip.family === 4 ? 32 : 128 } : null;
  }
  const addr = input.slice(0, slash).trim();
  const pfx = input.slice(slash + 1).trim();
  if (!/^\d{1,3}$/.test(pfx)) return null;
  let prefix = Number(pfx);
  const raw = addr.replace(/^\[|\]$/g, '');
  const ip = parseIp(raw);
  if (!ip) return null;
  // A v6 CIDR written over mapped space (::ffff:0:0/104) unwraps to the v4 prefix.
  if (ip.family === 4 && isIPv6(raw)) prefix -= 96;
  const max = ip.family === 4 ? 32 : 128;
  if (prefix < 0 || prefix > max) return null;
  return { family: ip.family, bytes: ip.bytes, prefix };
}

export function cidrContains(c: Cidr, ip: ParsedIp): boolean {
  if (c.family !== ip.family) return false;
  let bits = c.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((c.bytes[i]! & mask) !== (ip.bytes[i]! & mask)) return false;
  }
  return true;
}

/** The kernel's view of a literal: what `net.connect` would actually dial. */
export function canonicalIp(input: string): string | null {
  return parseIp(input)?.text ?? null;
}

export function ipFamily(ip: string): 0 | 4 | 6 {
  return isIP(ip) as 0 | 4 | 6;
}
