/* libFuzzer target for the loader and the checked-mode interpreter: bytes -> instructions ->
 * decode/disassemble every slot -> validate/create -> run in checked mode with a budget, a small
 * memory region and helper 5 (the conformance unwind helper). Nothing may crash; sanitizers
 * catch any access the checked mode lets through. Valid programs must also round-trip through
 * the disassembler and assembler. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfrt/vm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_vm: %s: %s\n", what, detail);
    abort();
}

static uint64_t h_unwind(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
    (void)r2, (void)r3, (void)r4, (void)r5;
    if (r1 == 0)
        bpfrt_vm_request_exit(0);
    return r1;
}

static uint8_t g_scratch[32];

/* returns a pointer to a 32-byte buffer it grants for this run */
static uint64_t h_buffer(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
    (void)r2, (void)r3, (void)r4, (void)r5;
    bpfrt_vm_grant_current(g_scratch, sizeof g_scratch, r1 & 1);
    return (uint64_t)(uintptr_t)g_scratch;
}

static void roundtrip(const struct bpfrt_insn *p, size_t n)
{
    size_t cap = n * 300 + 1, len = 0;
    char *listing = malloc(cap);
    char line[256];
    listing[0] = '\0';
    for (size_t pc = 0; pc < n;) {
        int k = bpfrt_disasm_insn(p, n, pc, line, sizeof line);
        if (k <= 0)
            die("valid program has an undecodable slot", line);
        len += (size_t)snprintf(listing + len, cap - len, "%s\n", line);
        pc += (size_t)k;
    }
    struct bpfrt_insn *q = NULL;
    size_t m = 0;
    struct bpfrt_diag diag;
    if (bpfrt_asm(listing, "fuzz-disasm.s", &q, &m, &diag) != 0) {
        fprintf(stderr, "listing:\n%s\n", listing);
        die("disassembly does not reassemble", diag.msg);
    }
    if (m != n || memcmp(p, q, n * sizeof *p) != 0) {
        fprintf(stderr, "listing:\n%s\n", listing);
        die("disassembly reassembles to different bytes", "");
    }
    free(q);
    free(listing);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16)
        return 0;
    struct bpfrt_insn *p = NULL;
    size_t n = 0;
    struct bpfrt_diag diag;
    memset(&diag, 0x55, sizeof diag);
    int rc = bpfrt_insns_from_bytes(data, size, "fuzz.bin", &p, &n, &diag);
    if (rc == 0 && (size == 0 || size % 8 != 0))
        die("accepted a length that is not a positive multiple of 8", "");
    if (rc != 0) {
        if (!memchr(diag.msg, '\0', sizeof diag.msg) || diag.msg[0] == '\0')
            die("rejected without a proper message", "");
        if (size < 8)
            return 0;
        if (bpfrt_insns_from_bytes(data, size - size % 8, "fuzz.bin", &p, &n, &diag) != 0)
            return 0;
    }
    if (n != size / 8)
        die("wrong instruction count", "");

    struct bpfrt_decoded dec;
    char line[256];
    for (size_t pc = 0; pc < n; pc++) {
        if (bpfrt_isa_decode(p, n, pc, &dec, &diag) == 0 && (dec.slots < 1 || dec.slots > 2))
            die("decode returned a bad slot count", "");
        int k = bpfrt_disasm_insn(p, n, pc, line, sizeof line);
        if (k < 0 || k > 2 || !memchr(line, '\0', sizeof line))
            die("bpfrt_disasm_insn misbehaved", "");
    }
    bool valid = bpfrt_isa_validate(p, n, &diag) == 0;
    if (valid)
        roundtrip(p, n);

    struct bpfrt_vm *vm = bpfrt_vm_create(p, n, &diag);
    if (vm) {
        if (!valid)
            die("bpfrt_vm_create accepted a program bpfrt_isa_validate rejects", diag.msg);
        bpfrt_vm_set_mode(vm, BPFRT_VM_CHECKED);
        bpfrt_vm_set_budget(vm, 20000);
        bpfrt_vm_set_helper(vm, 5, h_unwind);
        bpfrt_vm_set_helper(vm, 6, h_buffer);
        uint8_t *mem = malloc(64);
        for (int i = 0; i < 64; i++)
            mem[i] = (uint8_t)(i * 37 + 11);
        uint64_t r0 = 0;
        memset(&diag, 0x55, sizeof diag);
        if (bpfrt_vm_run(vm, mem, 64, &r0, &diag) != 0 &&
            (!memchr(diag.msg, '\0', sizeof diag.msg) || diag.msg[0] == '\0'))
            die("run failed without a proper message", "");
        free(mem);
        bpfrt_vm_destroy(vm);
    }
    free(p);
    return 0;
}
