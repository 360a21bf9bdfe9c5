/* Interpreter API tests: helpers, request_exit, grants, budget, modes, atomics under threads,
 * 32-bit value edge cases, and checked/trusted agreement on conformance programs.
 *
 * Usage: test_vm [--data DIR]... [--shared DIR]
 *   --data DIR    API tests plus checked/trusted agreement on DIR/NAME.data
 *   --shared DIR  only the checked/trusted agreement on the shared suite; exits 77 (skip)
 *                 with a printed reason when DIR does not exist. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfrt/vm.h"
#include "testlib.h"

/* ---- helpers for the tests ---- */

static uint64_t g_args[5];
static int g_calls;

static uint64_t h_record(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
    g_args[0] = r1, g_args[1] = r2, g_args[2] = r3, g_args[3] = r4, g_args[4] = r5;
    g_calls++;
    return r1 + r2 * 10 + r3 * 100 + r4 * 1000 + r5 * 10000;
}

/* the conformance suite's helper 5: returns r1, and ends the program with r0 = 0 when r1 is 0 */
static uint64_t h_unwind(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
    (void)r2, (void)r3, (void)r4, (void)r5;
    if (r1 == 0)
        bpfrt_vm_request_exit(0);
    return r1;
}

static int g_exit_rc;
static uint64_t h_exit(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
    (void)r2, (void)r3, (void)r4, (void)r5;
    g_exit_rc = bpfrt_vm_request_exit(r1);
    return 77;
}

static _Alignas(8) uint8_t g_buf[32];
static int g_grant_rc;

static uint64_t h_grant_rw(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
    (void)r1, (void)r2, (void)r3, (void)r4, (void)r5;
    g_grant_rc = bpfrt_vm_grant_current(g_buf, 16, true);
    return (uint64_t)(uintptr_t)g_buf;
}

static uint64_t h_grant_ro(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
    (void)r1, (void)r2, (void)r3, (void)r4, (void)r5;
    g_grant_rc = bpfrt_vm_grant_current(g_buf, 16, false);
    return (uint64_t)(uintptr_t)g_buf;
}

static uint64_t h_no_grant(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
    (void)r1, (void)r2, (void)r3, (void)r4, (void)r5;
    return (uint64_t)(uintptr_t)g_buf;
}

/* ---- utilities ---- */

static struct bpfrt_vm *load(const char *what, const char *text)
{
    struct bpfrt_insn *p = NULL;
    size_t n = 0;
    struct bpfrt_diag diag;
    memset(&diag, 0, sizeof diag);
    if (!CHECK(bpfrt_asm(text, what, &p, &n, &diag) == 0, "%s: assembly failed: %s", what,
               diag.msg))
        return NULL;
    struct bpfrt_vm *vm = bpfrt_vm_create(p, n, &diag);
    free(p);
    CHECK(vm != NULL, "%s: bpfrt_vm_create failed: %s", what, diag.msg);
    return vm;
}

static const char *mode_name(enum bpfrt_vm_mode m)
{
    return m == BPFRT_VM_CHECKED ? "checked" : "trusted";
}

/* Runs TEXT in both modes with a copy of MEM and checks r0 == WANT. */
static void expect_result(const char *what, const char *text, const void *mem, size_t mem_len,
                          uint64_t want)
{
    struct bpfrt_vm *vm = load(what, text);
    if (!vm)
        return;
    bpfrt_vm_set_helper(vm, 5, h_unwind);
    for (int m = 0; m < 2; m++) {
        enum bpfrt_vm_mode mode = m ? BPFRT_VM_TRUSTED : BPFRT_VM_CHECKED;
        bpfrt_vm_set_mode(vm, mode);
        uint8_t copy[256];
        if (mem_len)
            memcpy(copy, mem, mem_len);
        uint64_t r0 = 0xdeadbeef;
        struct bpfrt_diag diag;
        memset(&diag, 0, sizeof diag);
        int rc = bpfrt_vm_run(vm, mem_len ? copy : NULL, mem_len, &r0, &diag);
        if (CHECK(rc == 0, "%s (%s): run failed: %s", what, mode_name(mode), diag.msg))
            CHECK(r0 == want, "%s (%s): r0 = %#llx, expected %#llx", what, mode_name(mode),
                  (unsigned long long)r0, (unsigned long long)want);
    }
    bpfrt_vm_destroy(vm);
}

/* Runs VM (checked) and expects a fault whose message contains FRAGMENT (if given). */
static void expect_fault(const char *what, struct bpfrt_vm *vm, void *ctx, size_t len,
                         const char *fragment)
{
    uint64_t r0 = 0;
    struct bpfrt_diag diag;
    memset(&diag, 0, sizeof diag);
    int rc = bpfrt_vm_run(vm, ctx, len, &r0, &diag);
    if (CHECK(rc != 0, "%s: run succeeded (r0 = %#llx), expected a fault", what,
              (unsigned long long)r0)) {
        CHECK(diag.msg[0] != '\0', "%s: fault without a message", what);
        if (getenv("TEST_VERBOSE"))
            printf("  %s -> %s\n", what, diag.msg);
        if (fragment)
            CHECK(tl_contains_ci(diag.msg, fragment), "%s: message lacks '%s': '%s'", what,
                  fragment, diag.msg);
    }
}

