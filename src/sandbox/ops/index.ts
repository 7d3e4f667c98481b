// Every worker-side operation the guest can call, in one place so the surface can be
// audited. The k6 core ops (checks, console, sleep, fail, open) are bound per attempt
// in ./core.ts; remote operations (http.*, jar.*) are answered on the main thread.
import { cryptoOps } from './crypto.js';
import type { OpHandler } from './types.js';
import { urlOps } from './url.js';

export const workerOps: Record<string, OpHandler> = { ...cryptoOps, ...urlOps };
