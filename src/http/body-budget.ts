// The response bytes one attempt may hold at once, across all its requests. Each request
// takes a lease; the engine charges the body bytes it receives to the lease, and the
// caller releases the lease once the response has been handed on (or has failed).
import { fmtBytes, NetFailure, type FailureContext } from './causes.js';

/** What the engine needs: charge bytes as they arrive; false means over the budget. */
export interface BodyBytesLease {
  take(bytes: number): boolean;
  readonly limit: number;
}

export class ResponseBytesBudget {
  private held = 0;
  /** Most bytes held at once (for tests and figures). */
  peak = 0;
  constructor(readonly limit: number) {}

  get heldBytes(): number {
    return this.held;
  }

  lease(): BodyBytesLease & { release(): void } {
    let mine = 0;
    return {
      limit: this.limit,
      take: (n) => {
        if (this.held + n > this.limit) return false;
        this.held += n;
        mine += n;
        this.peak = Math.max(this.peak, this.held);
        return true;
      },
      release: () => {
        this.held -= mine;
        mine = 0;
      },
    };
  }
}

export function budgetExceeded(limit: number, ctx: FailureContext): NetFailure {
  return new NetFailure(
    1000,
    `response bodies held by this attempt exceed the limit of ${fmtBytes(limit)}`,
    'ResponseTooLarge',
    'receive',
    `the attempt's responses together are larger than ${fmtBytes(limit)} (the per-attempt response budget)`,
    'fetch fewer or smaller responses at once (fewer requests per batch, responseType "none" when the body is not needed), or raise --memory-limit / --max-body',
    ctx,
  );
}
