// Syntax check of every user module in QuickJS itself (what the engine accepts is what
// counts), before any attempt runs: a syntax error is a usage error, not a failed attempt.
import { describeThrown } from './binding.js';
import type { ModuleCode } from './protocol.js';
import { guestSources } from './guest-sources.js';
import { installModuleLoader } from './modules.js';
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
  installModuleLoader(rt, guest.modules, modules);
  const ctx = rt.newContext();
  try {
    for (const [file, { code }] of Object.entries(modules)) {
      const r = ctx.evalCode(code, file, { type: 'module', compileOnly: true });
      // quickjs-emscripten 0.32 reports some successful compile-only module evaluations as
      // an "error" whose value is undefined: only a thrown object is a real error.
      if (r.error && ctx.typeof(r.error) === 'undefined') r.error.dispose();
      else if (r.error) {
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
