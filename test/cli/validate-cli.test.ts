import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function meshpeer(...args: string[]) {
  const run = spawnSync(process.execPath, ['bin/meshpeer.js', ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('meshpeer CLI (validate, schema, help)', () => {
  it('prints help that lists the commands', () => {
    const run = meshpeer('--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('validate');
    expect(run.stdout).toContain('schema');
  });

  it('exits 0 for a valid file', () => {
    const run = meshpeer('validate', '-f', 'desired-state-examples/runbook/peerings.yaml');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain('valid (2 clusters, 1 peering, 1 exported service)');
  });

  it('names the traffic settings of a file that has them', () => {
    const run = meshpeer('validate', '-f', 'desired-state-examples/failover/peerings.yaml');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain(
      'valid (2 clusters, 1 peering, 1 exported service, 1 service with intentions, 1 failover)',
    );
  });

  it('exits 1 with positioned errors on stderr for an invalid file', () => {
    const run = meshpeer('validate', '-f', 'desired-state-examples/invalid/23-self-peering.yaml');
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(
      'desired-state-examples/invalid/23-self-peering.yaml:10:13: cluster-01/default cannot peer with itself: a peering joins two different clusters or partitions',
    );
  });

  it('prints [{file,line,col,path,code,message}] with --output json', () => {
    const run = meshpeer(
      'validate',
      '-f',
      'desired-state-examples/invalid/51-acls-enabled-without-token.yaml',
      '--output',
      'json',
    );
    expect(run.code).toBe(1);
    const list = JSON.parse(run.stdout) as Array<Record<string, unknown>>;
    expect(list).toHaveLength(2);
    expect(Object.keys(list[0] ?? {}).sort()).toEqual(['code', 'col', 'file', 'line', 'message', 'path']);
    expect(list[0]).toMatchObject({ line: 6, col: 5, path: 'clusters[0].consul', code: 'acl_token_missing' });
  });

  it('reports a missing file in one clear line', () => {
    const run = meshpeer('validate', '-f', 'nope/peerings.yaml');
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('cannot read nope/peerings.yaml: no such file');
  });

  it('prints a JSON Schema whose properties match the file format', () => {
    const run = meshpeer('schema');
    expect(run.code).toBe(0);
    const schema = JSON.parse(run.stdout) as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['clusters', 'peerings', 'exports', 'acls', 'defaults', 'prune']),
    );
    expect(schema.required).toEqual(expect.arrayContaining(['apiVersion', 'kind', 'metadata', 'clusters']));
  });
});
