// Every worker-side operation the guest can call, in one place so the surface can be
// audited. Remote operations (http.*, jar.*) are answered on the main thread.
import type { OpHandler } from './types.js';

export const workerOps: Record<string, OpHandler> = {};
