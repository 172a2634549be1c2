#!/usr/bin/env bash
# Installs every Debian package mcspec needs to build, test, fuzz and benchmark,
# including the real memcached 1.6.18 used as the oracle and the memcached
# clients the network tests use. Idempotent: apt-get is
# called only when a package is missing. The packaged memcached service is
# stopped and disabled: tests start their own servers on free loopback ports.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  clang libclang-rt-14-dev
  libgtest-dev libgmock-dev librapidcheck-dev libbenchmark-dev
  libyaml-cpp-dev libboost-dev
  memcached
  # Clients the network tests run against mcref and memcached.
  libmemcached-tools python3-pymemcache
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} > 0)); then
  echo "install-deps: installing ${missing[*]}"
  sudo_cmd=()
  if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  # policy-rc.d keeps the package's own memcached service from starting.
  policy=/usr/sbin/policy-rc.d
  created_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' | "${sudo_cmd[@]}" tee "$policy" >/dev/null
    "${sudo_cmd[@]}" chmod +x "$policy"
    created_policy=1
  fi
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
  if ((created_policy)); then "${sudo_cmd[@]}" rm -f "$policy"; fi
fi

version=$(memcached -V 2>/dev/null || true)
if [[ $version != "memcached 1.6.18" ]]; then
  echo "install-deps: expected memcached 1.6.18, found '${version}'" >&2
  exit 1
fi
