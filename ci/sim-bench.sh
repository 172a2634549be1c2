#!/usr/bin/env bash
# Prints mcsim's speed (simulated client operations per second of CPU time,
# faults on, every reply checked): the release build against the profile-
# and link-time-optimised one (ci/build-pgo.sh), run alternately, best of
# ROUNDS per seed (ci/sim-bench-compare.sh). Figures only: nothing passes or
# fails on speed.
#   ci/sim-bench.sh [ROUNDS] [OPS]   (default 3 and 100000)
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/install-deps.sh
bash ci/build-pgo.sh >/dev/null
echo "old: release (gcc -O3), new: the same with profile-guided and link-time optimisation"
bash ci/sim-bench-compare.sh build/release/sim/sim_benchmark build/pgo/sim/sim_benchmark \
  "${1:-3}" "${2:-100000}"
