#!/usr/bin/env bash
# One-time set-up on Debian/Ubuntu (run as root or with sudo): the system packages rnnlab uses, then its npm
# dependencies. Safe to run again: it installs only what is missing.
#   - libopenblas0-pthread: the BLAS for the matrix products (without it rnnlab falls back to a slow TypeScript GEMM)
#   - chromium: only for the test that opens report.html in a headless browser
#   - redis-server: only for the tests of `experiment --queue` / `rnnlab worker` (they start their own private server)
#   - nodejs/npm when no Node.js >= 20 is on PATH (Debian 13 ships 20; on Debian 12 install Node 20 from NodeSource)
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(node_major)" -lt 20 ]; then need+=(nodejs npm); fi
ldconfig -p | grep -q 'libopenblas\.so\.0' || need+=(libopenblas0-pthread)
command -v chromium >/dev/null || need+=(chromium)
command -v redis-server >/dev/null || need+=(redis-server)
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
if [ "$(node_major)" -lt 20 ]; then
  echo "rnnlab needs Node.js >= 20 (found $(node --version 2>/dev/null || echo none)); install it from https://nodejs.org or NodeSource" >&2
  exit 1
fi
npm ci --no-audit --no-fund
