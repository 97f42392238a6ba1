#!/usr/bin/env bash
# A real swarm run on the default template, from a fresh Debian machine: sets up, then `scientist run` with any
# arguments given (e.g. --ideas 5).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec node bin/scientist.mjs run "$@"
