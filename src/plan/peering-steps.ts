/**
 * Plans the runbook's peering chain for each desired peering: acceptor, token transfer, dialer,
 * and a rotation (a raised peering-version) whenever the dialer must establish again with a token
 * that was already used, since establishment secrets are single use.
 */

import { describeTokenAddresses, tokenAddressProblem } from '../consul/token-addresses.ts';
import type { ConsulPeeringFacts, ObservedCluster, PeeringResourceFacts } from '../observe/observed-state.ts';
import {
  acceptorResource,
  dialerResource,
  PEERING_VERSION_ANNOTATION,
} from '../resources/consul-resources.ts';
import type { PeeringSpec } from '../topology/index.ts';
import { findFirst } from './find-first.ts';
import type { PlanContext } from './plan-context.ts';
import type { FieldChange, Step } from './step.ts';

interface Sides {
  readonly a: ObservedCluster;
  readonly d: ObservedCluster;
}

// Keys for findFirst: namespaces, names and partitions never contain a slash.
const byNamespaceName = (r: { namespace: string; name: string }) => `${r.namespace}/${r.name}`;
const byPartitionName = (p: ConsulPeeringFacts) => `${p.partition}/${p.name}`;

function findResource(list: readonly PeeringResourceFacts[], namespace: string, name: string) {
  return findFirst(list, byNamespaceName, `${namespace}/${name}`);
}

function consulPeering(
  side: ObservedCluster,
  name: string,
  partition: string,
): ConsulPeeringFacts | undefined {
  return side.consul.reachable
    ? findFirst(side.consul.peerings, byPartitionName, `${partition}/${name}`)
    : undefined;
}

function specChanges(current: PeeringResourceFacts, p: PeeringSpec): FieldChange[] {
  const want = { secretName: p.tokenSecret.name, secretKey: p.tokenSecret.key, backend: 'kubernetes' };
  return (Object.keys(want) as Array<keyof typeof want>)
    .filter((k) => current[k] !== want[k])
    .map((k) => ({
      path: `spec.peer.secret.${k === 'secretName' ? 'name' : k === 'secretKey' ? 'key' : 'backend'}`,
      from: current[k],
      to: want[k],
    }));
}

function resourceStep(
  kind: 'acceptor' | 'dialer',
  p: PeeringSpec,
  current: PeeringResourceFacts | undefined,
): Step | undefined {
  const object = kind === 'acceptor' ? acceptorResource(p) : dialerResource(p);
  const lane = kind === 'acceptor' ? p.acceptor.install : p.dialer.install;
  const kindName = kind === 'acceptor' ? 'PeeringAcceptor' : 'PeeringDialer';
  const changes = current && !current.deleting ? specChanges(current, p) : [];
  if (current !== undefined && !current.deleting && changes.length === 0) return undefined;
  return {
    id: `${kind}/${lane}/${object.metadata.namespace}/${object.metadata.name}`,
    kind,
    action: current === undefined || current.deleting ? 'create' : 'update',
    lane,
    peering: p.id,
    target: { kind: kindName, namespace: object.metadata.namespace, name: object.metadata.name },
    reason:
      current === undefined
        ? `${kindName} ${object.metadata.name} does not exist`
        : current.deleting
          ? `${kindName} ${object.metadata.name} is being deleted`
          : `${kindName} ${object.metadata.name} points at another Secret`,
    dependsOn: [],
    ...(changes.length > 0 && { changes }),
    params: { object },
  };
}

/** Why the dialer has to establish (again), or undefined when its peering stands. */
function dialerMustEstablish(p: PeeringSpec, sides: Sides, dialerStep: Step | undefined): string | undefined {
  const dial = consulPeering(sides.d, p.acceptor.peerName, p.dialer.partition);
  if (dialerStep !== undefined) return dialerStep.reason;
  // A Consul that could not be read says nothing about its peerings: rotating a token then would
  // only break a peering that may well stand (and a self-heal run would do it on every check).
  if (!sides.d.consul.reachable || !sides.a.consul.reachable) return undefined;
  if (dial === undefined)
    return `peering ${p.acceptor.peerName} does not exist in Consul on ${p.dialer.install}`;
  if (['TERMINATED', 'FAILING', 'DELETING'].includes(dial.state))
    return `peering ${p.acceptor.peerName} is ${dial.state} in Consul on ${p.dialer.install}`;
  const acc = consulPeering(sides.a, p.dialer.peerName, p.acceptor.partition);
  if (acc === undefined)
    return `peering ${p.dialer.peerName} was deleted from Consul on ${p.acceptor.install}`;
  if (acc.state === 'TERMINATED')
    return `peering ${p.dialer.peerName} is TERMINATED in Consul on ${p.acceptor.install}`;
  return undefined;
}

