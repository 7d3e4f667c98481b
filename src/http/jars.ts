// The engine's cookie jars (k6 `http.cookieJar()` / `new http.CookieJar()`): the VU jar
// `"vu"` plus the ones a script makes, by id.
import { CookieJar } from './cookies.js';

export interface JarRegistry {
  /** The jar for an id (created on first use); null means "no jar" (k6 `jar: null`). */
  jarFor(id: string | null | undefined): CookieJar | null;
  newJar(): string;
  cookiesForURL(jar: string, url: string): Record<string, string[]>;
  set(jar: string, url: string, name: string, value: string, o?: Record<string, unknown>): void;
  clear(jar: string, url: string): void;
  delete(jar: string, url: string, name: string): void;
}

export function createJarRegistry(): JarRegistry {
  const jars = new Map<string, CookieJar>([['vu', new CookieJar()]]);
  let seq = 0;
  const jarFor = (id: string | null | undefined): CookieJar | null => {
    if (id === null) return null;
    const key = id ?? 'vu';
    let j = jars.get(key);
    if (!j) {
      j = new CookieJar();
      jars.set(key, j);
    }
    return j;
  };
  return {
    jarFor,
    newJar() {
      const id = `jar${++seq}`;
      jars.set(id, new CookieJar());
      return id;
    },
    cookiesForURL(jar, url) {
      return jarFor(jar)?.cookiesForURL(new URL(url)) ?? {};
    },
    set(jar, url, name, value, o = {}) {
      const j = jarFor(jar);
      if (!j) return;
      const expires = typeof o.expires === 'string' ? Date.parse(o.expires) : typeof o.expires === 'number' ? o.expires : undefined;
      const maxAge = typeof o.max_age === 'number' ? o.max_age : typeof o.maxAge === 'number' ? o.maxAge : undefined;
      j.set(new URL(url), {
        name,
        value,
        domain: typeof o.domain === 'string' && o.domain ? o.domain : undefined,
        path: typeof o.path === 'string' && o.path ? o.path : undefined,
        expires: expires !== undefined && !Number.isNaN(expires) ? expires : undefined,
        maxAge,
        secure: o.secure === true,
        httpOnly: o.http_only === true || o.httpOnly === true,
      });
    },
    clear(jar, url) {
      jarFor(jar)?.clear(new URL(url));
    },
    delete(jar, url, name) {
      jarFor(jar)?.delete(new URL(url), name);
    },
  };
}
