#!/usr/bin/env bash
# Sets everything up and runs every test: installs the Debian packages (the
# real memcached included), builds the release, sanitizer (ASan + UBSan) and
# fuzz presets, then runs the whole CTest suite under release and sanitizers.
# Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

bash ci/install-deps.sh

for preset in release debug; do
  echo "== build: $preset"
  bash ci/build.sh "$preset"
done
echo "== build: fuzz"
bash ci/build.sh fuzz --target session_fuzzer

for preset in release debug; do
  echo "== test: $preset"
  ctest --preset "$preset" -j2
done
