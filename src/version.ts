// The package version, embedded at build time; read from package.json in source runs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './package-root.js';

declare const __K6P_VERSION__: string | undefined;

export const VERSION: string =
  typeof __K6P_VERSION__ !== 'undefined'
    ? __K6P_VERSION__
    : (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
