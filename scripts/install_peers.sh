#!/usr/bin/env bash
# Installs the reference peers used by benchmarks and interoperability tests
# (Debian packages; run as root). Idempotent: each line installs only what is missing.
set -euo pipefail
# benchmarks (scripts/bench.ts)
dpkg -s iperf3 >/dev/null 2>&1 || { apt-get update; DEBIAN_FRONTEND=noninteractive apt-get install -y iperf3; }
dpkg -s redis-server >/dev/null 2>&1 || { apt-get update; DEBIAN_FRONTEND=noninteractive apt-get install -y redis-server; }
dpkg -s redis-tools >/dev/null 2>&1 || { apt-get update; DEBIAN_FRONTEND=noninteractive apt-get install -y redis-tools; }
dpkg -s time >/dev/null 2>&1 || { apt-get update; DEBIAN_FRONTEND=noninteractive apt-get install -y time; }
dpkg -s openssl >/dev/null 2>&1 || { apt-get update; DEBIAN_FRONTEND=noninteractive apt-get install -y openssl; }
# end-to-end tests (tests/_helpers/peers.ts runs python3 peers)
dpkg -s python3 >/dev/null 2>&1 || { apt-get update; DEBIAN_FRONTEND=noninteractive apt-get install -y python3; }
