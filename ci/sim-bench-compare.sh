#!/usr/bin/env bash
# Compares two builds of sim_benchmark on a shared machine: runs them
# alternately ROUNDS times (`--ops OPS --seeds 1..8`) and prints, for each,
# every seed's best rate and the total over the best runs, both profiles.
# Alternating and keeping the best lets two binaries be compared when other
# people's load moves single figures by 10% and more. Prints figures only.
#   ci/sim-bench-compare.sh OLD NEW [ROUNDS] [OPS]   (default 5 and 100000)
set -euo pipefail
old=$1
new=$2
rounds=${3:-5}
ops=${4:-100000}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for round in $(seq 1 "$rounds"); do
  "$old" --ops "$ops" --seeds 1..8 >"$out/old.$round"
  "$new" --ops "$ops" --seeds 1..8 >"$out/new.$round"
done
for build in old new; do
  cat "$out/$build".* | python3 -c '
import re, sys
best = {}
for line in sys.stdin:
    m = re.match(r"(as drawn|small values), seed (\d+): ok, (\d+) ops in ([0-9.]+) s CPU", line)
    if m:
        key = (m.group(1), int(m.group(2)))
        best[key] = min(best.get(key, float("inf")), float(m.group(4)))
        ops = int(m.group(3))
for profile in ("as drawn", "small values"):
    seeds = sorted(k for k in best if k[0] == profile)
    total = len(seeds) * ops / sum(best[k] for k in seeds)
    print("%-4s %-13s" % (sys.argv[1], profile),
          " ".join("%5.0fk" % (ops / best[k] / 1000) for k in seeds), "  total %5.0fk" % (total / 1000))
' "$build"
done
