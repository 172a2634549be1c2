#!/usr/bin/env bash
# The main job: sets everything up, builds mcconform, and runs the
# conformance suites (specs/) against the embedded reference server, printing
# every case's result and the summary. Exits non-zero if a case fails.
set -euo pipefail
cd "$(dirname "$0")/.."

bash ci/install-deps.sh
bash ci/build.sh release --target mcconform >/dev/null
exec build/release/conformance/mcconform --verbose specs/
