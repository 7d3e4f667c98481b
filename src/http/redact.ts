// Secret masking for everything that leaves the process: URLs, headers and free text.
// Every reporter, event and error message passes through here, so the rules are
// deliberately greedy: a false positive costs a little readability, a miss leaks a credential.

/** What replaces a secret. */
export const MASK = '***';

/** Query parameter names treated as secret (compared case-insensitively, `-`/`_` ignored). */
export const DEFAULT_SECRET_PARAMS: readonly string[] = [
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'auth',
  'authorization',
  'key',
  'api_key',
  'apikey',
  'secret',
  'client_secret',
  'password',
  'passwd',
  'pwd',
  'pass',
  'signature',
  'sig',
  'x-amz-signature',
  'x-amz-credential',
  'x-amz-security-token',
  'session',
  'sessionid',
  'credential',
  'credentials',
];

// Substrings that make a parameter name secret-looking even when not listed above
// (`my_api_key`, `githubToken`, `db-password`).
const SECRET_PARAM_PATTERN = /token|secret|passw|api[-_]?key|signature|credential|auth/i;

/** Header names always masked. */
const SECRET_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'x-auth-token',
  'x-amz-security-token',
]);
const SECRET_HEADER_PATTERN = /token|secret|api[-_]?key|auth|passw|credential|session/i;

export interface RedactOptions {
  /** Extra query parameter names to treat as secret. */
  secretParams?: readonly string[];
  /** Literal values (e.g. `--secret-env` values) masked wherever they appear. */
  secretValues?: readonly string[];
}

function normName(n: string): string {
  return n.toLowerCase().replace(/[-_]/g, '');
}

function buildParamMatcher(extra: readonly string[]): (name: string) => boolean {
  const names = new Set([...DEFAULT_SECRET_PARAMS, ...extra].map(normName));
  return (name) => names.has(normName(name)) || SECRET_PARAM_PATTERN.test(name);
}

// Redaction runs on every request record: build each name set once.
const defaultParamMatcher = buildParamMatcher([]);
const paramMatchers = new WeakMap<readonly string[], (name: string) => boolean>();

function paramMatcher(extra: readonly string[] = []): (name: string) => boolean {
  if (extra.length === 0) return defaultParamMatcher;
  let m = paramMatchers.get(extra);
  if (!m) paramMatchers.set(extra, (m = buildParamMatcher(extra)));
  return m;
}

/** True when a header's value must never be shown. */
export function isSecretHeader(name: string): boolean {
  const n = name.toLowerCase();
  return SECRET_HEADERS.has(n) || SECRET_HEADER_PATTERN.test(n);
}

/**
 * Masks userinfo and secret-looking query parameters. Works on strings that are not
 * valid URLs too (falls back to text rules), and never throws.
 */
export function redactUrl(url: string, opts: RedactOptions = {}): string {
  // No userinfo, query or fragment: only literal secret values can be in it.
  if (!/[@?#]/.test(url)) return maskValues(url, opts.secretValues);
  const isSecret = paramMatcher(opts.secretParams);
  let out: string;
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = MASK;
      u.password = '';
    }
    // Rebuild the query by hand: URLSearchParams would re-encode untouched values.
    if (u.search.length > 1) {
      const parts = u.search.slice(1).split('&').map((p) => {
        const eq = p.indexOf('=');
        const rawName = eq < 0 ? p : p.slice(0, eq);
        let name = rawName;
        try {
          name = decodeURIComponent(rawName.replace(/\+/g, ' '));
        } catch {
          /* keep raw */
        }
        return eq >= 0 && isSecret(name) ? `${rawName}=${MASK}` : p;
      });
      u.search = '?' + parts.join('&');
    }
    // Fragments can hold OAuth implicit-flow tokens (`#access_token=…`).
    if (u.hash.length > 1 && /=/.test(u.hash)) {
      u.hash = '#' + redactQueryLike(u.hash.slice(1), isSecret);
    }
    out = u.href;
  } catch {
    out = redactUrlsInText(url, isSecret);
  }
  return maskValues(out, opts.secretValues);
}

function redactQueryLike(q: string, isSecret: (n: string) => boolean): string {
  return q
    .split('&')
    .map((p) => {
      const eq = p.indexOf('=');
      return eq >= 0 && isSecret(p.slice(0, eq)) ? `${p.slice(0, eq)}=${MASK}` : p;
    })
    .join('&');
}

/** Masks header values by name. Accepts string or string[] values; returns a copy. */
export function redactHeaders<T extends string | string[]>(
  headers: Record<string, T>,
  opts: RedactOptions = {},
): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (isSecretHeader(k)) {
      out[k] = (Array.isArray(v) ? v.map(() => MASK) : MASK) as T;
    } else {
      out[k] = (Array.isArray(v) ? v.map((x) => maskValues(x, opts.secretValues)) : maskValues(v as string, opts.secretValues)) as T;
    }
  }
  return out;
}

// scheme://user:pass@host → scheme://***@host ; also bare user:pass@ in URLs.
const URL_IN_TEXT = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@"'<>]*@)?([^\s"'<>]*)/gi;
// "Authorization: Bearer abc", "Basic dXNlcjpw", "token=abc" in free text.
const AUTH_SCHEME_IN_TEXT = /\b(Bearer|Basic|Digest|Token|Negotiate|NTLM)\s+[A-Za-z0-9._~+/=-]{4,}/g;
const HEADER_LINE_IN_TEXT = /\b((?:proxy-)?authorization|cookie|set-cookie|x-api-key)(\s*[:=]\s*)("[^"]*"|[^\r\n,;]+)/gi;

