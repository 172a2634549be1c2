#!/usr/bin/env bash
# The main job: sets everything up, builds the reference server, and shows it
# serving a scripted session (ci/demo-session.txt) on its virtual clock.
# Each request is printed after "> ", each response line after "< ".
set -euo pipefail
cd "$(dirname "$0")/.."

bash ci/install-deps.sh
bash ci/build.sh release --target mcref >/dev/null

# One request per line of the script, with \r\n escapes; every request is
# followed by `mn` so that the end of its response (if any) is known.
coproc MCREF { build/release/reference/mcref --stdio -o no_modern; }
while IFS= read -r request || [[ -n $request ]]; do
  [[ -z $request || $request == \#* ]] && continue
  printf '> %s\n' "$request"
  printf '%b\r\nmn\r\n' "$request" >&"${MCREF[1]}"
  while IFS= read -r reply <&"${MCREF[0]}"; do
    reply=${reply%$'\r'}
    [[ $reply == MN ]] && break
    printf '< %s\n' "$reply"
  done
done < ci/demo-session.txt
exec {MCREF[1]}>&-
wait "$MCREF_PID"
