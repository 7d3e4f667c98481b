// Errors and exit codes. Every error the tool raises on purpose carries a stable `code`;
// the exit code comes from that code, never from a class or its name, so an error thrown
// by one copy of the library (the ESM build) is recognised by another (the CJS one).

/** The stable codes: part of the API (`err.code`), like Node's `ERR_*` codes. */
export const ERROR_CODES = {
  /** Bad flag, option, script, schedule or URL: nothing was attempted. */
  usage: 'K6P_USAGE',
  /** A manifest (TestRun, ConfigMap) is wrong: the message names the file and field. */
  manifest: 'K6P_MANIFEST',
} as const;

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

export const EXIT_OK = 0;
/** Validation failed, the deadline passed, or an internal error. */
export const EXIT_FAILED = 1;
/** Usage or configuration error: nothing was attempted. */
export const EXIT_USAGE = 2;
/** The gated command could not be started (as a shell says "command not found"). */
export const EXIT_COMMAND_NOT_FOUND = 127;

const EXIT_FOR_CODE: Record<ErrorCode, number> = {
  K6P_USAGE: EXIT_USAGE,
  K6P_MANIFEST: EXIT_USAGE,
};

/** Bad flags, options or scripts: the message names what was wrong and where. */
export class UsageError extends Error {
  override name = 'UsageError';
  readonly code: ErrorCode = ERROR_CODES.usage;
}

/** The error's stable code, when it is one of ours (by duck typing: works across builds). */
export function errorCode(err: unknown): ErrorCode | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code in EXIT_FOR_CODE ? (code as ErrorCode) : undefined;
}

/** True for an error that means "nothing was attempted: fix the input" (exit 2). */
export function isUsageError(err: unknown): boolean {
  const code = errorCode(err);
  return code !== undefined && EXIT_FOR_CODE[code] === EXIT_USAGE;
}

/** The exit code for an error that ended a command: 2 for ours, 1 for anything else. */
export function exitCodeFor(err: unknown): number {
  const code = errorCode(err);
  return code ? EXIT_FOR_CODE[code] : EXIT_FAILED;
}
