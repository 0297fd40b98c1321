#!/usr/bin/env bash
# Installs the reference peers that tests and benchmarks run against (Debian
# packages, as root; without root it names what is missing). Idempotent: installs only what is missing, with one
# apt-get update at most.
#   iperf3, redis-server/redis-tools, time, strace ... scripts/bench.ts
#   redis-server ................................ tests/e2e/latency (PING/PONG)
#   python3 ..................................... tests/_helpers/peers.ts
#   python3-websockets (for /usr/bin/python3) .... tests/e2e/websocket interop
#   openssl ..................................... certificates, s_server/s_client (tests/e2e/tls)
#   nginx-light ................................. TLS interop peer (tests/e2e/tls)
#   chromium-headless-shell ..................... the HTML report in a browser (tests/e2e/results)
set -euo pipefail
wanted=(iperf3 redis-server redis-tools time strace openssl python3 python3-websockets nginx-light
  chromium-headless-shell)
missing=()
for package in "${wanted[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ] && [ "$(id -u)" != 0 ]; then
  echo "missing test peers: ${missing[*]} (install them as root: bash scripts/install_peers.sh);" \
    "the tests that use them will fail" >&2
  exit 0
fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing: ${missing[*]}"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
fi
