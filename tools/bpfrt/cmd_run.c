/* bpfrt run: runs one program on the interpreter and prints r0. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "data_file.h"
#include "platform/platform.h"

int cmd_run(int argc, char **argv)
{
    const char *prog = NULL, *mem_path = NULL;
    enum bpfrt_vm_mode mode = BPFRT_VM_CHECKED;
    long long repeat = 0, budget = 0;
    bool json = false;
    const char *prefix = NULL; /* names the program in run-time errors */
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has_value = i + 1 < argc;
        if (cli_is_help(a)) {
            puts("usage: bpfrt run [--engine interp] [--mode checked|trusted] [--mem FILE]\n"
                 "                 [--budget N] [--repeat N] [--json] PROGRAM\n"
                 "Runs PROGRAM (.s assembly or .bin raw bytecode) with r1 pointing to the\n"
                 "contents of FILE (r2 = its length) and prints 'r0 0x...'. With --repeat N,\n"
                 "also runs it N more times and prints 'time T ns per run' (the average).\n"
                 "checked (default) bounds every memory access; trusted runs without checks.\n"
                 "--budget N stops a checked run after N instructions. --json prints\n"
                 "{\"r0\": \"0x...\", \"ns_per_run\": T} (or {\"error\": ...}).");
            return 0;
        } else if (strcmp(a, "--engine") == 0 && has_value) {
            if (strcmp(argv[++i], "interp") != 0) {
                cli_error("run: unknown engine '%s' (available: interp)", argv[i]);
                return 2;
            }
        } else if (strcmp(a, "--mode") == 0 && has_value) {
            const char *m = argv[++i];
            if (strcmp(m, "checked") == 0)
                mode = BPFRT_VM_CHECKED;
            else if (strcmp(m, "trusted") == 0)
                mode = BPFRT_VM_TRUSTED;
            else {
                cli_error("run: unknown mode '%s' (checked or trusted)", m);
                return 2;
            }
        } else if (strcmp(a, "--json") == 0 || strcmp(a, "-j") == 0) {
            json = true;
        } else if (strcmp(a, "--mem") == 0 && has_value) {
            mem_path = argv[++i];
        } else if ((strcmp(a, "--repeat") == 0 || strcmp(a, "--budget") == 0) && has_value) {
            long long v = cli_parse_count(argv[++i]);
            if (v < 0) {
                cli_error("run: %s needs a non-negative number, got '%s'", a, argv[i]);
                return 2;
            }
            *(a[2] == 'r' ? &repeat : &budget) = v;
        } else if (a[0] == '-' && a[1]) {
            cli_error("run: unknown or incomplete option '%s'", a);
            return 2;
        } else if (!prog) {
            prog = a;
        } else {
            cli_error("run: more than one program given");
            return 2;
        }
    }
    if (!prog) {
        cli_error("run: missing PROGRAM (usage: bpfrt run [OPTIONS] PROGRAM)");
        return 2;
    }
    struct bpfrt_diag diag;
    struct bpfrt_insn *insns = NULL;
    size_t n;
    char *mem = NULL;
    size_t mem_len = 0;
    struct bpfrt_vm *vm = NULL;
    int rc = 1;
    if (cli_load_program(prog, &insns, &n, &diag) < 0)
        goto fail;
    if (mem_path && bpfrt_read_file(mem_path, &mem, &mem_len, &diag) < 0)
        goto fail;
    vm = bpfrt_vm_create(insns, n, &diag);
    if (!vm)
        goto fail_prog;
    data_file_register_helpers(vm);
    bpfrt_vm_set_mode(vm, mode);
    bpfrt_vm_set_budget(vm, (uint64_t)budget);
    uint64_t r0;
    if (bpfrt_vm_run(vm, mem, mem_len, &r0, &diag) < 0)
        goto fail_prog;
    if (!json)
        printf("r0 0x%" PRIx64 "\n", r0);
    double ns_per_run = -1;
    if (repeat > 0) {
        uint64_t t0 = bpfrt_now_ns();
        for (long long i = 0; i < repeat; i++)
            if (bpfrt_vm_run(vm, mem, mem_len, &r0, &diag) < 0)
                goto fail_prog;
        uint64_t t1 = bpfrt_now_ns();
        ns_per_run = (double)(t1 - t0) / (double)repeat;
        if (!json)
            printf("time %.1f ns per run\n", ns_per_run);
    }
    if (json) {
        printf("{\"r0\":\"0x%" PRIx64 "\"", r0);
        if (ns_per_run >= 0)
            printf(",\"repeat\":%lld,\"ns_per_run\":%.1f", repeat, ns_per_run);
        printf("}\n");
    }
    rc = 0;
    goto out;
fail_prog:
    prefix = prog;
fail:
    if (json) {
        char msg[sizeof(diag.msg) + 512];
        snprintf(msg, sizeof(msg), "%s%s%s", prefix ? prefix : "", prefix ? ": " : "", diag.msg);
        json_error(msg);
    }
    if (prefix)
        cli_error("%s: %s", prefix, diag.msg);
    else
        cli_error("%s", diag.msg);
out:
    bpfrt_vm_destroy(vm);
    free(insns);
    free(mem);
    return rc;
}