/* ---- tests ---- */

static void test_helpers(void)
{
    struct bpfrt_vm *vm = load("helpers", "mov %r1, 1\n"
                                          "mov %r2, 2\n"
                                          "mov %r3, 3\n"
                                          "mov %r4, 4\n"
                                          "mov %r5, 5\n"
                                          "mov %r6, 600\n"
                                          "mov %r9, 900\n"
                                          "call 7\n"
                                          "add %r0, %r6\n"
                                          "add %r0, %r9\n"
                                          "exit\n");
    if (!vm)
        return;
    CHECK(bpfrt_vm_set_helper(vm, 7, h_record) == 0, "set_helper(7) failed");
    CHECK(bpfrt_vm_set_helper(vm, BPFRT_VM_MAX_HELPERS, h_record) != 0, "set_helper(%d) accepted",
          BPFRT_VM_MAX_HELPERS);
    CHECK(bpfrt_vm_set_helper(vm, 0xffffffffu, h_record) != 0, "set_helper(0xffffffff) accepted");
    for (int m = 0; m < 2; m++) {
        enum bpfrt_vm_mode mode = m ? BPFRT_VM_TRUSTED : BPFRT_VM_CHECKED;
        bpfrt_vm_set_mode(vm, mode);
        memset(g_args, 0, sizeof g_args);
        g_calls = 0;
        uint64_t r0 = 0;
        struct bpfrt_diag diag;
        memset(&diag, 0, sizeof diag);
        if (CHECK(bpfrt_vm_run(vm, NULL, 0, &r0, &diag) == 0, "helpers (%s): run failed: %s",
                  mode_name(mode), diag.msg)) {
            CHECK(g_calls == 1, "helpers (%s): helper called %d times", mode_name(mode), g_calls);
            CHECK(g_args[0] == 1 && g_args[1] == 2 && g_args[2] == 3 && g_args[3] == 4 &&
                      g_args[4] == 5,
                  "helpers (%s): args %llu %llu %llu %llu %llu", mode_name(mode),
                  (unsigned long long)g_args[0], (unsigned long long)g_args[1],
                  (unsigned long long)g_args[2], (unsigned long long)g_args[3],
                  (unsigned long long)g_args[4]);
            CHECK(r0 == 54321 + 600 + 900, "helpers (%s): r0 = %llu (r6/r9 not preserved?)",
                  mode_name(mode), (unsigned long long)r0);
        }
    }
    /* unregistering makes the call fail */
    CHECK(bpfrt_vm_set_helper(vm, 7, NULL) == 0, "set_helper(7, NULL) failed");
    bpfrt_vm_set_mode(vm, BPFRT_VM_CHECKED);
    expect_fault("helper 7 after unregistering", vm, NULL, 0, "helper");
    bpfrt_vm_destroy(vm);

    /* full 64-bit arguments, highest helper id */
    vm = load("helper args 64", "lddw %r1, 0xfedcba9876543210\n"
                                "lddw %r5, 0x8000000000000001\n"
                                "mov %r2, -1\n"
                                "mov %r3, 0\n"
                                "mov32 %r4, -1\n"
                                "call 1023\n"
                                "exit\n");
    if (vm) {
        CHECK(bpfrt_vm_set_helper(vm, 1023, h_record) == 0, "set_helper(1023) failed");
        uint64_t r0;
        struct bpfrt_diag diag;
        memset(&diag, 0, sizeof diag);
        if (CHECK(bpfrt_vm_run(vm, NULL, 0, &r0, &diag) == 0, "helper 1023: %s", diag.msg))
            CHECK(g_args[0] == 0xfedcba9876543210ull && g_args[1] == ~0ull && g_args[2] == 0 &&
                      g_args[3] == 0xffffffffull && g_args[4] == 0x8000000000000001ull,
                  "helper 1023: 64-bit args not passed intact");
        bpfrt_vm_destroy(vm);
    }

    /* unknown helper: rejected with a message naming it */
    vm = load("unknown helper", "mov %r0, 1\ncall 99\nexit\n");
    if (vm) {
        bpfrt_vm_set_helper(vm, 7, h_record);
        for (int m = 0; m < 2; m++) {
            bpfrt_vm_set_mode(vm, m ? BPFRT_VM_TRUSTED : BPFRT_VM_CHECKED);
            uint64_t r0 = 0;
            struct bpfrt_diag diag;
            memset(&diag, 0, sizeof diag);
            int rc = bpfrt_vm_run(vm, NULL, 0, &r0, &diag);
            if (CHECK(rc != 0, "unknown helper 99 (%s): run succeeded",
                      mode_name((enum bpfrt_vm_mode)m)))
                CHECK(strstr(diag.msg, "99") != NULL,
                      "unknown helper (%s): message does not name helper 99: '%s'",
                      mode_name((enum bpfrt_vm_mode)m), diag.msg);
        }
        bpfrt_vm_destroy(vm);
    }
    /* callx: register holds the id */
    vm = load("callx", "mov %r1, 4\nmov %r2, 7\ncall %r2\nexit\n");
    if (vm) {
        bpfrt_vm_set_helper(vm, 7, h_record);
        uint64_t r0 = 0;
        struct bpfrt_diag diag;
        memset(&diag, 0, sizeof diag);
        if (CHECK(bpfrt_vm_run(vm, NULL, 0, &r0, &diag) == 0, "callx: %s", diag.msg))
            CHECK(r0 == 4 + 70, "callx: r0 = %llu", (unsigned long long)r0);
        bpfrt_vm_destroy(vm);
    }
    vm = load("callx unknown", "mov %r2, 1000\ncall %r2\nexit\n");
    if (vm) {
        expect_fault("callx to unregistered id 1000", vm, NULL, 0, "helper");
        bpfrt_vm_destroy(vm);
    }
    vm = load("callx huge", "lddw %r2, 0x100000007\ncall %r2\nexit\n");
    if (vm) {
        bpfrt_vm_set_helper(vm, 7, h_record);
        expect_fault("callx to id 0x100000007", vm, NULL, 0, "helper");
        bpfrt_vm_destroy(vm);
    }
}

