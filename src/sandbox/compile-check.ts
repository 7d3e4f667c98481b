// Syntax check of every user module in QuickJS itself (what the engine accepts is what
// counts), before any attempt runs: a syntax error is a usage error, not a failed attempt.
import { describeThrown } from './binding.js';
import type { ModuleCode } from './protocol.js';
import { guestSources } from './guest-sources.js';
import { normalize } from './guest-run.js';
import { freshEngine, MIN_MEMORY_BYTES } from './quickjs.js';

export async function compileCheck(modules: Record<string, ModuleCode>) {
  const errors: { file: string; message: string; stack: string }[] = [];
  const engine = await freshEngine(MIN_MEMORY_BYTES * 4);
  const rt = engine.newRuntime();
  rt.setMaxStackSize(512 * 1024);
  const deadline = Date.now() + 5000;
  rt.setInterruptHandler(() => Date.now() > deadline);
  // Compiling a module resolves its imports, so the check uses the real loader.
  const guest = guestSources();
  rt.setModuleLoader(
    (name) => guest.modules[name] ?? modules[name]?.code ?? { error: new Error(`module not found: ${name}`) },
    (base, requested) => normalize(base, requested, guest.modules, modules),
  );
  const ctx = rt.newContext();
  try {
    for (const [file, { code }] of Object.entries(modules)) {
      const r = ctx.evalCode(code, file, { type: 'module', compileOnly: true });
      if (r.error) {
        const d = describeThrown(ctx, r.error);
        r.error.dispose();
        errors.push({ file, message: `${d.name}: ${d.message}`, stack: d.stack });
      } else r.value.dispose();
    }
  } finally {
    try {
      ctx.dispose();
      rt.dispose();
    } catch {
      /* the instance is discarded either way */
    }
  }
  return errors;
}