/**
 * Why the acceptor must issue a new token although nobody used its current one: the token lists
 * other addresses than the mesh gateways (consul-k8s issue 1683: the Mesh setting was not in effect
 * when it was generated), which token-transfer refuses to copy. Only once Consul has the setting in
 * effect and a gateway registered (a new token would be no better before), and never for a peering
 * past PENDING, whose dialer learns addresses from the stream.
 */
function tokenAddressWhy(p: PeeringSpec, sides: Sides): string | undefined {
  const found = sides.a.consul.reachable ? sides.a.consul.peeringAddresses : undefined;
  if (found === undefined || !found.throughGateways || found.gateways.length === 0) return undefined;
  const { name, key, acceptorNamespace } = p.tokenSecret;
  const listed = findFirst(sides.a.tokenSecrets, byNamespaceName, `${acceptorNamespace}/${name}`)
    ?.serverAddresses?.[key];
  const acc = consulPeering(sides.a, p.dialer.peerName, p.acceptor.partition);
  if (listed === undefined || (acc !== undefined && acc.state !== 'PENDING')) return undefined;
  const problem = tokenAddressProblem(listed, found);
  if (problem === undefined) return undefined;
  return `${describeTokenAddresses(problem, { name, install: p.acceptor.install })}, which the dialer cannot reach; the Mesh setting peerThroughMeshGateways is in effect now, so the acceptor must issue a new token`;
}

function rotateStep(
  p: PeeringSpec,
  acceptor: PeeringResourceFacts,
  sides: Sides,
  why: string,
  unused = false,
): Step | undefined {
  const acc = consulPeering(sides.a, p.dialer.peerName, p.acceptor.partition);
  // A PENDING acceptor peering means its current token was never used: the dialer may still use it.
  if (!unused && acc !== undefined && acc.state === 'PENDING') return undefined;
  const version = Math.max(acceptor.peeringVersion ?? 0, acceptor.latestPeeringVersion ?? 0) + 1;
  return {
    id: `rotate/${p.acceptor.install}/${acceptor.namespace}/${acceptor.name}`,
    kind: 'rotate',
    action: 'rotate',
    lane: p.acceptor.install,
    peering: p.id,
    target: { kind: 'PeeringAcceptor', namespace: acceptor.namespace, name: acceptor.name },
    reason: unused
      ? why
      : `${why}; its token was already used, so the acceptor must issue a new one (tokens are single use)`,
    dependsOn: [],
    changes: [
      {
        path: `metadata.annotations.${PEERING_VERSION_ANNOTATION}`,
        from: acceptor.peeringVersion ?? null,
        to: version,
      },
    ],
    params: { namespace: acceptor.namespace, name: acceptor.name, version },
  };
}

/**
 * Why the dialer's copy of the token Secret must be (re)written, or undefined when it holds the
 * acceptor's token. Only the token data counts: the dialer controller re-establishes on any write
 * to its Secret (consul-k8s peering_dialer_controller.go compares resourceVersions), and a used
 * token is then refused with 403, so a label or annotation on the source is no reason to copy.
 */
