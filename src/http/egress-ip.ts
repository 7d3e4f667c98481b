// Which address the outside world sees this runner as: asks an echo endpoint (a text body
// with the address, or JSON with an `ip` field). Used once per validation to tell a person
// what to put on an allowlist. Never throws: a broken echo must not fail a validation.
import { isIP } from 'node:net';
import { createHttpEngine } from './engine.js';
import { statusText } from './headers.js';
import { createRedactor } from './redact.js';
import type { EngineOptions } from './types.js';

export type EgressIpResult = { ip: string } | { error: string };

/** Extracts an address from an echo body: `203.0.113.7`, `{"ip":"203.0.113.7"}`, `{"origin":"…"}`. */
export function parseEgressIpBody(body: string): string | null {
  const text = body.trim();
  if (text.startsWith('{')) {
    try {
      const j = JSON.parse(text) as Record<string, unknown>;
      for (const k of ['ip', 'address', 'origin', 'query']) {
        const v = j[k];
        if (typeof v === 'string') {
          const first = v.split(',')[0]!.trim();
          if (isIP(first)) return first;
        }
      }
    } catch {
      return null;
    }
    return null;
  }
  const first = text.split(/\s+/)[0] ?? '';
  return isIP(first) ? first : null;
}

export async function lookupEgressIp(
  url: string,
  engineOpts: Partial<EngineOptions> = {},
  signal?: AbortSignal,
): Promise<EgressIpResult> {
  const redact = createRedactor({ secretParams: engineOpts.secretParams, secretValues: engineOpts.secretValues });
  let engine;
  try {
    engine = createHttpEngine(engineOpts);
  } catch (e) {
    return { error: redact.text(`egress IP lookup not started: ${(e as Error).message}`) };
  }
  try {
    const res = await engine.exchange(
      { method: 'GET', url, headers: { Accept: 'text/plain, application/json' }, body: null, timeoutMs: 10_000, maxRedirects: 3, responseType: 'text' },
      signal,
    );
    const where = redact.url(url);
    if (res.failure) return { error: `egress IP lookup at ${where} failed: ${res.failure.message}` };
    if (res.status !== 200) return { error: `egress IP lookup at ${where} answered ${statusText(res.status, res.reason)}` };
    const ip = parseEgressIpBody(res.body ? res.body.subarray(0, 4096).toString('utf8') : '');
    return ip ? { ip } : { error: `egress IP lookup at ${where} returned no IP address` };
  } catch (e) {
    return { error: redact.text(`egress IP lookup failed: ${(e as Error)?.message ?? String(e)}`) };
  } finally {
    await engine.close().catch(() => {});
  }
}
