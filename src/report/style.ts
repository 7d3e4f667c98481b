// Colour only where a person is looking: a TTY, unless NO_COLOR is set or --color (or FORCE_COLOR) says otherwise.

export interface Style {
  ok(s: string): string;
  bad(s: string): string;
  warn(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

export function useColor(stream: { isTTY?: boolean }, flag?: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  if (flag !== undefined) return flag;
  // FORCE_COLOR as Node reads it: set and not `0`/`false` forces colour on; `0`/`false` off.
  const forced = env.FORCE_COLOR;
  if (forced !== undefined) return !(forced === '0' || forced.toLowerCase() === 'false');
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return !!stream.isTTY;
}

const wrap = (on: boolean, open: number, close: number) => (s: string) => (on ? `\x1b[${open}m${s}\x1b[${close}m` : s);

export function createStyle(color: boolean): Style {
  return {
    ok: wrap(color, 32, 39),
    bad: wrap(color, 31, 39),
    warn: wrap(color, 33, 39),
    dim: wrap(color, 2, 22),
    bold: wrap(color, 1, 22),
  };
}
