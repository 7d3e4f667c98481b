// --http-debug: each request and its response as text, as k6's --http-debug prints them
// (headers; with `full`, bodies too), with every secret masked by the validation's redactor.
import type { Redactor } from './redact.js';
import type { HttpResponse } from './types.js';

/** Longest body quoted by `--http-debug=full`. */
const BODY_CHARS = 4096;

function body(b: string | Uint8Array | null | undefined): string {
  if (b === null || b === undefined || b === '') return '';
  if (typeof b !== 'string') return `[${b.byteLength} bytes of binary]`;
  return b.length > BODY_CHARS ? `${b.slice(0, BODY_CHARS)}… [${b.length - BODY_CHARS} more characters]` : b;
}

export function dumpExchange(res: HttpResponse, redactor: Redactor, full: boolean): string {
  const lines: string[] = ['Request:', `${res.request.method} ${redactor.url(res.request.url)}`];
  for (const [k, vs] of Object.entries(redactor.headers(res.request.headers))) for (const v of [vs].flat()) lines.push(`${k}: ${v}`);
  if (full && res.request.body) lines.push('', redactor.text(body(res.request.body)));
  lines.push('');
  if (res.failure) {
    lines.push(`Error: ${res.failure.reason}: ${res.failure.message}`);
  } else {
    lines.push('Response:', `${res.proto || 'HTTP/1.1'} ${res.status_text || res.status}`);
    for (const [k, v] of Object.entries(redactor.headers(res.headers))) lines.push(`${k}: ${v}`);
    if (full && res.body) lines.push('', redactor.text(body(res.body)));
  }
  return lines.join('\n') + '\n\n';
}
