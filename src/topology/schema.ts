/**
 * The zod schema of peerings.yaml: the single source of truth for its TypeScript types and for the
 * JSON Schema editors use. It describes the file as people write it (shorthands, defaults);
 * normalize.ts turns a parsed file into the resolved Topology the rest of meshpeer uses.
 */
import * as z from 'zod';
import { namespaceProblem, peerNameProblem, secretKeyProblem, secretNameProblem } from './names.ts';
import { failoverSchema, intentionSchema, samenessGroupSchema } from './schema-traffic.ts';

/** The apiVersion this version of meshpeer reads. */
export const API_VERSION = 'meshpeer.dev/v1alpha1';
/** The kind of a peerings.yaml document. */
export const KIND = 'PeeringTopology';

function named(check: (value: string) => string | undefined, description: string) {
  return z
    .string()
    .superRefine((value, ctx) => {
      const problem = check(value);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
    })
    .describe(description);
}

const peerName = named(peerNameProblem, 'a Consul peer name: lowercase DNS label, at most 63 characters');
const namespace = named(namespaceProblem, 'a Kubernetes namespace');
const secretName = named(secretNameProblem, 'a Kubernetes Secret name');
const secretKey = named(secretKeyProblem, 'a key inside a Kubernetes Secret');

const duration = z
  .string()
  .regex(/^\d+(ms|s|m|h)$/, { error: 'use a duration like 500ms, 30s, 2m or 1h' })
  .describe('a duration: a whole number followed by ms, s, m or h');

const meshGatewayMode = z
  .enum(['local', 'remote'], {
    error: (issue) =>
      issue.input === 'none'
        ? 'mesh gateway mode "none" cannot carry peering traffic: peered upstreams always go through the exporting cluster\'s mesh gateway; use "local" or "remote"'
        : 'mesh gateway mode must be "local" or "remote"',
  })
  .describe('how sidecars reach peered services: local (through the local gateway) or remote');

const permission = z
  .enum([
    'service:read',
    'service:write',
    'node:read',
    'mesh:read',
    'mesh:write',
    'peering:read',
    'peering:write',
  ])
  .describe('an ACL permission in the resource:level form of the Consul runbook');

const consulVersion = z
  .string()
  .regex(/^\d+\.\d+(\.\d+)?([-+][0-9A-Za-z.+-]+)?$/, {
    error: 'use a Consul version like 1.16, 1.16.2 or 1.17.0-ent',
  })
  .describe('a Consul version: major.minor, optionally .patch and a suffix such as -ent or +ent');

/** A reference to a value held in a Kubernetes Secret; values are never written inline. */
export const secretRefSchema = z
  .strictObject({
    secret: secretName.describe('name of the Secret'),
    key: secretKey.default('token').describe('key inside the Secret (default: token)'),
    namespace: namespace
      .optional()
      .describe("the Secret's namespace (default: the cluster's Consul namespace)"),
  })
  .describe('a reference to a token stored in a Kubernetes Secret');

/** Where one install's Consul is and how meshpeer reaches it; shared by clusters and partition installs. */
const installConsulFields = {
  fullname: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, { error: 'must be a DNS label such as consul-consul' })
    .optional()
    .describe(
      "the chart's consul.fullname, the prefix of every object it creates (consul-consul-server ...); default: read from the release's values (fullnameOverride, global.name, else RELEASE-consul)",
    ),
  helmValues: z
    .record(z.string(), z.unknown())
    .optional()
    .describe(
      'the Helm values Consul was installed with, for installs without a Helm release Secret (helm template, Argo CD); ignored when a release Secret exists',
    ),
  address: z
    .url({
      protocol: /^https?$/,
      error: 'must be an http:// or https:// URL such as https://consul.example.com:8501',
    })
    .optional()
    .describe(
      "Consul HTTP API URL; default: the Kubernetes API's service proxy to the server Service (https when TLS is on)",
    ),
  caCert: z
    .union([
      z.strictObject({
        secret: secretName.describe('name of the Secret'),
        key: secretKey.default('tls.crt').describe('key inside the Secret (default: tls.crt)'),
        namespace: namespace.optional().describe("the Secret's namespace (default: consul.namespace)"),
      }),
      z.strictObject({ file: z.string().min(1).describe('path of a PEM file') }),
    ])
    .optional()
    .describe(
      "CA that signed Consul's HTTPS certificate, for an https consul.address; default: the install's Secret <fullname>-ca-cert (key tls.crt), trusted beside the system CAs",
    ),
  aclToken: secretRefSchema
    .optional()
    .describe("Secret holding meshpeer's Consul ACL token for this install"),
};

/**
 * A non-default admin partition: consul-k8s serves one partition per install
 * (`global.adminPartitions.name`), so each one names the kube context where its install runs. The
 * bare name (the old form) is accepted by the schema only so that validation can explain the move.
 */
