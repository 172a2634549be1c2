#!/usr/bin/env bash
# Builds the release preset and prints the core benchmark's figures (not a
# test: nothing here passes or fails on speed).
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/install-deps.sh
bash ci/build.sh release --target core_benchmark >/dev/null
build/release/reference/core_benchmark --benchmark_min_time=2 "$@"
