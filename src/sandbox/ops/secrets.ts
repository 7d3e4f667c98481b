// `secrets.get` (k6/secrets), answered on the main thread where the redactor lives:
//   payload { source, key } → the value (string)
// The value is added to the redactor before the guest sees it, so it is masked in every
// output from then on (console, messages, request records, status).
import type { Redactor } from '../../http/redact.js';
import type { SecretStore } from '../../script/secret-sources.js';
import { fields, str } from './decode.js';
import { ALL_PHASES, GuestError, mainOp, type OpResult } from './types.js';

export const SECRETS_GET = 'secrets.get';

export function secretsGet(store: SecretStore | undefined, redactor: Redactor, payload: unknown): OpResult {
  const p = (payload ?? {}) as { source?: unknown; key?: unknown };
  if (typeof p.key !== 'string' || typeof p.source !== 'string') throw new GuestError('secrets.get needs a secret name', 'TypeError');
  if (!store) throw new GuestError('no secret sources are configured (give --secret-source file=PATH or --secret-source env)');
  let value: string;
  try {
    value = store.get(p.source, p.key);
  } catch (e) {
    throw new GuestError((e as Error).message);
  }
  if (value) redactor.addSecret(value);
  return { value };
}

export const get = mainOp({
  phases: ALL_PHASES,
  doc: '`{ source, key }` → the value (masked in all output from then on)',
  decode: (raw) => {
    const p = fields(raw, SECRETS_GET);
    return { source: str(p.source, 'secret source'), key: str(p.key, 'secret name') };
  },
  run: ({ source, key }, env) => ({ value: env.secret(source, key) }),
});
