// Runs a k6-style script source in the real sandbox (real runtime, real HTTP engine),
// for tests. Servers used with it must listen on loopback only.
import { prepareScriptAttempts } from '../../src/attempt/script-attempt.js';
import type { AttemptEvent, AttemptResult } from '../../src/attempt/types.js';
import { createRedactor } from '../../src/http/redact.js';
import type { EngineOptions } from '../../src/http/types.js';

export interface RunScriptOptions {
  /** Extra files beside validate.js (name → content), for imports and open(). */
  files?: Record<string, string | Uint8Array>;
  entry?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  memoryLimitBytes?: number;
  engine?: Partial<EngineOptions>;
  secrets?: string[];
  signal?: AbortSignal;
  /** Response bytes the attempt may hold at once (default: from the memory limit and --max-body). */
  responseBudgetBytes?: number;
}

export interface RunScriptResult extends AttemptResult {
  notices: string[];
  events: AttemptEvent[];
}

export async function runScript(source: string, o: RunScriptOptions = {}): Promise<RunScriptResult> {
  const entry = o.entry ?? 'validate.js';
  const files = new Map<string, Uint8Array>([[entry, Buffer.from(source)]]);
  for (const [k, v] of Object.entries(o.files ?? {})) files.set(k, typeof v === 'string' ? Buffer.from(v) : v);
  const timeoutMs = o.timeoutMs ?? 10_000;
  const attempts = await prepareScriptAttempts({
    source: { origin: 'test', files, entry },
    env: o.env ?? {},
    memoryLimitBytes: o.memoryLimitBytes ?? 64 * 1024 * 1024,
    timeoutMs,
    engine: o.engine ?? {},
    redactor: createRedactor({ secretValues: o.secrets ?? [] }),
    ...(o.responseBudgetBytes !== undefined ? { responseBudgetBytes: o.responseBudgetBytes } : {}),
  });
  const events: AttemptEvent[] = [];
  try {
    const r = await attempts.run({
      attempt: 1,
      deadline: Date.now() + timeoutMs,
      signal: o.signal ?? new AbortController().signal,
      onEvent: (e) => events.push(e),
    });
    return { ...r, notices: [...attempts.notices], events };
  } finally {
    await attempts.close();
  }
}
