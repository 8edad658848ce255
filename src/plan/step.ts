/**
 * Steps as data: a discriminated union on `kind`, each with a stable id, its lane (the cluster it
 * writes to, or `verify`), its dependencies and the reason it is needed. Jobs carry steps, so a
 * step holds references (cluster, namespace, names) and never a secret value.
 */

/**
 * Every kind of step, in runbook order, which is also the order steps run in within an install:
 * a sameness group exists before the exports and resolvers that name it, intentions and failover
 * follow the peerings and exports they rely on, and traffic settings are removed before the
 * peerings they refer to, a sameness group last.
 */
export const STEP_KINDS = [
  'helm-values-check',
  'acl',
  'mesh-gateway',
  'rotate',
  'acceptor',
  'token-transfer',
  'dialer',
  'sameness-group',
  'export',
  'intentions',
  'resolver',
  'prune-intentions',
  'prune-resolver',
  'prune-dialer',
  'prune-acceptor',
  'prune-token-secret',
  'prune-export',
  'prune-sameness-group',
  'verify',
] as const;

/** One kind of step. */
export type StepKind = (typeof STEP_KINDS)[number];

/** What a step does to its target, for display. */
export type StepAction = 'check' | 'create' | 'update' | 'delete' | 'copy' | 'rotate' | 'repair' | 'verify';

/** A namespaced object a step reads or writes. */
export interface ObjectRef {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

/** A field that changes, for `~` lines: values are plain data, never secrets. */
export interface FieldChange {
  readonly path: string;
  readonly from: unknown;
  readonly to: unknown;
}

interface StepBase {
  /** Stable across plans for the same work: `kind/lane/name`; never contains `:`. */
  readonly id: string;
  readonly action: StepAction;
  /** The cluster whose serial lane runs the step, or `verify` for peering verification. */
  readonly lane: string;
  readonly target: ObjectRef;
  readonly reason: string;
  readonly dependsOn: readonly string[];
  readonly changes?: readonly FieldChange[];
  /** Set when a failed precondition or unreachable cluster keeps the step from running. */
  readonly blockedBy?: string;
  /** The peering a step serves, as PeeringSpec.id. */
  readonly peering?: string;
}

/** A desired object's full body, for create and update steps. */
export interface ObjectParams {
  readonly object: import('../resources/consul-resources.ts').KubeObject;
}

/** Where a token Secret is copied from and to. */
export interface TransferParams {
  readonly from: {
    readonly cluster: string;
    readonly namespace: string;
    readonly name: string;
    readonly key: string;
  };
  readonly to: { readonly cluster: string; readonly namespace: string };
}

/** What verification checks for one peering. */
export interface VerifyParams {
  readonly acceptor: import('../topology/index.ts').Endpoint;
  readonly dialer: import('../topology/index.ts').Endpoint;
  /** Services the dialer must import and the acceptor must import, by name. */
  readonly dialerImports: readonly string[];
  readonly acceptorImports: readonly string[];
  /** A side counts as receiving when its last message from the peer is younger. */
  readonly heartbeatMaxAgeMs: number;
  /** The side-effect-free handshake through the acceptor's gateway. */
  readonly handshake: boolean;
  /** The opt-in deep probe with a temporary peering. */
  readonly probe: boolean;
  readonly timeoutMs: number;
  /** Traffic over this peering to prove (src/plan/verify-steps.ts); absent when there is none to add. */
  readonly traffic?: TrafficChecks;
}

/** A service and, when not `default`, its namespace. */
export interface ServiceRef {
  readonly service: string;
  readonly namespace?: string;
}

/** Read-only traffic checks of one peering, each asked of the Consul of `install`. */
export interface TrafficChecks {
  /** The intention from a peer's source (`*`: every service of the peer) to a destination is as declared. */
  readonly intentions?: ReadonlyArray<
    ServiceRef & {
      readonly install: string;
      readonly peer: string;
      readonly source: string;
      readonly sourceNamespace?: string;
      readonly action: 'allow' | 'deny';
    }
  >;
  /** A failover target: `service` imported from `peer` has healthy instances in `install`. */
  readonly failover?: ReadonlyArray<ServiceRef & { readonly install: string; readonly peer: string }>;
  /** Each side's imports with their namespaces, when one is not `default` (else the import names, in `default`). */
  readonly imports?: { readonly dialer?: readonly ServiceRef[]; readonly acceptor?: readonly ServiceRef[] };
}

/** A typed step: `params` depends on `kind`. */
export type Step = StepBase &
  (
    | {
        readonly kind: 'helm-values-check';
        readonly params: {
          readonly release: string;
          readonly namespace: string;
          readonly needs: import('./install-needs.ts').InstallNeeds;
        };
      }
    | {
        readonly kind: 'acl';
        readonly params: {
          /** The gateways' role, or the Secret of their static token. */
          readonly source:
            | { readonly via: 'role'; readonly role: string }
            | { readonly via: 'token-secret'; readonly secret: string };
          readonly missing: readonly string[];
        };
      }
    | {
        readonly kind: 'mesh-gateway';
        readonly params: {
          readonly mesh?: ObjectParams['object'];
          readonly proxyDefaults?: ObjectParams['object'];
        };
      }
    | {
        readonly kind: 'rotate';
        readonly params: { readonly namespace: string; readonly name: string; readonly version: number };
      }
    | {
        readonly kind: 'acceptor' | 'dialer' | 'export' | 'sameness-group' | 'intentions' | 'resolver';
        readonly params: ObjectParams;
      }
    | { readonly kind: 'token-transfer'; readonly params: TransferParams }
    | {
        readonly kind:
          | 'prune-dialer'
          | 'prune-acceptor'
          | 'prune-token-secret'
          | 'prune-export'
          | 'prune-intentions'
          | 'prune-resolver'
          | 'prune-sameness-group';
        readonly params: { readonly namespace: string; readonly name: string };
      }
    | { readonly kind: 'verify'; readonly params: VerifyParams }
  );

/** The step type of one kind (works for members that share a params shape, like acceptor and dialer). */
export type StepOf<K extends StepKind> = Step & { readonly kind: K };
