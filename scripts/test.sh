#!/usr/bin/env bash
# The one command that runs meshpeer's whole test suite on a fresh machine: set-up, typecheck,
# lint, import-cycle check and every vitest suite (the harness starts its own Redis).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm test