static void test_request_exit(void)
{
    CHECK(bpfrt_vm_request_exit(1) != 0, "request_exit outside a run did not fail");
    CHECK(bpfrt_vm_grant_current(g_buf, 8, true) != 0, "grant_current outside a run did not fail");

    struct bpfrt_vm *vm = load("request_exit", "mov %r1, 0x1234\n"
                                               "call 8\n"
                                               "mov %r0, 1\n"
                                               "exit\n");
    if (!vm)
        return;
    bpfrt_vm_set_helper(vm, 8, h_exit);
    for (int m = 0; m < 2; m++) {
        enum bpfrt_vm_mode mode = m ? BPFRT_VM_TRUSTED : BPFRT_VM_CHECKED;
        bpfrt_vm_set_mode(vm, mode);
        g_exit_rc = -5;
        uint64_t r0 = 0;
        struct bpfrt_diag diag;
        memset(&diag, 0, sizeof diag);
        if (CHECK(bpfrt_vm_run(vm, NULL, 0, &r0, &diag) == 0, "request_exit (%s): %s",
                  mode_name(mode), diag.msg)) {
            CHECK(g_exit_rc == 0, "request_exit (%s) inside a helper returned %d", mode_name(mode),
                  g_exit_rc);
            CHECK(r0 == 0x1234, "request_exit (%s): r0 = %#llx, expected 0x1234", mode_name(mode),
                  (unsigned long long)r0);
        }
    }
    bpfrt_vm_destroy(vm);
    CHECK(bpfrt_vm_request_exit(1) != 0, "request_exit after a run did not fail");

    /* exit requested from a nested local call ends the whole program */
    vm = load("request_exit nested", "call local f\n"
                                     "mov %r0, 1\n"
                                     "exit\n"
                                     "f:\n"
                                     "mov %r1, 0x55\n"
                                     "call 8\n"
                                     "mov %r0, 2\n"
                                     "exit\n");
    if (vm) {
        bpfrt_vm_set_helper(vm, 8, h_exit);
        uint64_t r0 = 0;
        struct bpfrt_diag diag;
        memset(&diag, 0, sizeof diag);
        if (CHECK(bpfrt_vm_run(vm, NULL, 0, &r0, &diag) == 0, "request_exit nested: %s", diag.msg))
            CHECK(r0 == 0x55, "request_exit nested: r0 = %#llx", (unsigned long long)r0);
        /* a later run that does not request exit behaves normally */
        bpfrt_vm_set_helper(vm, 8, h_record);
        memset(&diag, 0, sizeof diag);
        if (CHECK(bpfrt_vm_run(vm, NULL, 0, &r0, &diag) == 0, "run after request_exit: %s",
                  diag.msg))
            CHECK(r0 == 1, "run after request_exit: r0 = %#llx, expected 1",
                  (unsigned long long)r0);
        bpfrt_vm_destroy(vm);
    }
}

static const char *const GRANT_PROG = "call 9\n"
                                      "mov %r6, %r0\n"
                                      "ldxdw %r0, [%r6+8]\n"
                                      "stdw [%r6+0], 0xabc\n"
                                      "exit\n";

