// `k6-preflight summarize`: one verdict for all runners, from Pod list documents in the
// Kubernetes API's shape (as `kubectl get pods -l k6_cr=NAME -o json` prints them) whose
// termination messages the real gate wrote, or from status files.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, cli, folder, jsonLines, loopback, type Loopback } from './helpers/cli.js';
import { stringify } from 'yaml';
import { runnersFrom } from '../src/summarize/input.js';
import { readPods } from '../src/summarize/runners.js';
import { summarize } from '../src/summarize/summary.js';

const TR = 'api-load-test';
let dir: string;
let passedMsg: string;
let blockedMsg: string;
let passedStatusFile: string;
let blockedStatusFile: string;
let echo: Loopback;

before(async () => {
  dir = folder({});
  const target = await loopback((_n, _req, res) => res.end('ok'));
  echo = await loopback((_n, _req, res) => res.end('{"ip":"203.0.113.7"}'));
  const gone = await loopback(() => {});
  const goneUrl = gone.url;
  await gone.close(); // refused from now on
  try {
    // The real gate writes the termination messages the pods carry.
    const ok = await cli(['check', `${target.url}/health`, '--egress-ip-url', echo.url, '--termination-log', join(dir, 'ok.term'), '--status-file', join(dir, 'ok.json')]);
    assert.equal(ok.code, 0, ok.stderr);
    const bad = await cli(['check', `${goneUrl}/health`, '--interval', '200ms', '--max-duration', '1s', '--egress-ip-url', echo.url,
      '--termination-log', join(dir, 'bad.term'), '--status-file', join(dir, 'bad.json')]);
    assert.equal(bad.code, 1, bad.stderr);
  } finally {
    await target.close();
  }
  passedMsg = readFileSync(join(dir, 'ok.term'), 'utf8');
  blockedMsg = readFileSync(join(dir, 'bad.term'), 'utf8');
  passedStatusFile = join(dir, 'ok.json');
  blockedStatusFile = join(dir, 'bad.json');
});
after(async () => {
  await echo.close();
  rmSync(dir, { recursive: true, force: true });
});

type GateState = Record<string, unknown> | undefined;
const terminated = (exitCode: number, message?: string, reason = exitCode === 0 ? 'Completed' : 'Error') => ({
  terminated: { exitCode, reason, ...(message !== undefined ? { message } : {}), startedAt: '2026-12-01T10:00:00Z', finishedAt: '2026-12-01T10:15:00Z', containerID: 'containerd://abc' },
});

/** A pod as the API server returns it. */
function pod(name: string, o: { role?: 'runner' | 'initializer' | 'starter'; node?: string; hostIP?: string; podIP?: string; gate?: GateState; gateName?: string; noGate?: boolean; phase?: string; scheduled?: false }) {
  const role = o.role ?? 'runner';
  const job = role === 'runner' ? name.replace(/-[a-z0-9]{5}$/, '') : `${TR}-${role}`;
  const gateName = o.gateName ?? 'preflight';
  const labels: Record<string, string> = { app: 'k6', k6_cr: TR, 'job-name': job, 'batch.kubernetes.io/job-name': job, 'controller-uid': 'u1' };
  if (role === 'runner') labels.runner = 'true';
  const gateStatus = o.gate === undefined ? [] : [{
    name: gateName, image: 'registry.example.com/k6-preflight:1', imageID: '', ready: false, restartCount: 0, started: false, state: o.gate,
  }];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'load', labels, uid: `uid-${name}`, resourceVersion: '123', creationTimestamp: '2026-12-01T10:00:00Z' },
    spec: {
      ...(o.node ? { nodeName: o.node } : {}),
      restartPolicy: 'Never',
      initContainers: o.noGate || role === 'starter' ? [] : [{
        name: gateName, image: 'registry.example.com/k6-preflight:1', command: ['k6-preflight'], args: ['poll', '/test'],
        resources: { limits: { cpu: '200m', memory: '128Mi' } }, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File',
      }],
      containers: [{ name: 'k6', image: 'grafana/k6:latest' }],
    },
    status: {
      phase: o.phase ?? 'Pending',
      ...(o.hostIP ? { hostIP: o.hostIP, hostIPs: [{ ip: o.hostIP }] } : {}),
      ...(o.podIP ? { podIP: o.podIP, podIPs: [{ ip: o.podIP }] } : {}),
      conditions: o.scheduled === false
        ? [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available: 3 Insufficient cpu.' }]
        : [{ type: 'PodScheduled', status: 'True' }],
      ...(gateStatus.length ? { initContainerStatuses: gateStatus } : {}),
    },
  };
}
const podList = (items: unknown[]) => ({ apiVersion: 'v1', kind: 'List', items, metadata: { resourceVersion: '' } });

