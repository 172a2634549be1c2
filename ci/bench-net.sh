#!/usr/bin/env bash
# Network benchmark (not a test: it prints figures, nothing passes or fails on
# speed). Runs mcref and the real memcached -t 1 side by side on loopback with
# the same settings and the same load (reference/load_generator.cc: 90/10
# get/set, 16-byte keys, 100-byte values, pipelining depth 1 and 16), prints
# both and the ratios, then the resident memory (VmRSS) of each after loading
# 1 million items at -m 1024.
# Usage: ci/bench-net.sh [SECONDS per run, default 10] [CONNECTIONS, default 50]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
connections=${2:-50}
bash ci/install-deps.sh
bash ci/build.sh release --target mcref load_generator >/dev/null
bin=build/release/reference
tmp=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

user=()
if [[ $(id -u) -eq 0 ]]; then user=(-u root); fi

# start NAME BINARY FLAGS...: starts a server on a port it picks; sets
# port_NAME and pid_NAME.
start() {
  local name=$1 binary=$2
  shift 2
  rm -f "$tmp/$name.port"
  MEMCACHED_PORT_FILENAME="$tmp/$name.port" "$binary" "${user[@]}" -l 127.0.0.1 -p -1 "$@" &
  local pid=$!
  pids+=("$pid")
  for _ in $(seq 100); do [[ -s $tmp/$name.port ]] && break; sleep 0.05; done
  printf -v "port_$name" '%s' "$(sed -n 's/^TCP INET: //p' "$tmp/$name.port")"
  printf -v "pid_$name" '%s' "$pid"
}

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

start mcref "$bin/mcref" -t 1 -m 1024
start memcached memcached -t 1 -m 1024
echo "mcref pid $pid_mcref, $(memcached -V) pid $pid_memcached; $connections connections, $seconds s per run"
for name in mcref memcached; do
  port_var=port_$name
  "$bin/load_generator" --port "${!port_var}" --preload --connections 10 >/dev/null
done

declare -A result
for depth in 1 16; do
  for name in mcref memcached; do
    port_var=port_$name
    line=$("$bin/load_generator" --port "${!port_var}" --connections "$connections" \
      --depth "$depth" --seconds "$seconds")
    result[$name,$depth]=$line
    printf '%-9s depth %-2s  %s\n' "$name" "$depth" "$line"
  done
done

echo
echo "ratios (mcref / memcached):"
for depth in 1 16; do
  read -r _ _ _ t_ref _ _ p50_ref _ _ p99_ref _ <<<"${result[mcref,$depth]}"
  read -r _ _ _ t_mc _ _ p50_mc _ _ p99_mc _ <<<"${result[memcached,$depth]}"
  awk -v d="$depth" -v t1="$t_ref" -v t2="$t_mc" -v a1="$p50_ref" -v a2="$p50_mc" \
    -v b1="$p99_ref" -v b2="$p99_mc" 'BEGIN {
      printf "  depth %-2s  throughput %.2fx  p50 %.2fx  p99 %.2fx\n", d, t1 / t2, a1 / a2, b1 / b2 }'
done

echo
echo "resident memory after loading 1,000,000 items (16-byte keys, 100-byte values, -m 1024):"
for name in mcref memcached; do kill "$(eval echo \$pid_$name)"; done
wait 2>/dev/null || true
pids=()
start mcref "$bin/mcref" -t 1 -m 1024
start memcached memcached -t 1 -m 1024
for name in mcref memcached; do
  port_var=port_$name
  "$bin/load_generator" --port "${!port_var}" --preload --keys 1000000 --connections 10 >/dev/null
done
rss_ref=$(rss_kib "$pid_mcref")
rss_mc=$(rss_kib "$pid_memcached")
printf '  mcref      %8d KiB\n  memcached  %8d KiB\n' "$rss_ref" "$rss_mc"
awk -v a="$rss_ref" -v b="$rss_mc" 'BEGIN { printf "  ratio      %.2fx\n", a / b }'
