#!/usr/bin/env bash
# The one command that runs meshpeer's demo on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec node bin/meshpeer.js demo "$@"
