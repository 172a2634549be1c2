#!/usr/bin/env bash
# Builds the fuzz targets the way OSS-Fuzz and ClusterFuzzLite expect: with the
# compilers and flags they give ($CC, $CXX, $CFLAGS, $CXXFLAGS with their
# sanitizer and coverage flags), linked with $LIB_FUZZING_ENGINE, and copied to
# $OUT with their seed corpora (<target>_seed_corpus.zip: the seeds and the
# stored regressions), dictionary (<target>.dict) and libFuzzer options
# (fuzz/<target>.options, where there is one). The project's build.sh there is
# just: bash ci/oss-fuzz-build.sh
# ci/fuzz.sh runs it with OSS-Fuzz's ASan flags (not its -stdlib=libc++: the
# yaml-cpp the suite loader links must then be built with libc++ as well).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${CXX:?}" "${OUT:?}" "${LIB_FUZZING_ENGINE:?}"
targets=(parser_fuzzer session_fuzzer differential_fuzzer udp_fuzzer suite_loader_fuzzer)
build=${WORK:-/tmp}/mcspec-oss-fuzz
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER="$CXX" -DCMAKE_CXX_FLAGS="${CXXFLAGS:-}" \
  -DMCSPEC_FUZZ=ON -DMCSPEC_FUZZ_SANITIZE=OFF -DMCSPEC_FUZZ_ENGINE="$LIB_FUZZING_ENGINE"
cmake --build "$build" --target "${targets[@]}"
for target in "${targets[@]}"; do
  cp "$build/fuzz/$target" "$OUT/"
  cp corpus/memcached.dict "$OUT/$target.dict"
  [ -f "fuzz/$target.options" ] && cp "fuzz/$target.options" "$OUT/"
  rm -f "$OUT/${target}_seed_corpus.zip"
  (cd corpus && zip -q -j -r "$OUT/${target}_seed_corpus.zip" "$target" \
    $([ -d "regressions/$target" ] && echo "regressions/$target"))
done