function copyReason(p: PeeringSpec, sides: Sides, upstream: readonly Step[]): string | undefined {
  const { name, key, acceptorNamespace, dialerNamespace } = p.tokenSecret;
  const source = findFirst(sides.a.tokenSecrets, byNamespaceName, `${acceptorNamespace}/${name}`);
  const copy = findFirst(sides.d.tokenSecrets, byNamespaceName, `${dialerNamespace}/${name}`);
  if (copy === undefined) return `token Secret ${name} is missing in ${p.dialer.install}`;
  if (upstream.length > 0) return 'the acceptor will issue a new token';
  if (source === undefined) return `waiting for the acceptor to write token Secret ${name}`;
  if (copy.fingerprints[key] !== source.fingerprints[key])
    return `token Secret ${name} in ${p.dialer.install} holds another token than the acceptor's`;
  // Adding the label is a write too: only safe while the dialer has not established with this token
  // (unknown while its Consul cannot be read, so then it is left alone).
  const established =
    !sides.d.consul.reachable ||
    consulPeering(sides.d, p.acceptor.peerName, p.dialer.partition) !== undefined;
  if (!copy.peeringTokenLabel && !established)
    return `token Secret ${name} in ${p.dialer.install} lacks the peering-token label`;
  return undefined;
}

function transferStep(p: PeeringSpec, sides: Sides, upstream: readonly Step[]): Step | undefined {
  const reason = copyReason(p, sides, upstream);
  if (reason === undefined) return undefined;
  const { name, key, acceptorNamespace, dialerNamespace } = p.tokenSecret;
  return {
    id: `token-transfer/${p.dialer.install}/${dialerNamespace}/${name}`,
    kind: 'token-transfer',
    action: 'copy',
    lane: p.dialer.install,
    peering: p.id,
    target: { kind: 'Secret', namespace: dialerNamespace, name },
    reason,
    dependsOn: upstream.map((s) => s.id),
    params: {
      from: { cluster: p.acceptor.install, namespace: acceptorNamespace, name, key },
      to: { cluster: p.dialer.install, namespace: dialerNamespace },
    },
  };
}

/** A missing copy makes the dialer establish again once it is restored: with a used token, that fails. */
function copyMissing(p: PeeringSpec, sides: Sides): string | undefined {
  const { name, dialerNamespace } = p.tokenSecret;
  const present =
    findFirst(sides.d.tokenSecrets, byNamespaceName, `${dialerNamespace}/${name}`) !== undefined;
  return present
    ? undefined
    : `token Secret ${name} is missing in ${p.dialer.install}, and restoring it makes the dialer establish again`;
}

/** The acceptor, rotate, token-transfer and dialer steps of one peering whose clusters are both reachable. */
export function peeringChain(p: PeeringSpec, sides: Sides): Step[] {
  const acceptorNow = findResource(sides.a.acceptors, p.tokenSecret.acceptorNamespace, p.dialer.peerName);
  const dialerNow = findResource(sides.d.dialers, p.tokenSecret.dialerNamespace, p.acceptor.peerName);
  const acceptor = resourceStep('acceptor', p, acceptorNow);
  const dialer = resourceStep('dialer', p, dialerNow);
  const why =
    acceptor === undefined && acceptorNow !== undefined
      ? (dialerMustEstablish(p, sides, dialer) ?? copyMissing(p, sides))
      : undefined;
  const addressWhy =
    acceptor === undefined && acceptorNow !== undefined ? tokenAddressWhy(p, sides) : undefined;
  const rotate =
    acceptorNow === undefined
      ? undefined
      : addressWhy !== undefined
        ? rotateStep(p, acceptorNow, sides, addressWhy, true)
        : why !== undefined
          ? rotateStep(p, acceptorNow, sides, why)
          : undefined;
  const upstream = [acceptor, rotate].filter((s): s is Step => s !== undefined);
  const transfer = transferStep(p, sides, upstream);
  const chained = dialer && transfer ? { ...dialer, dependsOn: [transfer.id] } : dialer;
  return [...upstream, transfer, chained].filter((s): s is Step => s !== undefined);
}

/** Peering chains for every desired peering whose two clusters could be observed. */
export function peeringSteps(ctx: PlanContext): Step[] {
  const steps: Step[] = [];
  for (const p of ctx.topology.peerings) {
    const a = ctx.reachable(p.acceptor.install);
    const d = ctx.reachable(p.dialer.install);
    if (a !== undefined && d !== undefined) steps.push(...peeringChain(p, { a, d }));
  }
  return steps;
}
