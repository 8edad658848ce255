/**
 * The Kubernetes objects the consul chart renders for a mesh gateway, with the chart's names and
 * labels: the Deployment (charts/consul/templates/mesh-gateway-deployment.yaml), the Service
 * (mesh-gateway-service.yaml) and the ServiceAccount (mesh-gateway-serviceaccount.yaml), all named
 * `<consul.fullname>-mesh-gateway`. Only the fields the sandbox and meshpeer read are rendered.
 */
import type { StoredObject } from '../kube/stored-object.ts';

/** What the names and labels are made of. */
export interface MeshGatewayChartNames {
  readonly namespace: string;
  readonly release: string;
  /** `consul.fullname`. */
  readonly fullname: string;
  /** `consul.name`: the chart name `consul` unless `nameOverride` replaces it. */
  readonly name?: string | undefined;
}

const CONTAINER_PORT = 8443;

function chartLabels(names: MeshGatewayChartNames) {
  return {
    app: names.name ?? 'consul',
    chart: 'consul-helm',
    release: names.release,
    component: 'mesh-gateway',
  };
}

function metadata(names: MeshGatewayChartNames) {
  const { app, chart, release, component } = chartLabels(names);
  return {
    name: `${names.fullname}-mesh-gateway`,
    namespace: names.namespace,
    labels: { app, chart, heritage: 'Helm', release, component },
  };
}

/** The gateway Deployment; its selector and pod labels are the chart's. */
export function meshGatewayDeployment(names: MeshGatewayChartNames, replicas: number): StoredObject {
  const selector = chartLabels(names);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadata(names),
    spec: {
      replicas,
      selector: { matchLabels: selector },
      template: {
        metadata: {
          labels: {
            ...selector,
            'consul.hashicorp.com/connect-inject-managed-by': 'consul-k8s-endpoints-controller',
          },
          annotations: {
            'consul.hashicorp.com/connect-inject': 'false',
            'consul.hashicorp.com/mesh-inject': 'false',
            'consul.hashicorp.com/gateway-kind': 'mesh-gateway',
            'consul.hashicorp.com/gateway-consul-service-name': 'mesh-gateway',
            'consul.hashicorp.com/mesh-gateway-container-port': String(CONTAINER_PORT),
          },
        },
        spec: {
          serviceAccountName: `${names.fullname}-mesh-gateway`,
          containers: [
            {
              name: 'mesh-gateway',
              image: 'hashicorp/consul-dataplane:1.6.1',
              ports: [{ name: 'gateway', containerPort: CONTAINER_PORT }],
            },
          ],
        },
      },
    },
  };
}

/** The gateway Service: `meshGateway.service.type` (chart default LoadBalancer), port 443 → 8443. */
export function meshGatewayService(names: MeshGatewayChartNames, type: string, port = 443): StoredObject {
  const { app, release, component } = chartLabels(names);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(names),
    spec: {
      selector: { app, release, component },
      ports: [{ name: 'gateway', port, targetPort: CONTAINER_PORT, protocol: 'TCP' }],
      type,
    },
  };
}

/** The ServiceAccount the gateway pods run as (and log in to Consul's auth method with). */
export function meshGatewayServiceAccount(names: MeshGatewayChartNames): StoredObject {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: metadata(names) };
}
