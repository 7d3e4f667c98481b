// k6 `options.thresholds` on the two rates a validation can judge: `http_req_failed`
// (share of failed requests) and `checks` (share of passed checks), evaluated over one
// attempt. A threshold on either replaces the default rule for it (any failed request,
// any failed check fails the attempt), so a script written for k6 behaves as meant.
// Syntax as k6: `rate<0.1`, `rate == 0`, `rate>=0.95`; a string, a list of strings, or
// `{ threshold: "rate<0.1", abortOnFail: true }` objects.

export type JudgedMetric = 'http_req_failed' | 'checks';
const JUDGED: readonly JudgedMetric[] = ['http_req_failed', 'checks'];

export interface Threshold {
  metric: JudgedMetric;
  /** As the script wrote it. */
  source: string;
  op: '<' | '<=' | '>' | '>=' | '==' | '===' | '!=';
  value: number;
}

export interface ThresholdSet {
  rules: Threshold[];
  /** Why a threshold on a judged metric could not be read (fails the attempt: k6 refuses to start). */
  problems: string[];
  /** Thresholds on other metrics or submetrics, which one attempt cannot judge. */
  ignored: string[];
}

const EXPR = /^\s*rate\s*(<=|>=|===|==|!=|<|>)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)\s*$/i;
/** Thresholds read per attempt (the script's own data: bounded). */
const MAX_EXPRESSIONS = 100;

export function parseThresholds(raw: unknown): ThresholdSet {
  const out: ThresholdSet = { rules: [], problems: [], ignored: [] };
  if (raw === undefined || raw === null) return out;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    out.problems.push('options.thresholds must be an object of metric name → thresholds');
    return out;
  }
  for (const key of Object.keys(raw).slice(0, MAX_EXPRESSIONS)) {
    const metric = JUDGED.find((m) => m === key.trim());
    if (!metric) {
      out.ignored.push(key);
      continue;
    }
    const v = (raw as Record<string, unknown>)[key];
    const list = Array.isArray(v) ? v : [v];
    list.slice(0, MAX_EXPRESSIONS).forEach((item, i) => {
      const where = `options.thresholds.${key}${Array.isArray(v) ? `[${i}]` : ''}`;
      const src = typeof item === 'string' ? item : item && typeof item === 'object' ? (item as { threshold?: unknown }).threshold : undefined;
      if (typeof src !== 'string') {
        out.problems.push(`${where}: a threshold is a string like "rate<0.1" or { threshold: "rate<0.1" }`);
        return;
      }
      const m = EXPR.exec(src);
      if (!m) {
        out.problems.push(`${where}: cannot read ${JSON.stringify(src)} (${key} is a rate: write it like ${metric === 'checks' ? 'rate>0.9' : 'rate<0.1'})`);
        return;
      }
      out.rules.push({ metric, source: src.trim(), op: m[1] as Threshold['op'], value: Number(m[2]) });
    });
  }
  return out;
}

export function holds(t: Threshold, rate: number): boolean {
  switch (t.op) {
    case '<': return rate < t.value;
    case '<=': return rate <= t.value;
    case '>': return rate > t.value;
    case '>=': return rate >= t.value;
    case '==':
    case '===': return rate === t.value;
    case '!=': return rate !== t.value;
  }
}

/** A rate over `total` samples; 0 when there were none (as k6's rate sink). */
export function rate(hits: number, total: number): number {
  return total > 0 ? hits / total : 0;
}