function redactUrlsInText(text: string, isSecret: (n: string) => boolean): string {
  return text.replace(URL_IN_TEXT, (_m, scheme: string, userinfo: string | undefined, rest: string) => {
    const q = rest.indexOf('?');
    let tail = rest;
    if (q >= 0) {
      const hashAt = rest.indexOf('#', q);
      const query = hashAt >= 0 ? rest.slice(q + 1, hashAt) : rest.slice(q + 1);
      const after = hashAt >= 0 ? rest.slice(hashAt) : '';
      tail = rest.slice(0, q + 1) + redactQueryLike(query, isSecret) + after;
    }
    return scheme + (userinfo ? `${MASK}@` : '') + tail;
  });
}

/**
 * The forms a secret can take on its way out: as given, and as a URL or a form encodes it.
 * A secret put into a URL path, query or fragment, or into URLSearchParams, is shown
 * percent-encoded by the WHATWG URL serialiser (`'` → `%27` in a query, space → `%20`, or
 * `+` in form encoding), and another encoder may pick lower-case hex.
 */
export function secretForms(v: string): string[] {
  const forms = new Set<string>([v, encodeURIComponent(v), encodeURI(v)]);
  forms.add(new URLSearchParams([['', v]]).toString().slice(1));
  // What the URL parser makes of the value in each part of a URL (where the value does not
  // end that part early: a `?` ends a path, a `#` a path or query).
  const parts = [['http://h/#', 'hash', /$^/], ['http://h/?', 'search', /#/], ['http://h/', 'pathname', /[?#]/]] as const;
  for (const [prefix, cut, ends] of parts) {
    if (ends.test(v)) continue;
    try {
      forms.add(new URL(prefix + v)[cut].slice(1));
    } catch {
      /* not representable there */
    }
  }
  // escape()-style and encodeURIComponent with the marks it leaves alone encoded too.
  forms.add(encodeURIComponent(v).replace(/[!'()*~]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase()));
  for (const f of [...forms]) if (/%[0-9A-F]{2}/.test(f)) forms.add(f.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
  // Inside a JSON string a script logs (`"` and `\` escaped), and base64 of the value alone.
  forms.add(JSON.stringify(v).slice(1, -1));
  const b64 = Buffer.from(v).toString('base64').replace(/=+$/, '');
  forms.add(b64);
  forms.add(b64.replace(/\+/g, '-').replace(/\//g, '_'));
  return [...forms].filter((f) => f.length >= MIN_SECRET_LENGTH);
}

/** Very short values would mask ordinary words; three characters is the floor. */
const MIN_SECRET_LENGTH = 3;

// Masking runs on every string bound for output: compile each list of secrets once.
const compiledForms = new Map<string, string[]>();

function compileForms(values: readonly string[]): string[] {
  const key = values.join('\u0000');
  let list = compiledForms.get(key);
  if (!list) {
    const all = new Set<string>();
    for (const v of values) if (v.length >= MIN_SECRET_LENGTH) for (const f of secretForms(v)) all.add(f);
    // Longest first so a secret that contains another is masked whole.
    list = [...all].sort((a, b) => b.length - a.length);
    if (compiledForms.size > 64) compiledForms.clear();
    compiledForms.set(key, list);
  }
  return list;
}

function maskValues(text: string, values: readonly string[] | undefined): string {
  if (!values || values.length === 0) return text;
  let out = text;
  for (const f of compileForms(values)) if (out.includes(f)) out = out.split(f).join(MASK);
  return out;
}

/**
 * Masks literal secret values, URL credentials, secret query parameters, auth schemes
 * (`Bearer …`, `Basic …`) and header-like `Authorization: …` lines inside free text.
 */
export function redactText(text: string, secretValues: readonly string[] = [], opts: RedactOptions = {}): string {
  return textRules(maskValues(text, [...secretValues, ...(opts.secretValues ?? [])]), paramMatcher(opts.secretParams));
}

/** The pattern rules of redactText. Each runs only when the text has the character it needs:
 *  every string bound for output passes here, most of them short and plain. */
function textRules(text: string, isSecret: (n: string) => boolean): string {
  let out = text;
  if (out.includes('://')) out = redactUrlsInText(out, isSecret);
  if (/[:=]/.test(out)) out = out.replace(HEADER_LINE_IN_TEXT, (_m, name: string, sep: string) => `${name}${sep}${MASK}`);
  if (/\s/.test(out)) out = out.replace(AUTH_SCHEME_IN_TEXT, (_m, scheme: string) => `${scheme} ${MASK}`);
  return out;
}

/** One object holding the redaction rules of a validation; pass it to every output path. */
export interface Redactor {
  url(url: string): string;
  headers<T extends string | string[]>(headers: Record<string, T>): Record<string, T>;
  text(text: string): string;
  /** Adds literal secrets learnt later (e.g. a password seen in a URL). */
  addSecret(value: string): void;
}

export function createRedactor(opts: RedactOptions = {}): Redactor {
  const values = [...(opts.secretValues ?? [])];
  const o = (): RedactOptions => ({ secretParams: opts.secretParams, secretValues: values });
  const isSecret = paramMatcher(opts.secretParams);
  // The secrets' forms, compiled once (again when a secret is learnt).
  let forms = compileForms(values);
  return {
    url: (u) => redactUrl(u, o()),
    headers: (h) => redactHeaders(h, o()),
    text(t) {
      let out = t;
      for (const f of forms) if (out.includes(f)) out = out.split(f).join(MASK);
      return textRules(out, isSecret);
    },
    addSecret(v: string) {
      if (v && v.length >= 3 && !values.includes(v)) {
        values.push(v);
        forms = compileForms(values);
      }
    },
  };
}
