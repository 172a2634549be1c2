#!/usr/bin/env bash
# Sets everything up and runs every test: installs the Debian packages (the
# real memcached included), builds the release and sanitizer (ASan + UBSan)
# presets and runs the whole CTest suite under each, then runs each fuzzer for a
# minute (ci/fuzz.sh), compares mcsim's runs from gcc and clang
# (ci/sim-compilers.sh) and from the release and profile-guided builds
# (ci/build-pgo.sh).
# Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

bash ci/install-deps.sh

for preset in release debug; do
  echo "== build: $preset"
  bash ci/build.sh "$preset"
  echo "== test: $preset"
  ctest --preset "$preset" -j2
done
# Nothing below uses the sanitizer build, and CI machines' disks can be
# small: its 800 MB go once its tests have passed (a failure keeps it).
rm -rf build/debug

echo "== fuzz: every target for 60 s"
bash ci/fuzz.sh 60

echo "== mcsim: same seeds, same fingerprints from gcc and clang"
bash ci/sim-compilers.sh

echo "== mcsim: the profile-guided build simulates what the release build does"
bash ci/build-pgo.sh
