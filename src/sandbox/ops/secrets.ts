// `secrets.get` (k6/secrets), answered on the main thread where the redactor lives:
//   payload { source, key } → the value (string)
// The value is added to the redactor before the guest sees it, so it is masked in every
// output from then on (console, messages, request records, status).
import type { Redactor } from '../../http/redact.js';
import type { SecretStore } from '../../script/secret-sources.js';
import { fields, str } from './decode.js';
import { ALL_PHASES, GuestError, mainOp } from './types.js';

/** The value of `key` in `source`, added to the redactor first (the registry op has already
 *  checked that both are strings). */
export function secretValue(store: SecretStore | undefined, redactor: Redactor, source: string, key: string): string {
  if (!store) throw new GuestError('no secret sources are configured (give --secret-source file=PATH or --secret-source env)');
  let value: string;
  try {
    value = store.get(source, key);
  } catch (e) {
    throw new GuestError((e as Error).message);
  }
  if (value) redactor.addSecret(value);
  return value;
}

export const get = mainOp({
  phases: ALL_PHASES,
  doc: '`{ source, key }` → the value (masked in all output from then on)',
  decode: (raw) => {
    const p = fields(raw, 'secrets.get');
    return { source: str(p.source, 'secret source'), key: str(p.key, 'secret name') };
  },
  run: ({ source, key }, env) => ({ value: env.secret(source, key) }),
});
