import { describe, expect, it } from 'vitest';
import { planPrLog } from '../../src/app/serve-log-fields.ts';
import { ConsulError } from '../../src/consul/consul-client.ts';
import type { PlanPrEvent } from '../../src/gitops/sync-event.ts';
import { RedisUnavailableError } from '../../src/io/redis-error.ts';
import { createServiceLogger, emitLog, type LogRecord } from '../../src/io/service-logger.ts';
import { kubeTimeout, toKubeError } from '../../src/kube/kube-error.ts';
import type { Plan } from '../../src/plan/index.ts';
import { classifyFailure, classifyFailureText } from '../../src/run/error-kind.ts';
import { scmError } from '../../src/scm/scm-error.ts';
import { captureLines } from './capture-lines.ts';

const event: PlanPrEvent = {
  kind: 'plan-pr',
  provider: 'github',
  repo: 'acme/peerings',
  number: 7,
  headSha: 'd'.repeat(40),
  headRef: 'add-peer',
  baseRef: 'main',
  deliveryId: 'delivery-7',
};

function logged(record: LogRecord): Record<string, unknown> {
  const out = captureLines();
  emitLog(createServiceLogger('serve', 'info', out).event, record);
  return out.records()[0] ?? {};
}

describe('plan.pr line', () => {
  it('counts the steps, errors and warnings of a planned pull request', () => {
    const plan = {
      hash: 'h1',
      steps: [{}, {}, {}],
      errors: [{}],
      warnings: [{}, {}],
      summary: { add: 2, change: 0, destroy: 0, verify: 1, blocked: 0 },
    } as unknown as Plan;
    const line = logged(planPrLog(event, { result: 'planned', sha: event.headSha, plan }, 1234));
    expect(line).toMatchObject({
      level: 30,
      event: 'plan.pr',
      provider: 'github',
      pr: 7,
      headSha: event.headSha,
      deliveryId: 'delivery-7',
      result: 'planned',
      steps: 3,
      errors: 1,
      warnings: 2,
      changes: 2,
      durationMs: 1234,
    });
    expect(line).not.toHaveProperty('error');
  });

  it('gives a failed plan its error and the kind of error', () => {
    const error =
      'cluster dc1: the Kubernetes API at https://10.0.0.1:6443 did not answer within 2s (list Secret)';
    const line = logged(planPrLog(event, { result: 'error', sha: event.headSha, error }, 2000));
    expect(line).toMatchObject({ level: 40, result: 'error', error, errorKind: 'timeout' });
  });
});

describe('error kinds', () => {
  it('never calls a refused connection a 5xx', () => {
    const refused = new ConsulError(0, 'consul unreachable via http://127.0.0.1:1: ECONNREFUSED');
    expect(classifyFailure(refused)).toEqual({ errorKind: 'refused' });
    const kube = toKubeError(
      Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
      'dc1',
      'get Secret',
    );
    expect(classifyFailure(kube)).toEqual({ errorKind: 'refused' });
    expect(classifyFailureText(kube.message)).toEqual({ errorKind: 'refused' });
    expect(classifyFailure(new RedisUnavailableError('refused', 'Redis refused the connection'))).toEqual({
      errorKind: 'refused',
    });
  });

  it('tells timeouts, 4xx and 5xx apart', () => {
    expect(classifyFailure(kubeTimeout('dc1', 'list Secret', 2000))).toEqual({ errorKind: 'timeout' });
    expect(classifyFailure(new ConsulError(403, 'consul GET /v1/peerings failed (403): denied'))).toEqual({
      errorKind: '4xx',
      httpStatus: 403,
    });
    expect(classifyFailure(new ConsulError(503, 'consul GET /v1/peerings failed (503): no leader'))).toEqual({
      errorKind: '5xx',
      httpStatus: 503,
    });
    expect(classifyFailure(scmError('server_error', 'set commit status', 502))).toEqual({
      errorKind: '5xx',
      httpStatus: 502,
    });
    expect(classifyFailure(scmError('network', 'comment'))).toEqual({ errorKind: 'unreachable' });
    expect(classifyFailureText('get peerings.yaml: github.com refused the credentials (http 401)')).toEqual({
      errorKind: '4xx',
      httpStatus: 401,
    });
    expect(classifyFailureText('invalid desired state, nothing was changed:\nx')).toEqual({
      errorKind: 'invalid',
    });
    expect(classifyFailureText('something else')).toEqual({ errorKind: 'other' });
  });
});