const partitionSchema = z.union([
  peerName.describe('refused: a partition needs the kube context of its install (see the object form)'),
  z.strictObject({
    name: peerName.describe('the admin partition name (global.adminPartitions.name of its install)'),
    context: z
      .string()
      .min(1)
      .optional()
      .describe("kube context of the cluster where this partition's consul-k8s install runs (required)"),
    kubeconfig: z
      .string()
      .min(1)
      .optional()
      .describe("kubeconfig of that context (default: the cluster's kubeconfig)"),
    peerThroughMeshGateways: z.boolean().optional().describe('only valid for the default partition'),
    consul: z
      .strictObject({
        namespace: namespace.optional().describe("namespace of the install (default: the cluster's)"),
        release: z
          .string()
          .min(1)
          .optional()
          .describe("Helm release of the install (default: the cluster's)"),
        ...installConsulFields,
      })
      .optional()
      .describe(
        "this install's Consul settings; namespace, release, address, caCert and aclToken default to the cluster's (the token Secret is read in this install's cluster)",
      ),
  }),
]);

/** One Kubernetes cluster running Consul. */
export const clusterSchema = z.strictObject({
  name: peerName.describe('the cluster name; also the default peer name other clusters know it by'),
  context: z.string().min(1).optional().describe('kube context to use (default: the cluster name)'),
  kubeconfig: z
    .string()
    .min(1)
    .optional()
    .describe('path of the kubeconfig file (default: KUBECONFIG or --kubeconfig)'),
  enterprise: z.boolean().default(false).describe('Consul Enterprise: enables admin partitions'),
  partitions: z
    .array(partitionSchema)
    .optional()
    .describe(
      "admin partitions besides default (Enterprise only), each with the kube context of its own install; this cluster's install serves the default partition and runs the servers",
    ),
  peerThroughMeshGateways: z
    .boolean()
    .optional()
    .describe('override defaults.peerThroughMeshGateways for this cluster'),
  consul: z
    .strictObject({
      namespace: namespace.default('consul').describe('namespace Consul is installed in'),
      release: z.string().min(1).default('consul').describe('Helm release name of Consul'),
      datacenter: z.string().min(1).optional().describe('Consul datacenter (default: the cluster name)'),
      version: consulVersion
        .optional()
        .describe(
          'the Consul version the servers run (1.16, 1.16.2, 1.17.0-ent); when set, features that need a newer Consul (sameness groups: 1.16) are refused at validation',
        ),
      ...installConsulFields,
    })
    .default({ namespace: 'consul', release: 'consul' }),
});

const endpointObject = z.strictObject({
  cluster: peerName.describe('cluster name'),
  partition: peerName.default('default').describe('admin partition (default: default)'),
  peerName: peerName
    .optional()
    .describe('the name the other side knows this endpoint by (default: cluster[-partition])'),
});

/** One side of a peering: `cluster`, `cluster/partition`, or the long form. */
export const endpointSchema = z.union([z.string().describe('cluster or cluster/partition'), endpointObject]);

/** One peering: the acceptor generates the token, the dialer establishes. */
export const peeringSchema = z.strictObject({
  acceptor: endpointSchema.describe('the side that generates the token and is dialed'),
  dialer: endpointSchema.describe('the side that receives the token and dials'),
  meshGatewayMode: meshGatewayMode.optional().describe('override defaults.meshGatewayMode'),
  tokenSecret: secretName
    .optional()
    .describe('name of the token Secret (default: peering-token-<acceptor>-<dialer>)'),
});

const consumerSchema = z
  .strictObject({
    peer: z.string().optional().describe('a peer name of the exporting cluster and partition'),
    partition: z.string().optional().describe('a partition of the same cluster (Enterprise)'),
    samenessGroup: z.string().optional().describe('a sameness group (Enterprise)'),
  })
  .describe('exactly one of peer, partition or samenessGroup');

/** Services one cluster and partition exports, with their consumers. */
export const exportSchema = z.strictObject({
  cluster: peerName,
  partition: peerName.default('default'),
  services: z
    .array(
      z.strictObject({
        name: z.string().min(1).describe('service name, or * for every service'),
        namespace: z.string().min(1).optional().describe('Consul namespace of the service (Enterprise)'),
        consumers: z
          .array(consumerSchema)
          .min(1, { error: 'each exported service needs at least one consumer' }),
      }),
    )
    .min(1, { error: 'an export needs at least one service' }),
});

