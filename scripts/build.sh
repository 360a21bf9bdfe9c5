#!/usr/bin/env bash
# Builds bpfrt. Usage: scripts/build.sh [normal|sanitize|portable] (default normal).
# normal: gcc, optimised, into build/; sanitize: clang, ASan+UBSan and fuzz targets, into
# build-san/; portable: gcc with the interpreter's switch dispatch (what compilers without
# computed goto get), into build-portable/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
kind="${1:-normal}"
"$root/scripts/install-deps.sh"
gen=(); command -v ninja >/dev/null && gen=(-G Ninja)
case "$kind" in
  normal)
    dir="$root/build"
    cmake -S "$root" -B "$dir" "${gen[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=gcc >/dev/null ;;
  sanitize)
    dir="$root/build-san"
    cmake -S "$root" -B "$dir" "${gen[@]}" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang-14 \
      -DBPFRT_SANITIZE=ON -DBPFRT_FUZZ=ON -DBPFRT_FUZZ_SECONDS=60 -DBPFRT_BENCH=OFF >/dev/null ;;
  portable)
    dir="$root/build-portable"
    cmake -S "$root" -B "$dir" "${gen[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=gcc \
      -DBPFRT_SWITCH_DISPATCH=ON -DBPFRT_BENCH=OFF >/dev/null ;;
  *) echo "usage: scripts/build.sh [normal|sanitize|portable]" >&2; exit 2 ;;
esac
cmake --build "$dir" -j"$(nproc)"
