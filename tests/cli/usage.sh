#!/usr/bin/env bash
# CLI robustness on bad command lines: unknown subcommand or option, missing or malformed
# option values, missing program. One line on stderr, non-zero exit, no crash.
. "$(dirname "$0")/lib.sh"

printf 'mov %%r0, 1\nexit\n' >ok.s

expect_error "unknown subcommand" frobnicate -- frobnicate ok.s
expect_error "unknown option to run" --frobnicate -- run --frobnicate ok.s
expect_error "unknown option to asm" --frobnicate -- asm --frobnicate ok.s
expect_error "unknown option to test-data" --frobnicate -- test-data --frobnicate ok.s
expect_error "unknown option to disasm" --frobnicate -- disasm --frobnicate ok.s
expect_error "bad --mode" bogus -- run --mode bogus ok.s
expect_error "bad --engine" warp -- run --engine warp ok.s
expect_error "bad --mode for test-data" bogus -- test-data --mode bogus ok.s
expect_error "--budget without a value" -- run ok.s --budget
expect_error "--budget not a number" abc -- run --budget abc ok.s
expect_error "--repeat not a number" xyz -- run --repeat xyz ok.s
expect_error "--repeat negative" -- run --repeat -3 ok.s
expect_error "--mem without a value" -- run ok.s --mem
expect_error "-o without a value" -- asm ok.s -o
expect_error "run without a program" -- run
expect_error "asm without a file" -- asm
expect_error "disasm without a file" -- disasm
expect_error "test-data without a path" -- test-data
expect_error "run with two programs" -- run ok.s ok.s

checks=$((checks + 1))
run_cli
if ! no_crash "no arguments" || [ "$rc" -eq 0 ]; then
    fail "no arguments: expected a usage message and a non-zero exit code"
    show
fi

finish
