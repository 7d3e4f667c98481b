// k6p:support/html-hook — lets Response.html() (k6/http) reach k6/html without k6/http
// importing it: the HTML engine is large, and most scripts never parse HTML. k6/html
// registers its parser here when it loads; the host adds `import 'k6/html'` to scripts
// whose code mentions `html(` (src/script/compile.ts).
let parser = null;

export function setHtmlParser(fn) {
  parser = fn;
}

export function htmlParser() {
  if (!parser) throw new Error('Response.html() needs k6/html: add import "k6/html" to the script');
  return parser;
}
