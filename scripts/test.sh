#!/usr/bin/env bash
# Runs the whole test suite: scripts/test.sh [normal|sanitize|portable|all] (default all).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
kinds=("${1:-all}")
[ "${kinds[0]}" = all ] && kinds=(normal sanitize portable)
for kind in "${kinds[@]}"; do
  "$root/scripts/build.sh" "$kind"
  case "$kind" in
    sanitize) dir="$root/build-san" ;;
    portable) dir="$root/build-portable" ;;
    *) dir="$root/build" ;;
  esac
  echo "== tests ($kind build)"
  (cd "$dir" && ctest --output-on-failure -j"$(nproc)")
done
