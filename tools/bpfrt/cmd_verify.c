/* bpfrt verify: runs the verifier on every program of an object (or one of them) and prints the
 * verdict with its reason, source line and statistics; --json for tools. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfrt/object.h"
#include "bpfrt/verifier.h"
#include "cli.h"

static void print_line(void *ctx, const char *line)
{
    (void)ctx;
    printf("  %s\n", line);
}

/* A program type by bpftool name ("xdp") or section-style name ("tc", "kprobe/x"). */
static bool parse_type(const char *s, uint32_t *type, uint32_t *attach)
{
    for (uint32_t t = 0; t < 64; t++) {
        const char *n = bpfrt_prog_type_name(t);
        if (n && strcmp(n, s) == 0) {
            *type = t;
            *attach = 0;
            return true;
        }
    }
    return bpfrt_section_prog_type(s, type, attach) && *type;
}

static void json_result(const struct bpfrt_object *obj, size_t i, uint32_t type,
                        const struct bpfrt_verify_result *r, int rc, bool *first)
{
    const struct bpfrt_prog_spec *p = &obj->progs[i];
    printf("%s{\"section\":", *first ? "" : ",");
    *first = false;
    json_str(stdout, p->section);
    printf(",\"name\":");
    json_str(stdout, p->name);
    printf(",\"type\":");
    json_str(stdout, bpfrt_prog_type_name(type) ? bpfrt_prog_type_name(type) : "unknown");
    printf(",\"insns\":%zu,\"verdict\":\"%s\"", p->insn_cnt,
           rc == 0   ? "accept"
           : rc == 1 ? "reject"
                     : "error");
    if (rc != 0) {
        printf(",\"error\":{\"pc\":%lld,\"insn\":", (long long)r->pc);
        json_str(stdout, r->insn_text);
        printf(",\"message\":");
        json_str(stdout, r->reason);
        printf(",\"source\":");
        json_str(stdout, r->source);
        printf(",\"registers\":");
        json_str(stdout, r->regs);
        printf(",\"path\":");
        json_str(stdout, r->path);
        printf(",\"full\":");
        json_str(stdout, r->message);
        printf("}");
    } else {
        printf(",\"error\":null");
    }
    printf(",\"note\":");
    json_str(stdout, r->note);
    printf(",\"stats\":{\"insns_processed\":%llu,\"states_kept\":%llu,\"peak_memory\":%zu,"
           "\"time_us\":%.1f,\"unreachable\":%u,\"stack_depth\":%u}}",
           (unsigned long long)r->stats.insns_processed, (unsigned long long)r->stats.states_kept,
           r->stats.peak_memory, (double)r->stats.time_ns / 1e3, r->stats.unreachable,
           r->stats.stack_depth);
}

