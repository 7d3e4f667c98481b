// The guest runtime's module sources (runtime/**/*.js), keyed by module name:
// public specifiers from runtime/registry.json (`k6/http`) and internal ones (`k6p:lib/x`).
// The bundle build embeds them (define __K6P_GUEST_SOURCES__); source runs read runtime/.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { packageRoot } from '../package-root.js';
import { HTML_ENGINE_MODULE, bundleHtmlEngine } from './html-engine.js';

/** The bundle's embedded sources, as JSON text (see scripts/build.ts). */
declare const __K6P_GUEST_SOURCES__: string | undefined;

export interface GuestSources {
  /** module name → source */
  modules: Record<string, string>;
  /** public specifiers a user script may import */
  publicNames: string[];
  prelude: string;
}

let cached: GuestSources | undefined;

export function guestSources(): GuestSources {
  if (cached) return cached;
  if (typeof __K6P_GUEST_SOURCES__ !== 'undefined') return (cached = JSON.parse(__K6P_GUEST_SOURCES__) as GuestSources);
  return (cached = readGuestSources(join(packageRoot(), 'runtime')));
}

/** Reads runtime/ into the module map (also used by the bundle build). */
export function readGuestSources(dir: string): GuestSources {
  const registry = JSON.parse(readFileSync(join(dir, 'registry.json'), 'utf8')) as {
    modules: Record<string, string>;
    prelude: string;
  };
  const modules: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const full = join(d, e);
      if (statSync(full).isDirectory()) walk(full);
      else if (e.endsWith('.js')) {
        const rel = relative(dir, full).split(sep).join('/');
        modules[`k6p:${rel.slice(0, -3)}`] = readFileSync(full, 'utf8');
      }
    }
  };
  walk(dir);
  modules[HTML_ENGINE_MODULE] = bundleHtmlEngine();
  for (const [name, file] of Object.entries(registry.modules)) {
    const src = modules[`k6p:${file.slice(0, -3)}`];
    if (src === undefined) throw new Error(`runtime/registry.json: ${name} → ${file} does not exist`);
    modules[name] = src;
  }
  return { modules, publicNames: Object.keys(registry.modules), prelude: `k6p:${registry.prelude.slice(0, -3)}` };
}
