#!/usr/bin/env bash
# Runs every libFuzzer target for a bounded time, from its seed corpus, its
# regressions and the protocol dictionary, and fails on any finding (crash,
# leak, timeout, invariant breach). The finding is left in build/fuzz-findings/
# with the command that reproduces it; minimise it, store it under
# corpus/regressions/<target>/ and fix it.
# Then builds the targets as OSS-Fuzz does (ci/oss-fuzz-build.sh, its compiler
# and ASan flags, into temporary $OUT/$WORK; about 2 minutes of CPU) and runs
# each for 10 s on its seed corpus from $OUT, so that the script cannot rot.
#   ci/fuzz.sh [SECONDS_PER_TARGET]   (default 60; builds the fuzz preset)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
targets=(parser_fuzzer session_fuzzer differential_fuzzer udp_fuzzer suite_loader_fuzzer)
bash ci/build.sh fuzz --target "${targets[@]}"
findings=build/fuzz-findings
mkdir -p "$findings"
status=0
for target in "${targets[@]}"; do
  work=$(mktemp -d)  # new corpus entries of this run; the stored corpus stays as it is
  log="$findings/$target.log"
  inputs=("$work" "corpus/$target")
  [ -d "corpus/regressions/$target" ] && inputs+=("corpus/regressions/$target")
  if build/fuzz/fuzz/"$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -dict=corpus/memcached.dict -artifact_prefix="$findings/$target-" -print_final_stats=1 \
      "${inputs[@]}" >"$log" 2>&1; then
    echo "$target: no finding in ${seconds}s," \
      "$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$') runs," \
      "$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$') exec/s"
  else
    status=1
    echo "$target: FINDING"
    grep -E 'ERROR|invariant|differs|Fail|SUMMARY' "$log" | head -5 || true
    for artifact in "$findings/$target"-*; do
      [ -f "$artifact" ] && echo "  reproduce: build/fuzz/fuzz/$target $artifact"
    done
  fi
  rm -rf "$work"
done

oss=$(mktemp -d)
mkdir -p "$oss/out" "$oss/work" "$oss/src"
oss_flags="-O1 -fno-omit-frame-pointer -gline-tables-only -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION"
oss_flags+=" -fsanitize=address -fsanitize-address-use-after-scope -fsanitize=fuzzer-no-link"
if CC=clang CXX=clang++ CFLAGS="$oss_flags" CXXFLAGS="$oss_flags" \
    LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT="$oss/out" WORK="$oss/work" SRC="$oss/src" \
    bash ci/oss-fuzz-build.sh >"$findings/oss-fuzz-build.log" 2>&1; then
  for target in "${targets[@]}"; do
    for file in "$target" "$target.dict" "${target}_seed_corpus.zip"; do
      [ -f "$oss/out/$file" ] || { status=1; echo "oss-fuzz build: no $file in \$OUT"; }
    done
    seeds="$oss/seeds-$target"
    mkdir -p "$seeds"
    unzip -q -o "$oss/out/${target}_seed_corpus.zip" -d "$seeds" || true
    if "$oss/out/$target" -max_total_time=10 -dict="$oss/out/$target.dict" \
        -artifact_prefix="$findings/oss-$target-" "$seeds" >"$findings/oss-$target.log" 2>&1; then
      echo "oss-fuzz build: $target ran 10s on its seed corpus"
    else
      status=1
      echo "oss-fuzz build: $target FAILED (see $findings/oss-$target.log)"
    fi
  done
else
  status=1
  echo "oss-fuzz build: FAILED (see $findings/oss-fuzz-build.log)"
fi
rm -rf "$oss"
exit $status
