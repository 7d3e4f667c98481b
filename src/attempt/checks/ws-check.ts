// `check ws://…` / `wss://…`: the WebSocket upgrade succeeds (101), then the socket is closed.
import { defaultEngineOptions } from '../../http/defaults.js';
import type { CreateEngineOptions } from '../../http/engine.js';
import type { Redactor } from '../../http/redact.js';
import { createWsHost } from '../../ws/host.js';
import type { AttemptRunner, RequestRecord } from '../types.js';
import { checkResult, TIMEOUT_MARGIN_MS } from './result.js';

export function wsCheckRunner(url: URL, engineFlags: CreateEngineOptions, redactor: Redactor): AttemptRunner {
  const shown = redactor.url(url.href);
  return async (ctx) => {
    const started = Date.now();
    let rec: RequestRecord | undefined;
    const options = { ...defaultEngineOptions(), ...engineFlags };
    const host = createWsHost({
      engineOptions: () => options,
      deadline: ctx.deadline - TIMEOUT_MARGIN_MS,
      signal: ctx.signal,
      record: (r) => {
        rec = r;
        ctx.onEvent?.({ type: 'request', attempt: ctx.attempt, request: r });
      },
    });
    try {
      const opened = (await host.handle('ws.open', { url: url.href, headers: {} }, [], () => 0))?.value as { id: number; response: { status: number; local_ip: string; local_port: number; remote_ip: string; remote_port: number } };
      if (!opened.id) {
        const reason = rec?.reason ?? 'NetworkError';
        return checkResult(ctx.attempt, started, rec, { passed: false, reason, message: `WebSocket ${shown} failed: ${rec?.message ?? rec?.error ?? 'handshake failed'}` });
      }
      await host.handle('ws.close', { id: opened.id, code: 1000 }, [], () => 0);
      const r = opened.response;
      return checkResult(ctx.attempt, started, rec, { passed: true, message: `WebSocket ${shown} → 101 Switching Protocols (from ${r.local_ip}:${r.local_port} to ${r.remote_ip}:${r.remote_port})` });
    } catch (e) {
      return checkResult(ctx.attempt, started, rec, { passed: false, reason: 'NetworkError', message: redactor.text(`WebSocket ${shown} failed: ${(e as Error).message}`) });
    } finally {
      host.close();
    }
  };
}
