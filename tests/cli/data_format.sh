#!/usr/bin/env bash
# `bpfrt test-data` on conformance-format files written in legitimate but less common ways:
# every one of these must pass (last line "1 passed, 0 failed", exit 0).
. "$(dirname "$0")/lib.sh"

expect_pass() { # DESC FILE
    checks=$((checks + 1))
    run_cli test-data "$2"
    if ! no_crash "$1" || [ "$rc" -ne 0 ] || [ "$(tail -n 1 .out)" != "1 passed, 0 failed" ]; then
        fail "$1: not reported as passing"
        show test-data "$2"
    fi
}

# -- result is hex; the 0x prefix is optional
printf -- '-- asm\nmov %%r0, 0x10\nexit\n-- result\n10\n' >result-no-prefix.data
expect_pass "result '10' without 0x means 0x10" result-no-prefix.data
printf -- '-- asm\nmov %%r0, 0xab\nexit\n-- result\nab\n' >result-letters.data
expect_pass "result 'ab' without 0x" result-letters.data
printf -- '-- asm\nmov %%r0, 0xab\nexit\n-- result\n0xAB\n' >result-upper.data
expect_pass "result in upper case" result-upper.data

# a 400-byte memory region on a single line
{
    printf -- '-- asm\nldxb %%r0, [%%r1+399]\nadd %%r0, %%r2\nexit\n-- mem\n'
    for _ in $(seq 1 399); do printf '00 '; done
    printf '07\n-- result\n0x197\n'
} >mem-long-line.data
expect_pass "400 bytes of memory on one line" mem-long-line.data

# a long comment line in the asm section
{
    printf -- '-- asm\n# '
    head -c 2000 /dev/zero | tr '\0' 'x'
    printf '\nmov %%r0, 1\nexit\n-- result\n0x1\n'
} >long-comment.data
expect_pass "2000-character comment line" long-comment.data

# CRLF line endings
printf -- '-- asm\r\nmov %%r0, 3\r\nexit\r\n-- result\r\n0x3\r\n' >crlf.data
expect_pass "CRLF line endings" crlf.data

# no trailing newline, comments after the result, blank lines between sections
printf -- '# header\n\n-- asm\nmov %%r0, 5 # five\n\nexit\n\n-- result\n0x5' >no-newline.data
expect_pass "no trailing newline, blank lines" no-newline.data

finish
