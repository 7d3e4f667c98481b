// The WHATWG URL class on top of an injected parser. The parser does the real work
// (in the sandbox: Node's URL on the host via the `url.parse` op):
//   parse(url, base?, set?) → { href, origin, protocol, username, password, host,
//                               hostname, port, pathname, search, hash }
// where `set` = [property, value] applies one setter to the parsed URL first.
// Self-contained: imported by guest modules (k6p:lib/url) and directly by node tests.

/**
 * @param {{ parse: Function, URLSearchParams: Function, bindSearchParams: Function, resetSearchParams: Function }} deps
 */
export function makeURLClass({ parse, URLSearchParams, bindSearchParams, resetSearchParams }) {
  class URL {
    #p;
    #sp = null;
    constructor(url, base = undefined) {
      if (arguments.length === 0) throw new TypeError('The "url" argument must be specified');
      this.#p = parse(String(url), base === undefined ? undefined : String(base));
    }
    static canParse(url, base = undefined) {
      try {
        parse(String(url), base === undefined ? undefined : String(base));
        return true;
      } catch {
        return false;
      }
    }
    static parse(url, base = undefined) {
      try {
        return new URL(url, base);
      } catch {
        return null;
      }
    }
    #update(prop, value) {
      let next;
      try {
        next = parse(this.#p.href, undefined, [prop, String(value)]);
      } catch {
        return; // WHATWG setters other than href ignore what they cannot apply
      }
      this.#p = next;
      if (prop === 'search' && this.#sp) resetSearchParams(this.#sp, next.search);
    }
    get href() {
      return this.#p.href;
    }
    set href(v) {
      this.#p = parse(String(v), undefined);
      if (this.#sp) resetSearchParams(this.#sp, this.#p.search);
    }
    get origin() {
      return this.#p.origin;
    }
    get protocol() {
      return this.#p.protocol;
    }
    set protocol(v) {
      this.#update('protocol', v);
    }
    get username() {
      return this.#p.username;
    }
    set username(v) {
      this.#update('username', v);
    }
    get password() {
      return this.#p.password;
    }
    set password(v) {
      this.#update('password', v);
    }
    get host() {
      return this.#p.host;
    }
    set host(v) {
      this.#update('host', v);
    }
    get hostname() {
      return this.#p.hostname;
    }
    set hostname(v) {
      this.#update('hostname', v);
    }
    get port() {
      return this.#p.port;
    }
    set port(v) {
      this.#update('port', v);
    }
    get pathname() {
      return this.#p.pathname;
    }
    set pathname(v) {
      this.#update('pathname', v);
    }
    get search() {
      return this.#p.search;
    }
    set search(v) {
      this.#update('search', v);
    }
    get hash() {
      return this.#p.hash;
    }
    set hash(v) {
      this.#update('hash', v);
    }
    get searchParams() {
      if (!this.#sp) {
        this.#sp = new URLSearchParams(this.#p.search);
        bindSearchParams(this.#sp, (serialized) => {
          try {
            this.#p = parse(this.#p.href, undefined, ['search', serialized]);
          } catch {
            /* unreachable for serialized params */
          }
        });
      }
      return this.#sp;
    }
    toString() {
      return this.#p.href;
    }
    toJSON() {
      return this.#p.href;
    }
    get [Symbol.toStringTag]() {
      return 'URL';
    }
  }
  return URL;
}
