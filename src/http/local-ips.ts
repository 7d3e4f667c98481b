// k6 `localIPs`: the source addresses the runner binds, as a list, ranges or CIDRs.
import { isIP } from 'node:net';
import { parseCidr, parseIp } from './ip.js';

/** Upper bound on one expansion: a /8 would otherwise allocate millions of strings. */
export const MAX_LOCAL_IPS = 65_536;

function v4ToInt(b: Uint8Array): number {
  return ((b[0]! << 24) >>> 0) + (b[1]! << 16) + (b[2]! << 8) + b[3]!;
}
function intToV4(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}
function v6ToBig(b: Uint8Array): bigint {
  let n = 0n;
  for (const x of b) n = (n << 8n) | BigInt(x);
  return n;
}
function bigToV6(n: bigint): string {
  const g: string[] = [];
  for (let i = 7; i >= 0; i--) g.push(((n >> BigInt(i * 16)) & 0xffffn).toString(16));
  return parseIp(g.join(':'))!.text;
}

/**
 * Expands `"10.0.0.1"`, `"10.0.0.1-10.0.0.5"`, `"10.0.0.0/30"`, `"::1"`, and comma/space
 * separated lists of those (or an array of them) into a list of addresses.
 * Throws with a clear message on a malformed entry (a usage error for the CLI).
 */
export function parseLocalIPs(spec: string | readonly string[]): string[] {
  const entries = (Array.isArray(spec) ? spec : [spec])
    .flatMap((s) => String(s).split(/[\s,]+/))
    .filter(Boolean);
  const out: string[] = [];
  const push = (ip: string) => {
    if (out.length >= MAX_LOCAL_IPS) throw new Error(`localIPs: more than ${MAX_LOCAL_IPS} addresses`);
    out.push(ip);
  };
  for (const e of entries) {
    const dash = e.indexOf('-');
    if (dash > 0 && !e.includes('/')) {
      const a = parseIp(e.slice(0, dash));
      const b = parseIp(e.slice(dash + 1));
      if (!a || !b || a.family !== b.family) throw new Error(`localIPs: invalid range "${e}"`);
      if (a.family === 4) {
        const lo = v4ToInt(a.bytes);
        const hi = v4ToInt(b.bytes);
        if (hi < lo) throw new Error(`localIPs: range "${e}" ends before it starts`);
        for (let n = lo; n <= hi; n++) push(intToV4(n));
      } else {
        const lo = v6ToBig(a.bytes);
        const hi = v6ToBig(b.bytes);
        if (hi < lo) throw new Error(`localIPs: range "${e}" ends before it starts`);
        for (let n = lo; n <= hi; n++) push(bigToV6(n));
      }
      continue;
    }
    if (e.includes('/')) {
      const c = parseCidr(e);
      if (!c) throw new Error(`localIPs: invalid CIDR "${e}"`);
      if (c.family === 4) {
        const size = 2 ** (32 - c.prefix);
        const base = v4ToInt(c.bytes) & (c.prefix === 0 ? 0 : (~0 << (32 - c.prefix)) >>> 0);
        if (size > MAX_LOCAL_IPS) throw new Error(`localIPs: CIDR "${e}" is too large`);
        for (let i = 0; i < size; i++) push(intToV4((base >>> 0) + i));
      } else {
        const hostBits = BigInt(128 - c.prefix);
        if (hostBits > 16n) throw new Error(`localIPs: CIDR "${e}" is too large`);
        const base = (v6ToBig(c.bytes) >> hostBits) << hostBits;
        for (let i = 0n; i < 1n << hostBits; i++) push(bigToV6(base + i));
      }
      continue;
    }
    // Plain addresses must be written normally: a bind address is not a place for tricks.
    if (!isIP(e.replace(/^\[|\]$/g, ''))) throw new Error(`localIPs: invalid address "${e}"`);
    push(parseIp(e)!.text === e ? e : e.replace(/^\[|\]$/g, ''));
  }
  return out;
}

/** Round-robin picker over the bind addresses, per address family. */
export function createLocalIpPicker(ips: readonly string[]): (family: 4 | 6) => string | undefined | null {
  const byFamily = { 4: ips.filter((ip) => isIP(ip) === 4), 6: ips.filter((ip) => isIP(ip) === 6) };
  const next = { 4: 0, 6: 0 };
  // undefined: no localIPs configured (let the kernel choose); null: none of this family.
  return (family) => {
    if (ips.length === 0) return undefined;
    const list = byFamily[family];
    if (list.length === 0) return null;
    const ip = list[next[family] % list.length];
    next[family]++;
    return ip;
  };
}
