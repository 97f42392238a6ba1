#!/usr/bin/env bash
# Installs and starts what scientist-swarm needs on a fresh Debian 12 machine (run as root), idempotently:
# nats-server, a Docker engine, debootstrap + bubblewrap (offline images, fallback sandbox), Node dependencies,
# and the python-ml and latex sandbox images (built offline from Debian packages the first time: ~2-4 minutes each);
# with --for-tests also python-torch (~6-11 minutes).
# With --for-tests it also installs chromium (the live web page is tested in a real headless browser) and the host
# numpy/matplotlib the template tests use.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
# Tools are checked by command, so an engine installed another way (e.g. docker-ce) is used as it is.
command -v nats-server >/dev/null || need+=(nats-server)
command -v dockerd >/dev/null || need+=(docker.io)
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v bwrap >/dev/null || need+=(bubblewrap)
if [ "${1:-}" = "--for-tests" ]; then
  command -v chromium >/dev/null || need+=(chromium)
  for pkg in python3-numpy python3-matplotlib; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
  done
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

if ! docker info >/dev/null 2>&1; then
  echo "setup: starting dockerd"
  (dockerd >/var/log/scientist-dockerd.log 2>&1 &)
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    sleep 1
  done
  docker info >/dev/null 2>&1 || { echo "setup: dockerd did not start; see /var/log/scientist-dockerd.log" >&2; exit 1; }
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

# Builds only when the image is missing or its recipe changed. latex (~2 minutes from scratch, timed on this
# project's 2-core host) is built too, so the adversarial suite's \write18 / \input{/etc/passwd} case runs in CI
# instead of being skipped.
node bin/scientist.mjs sandbox build python-ml
node bin/scientist.mjs sandbox build latex
# python-torch (torch, torchvision, pandas, scikit-learn, tqdm from Debian, einops from trixie) runs the original's
# grokking and earthquake-prediction templates; ~6-11 minutes and 2 GB the first time on this 2-core host. The tests
# run those templates, so they build it here; a run builds it on first use by a template that imports torch.
if [ "${1:-}" = "--for-tests" ]; then
  node bin/scientist.mjs sandbox build python-torch
fi
