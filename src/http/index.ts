// Public surface of the host network engine (plain data in, plain data out).
export { createHttpEngine, type CreateEngineOptions } from './engine.js';
export { defaultEngineOptions, resolveEngineOptions, DEFAULT_USER_AGENT, VERSION } from './defaults.js';
export { parseLocalIPs } from './local-ips.js';
export { lookupEgressIp, parseEgressIpBody, type EgressIpResult } from './egress-ip.js';
export { createEgressPolicy, isMetadataAddress, METADATA_CIDRS } from './egress.js';
export { redactUrl, redactHeaders, redactText, createRedactor, isSecretHeader, MASK, type Redactor, type RedactOptions } from './redact.js';
export { proxyFor, noProxyMatches, parseProxyUrl } from './proxy.js';
export { parseIp, canonicalIp } from './ip.js';
export type * from './types.js';
export { createDialEnv, type OwnedDialEnv } from './dial-env.js';
export { connectWithDeadline, type ConnectTarget, type ConnectOutcome } from './connect.js';
export type { Exchange, ExchangeFailure, ConnFacts, SentRequest } from './exchange.js';
