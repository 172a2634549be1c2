#!/usr/bin/env bash
# Builds mcsim and sim_benchmark with profile-guided and link-time
# optimisation in build/pgo: an instrumented build runs a training set (seeds
# 101..116, both of sim_benchmark's profiles: disjoint from the seeds 1..8 it
# reports), then the same objects are compiled again using the profile and
# optimised across files at link time. The result must simulate exactly
# what the release build simulates: the script compares the fingerprints of
# seeds 1..20 from both and fails on any difference.
#   ci/build-pgo.sh   (prints the two binaries' paths; needs ci/install-deps.sh's packages)
set -euo pipefail
cd "$(dirname "$0")/.."
build=build/pgo
targets=(--target mcsim --target sim_benchmark)

# Stage 1: instrumented. Counters are written beside the objects (.gcda).
find "$build" -name '*.gcda' -delete 2>/dev/null || true
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=g++ \
  -DCMAKE_INTERPROCEDURAL_OPTIMIZATION=ON \
  -DCMAKE_CXX_FLAGS="-fprofile-generate" >/dev/null
cmake --build "$build" "${targets[@]}" >/dev/null
"$build/sim/sim_benchmark" --ops 30000 --seeds 101..116 >/dev/null

# Stage 2: the same objects, optimised with the counters. Code the training
# never ran is optimised as without a profile (-fprofile-partial-training),
# and objects only mcsim links (never trained) have no counters, which is
# not an error here.
cmake -S . -B "$build" \
  -DCMAKE_CXX_FLAGS="-fprofile-use -fprofile-partial-training -Wno-missing-profile" >/dev/null
cmake --build "$build" "${targets[@]}" >/dev/null

bash ci/build.sh release "${targets[@]}" >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
build/release/sim/mcsim run --seeds 1..20 --ops 3000 --quiet >"$out/release"
"$build/sim/mcsim" run --seeds 1..20 --ops 3000 --quiet >"$out/pgo"
if ! cmp -s "$out/release" "$out/pgo"; then
  echo "build-pgo: the PGO build simulates differently from the release build:" >&2
  diff "$out/release" "$out/pgo" | head -5 >&2
  exit 1
fi
echo "$build/sim/mcsim"
echo "$build/sim/sim_benchmark"
