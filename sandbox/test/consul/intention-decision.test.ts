/** The pure intention decision: precedence, peer sources, wildcards, sameness groups and the default. */
import { describe, expect, it } from 'vitest';
import { intentionDecision, intentionPrecedence } from '../../src/consul/intention-decision.ts';

const entry = (name: string, sources: Array<Record<string, unknown>>) => ({
  Kind: 'service-intentions',
  Name: name,
  Sources: sources,
});

describe('intentionDecision', () => {
  it('uses the default when nothing matches, and a peer source only matches its own peer', () => {
    const entries = [entry('api', [{ Name: 'web', Peer: 'east', Action: 'allow' }])];
    expect(intentionDecision(entries, { name: 'web' }, { name: 'api' }, false)).toEqual({
      allowed: false,
      defaultAllow: false,
      hasPermissions: false,
    });
    expect(intentionDecision(entries, { name: 'web', peer: 'west' }, { name: 'api' }, true).allowed).toBe(
      true,
    );
    const allowed = intentionDecision(entries, { name: 'web', peer: 'east' }, { name: 'api' }, false);
    expect(allowed.allowed).toBe(true);
    expect(allowed.matched).toMatchObject({ destination: 'api', source: 'web', peer: 'east', precedence: 9 });
  });

  it('picks the most precise intention: exact source over the peer wildcard, exact destination over *', () => {
    const entries = [
      entry('api', [
        { Name: '*', Peer: 'east', Action: 'allow' },
        { Name: 'batch', Peer: 'east', Action: 'deny' },
      ]),
      entry('*', [{ Name: 'web', Peer: 'east', Action: 'deny' }]),
    ];
    expect(intentionDecision(entries, { name: 'batch', peer: 'east' }, { name: 'api' }, true).allowed).toBe(
      false,
    );
    // api/* from east (8) beats */web from east (6).
    const web = intentionDecision(entries, { name: 'web', peer: 'east' }, { name: 'api' }, false);
    expect(web.allowed).toBe(true);
    expect(web.matched?.precedence).toBe(8);
    expect(intentionDecision(entries, { name: 'web', peer: 'east' }, { name: 'db' }, true).allowed).toBe(
      false,
    );
  });

  it('treats L7 permissions as deny and expands sameness-group sources into members', () => {
    const l7 = [
      entry('api', [{ Name: 'web', Permissions: [{ Action: 'allow', HTTP: { PathPrefix: '/' } }] }]),
    ];
    expect(intentionDecision(l7, { name: 'web' }, { name: 'api' }, true)).toMatchObject({
      allowed: false,
      hasPermissions: true,
    });
    const groups = [
      { Kind: 'sameness-group', Name: 'g', Members: [{ Partition: 'default' }, { Peer: 'east' }] },
    ];
    const grouped = [entry('api', [{ Name: 'web', SamenessGroup: 'g', Action: 'allow' }])];
    expect(
      intentionDecision(grouped, { name: 'web', peer: 'east' }, { name: 'api' }, false, groups).allowed,
    ).toBe(true);
    expect(intentionDecision(grouped, { name: 'web' }, { name: 'api' }, false, groups).allowed).toBe(true);
    expect(
      intentionDecision(grouped, { name: 'web', peer: 'west' }, { name: 'api' }, false, groups).allowed,
    ).toBe(false);
  });

  it('computes Consul precedence values', () => {
    const d = (name: string, namespace = 'default') => ({ name, namespace });
    expect(intentionPrecedence(d('api'), d('web'))).toBe(9);
    expect(intentionPrecedence(d('api'), d('*'))).toBe(8);
    expect(intentionPrecedence(d('*'), d('web'))).toBe(6);
    expect(intentionPrecedence(d('*', '*'), d('*', '*'))).toBe(1);
  });
});