static void test_grants(void)
{
    uint64_t v = 0x1122334455667788ull;
    struct bpfrt_diag diag;
    uint64_t r0;

    struct bpfrt_vm *vm = load("grant_current", GRANT_PROG);
    if (!vm)
        return;
    /* default mode is checked */
    bpfrt_vm_set_helper(vm, 9, h_grant_rw);
    memset(g_buf, 0, sizeof g_buf);
    memcpy(g_buf + 8, &v, 8);
    g_grant_rc = -5;
    memset(&diag, 0, sizeof diag);
    if (CHECK(bpfrt_vm_run(vm, NULL, 0, &r0, &diag) == 0, "grant_current: run failed: %s",
              diag.msg)) {
        uint64_t w;
        memcpy(&w, g_buf, 8);
        CHECK(g_grant_rc == 0, "grant_current returned %d inside a helper", g_grant_rc);
        CHECK(r0 == v, "grant_current: read %#llx", (unsigned long long)r0);
        CHECK(w == 0xabc, "grant_current: store did not land (%#llx)", (unsigned long long)w);
    }

    /* the same access without the grant faults (checked is the default) */
    bpfrt_vm_set_helper(vm, 9, h_no_grant);
    expect_fault("buffer not granted", vm, NULL, 0, "outside");
    /* the grant does not outlive the run it was made in */
    bpfrt_vm_set_helper(vm, 9, h_grant_rw);
    CHECK(bpfrt_vm_run(vm, NULL, 0, &r0, &diag) == 0, "grant_current again: %s", diag.msg);
    bpfrt_vm_set_helper(vm, 9, h_no_grant);
    expect_fault("buffer granted only in an earlier run", vm, NULL, 0, "outside");
    /* a read-only grant allows the load, faults on the store */
    bpfrt_vm_set_helper(vm, 9, h_grant_ro);
    expect_fault("store to a read-only grant", vm, NULL, 0, "outside");
    bpfrt_vm_destroy(vm);

    vm = load("read-only grant", "call 9\nldxdw %r0, [%r0+8]\nexit\n");
    if (vm) {
        bpfrt_vm_set_helper(vm, 9, h_grant_ro);
        memset(&diag, 0, sizeof diag);
        if (CHECK(bpfrt_vm_run(vm, NULL, 0, &r0, &diag) == 0, "load from read-only grant: %s",
                  diag.msg))
            CHECK(r0 == v, "load from read-only grant: %#llx", (unsigned long long)r0);
        bpfrt_vm_destroy(vm);
    }
    /* just past the granted 16 bytes, and straddling the end */
    vm = load("past the grant", "call 9\nldxb %r0, [%r0+16]\nexit\n");
    if (vm) {
        bpfrt_vm_set_helper(vm, 9, h_grant_rw);
        expect_fault("load one byte past a grant", vm, NULL, 0, "outside");
        bpfrt_vm_destroy(vm);
    }
    vm = load("straddling the grant", "call 9\nldxdw %r0, [%r0+12]\nexit\n");
    if (vm) {
        bpfrt_vm_set_helper(vm, 9, h_grant_rw);
        expect_fault("8-byte load straddling the end of a grant", vm, NULL, 0, "outside");
        bpfrt_vm_destroy(vm);
    }
    vm = load("below the grant", "call 9\nldxb %r0, [%r0-1]\nexit\n");
    if (vm) {
        bpfrt_vm_set_helper(vm, 9, h_grant_rw);
        expect_fault("load one byte before a grant", vm, NULL, 0, "outside");
        bpfrt_vm_destroy(vm);
    }
    vm = load("atomic on read-only grant", "call 9\nmov %r1, 1\nlock add [%r0+0], %r1\nexit\n");
    if (vm) {
        bpfrt_vm_set_helper(vm, 9, h_grant_ro);
        expect_fault("atomic add on a read-only grant", vm, NULL, 0, "outside");
        bpfrt_vm_destroy(vm);
    }

    /* bpfrt_vm_grant: permanent grants, up to 16 */
    vm = load("vm_grant", GRANT_PROG);
    if (vm) {
        bpfrt_vm_set_helper(vm, 9, h_no_grant);
        CHECK(bpfrt_vm_grant(vm, g_buf, 16, true) == 0, "bpfrt_vm_grant failed");
        memset(g_buf, 0, sizeof g_buf);
        memcpy(g_buf + 8, &v, 8);
        for (int run = 0; run < 2; run++) {
            memset(&diag, 0, sizeof diag);
            if (CHECK(bpfrt_vm_run(vm, NULL, 0, &r0, &diag) == 0, "vm_grant run %d: %s", run,
                      diag.msg))
                CHECK(r0 == v, "vm_grant run %d: read %#llx", run, (unsigned long long)r0);
        }
        static uint8_t many[16][8];
        int ok = 1, i;
        for (i = 0; i < 15 && ok; i++)
            ok = bpfrt_vm_grant(vm, many[i], 8, false) == 0;
        CHECK(ok, "bpfrt_vm_grant failed at grant %d of 16", i + 1);
        CHECK(bpfrt_vm_grant(vm, many[15], 8, false) != 0, "a 17th bpfrt_vm_grant was accepted");
        bpfrt_vm_destroy(vm);
    }
    vm = load("vm_grant read-only", GRANT_PROG);
    if (vm) {
        bpfrt_vm_set_helper(vm, 9, h_no_grant);
        bpfrt_vm_grant(vm, g_buf, 16, false);
        expect_fault("store to a read-only bpfrt_vm_grant region", vm, NULL, 0, "outside");
        bpfrt_vm_destroy(vm);
    }
}

