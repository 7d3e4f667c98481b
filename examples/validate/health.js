// A health check: the target's /health answers 200 with {"status":"ok"}.
//
//   k6-preflight run examples/validate/health.js -e TARGET=https://api.example.com
//   k6-preflight poll examples/validate/health.js -e TARGET=https://api.example.com --interval 10s --max-duration 15m
//
// TARGET is the base URL (no trailing slash); HEALTH_PATH overrides /health.
import http from 'k6/http';
import { check } from 'k6';

const target = __ENV.TARGET || 'https://api.example.com';
const path = __ENV.HEALTH_PATH || '/health';

export default function () {
  const res = http.get(`${target}${path}`, { timeout: '10s', tags: { name: 'health' } });
  check(res, {
    'status is 200': (r) => r.status === 200,
    // Only parse JSON on a 200: a 403 page from a WAF is often HTML.
    'status field is ok': (r) => r.status === 200 && r.json('status') === 'ok',
  });
}
