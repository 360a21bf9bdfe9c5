#!/usr/bin/env bash
# Compares what bpfrt's libbpf-compatible API and the system's libbpf say, with api_dump built
# against each.
#   compare.sh BPFRT_DUMP LIBBPF_DUMP --sections NAMES_FILE
#       libbpf_prog_type_by_name on every name of NAMES_FILE: outputs must be identical.
#   compare.sh BPFRT_DUMP LIBBPF_DUMP --objects DIR [WHITELIST]
#       every object under DIR (*.o, and every file under an "invalid" folder): the two dumps
#       of each object must be identical, unless WHITELIST has a line "OBJECT KIND REASON"
#       (OBJECT relative to DIR) whose KIND names the difference:
#         libbpf-refuses  libbpf cannot open it, bpfrt opens it
#         bpfrt-refuses   bpfrt cannot open it, libbpf opens it
#         errno           both refuse it, with different errno values
#         programs        both open it; only program lines differ
#         maps            both open it; only map lines differ
#       A whitelist line whose difference has gone away fails too (keep the list exact).
# Prints a FAIL block per unexplained difference and a summary; exits 1 on any failure, 77 when
# libbpf (LIBBPF_DUMP empty) or DIR is missing.
set -u
bpfrt_dump=$1 libbpf_dump=$2 mode=$3
if [ -z "$libbpf_dump" ]; then
  echo "SKIP: libbpf not found (install libbpf-dev): nothing to compare against"; exit 77
fi

for exe in "$bpfrt_dump" "$libbpf_dump"; do
  if [ ! -x "$exe" ]; then echo "FAIL: $exe is not built"; exit 1; fi
done
bpfrt_dump=$(readlink -f "$bpfrt_dump") libbpf_dump=$(readlink -f "$libbpf_dump")

if [ "$mode" = --sections ]; then
  mapfile -t names < <(grep -v '^#' "$4" | grep -v '^$')
  a=$("$bpfrt_dump" --sections "${names[@]}" 2>/dev/null) || { echo "FAIL: $bpfrt_dump failed"; exit 1; }
  b=$("$libbpf_dump" --sections "${names[@]}" 2>/dev/null) || { echo "FAIL: $libbpf_dump failed"; exit 1; }
  if [ "$a" != "$b" ]; then
    echo "FAIL: libbpf_prog_type_by_name differs (< bpfrt, > libbpf):"
    diff <(echo "$a") <(echo "$b")
    exit 1
  fi
  echo "${#names[@]} section names: bpfrt and libbpf agree"
  exit 0
fi

dir=$4 whitelist=${5:-}
if [ ! -d "$dir" ]; then echo "SKIP: $dir not found"; exit 77; fi
declare -A allowed used
if [ -n "$whitelist" ] && [ -f "$whitelist" ]; then
  while read -r obj kind reason; do
    case "$obj" in ''|'#'*) continue ;; esac
    if [ -z "$reason" ]; then echo "FAIL: whitelist line for $obj has no reason"; exit 1; fi
    allowed["$obj $kind"]=$reason
  done < "$whitelist"
fi

mapfile -t objects < <(cd "$dir" && find . -type f \( -name '*.o' -o -path '*/invalid/*' \) |
                       sed 's|^\./||' | LC_ALL=C sort)
if [ ${#objects[@]} -eq 0 ]; then echo "SKIP: no objects in $dir"; exit 77; fi

fail=0 same=0 listed=0 progs=0 maps=0 wl_progs=0 wl_maps=0
for obj in "${objects[@]}"; do
  a=$(cd "$dir" && "$bpfrt_dump" "$obj" 2>/dev/null) || { echo "FAIL: $obj: bpfrt api_dump crashed"; fail=$((fail + 1)); continue; }
  b=$(cd "$dir" && "$libbpf_dump" "$obj" 2>/dev/null) || { echo "FAIL: $obj: libbpf api_dump crashed"; fail=$((fail + 1)); continue; }
  if [ "$a" = "$b" ]; then
    same=$((same + 1))
    progs=$((progs + $(grep -c '^  program ' <<<"$a")))
    maps=$((maps + $(grep -c '^  map ' <<<"$a")))
    continue
  fi
  a_failed=0 b_failed=0
  grep -q ': open failed: ' <<<"$a" && a_failed=1
  grep -q ': open failed: ' <<<"$b" && b_failed=1
  if [ $a_failed = 0 ] && [ $b_failed = 1 ]; then kind=libbpf-refuses
  elif [ $a_failed = 1 ] && [ $b_failed = 0 ]; then kind=bpfrt-refuses
  elif [ $a_failed = 1 ]; then kind=errno
  elif [ "$(grep -v '^  program ' <<<"$a")" = "$(grep -v '^  program ' <<<"$b")" ]; then kind=programs
  elif [ "$(grep -v '^  map ' <<<"$a")" = "$(grep -v '^  map ' <<<"$b")" ]; then kind=maps
  else kind=several
  fi
  if [ -n "${allowed["$obj $kind"]+x}" ]; then
    used["$obj $kind"]=1
    listed=$((listed + 1))
    # the parts that do agree still count as compared
    if [ $kind = programs ]; then wl_maps=$((wl_maps + $(grep -c '^  map ' <<<"$a"))); fi
    if [ $kind = maps ]; then wl_progs=$((wl_progs + $(grep -c '^  program ' <<<"$a"))); fi
    continue
  fi
  fail=$((fail + 1))
  echo "FAIL: $obj: bpfrt and libbpf differ ($kind; < bpfrt, > libbpf):"
  diff <(echo "$a") <(echo "$b") | sed 's/^/    /'
done
for key in "${!allowed[@]}"; do
  obj=${key% *}
  if [ -z "${used[$key]+x}" ] && [ -e "$dir/$obj" ]; then
    echo "FAIL: whitelist entry '$key' no longer needed (the difference is gone): remove it"
    fail=$((fail + 1))
  fi
done
echo "${#objects[@]} objects: $same identical ($progs programs, $maps maps)," \
     "$listed whitelisted differences (plus $wl_progs programs, $wl_maps maps identical in them)," \
     "$fail failures"
[ $fail -eq 0 ]