int cmd_verify(int argc, char **argv)
{
    const char *in = NULL, *section = NULL, *name = NULL, *type_s = NULL;
    bool json = false, verbose = false;
    const char *dot_path = NULL;
    struct bpfrt_verify_opts opts = {.sz = sizeof(opts)};
    for (int i = 1; i < argc; i++) {
        if (cli_is_help(argv[i])) {
            puts("usage: bpfrt verify [--json] [--section S | --program NAME] [--type T]\n"
                 "                    [--unprivileged] [-v] OBJ.o\n"
                 "Checks every program of OBJ.o (or the ones selected) with the verifier.\n"
                 "Exit code 0: all accepted, 1: some program rejected, 2: unusable input.\n"
                 "  --type T        check as program type T (bpftool name such as xdp,\n"
                 "                  sched_cls, kprobe, or a section name such as tc)\n"
                 "  --unprivileged  also refuse pointer leaks and uninitialised stack passed\n"
                 "                  to helpers (what Linux allows only for root)\n"
                 "  -v              print every instruction checked with its registers\n"
                 "  --dot FILE      write the control-flow graph (Graphviz) with the registers\n"
                 "                  at each block; one program (use --program or --section)");
            return 0;
        } else if (strcmp(argv[i], "--json") == 0 || strcmp(argv[i], "-j") == 0) {
            json = true;
        } else if (strcmp(argv[i], "-v") == 0 || strcmp(argv[i], "--verbose") == 0) {
            verbose = true;
        } else if (strcmp(argv[i], "--dot") == 0 && i + 1 < argc) {
            dot_path = argv[++i];
        } else if (strcmp(argv[i], "--unprivileged") == 0) {
            opts.unprivileged = true;
        } else if ((strcmp(argv[i], "--section") == 0 || strcmp(argv[i], "--program") == 0 ||
                    strcmp(argv[i], "--type") == 0) &&
                   i + 1 < argc) {
            const char **dst = argv[i][2] == 's' ? &section : argv[i][2] == 'p' ? &name : &type_s;
            *dst = argv[++i];
        } else if (cli_operand("verify", argv[i], &in) != 0) {
            return 2;
        }
    }
    if (!in) {
        cli_error("verify: missing OBJ.o (usage: bpfrt verify [--json] OBJ.o)");
        return 2;
    }
    if (type_s) {
        if (!parse_type(type_s, &opts.prog_type, &opts.attach_type)) {
            cli_error("verify: unknown program type '%s'", type_s);
            return 2;
        }
        opts.set_type = true;
    }
    struct bpfrt_object *obj = cli_open_object(in, json);
    if (!obj)
        return 2;
    if (verbose && !json)
        opts.log = print_line;
    int status = 0;
    size_t checked = 0;
    bool first = true;
    if (json)
        printf("{\"object\":");
    if (json) {
        json_str(stdout, obj->name);
        printf(",\"programs\":[");
    }
    for (size_t i = 0; i < obj->prog_cnt; i++) {
        const struct bpfrt_prog_spec *p = &obj->progs[i];
        if ((section && strcmp(p->section, section) != 0) || (name && strcmp(p->name, name) != 0))
            continue;
        checked++;
        struct bpfrt_verify_result *r = malloc(sizeof(*r));
        if (!r) {
            cli_error("verify: out of memory");
            bpfrt_object_close(obj);
            return 2;
        }
        if (verbose && !json)
            printf("%s/%s:\n", p->section, p->name);
        char *dot = NULL;
        if (dot_path)
            opts.dot = &dot;
        int rc = bpfrt_verify_program(obj, i, &opts, r);
        if (dot_path) {
            FILE *df = strcmp(dot_path, "-") == 0 ? stdout : fopen(dot_path, "w");
            if (!df || !dot || fputs(dot, df) < 0) {
                cli_error("verify: cannot write %s", dot_path);
                status = 2;
            }
            if (df && df != stdout)
                fclose(df);
            free(dot);
            dot_path = NULL; /* one program's picture */
            opts.dot = NULL;
        }
        uint32_t type = opts.set_type ? opts.prog_type : p->type;
        if (rc == 1 && status == 0)
            status = 1;
        if (rc < 0)
            status = 2;
        if (json) {
            json_result(obj, i, type, r, rc, &first);
        } else if (rc == 0) {
            printf("%s/%s: accepted (%s, %zu instructions; %llu processed, %llu states, %.1f KiB, "
                   "%.2f ms%s)\n",
                   p->section, p->name,
                   bpfrt_prog_type_name(type) ? bpfrt_prog_type_name(type) : "?", p->insn_cnt,
                   (unsigned long long)r->stats.insns_processed,
                   (unsigned long long)r->stats.states_kept, (double)r->stats.peak_memory / 1024.0,
                   (double)r->stats.time_ns / 1e6,
                   r->stats.unreachable ? ", some instructions unreachable" : "");
            if (r->stats.unreachable)
                printf("  note: %u instructions are never reached\n", r->stats.unreachable);
            if (r->note[0])
                printf("  note: %s\n", r->note);
        } else {
            printf("%s/%s: %s\n", p->section, p->name, rc == 1 ? "REJECTED" : "ERROR");
            if (rc == 1) {
                printf("  instruction %lld: %s\n", (long long)r->pc, r->insn_text);
                if (r->source[0])
                    printf("  source: %s\n", r->source);
                printf("  reason: %s\n", r->reason);
                if (r->regs[0])
                    printf("  registers: %s\n", r->regs);
                if (r->path[0])
                    printf("  path: %s\n", r->path);
            } else {
                printf("  %s\n", r->message);
            }
        }
        free(r);
    }
    if (json)
        printf("]}\n");
    if (checked == 0) {
        cli_error("verify: no program matches in %s", in);
        status = 2;
    }
    bpfrt_object_close(obj);
    return status;
}
