/* bpfrt asm / bpfrt disasm */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "platform/platform.h"

int cmd_asm(int argc, char **argv)
{
    const char *in = NULL, *out = NULL;
    bool json = false;
    for (int i = 1; i < argc; i++) {
        if (cli_is_help(argv[i])) {
            puts("usage: bpfrt asm FILE.s [-o OUT.bin]\n"
                 "Assembles FILE.s (conformance-suite syntax) into raw little-endian 8-byte\n"
                 "instruction slots; writes OUT.bin (default: FILE.bin). --json prints\n"
                 "{\"output\": OUT, \"insns\": N} (or {\"error\": ...}).");
            return 0;
        } else if (strcmp(argv[i], "--json") == 0 || strcmp(argv[i], "-j") == 0) {
            json = true;
        } else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
            out = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            cli_error("asm: unknown option '%s'", argv[i]);
            return 2;
        } else if (!in) {
            in = argv[i];
        } else {
            cli_error("asm: more than one input file");
            return 2;
        }
    }
    if (!in) {
        cli_error("asm: missing input file (usage: bpfrt asm FILE.s [-o OUT.bin])");
        return 2;
    }
    char *defout = NULL;
    if (!out) {
        size_t len = strlen(in);
        defout = malloc(len + 5);
        if (!defout)
            return 1;
        memcpy(defout, in, len + 1);
        if (cli_ends_with(defout, ".s"))
            defout[len - 2] = 0;
        strcat(defout, ".bin");
        out = defout;
    }
    struct bpfrt_diag diag;
    char *text;
    size_t len, n;
    struct bpfrt_insn *insns = NULL;
    int rc = 1;
    if (bpfrt_read_file(in, &text, &len, &diag) == 0) {
        if (cli_check_text(in, text, len, &diag) == 0 &&
            bpfrt_asm(text, in, &insns, &n, &diag) == 0 &&
            bpfrt_write_file(out, insns, n * sizeof(*insns), &diag) == 0)
            rc = 0;
        free(text);
    }
    if (rc && json)
        json_error(diag.msg);
    if (rc)
        cli_error("%s", diag.msg);
    else if (json) {
        printf("{\"output\":");
        json_str(stdout, out);
        printf(",\"insns\":%zu}\n", n);
    }
    free(insns);
    free(defout);
    return rc;
}

int cmd_disasm(int argc, char **argv)
{
    const char *in = NULL;
    bool json = false;
    for (int i = 1; i < argc; i++) {
        if (cli_is_help(argv[i])) {
            puts("usage: bpfrt disasm [--json] FILE.bin|FILE.s|OBJ.o\n"
                 "Prints each instruction as 'INDEX: TEXT' in the assembler's syntax; slots\n"
                 "that are not valid instructions print as '.word 0x...' with the reason.\n"
                 "--json prints [{\"pc\", \"text\", \"error\"?}...].");
            return 0;
        } else if (strcmp(argv[i], "--json") == 0 || strcmp(argv[i], "-j") == 0) {
            json = true;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            cli_error("disasm: unknown option '%s'", argv[i]);
            return 2;
        } else if (!in) {
            in = argv[i];
        } else {
            cli_error("disasm: more than one input file");
            return 2;
        }
    }
    if (!in) {
        cli_error("disasm: missing input file (usage: bpfrt disasm FILE.bin)");
        return 2;
    }
    if (cli_is_elf(in)) /* an object file: its programs, as objdump shows them */
        return cmd_objdump(argc, argv);
    struct bpfrt_diag diag;
    struct bpfrt_insn *insns;
    size_t n;
    if (cli_load_program(in, &insns, &n, &diag) < 0) {
        if (json)
            json_error(diag.msg);
        cli_error("%s", diag.msg);
        return 1;
    }
    int rc = 0;
    char text[128];
    if (json)
        putchar('[');
    for (size_t pc = 0; pc < n;) {
        int slots = bpfrt_disasm_insn(insns, n, pc, text, sizeof(text));
        bool bad = slots == 0;
        if (bad) {
            struct bpfrt_decoded d;
            bpfrt_isa_decode(insns, n, pc, &d, &diag);
            rc = 1;
            slots = 1;
        }
        if (json) {
            printf("%s{\"pc\":%zu,\"text\":", pc ? "," : "", pc);
            json_str(stdout, text);
            if (bad) {
                printf(",\"error\":");
                json_str(stdout, diag.msg);
            }
            putchar('}');
        } else if (bad) {
            printf("%5zu: %s  # invalid: %s\n", pc, text, diag.msg);
        } else {
            printf("%5zu: %s\n", pc, text);
        }
        pc += (size_t)slots;
    }
    if (json)
        printf("]\n");
    if (rc)
        cli_error("%s: contains invalid instructions", in);
    free(insns);
    return rc;
}
