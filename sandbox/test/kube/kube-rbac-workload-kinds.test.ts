/**
 * The kinds a Helm chart like meshpeer's installs, through the typed @kubernetes/client-node APIs:
 * ServiceAccount, RBAC roles and bindings, StatefulSet and autoscaling/v2 HorizontalPodAutoscaler,
 * with the real server's scope, defaults and validation (kubernetes pkg/apis/rbac/validation,
 * pkg/apis/apps/validation, pkg/apis/autoscaling), and the request log's authorization attributes.
 */
import {
  AppsV1Api,
  AutoscalingV2Api,
  CoreV1Api,
  type KubeConfig,
  RbacAuthorizationV1Api,
  type V1StatefulSet,
  type V1StatefulSetSpec,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiV2Json } from '../../src/kube/openapi/openapi-v2.ts';
import { SandboxCluster } from '../../src/sandbox-cluster.ts';
import { kubeConfigFor, statusOf } from '../sandbox-test-helpers.ts';

const namespace = 'default';
const rbacGroup = 'rbac.authorization.k8s.io';

let cluster: SandboxCluster;
let kc: KubeConfig;
let rbac: RbacAuthorizationV1Api;

beforeAll(async () => {
  cluster = await SandboxCluster.start({ name: 'kinds-01' });
  kc = kubeConfigFor(cluster);
  rbac = kc.makeApiClient(RbacAuthorizationV1Api);
});

afterAll(async () => {
  await cluster?.stop();
});

describe('rbac.authorization.k8s.io/v1', () => {
  it('serves ClusterRole and ClusterRoleBinding cluster-scoped, Role and RoleBinding namespaced', async () => {
    const role = await rbac.createClusterRole({
      body: {
        metadata: { name: 'meshpeer:reader' },
        rules: [{ apiGroups: ['consul.hashicorp.com'], resources: ['meshes'], verbs: ['list'] }],
      },
    });
    // RBAC names need only be path segments, so a colon is fine (minimalNameRequirements).
    expect(role.metadata?.name).toBe('meshpeer:reader');
    expect(role.metadata?.namespace).toBeUndefined();
    const binding = await rbac.createClusterRoleBinding({
      body: {
        metadata: { name: 'meshpeer:reader' },
        roleRef: { apiGroup: '', kind: 'ClusterRole', name: 'meshpeer:reader' },
        subjects: [{ kind: 'ServiceAccount', name: 'meshpeer', namespace: 'meshpeer' }],
      },
    });
    // pkg/apis/rbac/v1/defaults.go fills in the role's group.
    expect(binding.roleRef.apiGroup).toBe(rbacGroup);
    expect(binding.subjects?.[0]?.apiGroup ?? '').toBe('');
    const local = await rbac.createNamespacedRole({
      namespace,
      body: {
        metadata: { name: 'secrets' },
        rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }],
      },
    });
    expect(local.metadata?.namespace).toBe(namespace);
    const localBinding = await rbac.createNamespacedRoleBinding({
      namespace,
      body: {
        metadata: { name: 'secrets' },
        roleRef: { apiGroup: rbacGroup, kind: 'Role', name: 'secrets' },
        subjects: [{ kind: 'ServiceAccount', name: 'meshpeer' }],
      },
    });
    expect(localBinding.subjects?.[0]).toMatchObject({ kind: 'ServiceAccount', name: 'meshpeer' });
    const roles = await rbac.listClusterRole();
    expect(roles.items.map((r) => r.metadata?.name)).toContain('meshpeer:reader');
  });

  it('refuses rules without verbs or groups, namespaced non-resource URLs, and a ServiceAccount subject without namespace in a ClusterRoleBinding', async () => {
    const badRole = await statusOf(
      rbac.createNamespacedRole({
        namespace,
        body: {
          metadata: { name: 'bad' },
          rules: [
            { resources: ['secrets'], verbs: [] },
            { nonResourceURLs: ['/healthz'], verbs: ['get'] },
          ],
        },
      }),
    );
    expect(badRole.code).toBe(422);
    expect(badRole.message).toContain(
      'rules[0].verbs: Required value: verbs must contain at least one value',
    );
    expect(badRole.message).toContain(
      'rules[0].apiGroups: Required value: resource rules must supply at least one api group',
    );
    expect(badRole.message).toContain(
      'rules[1].nonResourceURLs: Invalid value: ["/healthz"]: namespaced rules cannot apply to non-resource URLs',
    );
    const badBinding = await statusOf(
      rbac.createClusterRoleBinding({
        body: {
          metadata: { name: 'bad' },
          roleRef: { apiGroup: rbacGroup, kind: 'Role', name: 'x' },
          subjects: [{ kind: 'ServiceAccount', name: 'meshpeer' }],
        },
      }),
    );
    expect(badBinding.code).toBe(422);
    expect(badBinding.message).toContain(
      'roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"',
    );
    expect(badBinding.message).toContain('subjects[0].namespace: Required value');
  });

  it("keeps a binding's roleRef immutable, as pkg/apis/rbac/validation ValidateRoleBindingUpdate does", async () => {
    const current = await rbac.readNamespacedRoleBinding({ namespace, name: 'secrets' });
    const changed = await statusOf(
      rbac.replaceNamespacedRoleBinding({
        namespace,
        name: 'secrets',
        body: { ...current, roleRef: { apiGroup: rbacGroup, kind: 'ClusterRole', name: 'meshpeer:reader' } },
      }),
    );
    expect(changed.code).toBe(422);
    expect(changed.message).toContain('cannot change roleRef');
    const sameRole = await rbac.replaceNamespacedRoleBinding({
      namespace,
      name: 'secrets',
      body: { ...current, subjects: [{ kind: 'User', name: 'alice', apiGroup: rbacGroup }] },
    });
    expect(sameRole.subjects).toEqual([{ kind: 'User', name: 'alice', apiGroup: rbacGroup }]);
  });
});

