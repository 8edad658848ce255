{{/* Names, labels and the pieces serve and the workers share. */}}

{{- define "meshpeer.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* <release>-<chart>, or the release alone when it already contains the chart name (as helm create does). */}}
{{- define "meshpeer.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "meshpeer.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "meshpeer.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: meshpeer
{{- end }}

{{- define "meshpeer.selectorLabels" -}}
app.kubernetes.io/name: {{ include "meshpeer.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "meshpeer.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "meshpeer.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "meshpeer.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end }}

{{/* The kubeconfig meshpeer reads by default: the mounted Secret, else (with rbac.create) its own ServiceAccount's. */}}
{{- define "meshpeer.kubeconfigPath" -}}
{{- if .Values.kubeconfig.existingSecret }}/etc/meshpeer/kubeconfig
{{- else if .Values.rbac.create }}/etc/meshpeer/in-cluster/kubeconfig
{{- end }}
{{- end }}

{{- define "meshpeer.hasConfigVolume" -}}
{{- if or .Values.kubeconfig.existingSecret .Values.rbac.create .Values.targets .Values.githubApp.appId }}true{{ end }}
{{- end }}

{{/* REDIS_URL: the bundled Redis, a Secret, or a plain URL; exactly one. */}}
{{- define "meshpeer.redisEnv" -}}
{{- $external := or .Values.redis.url .Values.redis.existingSecret }}
{{- if and .Values.redis.enabled $external }}
{{- fail "redis.url or redis.existingSecret names an external Redis: set redis.enabled=false to use it instead of the bundled one" }}
{{- end }}
- name: REDIS_URL
{{- if .Values.redis.enabled }}
  value: {{ printf "redis://%s-redis:6379" (include "meshpeer.fullname" .) | quote }}
{{- else if .Values.redis.existingSecret }}
  valueFrom:
    secretKeyRef:
      name: {{ .Values.redis.existingSecret }}
      key: {{ .Values.redis.existingSecretKey }}
{{- else if .Values.redis.url }}
  value: {{ .Values.redis.url | quote }}
{{- else }}
{{- fail "meshpeer needs Redis: keep redis.enabled=true, or set redis.url or redis.existingSecret" }}
{{- end }}
{{- end }}

{{- define "meshpeer.secretEnv" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ .secret }}
      key: {{ .key }}
      optional: true
{{- end }}

{{/* What serve and the workers both read: Redis, the repository or targets, Git credentials, clusters. */}}
{{- define "meshpeer.commonEnv" -}}
{{ include "meshpeer.redisEnv" . | trim }}
- name: MESHPEER_QUEUE_PREFIX
  value: {{ .Values.queuePrefix | quote }}
- name: LOG_LEVEL
  value: {{ .Values.logLevel | quote }}
- name: MESHPEER_CACHE_DIR
  value: /var/cache/meshpeer
{{- with (include "meshpeer.kubeconfigPath" .) }}
- name: KUBECONFIG
  value: {{ . }}
{{- end }}
{{- if .Values.targets }}
- name: MESHPEER_TARGETS_FILE
  value: /etc/meshpeer/targets.yaml
{{- else }}
{{- /* Without repoUrl, serve stops at start with one line naming MESHPEER_REPO_URL (NOTES.txt says so too). */}}
{{- with .Values.repoUrl }}
- name: MESHPEER_REPO_URL
  value: {{ . | quote }}
{{- end }}
- name: MESHPEER_BRANCH
  value: {{ .Values.branch | quote }}
- name: MESHPEER_PATH
  value: {{ .Values.path | quote }}
{{- range $name, $value := dict "MESHPEER_REPO" .Values.repo "MESHPEER_TARGET" .Values.target }}
{{- if $value }}
- name: {{ $name }}
  value: {{ $value | quote }}
{{- end }}
{{- end }}
{{- end }}
{{- /* One SCM for every target: the provider and API URL are the process's. */}}
{{- range $name, $value := dict "MESHPEER_PROVIDER" .Values.provider "MESHPEER_SCM_API_URL" .Values.scmApiUrl }}
{{- if $value }}
- name: {{ $name }}
  value: {{ $value | quote }}
{{- end }}
{{- end }}
{{- if .Values.secrets.existingSecret }}
{{ include "meshpeer.secretEnv" (dict "name" "MESHPEER_TOKEN" "secret" .Values.secrets.existingSecret "key" .Values.secrets.keys.token) }}
{{- end }}
{{- if .Values.githubApp.appId }}
{{- if not .Values.githubApp.installationId }}
{{- fail "githubApp.appId is set: set githubApp.installationId too (the number at the end of the installation's URL)" }}
{{- end }}
- name: MESHPEER_GITHUB_APP_ID
  value: {{ .Values.githubApp.appId | toString | quote }}
- name: MESHPEER_GITHUB_APP_INSTALLATION_ID
  value: {{ .Values.githubApp.installationId | toString | quote }}
- name: MESHPEER_GITHUB_APP_PRIVATE_KEY_FILE
  value: /etc/meshpeer/github-app/private-key.pem
{{- end }}
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* The files under /etc/meshpeer: kubeconfig, in-cluster kubeconfig, targets, GitHub App key (one projected volume). */}}
{{- define "meshpeer.configVolume" -}}
- name: config
  projected:
    # 0440: owner and group (fsGroup) may read; written in decimal, which YAML 1.1 and 1.2 read alike.
    defaultMode: 288
    sources:
{{- if .Values.kubeconfig.existingSecret }}
      - secret:
          name: {{ .Values.kubeconfig.existingSecret }}
          items: [{ key: {{ .Values.kubeconfig.key }}, path: kubeconfig }]
{{- end }}
{{- if .Values.rbac.create }}
      - configMap:
          name: {{ include "meshpeer.fullname" . }}-in-cluster
          items: [{ key: kubeconfig, path: in-cluster/kubeconfig }]
{{- end }}
{{- if .Values.targets }}
      - configMap:
          name: {{ include "meshpeer.fullname" . }}-targets
          items: [{ key: targets.yaml, path: targets.yaml }]
{{- end }}
{{- if .Values.githubApp.appId }}
      - secret:
          name: {{ default .Values.secrets.existingSecret .Values.githubApp.existingSecret }}
          items: [{ key: {{ .Values.secrets.keys.githubAppPrivateKey }}, path: github-app/private-key.pem }]
{{- end }}
{{- end }}

{{- define "meshpeer.volumes" -}}
- name: cache
  emptyDir: {}
- name: tmp
  emptyDir: {}
{{- if include "meshpeer.hasConfigVolume" . }}
{{ include "meshpeer.configVolume" . }}
{{- end }}
{{- end }}

{{- define "meshpeer.volumeMounts" -}}
- name: cache
  mountPath: /var/cache/meshpeer
- name: tmp
  mountPath: /tmp
{{- if include "meshpeer.hasConfigVolume" . }}
- name: config
  mountPath: /etc/meshpeer
  readOnly: true
{{- end }}
{{- end }}

{{/* Pod spec fields serve and the workers share. */}}
{{- define "meshpeer.podSpecCommon" -}}
serviceAccountName: {{ include "meshpeer.serviceAccountName" . }}
# The API token is mounted only when meshpeer manages this cluster itself.
automountServiceAccountToken: {{ .Values.rbac.create }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{- define "meshpeer.podAnnotations" -}}
{{- if .Values.targets }}
checksum/targets: {{ toYaml .Values.targets | sha256sum }}
{{- end }}
{{- with .Values.podAnnotations }}
{{ toYaml . }}
{{- end }}
{{- end }}
