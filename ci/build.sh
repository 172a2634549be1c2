#!/usr/bin/env bash
# Configures and builds one CMake preset: release, debug (ASan + UBSan) or
# fuzz (clang + libFuzzer). Usage: ci/build.sh PRESET [cmake --build args...]
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:?usage: ci/build.sh release|debug|fuzz [build args]}
shift
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" "$@"