describe('core/v1 ServiceAccount', () => {
  it('creates one and lists it', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const sa = await core.createNamespacedServiceAccount({
      namespace,
      body: { metadata: { name: 'meshpeer' }, automountServiceAccountToken: false },
    });
    expect(sa.automountServiceAccountToken).toBe(false);
    const listed = await core.listNamespacedServiceAccount({ namespace });
    expect(listed.items.map((s) => s.metadata?.name)).toEqual(['meshpeer']);
  });
});

const redisSpec: V1StatefulSetSpec = {
  serviceName: 'redis',
  selector: { matchLabels: { app: 'redis' } },
  template: {
    metadata: { labels: { app: 'redis' } },
    spec: { containers: [{ name: 'redis', image: 'redis:7' }] },
  },
};
const redisSet: V1StatefulSet = { metadata: { name: 'redis' }, spec: redisSpec };

describe('apps/v1 StatefulSet', () => {
  it('defaults the policies and refuses a template that the selector does not match', async () => {
    const apps = kc.makeApiClient(AppsV1Api);
    const created = await apps.createNamespacedStatefulSet({ namespace, body: redisSet });
    expect(created.spec).toMatchObject({
      replicas: 1,
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      revisionHistoryLimit: 10,
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
    });
    const mismatch = await statusOf(
      apps.createNamespacedStatefulSet({
        namespace,
        body: {
          ...redisSet,
          metadata: { name: 'other' },
          spec: { ...redisSpec, selector: { matchLabels: { app: 'x' } } },
        },
      }),
    );
    expect(mismatch.message).toContain('`selector` does not match template `labels`');
  });

  it('lets replicas change but not the service name (ValidateStatefulSetUpdate)', async () => {
    const apps = kc.makeApiClient(AppsV1Api);
    const current = await apps.readNamespacedStatefulSet({ namespace, name: 'redis' });
    const scaled = await apps.replaceNamespacedStatefulSet({
      namespace,
      name: 'redis',
      body: { ...current, spec: { ...redisSpec, ...current.spec, replicas: 3 } },
    });
    expect(scaled.spec?.replicas).toBe(3);
    const renamed = await statusOf(
      apps.replaceNamespacedStatefulSet({
        namespace,
        name: 'redis',
        body: { ...scaled, spec: { ...redisSpec, ...scaled.spec, serviceName: 'other' } },
      }),
    );
    expect(renamed.code).toBe(422);
    expect(renamed.message).toContain('updates to statefulset spec for fields other than');
  });
});

describe('autoscaling/v2 HorizontalPodAutoscaler', () => {
  it('defaults minReplicas and the CPU metric, and refuses maxReplicas below minReplicas', async () => {
    const hpa = kc.makeApiClient(AutoscalingV2Api);
    const created = await hpa.createNamespacedHorizontalPodAutoscaler({
      namespace,
      body: {
        metadata: { name: 'worker' },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'worker' },
          maxReplicas: 4,
        },
      },
    });
    expect(created.spec?.minReplicas).toBe(1);
    expect(created.spec?.metrics).toEqual([
      {
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
      },
    ]);
    const bad = await statusOf(
      hpa.createNamespacedHorizontalPodAutoscaler({
        namespace,
        body: {
          metadata: { name: 'bad' },
          spec: { scaleTargetRef: { kind: 'Deployment', name: 'worker' }, minReplicas: 5, maxReplicas: 2 },
        },
      }),
    );
    expect(bad.code).toBe(422);
    expect(bad.message).toContain(
      'spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`',
    );
  });
});

describe('/openapi/v2', () => {
  it("lists each kind's PATCH with its dryRun parameter, which kubectl 1.20 needs for --dry-run=server", async () => {
    // The protobuf form carries the same; test/deploy/chart-dry-run.test.ts runs kubectl 1.20 on it (CI).
    const doc = openApiV2Json(cluster.kube.catalog) as {
      paths: Record<
        string,
        { patch: { parameters: Array<{ name: string }>; 'x-kubernetes-group-version-kind': unknown } }
      >;
    };
    const roles = doc.paths['/apis/rbac.authorization.k8s.io/v1/clusterroles/{name}'];
    expect(roles?.patch.parameters.map((p) => p.name)).toEqual(['dryRun']);
    expect(roles?.patch['x-kubernetes-group-version-kind']).toEqual({
      group: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      version: 'v1',
    });
    expect(Object.keys(doc.paths)).toContain('/apis/apps/v1/namespaces/{namespace}/statefulsets/{name}');
  });
});

describe('the request log', () => {
  it('records group, resource, scope and name of each request as an authorizer sees them', async () => {
    cluster.requests.reset();
    await rbac.listClusterRole();
    await rbac.readNamespacedRole({ namespace, name: 'secrets' });
    const log = cluster.requests.requestLog();
    expect(log).toEqual([
      { verb: 'list', apiGroup: rbacGroup, resource: 'clusterroles', status: 200, count: 1 },
      {
        verb: 'get',
        apiGroup: rbacGroup,
        resource: 'roles',
        namespace,
        name: 'secrets',
        status: 200,
        count: 1,
      },
    ]);
  });
});
