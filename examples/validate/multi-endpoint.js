// Several endpoints at once with http.batch: every one must answer as expected before the
// load test starts (e.g. the API, its auth service and a static asset host).
//
//   k6-preflight run examples/validate/multi-endpoint.js -e TARGET=https://api.example.com
//
// Requests run in parallel; each check names its endpoint, so a failure says which one.
import http from 'k6/http';
import { check } from 'k6';

const target = __ENV.TARGET || 'https://api.example.com';

const endpoints = {
  health: { method: 'GET', url: `${target}/health`, expect: [200] },
  login: { method: 'GET', url: `${target}/auth/login`, expect: [200, 302] },
  assets: { method: 'HEAD', url: `${target}/static/app.js`, expect: [200, 304] },
};

export default function () {
  const requests = {};
  for (const [name, e] of Object.entries(endpoints)) {
    requests[name] = { method: e.method, url: e.url, params: { timeout: '10s', tags: { name }, redirects: 0 } };
  }
  const responses = http.batch(requests);
  for (const [name, e] of Object.entries(endpoints)) {
    const res = responses[name];
    check(res, {
      [`${name}: ${e.method} answers ${e.expect.join(' or ')}`]: (r) => e.expect.includes(r.status),
    });
  }
}
