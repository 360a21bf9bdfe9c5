#!/usr/bin/env bash
# Runs the whole test suite: scripts/test.sh [normal|sanitize|all] (default all).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
kinds=("${1:-all}")
[ "${kinds[0]}" = all ] && kinds=(normal sanitize)
for kind in "${kinds[@]}"; do
  "$root/scripts/build.sh" "$kind"
  dir="$root/build"; [ "$kind" = sanitize ] && dir="$root/build-san"
  echo "== tests ($kind build)"
  (cd "$dir" && ctest --output-on-failure -j"$(nproc)")
done