static void test_checked_faults(void)
{
    uint8_t mem[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    struct {
        const char *what, *text;
    } cases[] = {
        {"load just past ctx", "ldxb %r0, [%r1+8]\nexit\n"},
        {"store just past ctx", "stb [%r1+8], 1\nexit\n"},
        {"4-byte load straddling ctx end", "ldxw %r0, [%r1+6]\nexit\n"},
        {"load before ctx", "ldxb %r0, [%r1-1]\nexit\n"},
        {"null pointer load", "mov %r1, 0\nldxb %r0, [%r1+0]\nexit\n"},
        {"null pointer store", "mov %r1, 0\nstxdw [%r1+16], %r1\nexit\n"},
        {"stack below the frame", "ldxb %r0, [%r10-513]\nexit\n"},
        {"stack at the frame pointer", "stxb [%r10+0], %r1\nexit\n"},
        {"atomic past ctx", "mov %r2, 1\nlock add [%r1+8], %r2\nexit\n"},
        {"wild pointer", "lddw %r1, 0x4141414141414141\nldxdw %r0, [%r1+0]\nexit\n"},
        {"pointer wrapping around", "lddw %r2, 0xffffffffffffffff\nadd %r1, %r2\n"
                                    "ldxb %r0, [%r1+1]\nldxb %r0, [%r1+0]\nexit\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct bpfrt_vm *vm = load(cases[i].what, cases[i].text);
        if (!vm)
            continue;
        bpfrt_vm_set_mode(vm, BPFRT_VM_CHECKED);
        expect_fault(cases[i].what, vm, mem, sizeof mem, "outside");
        bpfrt_vm_destroy(vm);
    }
    /* in bounds: the whole ctx and the whole stack frame */
    expect_result("ctx edges", "ldxb %r0, [%r1+7]\nldxdw %r3, [%r1+0]\nexit\n", mem, sizeof mem, 8);
    expect_result("stack edges",
                  "stdw [%r10-512], 5\nstb [%r10-1], 6\nldxdw %r0, [%r10-512]\n"
                  "ldxb %r1, [%r10-1]\nadd %r0, %r1\nexit\n",
                  NULL, 0, 11);
}

static void test_budget(void)
{
    struct bpfrt_vm *vm = load("infinite loop", "mov %r0, 0\nloop:\nadd %r0, 1\nja loop\nexit\n");
    if (vm) {
        bpfrt_vm_set_mode(vm, BPFRT_VM_CHECKED);
        bpfrt_vm_set_budget(vm, 10000);
        expect_fault("budget 10000 on an infinite loop", vm, NULL, 0, "budget");
        uint64_t c = bpfrt_vm_last_insn_count();
        CHECK(c == 10000, "insn count after the budget ran out: %llu", (unsigned long long)c);
        bpfrt_vm_destroy(vm);
    }
    /* 1 + 100 * 2 + 1 = 202 instructions */
    vm = load("counted loop", "mov %r0, 0\nloop:\nadd %r0, 1\njne %r0, 100, loop\nexit\n");
    if (vm) {
        uint64_t r0 = 0;
        struct bpfrt_diag diag;
        memset(&diag, 0, sizeof diag);
        if (CHECK(bpfrt_vm_run(vm, NULL, 0, &r0, &diag) == 0, "counted loop: %s", diag.msg)) {
            uint64_t c = bpfrt_vm_last_insn_count();
            CHECK(r0 == 100, "counted loop: r0 = %llu", (unsigned long long)r0);
            CHECK(c == 202, "counted loop: insn count %llu, expected 202", (unsigned long long)c);
        }
        bpfrt_vm_set_budget(vm, 1000);
        CHECK(bpfrt_vm_run(vm, NULL, 0, &r0, &diag) == 0 && r0 == 100,
              "counted loop within budget 1000 failed: %s", diag.msg);
        bpfrt_vm_set_budget(vm, 150);
        expect_fault("counted loop over budget 150", vm, NULL, 0, "budget");
        /* a budget of N allows exactly N instructions */
        bpfrt_vm_set_budget(vm, 202);
        CHECK(bpfrt_vm_run(vm, NULL, 0, &r0, &diag) == 0 && r0 == 100,
              "202-instruction run with budget 202 failed: %s", diag.msg);
        bpfrt_vm_set_budget(vm, 201);
        expect_fault("202-instruction run with budget 201", vm, NULL, 0, "budget");
        CHECK(bpfrt_vm_last_insn_count() == 201, "insn count when budget 201 ran out: %llu",
              (unsigned long long)bpfrt_vm_last_insn_count());
        bpfrt_vm_set_budget(vm, 0);
        CHECK(bpfrt_vm_run(vm, NULL, 0, &r0, &diag) == 0 && r0 == 100,
              "counted loop with budget 0 (unlimited) failed: %s", diag.msg);
        bpfrt_vm_destroy(vm);
    }
    /* the budget counts instructions in called functions too */
    vm = load("budget with calls", "loop:\ncall local f\nja loop\nf:\nmov %r0, 1\nexit\n");
    if (vm) {
        bpfrt_vm_set_budget(vm, 5000);
        expect_fault("budget on a loop of local calls", vm, NULL, 0, "budget");
        bpfrt_vm_destroy(vm);
    }
}

static void test_create(void)
{
    struct bpfrt_diag diag;
    struct bpfrt_insn p[3];
    memset(p, 0, sizeof p);
    bpfrt_vm_destroy(NULL);

    memset(&diag, 0, sizeof diag);
    CHECK(bpfrt_vm_create(p, 0, &diag) == NULL && diag.msg[0], "empty program accepted");

    p[0].code = 0xb7; /* mov %r0, 0 */
    p[1].code = 0xff;
    p[2].code = 0x95;
    memset(&diag, 0, sizeof diag);
    CHECK(bpfrt_vm_create(p, 3, &diag) == NULL && strstr(diag.msg, "1"),
          "unknown opcode at 1 not rejected with its index: '%s'", diag.msg);

    /* lddw needing relocation (map fd) and call by BTF id are refused */
    struct bpfrt_insn q[3];
    memset(q, 0, sizeof q);
    q[0].code = 0x18;
    q[0].src_reg = 1;
    q[0].imm = 3;
    q[2].code = 0x95;
    memset(&diag, 0, sizeof diag);
    struct bpfrt_vm *vm = bpfrt_vm_create(q, 3, &diag);
    CHECK(vm == NULL && diag.msg[0], "lddw map fd accepted by bpfrt_vm_create");
    bpfrt_vm_destroy(vm);
    memset(q, 0, sizeof q);
    q[0].code = 0x85;
    q[0].src_reg = 2;
    q[0].imm = 17;
    q[1].code = 0x95;
    memset(&diag, 0, sizeof diag);
    vm = bpfrt_vm_create(q, 2, &diag);
    CHECK(vm == NULL && diag.msg[0], "call by BTF id accepted by bpfrt_vm_create");
    bpfrt_vm_destroy(vm);
}

static void test_values(void)
{
    static const struct {
        const char *text;
        uint64_t want;
    } cases[] = {
        {"mov32 %r0, -1\nexit\n", 0xffffffffull},
        {"mov %r0, -1\nexit\n", ~0ull},
        {"mov %r0, 0x80000000\nexit\n", 0xffffffff80000000ull},
        {"mov32 %r0, 0x80000000\nexit\n", 0x80000000ull},
        {"lddw %r0, 0xffffffff00000000\nadd32 %r0, 0\nexit\n", 0},
        {"lddw %r0, 0x1ffffffff\nmov32 %r0, %r0\nexit\n", 0xffffffffull},
        {"mov32 %r0, 0x7fffffff\nadd32 %r0, 1\nexit\n", 0x80000000ull},
        {"mov32 %r0, 0\nsub32 %r0, 1\nexit\n", 0xffffffffull},
        {"mov32 %r0, -1\nmul32 %r0, -1\nexit\n", 1},
        {"mov32 %r0, 0x80000000\narsh32 %r0, 31\nexit\n", 0xffffffffull},
        {"mov %r0, -1\nrsh32 %r0, 1\nexit\n", 0x7fffffffull},
        {"mov %r0, -1\ndiv32 %r0, 2\nexit\n", 0x7fffffffull},
        {"mov %r0, -1\nsdiv32 %r0, 2\nexit\n", 0},
        {"mov32 %r0, 0x80000000\nneg32 %r0\nexit\n", 0x80000000ull},
        {"lddw %r0, 0x8000000000000000\nneg %r0\nexit\n", 0x8000000000000000ull},
        {"lddw %r0, 0x8000000000000000\nsdiv %r0, -1\nexit\n", 0x8000000000000000ull},
        {"mov32 %r0, 0x80000000\nsdiv32 %r0, -1\nexit\n", 0x80000000ull},
        {"mov32 %r0, 0x80000000\nsmod32 %r0, -1\nexit\n", 0},
        {"lddw %r0, 0xdeadbeef00000005\nmov %r1, 0\ndiv32 %r0, %r1\nexit\n", 0},
        {"lddw %r0, 0xdeadbeef00000005\nmov %r1, 0\nmod32 %r0, %r1\nexit\n", 5},
        {"lddw %r0, 0xdeadbeef00000005\nmov %r1, 0\nmod %r0, %r1\nexit\n", 0xdeadbeef00000005ull},
        {"mov %r0, 1\nlsh32 %r0, 32\nexit\n", 1},
        {"mov %r0, 1\nmov %r1, 33\nlsh32 %r0, %r1\nexit\n", 2},
        {"mov %r0, 1\nmov %r1, 64\nlsh %r0, %r1\nexit\n", 1},
        {"mov %r0, %r2\nexit\n", 0}, /* no ctx: r2 = 0 */
        {"lddw %r0, 0x0102030405060708\nbe16 %r0\nexit\n", 0x0807},
        {"lddw %r0, 0x0102030405060708\nle32 %r0\nexit\n", 0x05060708},
        {"lddw %r0, 0x0102030405060708\nbswap64 %r0\nexit\n", 0x0807060504030201ull},
        {"mov32 %r1, 0x8001\nmovsx1664 %r0, %r1\nexit\n", 0xffffffffffff8001ull},
        {"lddw %r1, 0x1234567880000000\nmovsx3264 %r0, %r1\nexit\n", 0xffffffff80000000ull},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char what[64];
        snprintf(what, sizeof what, "value case %zu", i);
        expect_result(what, cases[i].text, NULL, 0, cases[i].want);
    }
    /* r1 = ctx, r2 = ctx length */
    uint8_t mem[200] = {0};
    mem[199] = 0x5a;
    expect_result("ctx length in r2", "mov %r0, %r2\nexit\n", mem, sizeof mem, 200);
    expect_result("ctx pointer in r1", "add %r1, %r2\nldxb %r0, [%r1-1]\nexit\n", mem, sizeof mem,
                  0x5a);
}

/* ---- atomics under threads ---- */

#define ITERS 100000
static const char *const ATOMIC_PROG = "mov %r3, 0\n"
                                       "loop:\n"
                                       "mov %r4, 1\n"
                                       "lock add [%r1+0], %r4\n"
                                       "mov %r5, 1\n"
                                       "lock fetch add32 [%r1+8], %r5\n"
                                       "retry:\n"
                                       "ldxdw %r0, [%r1+16]\n"
                                       "mov %r7, %r0\n"
                                       "mov %r6, %r0\n"
                                       "add %r6, 1\n"
                                       "lock cmpxchg [%r1+16], %r6\n"
                                       "jne %r0, %r7, retry\n"
                                       "add %r3, 1\n"
                                       "jne %r3, 100000, loop\n"
                                       "mov %r0, 0\n"
                                       "exit\n";

struct counters {
    _Alignas(8) uint64_t add64;
    uint64_t fadd32; /* low half counts; high half must stay 0 */
    uint64_t cas64;
};

struct thread_arg {
    struct bpfrt_vm *vm;
    struct counters *c;
    int rc;
    char msg[512];
};

static void *thread_main(void *p)
{
    struct thread_arg *a = p;
    uint64_t r0;
    struct bpfrt_diag diag;
    memset(&diag, 0, sizeof diag);
    a->rc = bpfrt_vm_run(a->vm, a->c, sizeof *a->c, &r0, &diag);
    memcpy(a->msg, diag.msg, sizeof a->msg);
    return NULL;
}

static void test_atomic_threads(void)
{
    for (int variant = 0; variant < 4; variant++) {
        enum bpfrt_vm_mode mode = (variant & 1) ? BPFRT_VM_TRUSTED : BPFRT_VM_CHECKED;
        bool shared_vm = variant & 2;
        char what[96];
        snprintf(what, sizeof what, "atomics, 2 threads, %s, %s", mode_name(mode),
                 shared_vm ? "one vm" : "one vm per thread");
        struct bpfrt_vm *vms[2] = {load(what, ATOMIC_PROG), NULL};
        if (!vms[0])
            return;
        vms[1] = shared_vm ? vms[0] : load(what, ATOMIC_PROG);
        if (!vms[1]) {
            bpfrt_vm_destroy(vms[0]);
            return;
        }
        for (int i = 0; i < 2; i++)
            bpfrt_vm_set_mode(vms[i], mode);
        static struct counters c;
        memset(&c, 0, sizeof c);
        struct thread_arg args[2];
        pthread_t th[2];
        for (int i = 0; i < 2; i++) {
            memset(&args[i], 0, sizeof args[i]);
            args[i].vm = vms[i];
            args[i].c = &c;
            pthread_create(&th[i], NULL, thread_main, &args[i]);
        }
        for (int i = 0; i < 2; i++) {
            pthread_join(th[i], NULL);
            CHECK(args[i].rc == 0, "%s: thread %d run failed: %s", what, i, args[i].msg);
        }
        CHECK(c.add64 == 2 * ITERS, "%s: lock add total %llu, expected %d", what,
              (unsigned long long)c.add64, 2 * ITERS);
        CHECK(c.fadd32 == 2 * ITERS, "%s: lock fetch add32 total %#llx, expected %#x", what,
              (unsigned long long)c.fadd32, 2 * ITERS);
        CHECK(c.cas64 == 2 * ITERS, "%s: cmpxchg loop total %llu, expected %d", what,
              (unsigned long long)c.cas64, 2 * ITERS);
        bpfrt_vm_destroy(vms[0]);
        if (!shared_vm)
            bpfrt_vm_destroy(vms[1]);
    }
}

/* ---- a helper that runs another program ---- */

static struct bpfrt_vm *g_inner;
static int g_inner_rc;
static uint64_t g_inner_r0;
static uint64_t g_inner_count;

/* runs g_inner, then (back in the outer run) grants g_buf, stores inner r0 + r1 at g_buf[0]
 * and returns g_buf */
static uint64_t h_run_inner(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
    (void)r2, (void)r3, (void)r4, (void)r5;
    struct bpfrt_diag diag;
    memset(&diag, 0, sizeof diag);
    g_inner_rc = bpfrt_vm_run(g_inner, NULL, 0, &g_inner_r0, &diag);
    g_inner_count = bpfrt_vm_last_insn_count();
    g_grant_rc = bpfrt_vm_grant_current(g_buf, 16, false);
    uint64_t v = g_inner_r0 + r1;
    memcpy(g_buf, &v, 8);
    return (uint64_t)(uintptr_t)g_buf;
}

static void test_nested_runs(void)
{
    struct bpfrt_vm *outer = load("outer", "mov %r6, 1000\n"
                                           "mov %r1, 5\n"
                                           "call 20\n"
                                           "ldxdw %r0, [%r0+0]\n"
                                           "add %r0, %r6\n"
                                           "exit\n");
    /* the inner program ends itself through request_exit(9) from helper 8 */
    g_inner = load("inner", "mov %r1, 9\ncall 8\nmov %r0, 2\nexit\n");
    if (outer && g_inner) {
        bpfrt_vm_set_helper(g_inner, 8, h_exit);
        bpfrt_vm_set_helper(outer, 20, h_run_inner);
        for (int m = 0; m < 2; m++) {
            enum bpfrt_vm_mode mode = m ? BPFRT_VM_TRUSTED : BPFRT_VM_CHECKED;
            bpfrt_vm_set_mode(outer, mode);
            bpfrt_vm_set_mode(g_inner, mode);
            g_inner_rc = -5;
            g_grant_rc = -5;
            uint64_t r0 = 0;
            struct bpfrt_diag diag;
            memset(&diag, 0, sizeof diag);
            int rc = bpfrt_vm_run(outer, NULL, 0, &r0, &diag);
            CHECK(g_inner_rc == 0 && g_inner_r0 == 9, "nested (%s): inner run rc %d r0 %llu",
                  mode_name(mode), g_inner_rc, (unsigned long long)g_inner_r0);
            CHECK(g_grant_rc == 0, "nested (%s): grant_current after an inner run returned %d",
                  mode_name(mode), g_grant_rc);
            if (CHECK(rc == 0, "nested (%s): outer run failed: %s", mode_name(mode), diag.msg))
                CHECK(r0 == 1014, "nested (%s): outer r0 = %llu, expected 1014", mode_name(mode),
                      (unsigned long long)r0);
            if (mode == BPFRT_VM_CHECKED)
                CHECK(g_inner_count >= 2 && g_inner_count <= 4,
                      "nested: last_insn_count after the inner run is %llu",
                      (unsigned long long)g_inner_count);
        }
    }
    bpfrt_vm_destroy(outer);
    bpfrt_vm_destroy(g_inner);
    g_inner = NULL;
}

/* ---- checked and trusted agree on conformance programs ---- */

static int agree_dir(const char *dir)
{
    char **files;
    int n = tl_list_dir(dir, ".data", &files);
    if (!CHECK(n >= 0, "cannot open %s", dir))
        return 0;
    int done = 0;
    for (int i = 0; i < n; i++) {
        char *text = tl_read_file(files[i], NULL);
        if (!CHECK(text != NULL, "cannot read %s", files[i]))
            continue;
        struct tl_data d;
        tl_parse_data(text, &d);
        free(text);
        if (d.bad || !d.asm_text || !d.has_result || d.has_error) {
            tl_free_data(&d);
            continue;
        }
        struct bpfrt_insn *p = NULL;
        size_t pn = 0;
        struct bpfrt_diag diag;
        memset(&diag, 0, sizeof diag);
        struct bpfrt_vm *vm = NULL;
        if (CHECK(bpfrt_asm(d.asm_text, files[i], &p, &pn, &diag) == 0, "%s: asm: %s", files[i],
                  diag.msg) &&
            CHECK((vm = bpfrt_vm_create(p, pn, &diag)) != NULL, "%s: create: %s", files[i],
                  diag.msg)) {
            bpfrt_vm_set_helper(vm, 5, h_unwind);
            uint64_t res[2] = {0, 0};
            int rc[2];
            uint8_t *mem[2] = {NULL, NULL};
            for (int m = 0; m < 2; m++) {
                enum bpfrt_vm_mode mode = m ? BPFRT_VM_TRUSTED : BPFRT_VM_CHECKED;
                bpfrt_vm_set_mode(vm, mode);
                if (d.has_mem && d.mem_len) {
                    mem[m] = malloc(d.mem_len);
                    memcpy(mem[m], d.mem, d.mem_len);
                }
                memset(&diag, 0, sizeof diag);
                rc[m] = bpfrt_vm_run(vm, mem[m], d.has_mem ? d.mem_len : 0, &res[m], &diag);
                CHECK(rc[m] == 0, "%s (%s): run failed: %s", files[i], mode_name(mode), diag.msg);
            }
            CHECK(rc[0] == rc[1] && res[0] == res[1],
                  "%s: checked gives %#llx, trusted gives %#llx", files[i],
                  (unsigned long long)res[0], (unsigned long long)res[1]);
            CHECK(res[0] == d.result, "%s: r0 = %#llx, expected %#llx", files[i],
                  (unsigned long long)res[0], (unsigned long long)d.result);
            CHECK(!d.mem_len || memcmp(mem[0], mem[1], d.mem_len) == 0,
                  "%s: memory after the run differs between modes", files[i]);
            free(mem[0]);
            free(mem[1]);
            done++;
        }
        bpfrt_vm_destroy(vm);
        free(p);
        tl_free_data(&d);
    }
    tl_free_list(files, n);
    return done;
}

int main(int argc, char **argv)
{
    const char *shared = NULL;
    const char *data[TL_MAX_DATA_DIRS];
    int ndata = tl_parse_args(argc, argv, &shared, data);
    if (ndata < 0)
        return 2;
    if (shared) {
        if (!tl_is_dir(shared)) {
            printf("SKIP: shared conformance suite not found at %s; mode agreement not run on "
                   "it\n",
                   shared);
            return TEST_SKIP_CODE;
        }
        int n = agree_dir(shared);
        printf("checked/trusted agreement: %d shared conformance programs\n", n);
        CHECK(n > 0, "no programs found in %s", shared);
    }
    if (ndata || !shared) {
        test_create();
        test_helpers();
        test_request_exit();
        test_grants();
        test_checked_faults();
        test_budget();
        test_values();
        test_atomic_threads();
        test_nested_runs();
        for (int i = 0; i < ndata; i++) {
            int n = agree_dir(data[i]);
            printf("checked/trusted agreement: %d programs in %s\n", n, data[i]);
            CHECK(n > 0, "no programs found in %s", data[i]);
        }
    }
    return tl_summary();
}
