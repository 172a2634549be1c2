#!/usr/bin/env bash
# Same seed, same trace from both compilers: runs mcsim's seeds with
# --check-determinism in the release preset (gcc) and the fuzz preset (clang)
# and compares the fingerprints they print, line by line. On a difference it
# prints the seed, the first event that differs, and the commands that show it.
#   ci/sim-compilers.sh [SEEDS] [OPS]   (default 1..100 and 2000; builds mcsim in both)
set -euo pipefail
cd "$(dirname "$0")/.."
seeds=${1:-1..100}
ops=${2:-2000}
bash ci/build.sh release --target mcsim
bash ci/build.sh fuzz --target mcsim
gcc_mcsim=$PWD/build/release/sim/mcsim
clang_mcsim=$PWD/build/fuzz/sim/mcsim

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for build in gcc clang; do
  binary=${build}_mcsim
  if ! "${!binary}" run --seeds "$seeds" --ops "$ops" --check-determinism --quiet \
      >"$out/$build.log"; then
    echo "mcsim ($build) failed:"
    grep -v '^seed [0-9]*: \(ok\|deterministic\)' "$out/$build.log" | head -20
    exit 1
  fi
  grep '^seed [0-9]*: deterministic' "$out/$build.log" >"$out/$build.fingerprints"
done

if cmp -s "$out/gcc.fingerprints" "$out/clang.fingerprints"; then
  echo "gcc and clang: seeds $seeds ($ops ops each) give the same" \
    "$(wc -l <"$out/gcc.fingerprints") fingerprints"
  exit 0
fi
first=$(diff "$out/gcc.fingerprints" "$out/clang.fingerprints" | grep '^[<>]' | head -1 || true)
seed=$(sed 's/^[<>] seed \([0-9]*\):.*/\1/' <<<"$first")
echo "gcc and clang DIFFER on seed $seed:"
grep "^seed $seed:" "$out/gcc.fingerprints" | sed 's/^/  gcc:   /'
grep "^seed $seed:" "$out/clang.fingerprints" | sed 's/^/  clang: /'
show="$gcc_mcsim run --seed $seed --ops $ops --quiet --event-log gcc.events >/dev/null;"
show+=" $clang_mcsim run --seed $seed --ops $ops --quiet --event-log clang.events >/dev/null;"
show+=" diff gcc.events clang.events | head -4"
(cd "$out" && eval "$show") || true
echo "the first differing event (index hash description), shown by:"
echo "  $show"
exit 1
