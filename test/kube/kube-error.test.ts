/**
 * Errors classified honestly: a refused connection is "refused" and retried, a silent server is a
 * timeout naming its deadline, 4xx are not retried (except 409 and 429), 5xx are; never "http 500"
 * for a network failure, and never a response body.
 */
import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { kubeTimeout, toKubeError } from '../../src/kube/kube-error.ts';
import { classifyError } from '../../src/run/error-class.ts';

const endpoint = { server: 'https://10.0.0.1:6443', context: 'east' };
const netError = (code: string) => Object.assign(new TypeError('fetch failed'), { cause: { code } });
const api = (status: number, body: unknown) => new ApiException(status, 'HTTP error', body, {});

describe('kube errors', () => {
  it('calls a refused connection refused, names the API server and context, and retries it', () => {
    const err = toKubeError(netError('ECONNREFUSED'), 'cluster-02', 'list Secret in consul', endpoint);
    expect(err.message).toBe(
      'cluster-02: the Kubernetes API at https://10.0.0.1:6443 refused the connection (list Secret in consul); check kube context "east"',
    );
    expect(err.code).toBe('unreachable');
    expect(classifyError(err)).toMatchObject({ transient: true });
    expect(err.message).not.toMatch(/500/);
  });

  it('calls an aborted call a timeout with its deadline, and retries it', () => {
    const aborted = Object.assign(new Error('aborted'), { name: 'AbortError' });
    expect(toKubeError(aborted, 'cluster-02', 'get Secret', endpoint)).toMatchObject({ code: 'timeout' });
    const deadline = kubeTimeout('cluster-02', 'get Secret consul/x', 2000, endpoint);
    expect(deadline.message).toBe(
      'cluster-02: the Kubernetes API at https://10.0.0.1:6443 did not answer within 2s (get Secret consul/x); check kube context "east"',
    );
    expect(deadline.transient).toBe(true);
  });

  it('retries 5xx, 409 and 429 but not other 4xx, quoting the Status message and never the body', () => {
    const cases: Array<[number, string, boolean]> = [
      [500, 'server', true],
      [503, 'server', true],
      [409, 'conflict', true],
      [429, 'throttled', true],
      [403, 'forbidden', false],
      [404, 'not_found', false],
      [422, 'invalid', false],
    ];
    for (const [status, code, transient] of cases) {
      const err = toKubeError(
        api(status, { kind: 'Status', message: `denied ${status}` }),
        'c1',
        'patch Secret',
      );
      expect(err, String(status)).toMatchObject({ code, status });
      expect(err.transient, String(status)).toBe(transient);
      expect(err.message).toBe(`c1: patch Secret failed: denied ${status} (${status})`);
    }
    const secretBody = { kind: 'Secret', data: { token: 'c2VjcmV0LXRva2Vu' } };
    expect(toKubeError(api(500, secretBody), 'c1', 'get Secret').message).not.toContain('c2VjcmV0');
  });
});
