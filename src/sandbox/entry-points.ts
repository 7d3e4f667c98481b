// What one attempt runs: the default function, or — when options.scenarios names them —
// each scenario's `exec` function once, in the order declared (a scenario without `exec`
// runs default). Nothing runnable is the author's mistake, reported as such (never a pass).

export interface EntryPoint {
  /** Scenario name (`default` without scenarios), for exec.scenario.name. */
  scenario: string;
  /** The exported function to call. */
  exec: string;
  executor: string;
}

export type EntryPlan = { run: EntryPoint[] } | { missing: string };

const DEFAULT_EXECUTOR = 'per-vu-iterations';

/** `exported(name)` says whether the script's module exports a function of that name. */
export function entryPoints(options: unknown, exported: (name: string) => boolean): EntryPlan {
  const scenarios = options && typeof options === 'object' ? (options as { scenarios?: unknown }).scenarios : undefined;
  if (scenarios === undefined || scenarios === null || (typeof scenarios === 'object' && !Array.isArray(scenarios) && Object.keys(scenarios).length === 0)) {
    if (exported('default')) return { run: [{ scenario: 'default', exec: 'default', executor: DEFAULT_EXECUTOR }] };
    return {
      missing: 'the script exports no default function and options.scenarios names no exec function: nothing would be validated (add `export default function () { … }`)',
    };
  }
  if (typeof scenarios !== 'object' || Array.isArray(scenarios)) {
    return { missing: 'options.scenarios must be an object of scenario name → { executor, exec, … }' };
  }
  const run: EntryPoint[] = [];
  for (const name of Object.keys(scenarios)) {
    const sc = (scenarios as Record<string, unknown>)[name];
    const cfg = sc && typeof sc === 'object' ? (sc as { exec?: unknown; executor?: unknown }) : {};
    const where = `options.scenarios.${name}`;
    if (cfg.exec !== undefined && typeof cfg.exec !== 'string') return { missing: `${where}.exec must be the name of an exported function` };
    const exec = typeof cfg.exec === 'string' && cfg.exec !== '' ? cfg.exec : 'default';
    if (!exported(exec)) {
      return {
        missing: exec === 'default'
          ? `${where} has no exec, so it runs the default function, but the script exports none`
          : `${where}.exec names ${JSON.stringify(exec)}, but the script exports no function of that name`,
      };
    }
    run.push({ scenario: name, exec, executor: typeof cfg.executor === 'string' ? cfg.executor : DEFAULT_EXECUTOR });
  }
  return { run };
}
