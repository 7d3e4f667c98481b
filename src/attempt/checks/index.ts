// Built-in checks for URLs that are not HTTP: a scheme → the runner that checks it.
import type { CreateEngineOptions } from '../../http/engine.js';
import type { Redactor } from '../../http/redact.js';
import type { AttemptRunner } from '../types.js';
import { grpcCheckRunner } from './grpc-check.js';
import { wsCheckRunner } from './ws-check.js';

type CheckFactory = (url: URL, engine: CreateEngineOptions, redactor: Redactor) => AttemptRunner;

export const PROTOCOL_CHECKS: Record<string, CheckFactory> = {
  'grpc:': grpcCheckRunner,
  'grpcs:': grpcCheckRunner,
  'ws:': wsCheckRunner,
  'wss:': wsCheckRunner,
};
