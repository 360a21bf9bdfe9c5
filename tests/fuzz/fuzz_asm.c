/* libFuzzer target for the assembler: any text either assembles or fails with a message;
 * a program that assembles and validates disassembles and reassembles to the same bytes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfrt/isa.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_asm: %s: %s\n", what, detail);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16)
        return 0;
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';

    struct bpfrt_insn *p = NULL;
    size_t n = 0;
    struct bpfrt_diag diag;
    memset(&diag, 0x55, sizeof diag);
    if (bpfrt_asm(text, "fuzz.s", &p, &n, &diag) != 0) {
        if (!memchr(diag.msg, '\0', sizeof diag.msg))
            die("error message not terminated", "");
        if (diag.msg[0] == '\0')
            die("assembly failed without a message", text);
        free(text);
        return 0;
    }
    /* every slot disassembles into a bounded string */
    char line[256];
    for (size_t pc = 0; pc < n; pc++) {
        memset(line, 0x55, sizeof line);
        int k = bpfrt_disasm_insn(p, n, pc, line, sizeof line);
        if (k < 0 || k > 2 || !memchr(line, '\0', sizeof line))
            die("bpfrt_disasm_insn misbehaved", text);
    }
    if (n > 0 && bpfrt_isa_validate(p, n, &diag) == 0) {
        size_t cap = n * 300 + 1, len = 0;
        char *listing = malloc(cap);
        listing[0] = '\0';
        for (size_t pc = 0; pc < n;) {
            int k = bpfrt_disasm_insn(p, n, pc, line, sizeof line);
            if (k <= 0)
                die("valid program has an undecodable slot", text);
            len += (size_t)snprintf(listing + len, cap - len, "%s\n", line);
            pc += (size_t)k;
        }
        struct bpfrt_insn *q = NULL;
        size_t m = 0;
        if (bpfrt_asm(listing, "fuzz-disasm.s", &q, &m, &diag) != 0) {
            fprintf(stderr, "input:\n%s\nlisting:\n%s\nerror: %s\n", text, listing, diag.msg);
            die("disassembly does not reassemble", diag.msg);
        }
        if (m != n || memcmp(p, q, n * sizeof *p) != 0) {
            fprintf(stderr, "input:\n%s\nlisting:\n%s\n", text, listing);
            die("disassembly reassembles to different bytes", "");
        }
        free(q);
        free(listing);
    }
    free(p);
    free(text);
    return 0;
}