/** ACL requirements: which tokens must hold the runbook's permissions. */
export const aclSchema = z.strictObject({
  enabled: z.boolean().default(false).describe('whether the clusters run with ACLs'),
  reconciler: z
    .strictObject({
      require: z
        .array(permission)
        .default(['peering:write', 'peering:read', 'mesh:write', 'service:read', 'node:read']),
    })
    .optional()
    .describe("permissions meshpeer's own token (clusters[].consul.aclToken) must hold"),
  meshGateway: z
    .strictObject({
      tokenSecret: secretRefSchema
        .optional()
        .describe(
          "a Secret holding the gateways' token, for installs whose gateways use a static token; default: the chart's role <fullname>-mesh-gateway-acl-role (managed ACLs)",
        ),
      require: z.array(permission).default(['service:write', 'service:read', 'mesh:write', 'peering:read']),
    })
    .optional()
    .describe("permissions the mesh gateways' token must hold"),
});

/** Settings that apply to every peering unless overridden. */
export const defaultsSchema = z.strictObject({
  meshGatewayMode: meshGatewayMode
    .optional()
    .describe(
      "mesh gateway mode written to each peered cluster's ProxyDefaults global; unset: ProxyDefaults is left alone (Consul's default mode is remote)",
    ),
  peerThroughMeshGateways: z
    .boolean()
    .default(true)
    .describe('route peering control traffic through mesh gateways'),
  tokenSecret: z
    .strictObject({
      namespace: namespace
        .optional()
        .describe(
          "namespace of token Secrets and peering resources (default: the cluster's Consul namespace)",
        ),
      key: secretKey.default('data').describe('data key of the token in the Secret'),
    })
    .default({ key: 'data' }),
  verify: z
    .strictObject({
      heartbeatMaxAge: duration
        .default('2m')
        .describe(
          "a side counts as receiving when its last message from the peer (data or heartbeat) is younger; the default is Consul's own incoming heartbeat timeout (peerstream defaultIncomingHeartbeatTimeout), so ACTIVE with an older message is a stream Consul failed to notice",
        ),
      handshake: z
        .boolean()
        .default(true)
        .describe(
          "a side-effect-free handshake through the acceptor's mesh gateway: TLS under the peer's CA, then ExchangeSecret answered PermissionDenied",
        ),
      probe: z
        .boolean()
        .default(false)
        .describe(
          'deep check: a temporary probe peering on the acceptor and a full stream handshake (writes to Consul, needs peering:write)',
        ),
      timeout: duration.default('30s').describe('how long verification may wait for ACTIVE'),
    })
    .default({ heartbeatMaxAge: '2m', handshake: true, probe: false, timeout: '30s' }),
});

/** What meshpeer may delete. */
export const pruneSchema = z.strictObject({
  enabled: z
    .boolean()
    .default(true)
    .describe('delete peerings and exports that left the file (only objects meshpeer manages)'),
  allowAll: z.boolean().default(false).describe('allow a plan that would prune every peering'),
});

/** The whole peerings.yaml document. */
export const topologyFileSchema = z.strictObject({
  apiVersion: z.literal(API_VERSION, { error: `apiVersion must be ${API_VERSION}` }),
  kind: z.literal(KIND, { error: `kind must be ${KIND}` }),
  metadata: z.strictObject({
    name: peerName.describe('name of this topology'),
    description: z.string().optional(),
  }),
  defaults: defaultsSchema.default(defaultsSchema.parse({})),
  clusters: z.array(clusterSchema).min(1, { error: 'declare at least one cluster' }),
  peerings: z.array(peeringSchema).default([]),
  exports: z.array(exportSchema).default([]),
  intentions: z
    .array(intentionSchema)
    .default([])
    .describe("intentions per destination service: which peers' services may connect to it"),
  failover: z
    .array(failoverSchema)
    .default([])
    .describe('failover per service to peers, or to a sameness group'),
  samenessGroups: z
    .array(samenessGroupSchema)
    .default([])
    .describe('sameness groups (Consul Enterprise 1.16+)'),
  acls: aclSchema.default({ enabled: false }),
  prune: pruneSchema.default({ enabled: true, allowAll: false }),
});

/** peerings.yaml as written, after defaults. */
export type TopologyFile = z.output<typeof topologyFileSchema>;
/** peerings.yaml as a person may write it. */
export type TopologyFileInput = z.input<typeof topologyFileSchema>;
/** One cluster entry after defaults. */
export type ClusterEntry = z.output<typeof clusterSchema>;
/** One peering entry after defaults. */
export type PeeringEntry = z.output<typeof peeringSchema>;
/** One export entry after defaults. */
export type ExportEntry = z.output<typeof exportSchema>;
/** One intentions entry after defaults. */
export type IntentionEntry = z.output<typeof intentionSchema>;
/** One failover entry after defaults. */
export type FailoverEntry = z.output<typeof failoverSchema>;
/** One sameness group entry after defaults. */
export type SamenessGroupEntry = z.output<typeof samenessGroupSchema>;
/** A Secret reference after defaults. */
export type SecretRef = z.output<typeof secretRefSchema>;
/** An ACL permission string. */
export type Permission = z.output<typeof permission>;
