{{/*
  The RBAC rules of meshpeer on a managed cluster, with why each verb is there. The same rules are
  in deploy/cluster-access.yaml; test/deploy/chart-rbac.test.ts keeps both equal to what meshpeer
  calls. An apply (server-side apply PATCH) that creates its object is also authorized as `create`
  (k8s.io/apiserver endpoints/handlers/patch.go), so applied kinds need both.
*/}}

{{- define "meshpeer.clusterRules" -}}
# Mesh and ProxyDefaults: consul-k8s admits one of each per cluster, in any namespace, so meshpeer
# lists them everywhere and applies its fields where each lives (creating it when there is none).
- apiGroups: [consul.hashicorp.com]
  resources: [meshes, proxydefaults]
  verbs: [list, create, patch]
# ExportedServices (one per partition, anywhere), ServiceIntentions and ServiceResolvers: listed
# everywhere, created, then read-modify-written with their resourceVersion (update), and deleted
# only when meshpeer created them and nothing of others is left; intentions and resolvers are
# read again by name before they are pruned.
- apiGroups: [consul.hashicorp.com]
  resources: [exportedservices]
  verbs: [list, create, update, delete]
- apiGroups: [consul.hashicorp.com]
  resources: [serviceintentions, serviceresolvers]
  verbs: [get, list, create, update, delete]
# SamenessGroups (Consul Enterprise): applied, and pruned (read, then deleted) when meshpeer made them.
- apiGroups: [consul.hashicorp.com]
  resources: [samenessgroups]
  verbs: [get, list, create, patch, delete]
{{- end }}

{{- define "meshpeer.namespaceRules" -}}
# The Helm release Secret, meshpeer's ACL token, the CA, and the peering token Secrets: read,
# copied to the dialer's cluster with apply, and pruned.
- apiGroups: [""]
  resources: [secrets]
  verbs: [get, list, create, patch, delete]
# The chart's Services, only for installs without a release Secret (helm template, Argo CD).
- apiGroups: [""]
  resources: [services]
  verbs: [list]
# The mesh gateway's readiness; the connect-injector's flags for installs without a release Secret.
- apiGroups: [apps]
  resources: [deployments]
  verbs: [get, list]
# PeeringAcceptor and PeeringDialer: applied, rotated (a merge patch of the peering-version
# annotation) and pruned.
- apiGroups: [consul.hashicorp.com]
  resources: [peeringacceptors, peeringdialers]
  verbs: [get, list, create, patch, delete]
# Consul's HTTP API through the API server's service proxy (not needed with consul.address): GET
# reads; PUT repairs the gateways' ACL policy; POST and DELETE only for the opt-in deep probe and
# for clearing a TERMINATED peering. The name is the proxied `scheme:service:port`.
- apiGroups: [""]
  resources: [services/proxy]
  resourceNames:
  {{- range .Values.rbac.consulServerServices }}
    - {{ printf "https:%s:https" . | quote }}
    - {{ printf "http:%s:http" . | quote }}
  {{- end }}
  verbs: [get, create, update, delete]
{{- end }}