async function summarizeCli(args: string[], stdin?: string) {
  if (stdin === undefined) return cli(['summarize', ...args]);
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, 'summarize', ...args], { env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe('summarize a Pod list', () => {
  test('passed, blocked and pending runners: one verdict, exit 1, the blocked runner with its node and addresses', async () => {
    const list = podList([
      pod(`${TR}-1-aaaaa`, { node: 'node-a', hostIP: '10.0.0.1', podIP: '10.244.1.5', gate: terminated(0, passedMsg), phase: 'Running' }),
      pod(`${TR}-2-bbbbb`, { node: 'node-b', hostIP: '10.0.0.2', podIP: '10.244.2.9', gate: terminated(1, blockedMsg), phase: 'Failed' }),
      pod(`${TR}-3-ccccc`, { node: 'node-c', hostIP: '10.0.0.3', podIP: '10.244.3.4', gate: { running: { startedAt: '2026-12-01T10:00:01Z' } } }),
      pod(`${TR}-starter-ddddd`, { role: 'starter', node: 'node-a' }),
    ]);
    const file = join(dir, 'pods.json');
    writeFileSync(file, JSON.stringify(list));
    const r = await summarizeCli([file]);
    assert.equal(r.code, 1, r.stderr);
    const out = r.stdout;
    assert.match(out, /^1 of 3 runners passed validation \(1 blocked, 1 pending\)\n/);
    // refused: the engine still names the local address the connect left from (127.0.0.1 here)
    assert.match(out, /BLOCKED load\/api-load-test-2-bbbbb\n {2}node node-b \(10\.0\.0\.2\), pod IP 10\.244\.2\.9, source 127\.0\.0\.1:\d+, egress 203\.0\.113\.7\n {2}ConnectionRefused \(DeadlineExceeded, \d+ attempts\): no passing attempt within 1s/);
    assert.match(out, /PENDING load\/api-load-test-3-ccccc\n.*\n {2}StillValidating: validating since 2026-12-01T10:00:01Z/);
    assert.match(out, /passed: load\/api-load-test-1-aaaaa on node-a via 203\.0\.113\.7/);
    assert.match(out, /not counted: load\/api-load-test-starter-ddddd/);

    const j = await summarizeCli([file, '-o', 'json']);
    assert.equal(j.code, 1);
    const lines = jsonLines(j.stdout);
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.type, 'result');
    const s = lines[0]!.status;
    assert.equal(s.phase, 'Failed');
    assert.equal(s.reason, 'RunnersBlocked');
    assert.deepEqual(s.runners, { total: 3, passed: 1, blocked: 1, pending: 1, unreadable: 0, noGate: 0 });
    assert.deepEqual(s.conditions.map((c: { type: string }) => c.type), ['ValidationPending', 'ValidationRetrying', 'ValidationSucceeded', 'ValidationDeadlineExceeded']);
    for (const c of s.conditions) {
      assert.match(c.reason, /^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/);
      assert.match(c.lastTransitionTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.ok(['True', 'False', 'Unknown'].includes(c.status));
    }
    assert.equal(s.conditions.find((c: { type: string }) => c.type === 'ValidationSucceeded').status, 'False');
    assert.equal(s.conditions.find((c: { type: string }) => c.type === 'ValidationDeadlineExceeded').status, 'True');
    const blocked = s.results.find((x: { state: string }) => x.state === 'blocked');
    assert.equal(blocked.node, 'node-b');
    assert.equal(blocked.egressIp, '203.0.113.7');
    assert.equal(blocked.exitCode, 1);
    const passed = s.results.find((x: { state: string }) => x.state === 'passed');
    assert.match(passed.source, /^127\.0\.0\.1:\d+$/, 'the address the passing request left from');
  });

  test('all passed: exit 0, from stdin', async () => {
    const list = podList([
      pod(`${TR}-1-aaaaa`, { node: 'node-a', gate: terminated(0, passedMsg), phase: 'Running' }),
      pod(`${TR}-2-bbbbb`, { node: 'node-b', gate: terminated(0, passedMsg), phase: 'Running' }),
    ]);
    const r = await summarizeCli([], JSON.stringify(list));
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^2 of 2 runners passed validation\n/);
  });

  test('malformed and missing verdicts are reported as such, never as passes', () => {
    const { runners, ignored } = readPods(podList([
      pod(`${TR}-1-aaaaa`, { gate: terminated(0, '') }), // exit 0, nothing written (e.g. read-only termination log)
      pod(`${TR}-2-bbbbb`, { gate: terminated(1, 'Error: something else\n') }),
      pod(`${TR}-3-ccccc`, { gate: terminated(137, undefined, 'OOMKilled') }),
      pod(`${TR}-4-ddddd`, { gate: terminated(0, '{"phase":"DeadlineExceeded","reason":"ConnectTimeout","message":"x","attempts":3}') }),
      pod(`${TR}-5-eeeee`, { gate: terminated(0, '{"no":"phase"}') }),
      pod(`${TR}-6-fffff`, { gate: { waiting: { reason: 'PodInitializing' } } }),
      pod(`${TR}-7-ggggg`, { noGate: true, phase: 'Running' }),
      pod(`${TR}-8-hhhhh`, { scheduled: false }), // no status for the gate yet
      pod(`${TR}-9-iiiii`, { gate: terminated(1, JSON.stringify({ phase: 'Failed', reason: 'bad reason with spaces', message: 'm'.repeat(5000) })) }),
    ]).items as Record<string, unknown>[], {});
    assert.equal(ignored.length, 0);
    const by = Object.fromEntries(runners.map((r) => [r.pod!.split('-')[3], r]));
    assert.deepEqual([by['1']!.state, by['1']!.reason], ['unreadable', 'UnreadableVerdict']);
    assert.match(by['1']!.message, /exited 0 but the termination message is empty; see kubectl logs api-load-test-1-aaaaa -c preflight/);
    assert.deepEqual([by['2']!.state, by['2']!.reason], ['unreadable', 'UnreadableVerdict']);
    assert.match(by['2']!.message, /exited 1 \(Error\) but the termination message is not JSON/);
    assert.deepEqual([by['3']!.state, by['3']!.reason], ['unreadable', 'OOMKilled']);
    assert.deepEqual([by['4']!.state, by['4']!.reason], ['unreadable', 'InconsistentVerdict']);
    assert.deepEqual([by['5']!.state, by['5']!.reason], ['unreadable', 'UnreadableVerdict']);
    assert.deepEqual([by['6']!.state, by['6']!.reason], ['pending', 'PodInitializing']);
    assert.deepEqual([by['7']!.state, by['7']!.reason], ['noGate', 'NoValidationContainer']);
    assert.deepEqual([by['8']!.state, by['8']!.reason], ['pending', 'Unschedulable']);
    assert.match(by['8']!.message, /Insufficient cpu/);
    assert.equal(by['9']!.state, 'blocked');
    assert.equal(by['9']!.reason, 'Unknown', 'a reason that is not CamelCase is not repeated');
    assert.ok(Buffer.byteLength(by['9']!.message) <= 1024);
    const s = summarize(runners);
    assert.equal(s.phase, 'Failed');
    assert.equal(s.runners.passed, 0);
    assert.equal(s.reason, 'RunnersBlocked');
  });

  test('kubectl get pods -o yaml reads the same', () => {
    const list = podList([pod(`${TR}-1-aaaaa`, { node: 'node-a', gate: terminated(0, passedMsg) }), pod(`${TR}-2-bbbbb`, { gate: terminated(1, blockedMsg) })]);
    const { runners } = runnersFrom([{ name: 'pods.yaml', text: stringify(list) }], {});
    assert.deepEqual(runners.map((r) => r.state), ['passed', 'blocked']);
  });

  test('only pending runners: phase Pending, exit 1', async () => {
    const file = join(dir, 'pending.json');
    writeFileSync(file, JSON.stringify(podList([
      pod(`${TR}-1-aaaaa`, { gate: terminated(0, passedMsg) }),
      pod(`${TR}-2-bbbbb`, { gate: { running: { startedAt: '2026-12-01T10:00:01Z' } } }),
    ])));
    const r = await summarizeCli([file, '-o', 'json']);
    assert.equal(r.code, 1);
    const s = jsonLines(r.stdout)[0]!.status;
    assert.equal(s.phase, 'Pending');
    assert.equal(s.reason, 'RunnersPending');
    assert.equal(s.conditions.find((c: { type: string }) => c.type === 'ValidationSucceeded').status, 'Unknown');
  });

  test('the spec.initializer placement: the initializer\'s gate is the verdict; runners without it are not counted', () => {
    const { runners, ignored } = readPods(podList([
      pod(`${TR}-initializer-zzzzz`, { role: 'initializer', node: 'node-a', gate: terminated(0, passedMsg), phase: 'Succeeded' }),
      pod(`${TR}-1-aaaaa`, { noGate: true, phase: 'Running' }),
    ]).items as Record<string, unknown>[], {});
    assert.equal(runners.length, 1);
    assert.equal(runners[0]!.role, 'initializer');
    assert.equal(summarize(runners, ignored).phase, 'Succeeded');
    assert.match(ignored[0]!.why, /the gate ran in the initializer/);
  });

  test('--container picks the gate by name; a pod list without any gate is not a pass', async () => {
    const list = podList([pod(`${TR}-1-aaaaa`, { gateName: 'wait-for-api', gate: terminated(0, passedMsg) })]);
    const file = join(dir, 'named.json');
    writeFileSync(file, JSON.stringify(list));
    assert.equal((await summarizeCli([file, '--container', 'wait-for-api'])).code, 0);
    const wrong = await summarizeCli([file, '--container', 'other']);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stdout, /NO GATE load\/api-load-test-1-aaaaa/);
    writeFileSync(file, JSON.stringify(podList([])));
    const none = await summarizeCli([file]);
    assert.equal(none.code, 1);
    assert.match(none.stdout, /no runners: no runner verdicts found/);
  });

  test('bad input is a usage error naming the file', async () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{"kind": "Pod", ');
    const r = await summarizeCli([file]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /broken\.json: not JSON or YAML/);
    writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap' }));
    const k = await summarizeCli([file]);
    assert.equal(k.code, 2);
    assert.match(k.stderr, /kind "ConfigMap" is neither a Pod list nor a verdict/);
  });
});

describe('summarize status files', () => {
  test('one runner per file: the passed one and the one past its deadline', async () => {
    const r = await summarizeCli([passedStatusFile, blockedStatusFile]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^1 of 2 runners passed validation \(1 blocked\)/);
    assert.match(r.stdout, new RegExp(`BLOCKED ${blockedStatusFile.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\n {2}source 127\\.0\\.0\\.1:\\d+, egress 203\\.0\\.113\\.7\n {2}ConnectionRefused \\(DeadlineExceeded`));
    const ok = await summarizeCli([passedStatusFile, join(dir, 'ok.term')]);
    assert.equal(ok.code, 0, ok.stdout);
    assert.match(ok.stdout, /^2 of 2 runners passed validation/);
  });
});
