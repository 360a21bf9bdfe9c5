#!/usr/bin/env bash
# `bpfrt verify` on tests/verifier/progs/verify_demo.c (one safe XDP program, one off by one):
# verdicts and exit codes, the rejection's source line and reason, --json, --dot, -v, selection,
# --type, and bad input. usage: verify_cli.sh OBJ (BPFRT and WORK in the environment)
obj=$1
. "$(dirname "$0")/../cli/lib.sh"

run_cli verify "$obj"
checks=$((checks + 1))
[ "$rc" -eq 1 ] || fail "verify: exit code $rc, expected 1 (one program rejected)"
grep -q '^xdp/safe_parse: accepted (xdp' .out
check "safe_parse not accepted" || show verify "$obj"
grep -q '^xdp/off_by_one: REJECTED' .out
check "off_by_one not rejected" || show verify "$obj"
grep -q 'source: verify_demo.c:[0-9]*: return data\[14\]' .out
check "rejection does not show the C source line"
grep -q 'reason: packet access at offset 14, 1 bytes, outside the proven packet range \[0,14)' .out
check "rejection reason lacks the offset, size and proven range"

expect_ok "verify --program safe_parse" verify --program safe_parse "$obj"
run_cli verify --program off_by_one --json "$obj"
checks=$((checks + 1))
[ "$rc" -eq 1 ] || fail "--json: exit code $rc"
grep -q '"name":"off_by_one"' .out && grep -q '"verdict":"reject"' .out &&
    grep -q '"pc":5' .out && grep -q '"source":"verify_demo.c:' .out
check "--json lacks name, verdict, pc or source" || show verify --json "$obj"
[ "$(grep -c '' .out)" -eq 1 ]
check "--json is not one line"

expect_ok "verify --dot" verify --program safe_parse --dot graph.dot "$obj"
grep -q '^digraph "safe_parse"' graph.dot && grep -q -- '->' graph.dot && grep -q 'r1=ctx' graph.dot
check "--dot graph lacks the header, edges or the registers"

expect_ok "verify -v" verify -v --program safe_parse "$obj"
grep -qE '^  [0-9]+: ldxw %r[0-9], \[%r1\+0\] +; .*r1=ctx' .out
check "-v does not list the instructions with registers" || show verify -v "$obj"

# as a socket filter the XDP context layout is wrong: ctx+4 is not data_end there
run_cli verify --type socket_filter --program safe_parse "$obj"
checks=$((checks + 1))
[ "$rc" -eq 1 ] || fail "--type socket_filter: exit $rc, expected a rejection"

expect_error "unknown type" "unknown program type" -- verify --type nosuchtype "$obj"
expect_error "missing file" "no-such.o" -- verify no-such.o
expect_error "no such program" "no program matches" -- verify --program nothere "$obj"
finish
