#!/usr/bin/env bash
# Builds the fuzz targets the way OSS-Fuzz and ClusterFuzzLite expect: with the
# compilers and flags they give ($CC, $CXX, $CFLAGS, $CXXFLAGS with their
# sanitizer and coverage flags), linked with $LIB_FUZZING_ENGINE, and copied to
# $OUT with their seed corpora (<target>_seed_corpus.zip) and dictionary
# (<target>.dict). The project's build.sh there is just: bash ci/oss-fuzz-build.sh
set -euo pipefail
cd "$(dirname "$0")/.."
: "${CXX:?}" "${OUT:?}" "${LIB_FUZZING_ENGINE:?}"
targets=(parser_fuzzer session_fuzzer udp_fuzzer suite_loader_fuzzer)
build=${WORK:-/tmp}/mcspec-oss-fuzz
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER="$CXX" -DCMAKE_CXX_FLAGS="${CXXFLAGS:-}" \
  -DMCSPEC_FUZZ=ON -DMCSPEC_FUZZ_SANITIZE=OFF -DMCSPEC_FUZZ_ENGINE="$LIB_FUZZING_ENGINE"
cmake --build "$build" --target "${targets[@]}"
for target in "${targets[@]}"; do
  cp "$build/fuzz/$target" "$OUT/"
  cp corpus/memcached.dict "$OUT/$target.dict"
  (cd "corpus/$target" && zip -q -r "$OUT/${target}_seed_corpus.zip" .)
done
