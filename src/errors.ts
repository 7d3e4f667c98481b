// Errors the CLI maps to exit codes. A UsageError means nothing was attempted (exit 2).

/** Bad flags, manifests or scripts: the message names what was wrong and where. */
export class UsageError extends Error {
  override name = 'UsageError';
}
