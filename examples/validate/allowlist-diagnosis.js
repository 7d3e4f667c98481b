// Allowlist diagnosis: which address does this runner reach the target from, and does the
// target let it in? Run it from the runner pod (or its node) that will run the load test.
//
//   k6-preflight run examples/validate/allowlist-diagnosis.js \
//     -e TARGET=https://api.example.com/health -e ECHO_URL=https://api.ipify.org?format=json
//
// TARGET   the URL the load test hits (required)
// ECHO_URL optional egress echo endpoint answering the caller's public address, as text or
//          JSON {"ip": "..."}: behind NAT the target sees that address, not the pod's own.
import http from 'k6/http';
import { check, fail } from 'k6';

const target = __ENV.TARGET;
const echoUrl = __ENV.ECHO_URL;

function egressAddress() {
  if (!echoUrl) return '';
  // A diagnostic only: any answer, or none (status 0), is expected, so the echo's own trouble
  // is reported below without failing the validation.
  const r = http.get(echoUrl, { timeout: '5s', tags: { name: 'egress-echo' }, responseCallback: http.expectedStatuses({ min: 0, max: 599 }) });
  if (r.status !== 200) {
    console.warn(`egress echo ${echoUrl} answered ${r.status || r.error}`);
    return '';
  }
  const body = String(r.body || '').trim();
  if (body.startsWith('{')) {
    try {
      return String(JSON.parse(body).ip || '');
    } catch (e) {
      return '';
    }
  }
  return body.split(/\s/)[0];
}

export default function () {
  if (!target) fail('set TARGET (-e TARGET=https://api.example.com/health)');
  const egress = egressAddress();
  const res = http.get(target, { timeout: '10s', tags: { name: 'target' } });

  console.log(`runner: local address ${res.local_ip || '?'}:${res.local_port || '?'}` + (egress ? `, public egress address ${egress}` : ''));
  console.log(`target: ${res.remote_ip || '?'}:${res.remote_port || '?'} answered ${res.status || res.error}`);
  if (res.status === 401 || res.status === 403) {
    // TCP and TLS worked, the application said no: typically an L7 allowlist or a WAF.
    console.warn(`the target refuses this runner; ask its owner to allow ${egress || res.local_ip || 'this runner\'s egress address'}`);
  } else if (res.status === 0) {
    // No HTTP answer at all: a network-level allowlist (firewall, security group) drops or rejects us.
    console.warn(`no HTTP answer (${res.error}); a firewall or security group may not allow ${egress || res.local_ip || 'this runner'}`);
  }
  check(res, {
    'target reachable from this runner': (r) => r.status >= 200 && r.status < 400,
  });
}
