/* The verifier on small assembly programs (tests/verifier/cases, files NAME.t), one safety property
 * or precision need per file. A case file:
 *
 *   -- type xdp                      program type (bpftool name; default: unspec)
 *   -- unprivileged                  check in unprivileged mode
 *   -- license proprietary           not GPL-compatible (GPL-only helpers refused)
 *   # ...                            a comment
 *   -- map NAME TYPE KEY VALUE MAX [FLAGS]   a map spec, indexed in order (map_by_idx(N))
 *   -- expect accept | reject TEXT   the verdict; TEXT must appear in the reason
 *   -- memory-below MIB              the abstract states never took MIB MiB or more
 *   -- asm                           the program (bpfrt assembler syntax) follows
 *
 * usage: test_verifier CASES_DIR | CASE.t   (one case: also prints its statistics) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bpf.h>

#include "bpfrt/object.h"
#include "bpfrt/verifier.h"
#include "bpfrt/vm.h"
#include "testlib.h"

static uint32_t map_type_by_name(const char *s)
{
    for (uint32_t t = 0; t < 40; t++)
        if (strcmp(bpfrt_map_type_name(t), s) == 0)
            return t;
    return 0;
}

static uint32_t prog_type_by_name(const char *s)
{
    for (uint32_t t = 0; t < 40; t++) {
        const char *n = bpfrt_prog_type_name(t);
        if (n && strcmp(n, s) == 0)
            return t;
    }
    return 0;
}

static void run_case(const char *path, bool stats)
{
    size_t len;
    char *text = tl_read_file(path, &len);
    if (!CHECK(text != NULL, "%s: unreadable", path))
        return;
    const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    struct bpfrt_map_spec maps[8];
    char map_names[8][32];
    size_t nmaps = 0;
    struct bpfrt_verify_opts opts = {.sz = sizeof(opts), .gpl = true};
    bool want_accept = true;
    char want_text[256] = "";
    char *asm_text = NULL;
    int asm_line = 1, line_no = 0;
    unsigned mem_below = 0;
    for (char *line = text, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        line_no++;
        if (strncmp(line, "-- type ", 8) == 0) {
            opts.set_type = true;
            opts.prog_type = prog_type_by_name(line + 8);
            CHECK(opts.prog_type || strcmp(line + 8, "unspec") == 0, "%s: unknown type '%s'", name,
                  line + 8);
        } else if (strcmp(line, "-- unprivileged") == 0) {
            opts.unprivileged = true;
        } else if (strcmp(line, "-- license proprietary") == 0) {
            opts.gpl = false;
        } else if (strncmp(line, "-- map ", 7) == 0 && nmaps < 8) {
            char type[32];
            unsigned k, v, m, fl = 0;
            struct bpfrt_map_spec *ms = &maps[nmaps];
            memset(ms, 0, sizeof(*ms));
            if (sscanf(line + 7, "%31s %31s %u %u %u %x", map_names[nmaps], type, &k, &v, &m,
                       &fl) >= 5) {
                ms->name = map_names[nmaps];
                ms->type = map_type_by_name(type);
                ms->key_size = k;
                ms->value_size = v;
                ms->max_entries = m;
                ms->map_flags = fl;
                ms->inner_map = -1;
                nmaps++;
            } else {
                CHECK(false, "%s: bad map line '%s'", name, line);
            }
        } else if (strncmp(line, "-- expect ", 10) == 0) {
            want_accept = strncmp(line + 10, "accept", 6) == 0;
            if (!want_accept && strlen(line) > 17)
                snprintf(want_text, sizeof(want_text), "%s", line + 17);
        } else if (sscanf(line, "-- memory-below %u", &mem_below) == 1) {
            continue;
        } else if (strcmp(line, "-- asm") == 0) {
            asm_text = next;
            asm_line = line_no + 1;
            break;
        }
    }
    struct bpfrt_insn *insns = NULL;
    size_t n = 0;
    struct bpfrt_diag diag;
    if (!CHECK(asm_text && bpfrt_asm_at(asm_text, name, asm_line, &insns, &n, &diag) == 0,
               "%s: does not assemble: %s", name, asm_text ? diag.msg : "no -- asm section")) {
        free(text);
        return;
    }
    struct bpfrt_verify_result *res = malloc(sizeof(*res));
    int rc = bpfrt_verify_insns(insns, n, maps, nmaps, &opts, res);
    if (want_accept) {
        CHECK(rc == 0, "%s: expected accept, got %s: %s", name, rc == 1 ? "reject" : "error",
              res->message);
    } else {
        CHECK(rc == 1 && strstr(res->reason, want_text),
              "%s: expected reject with '%s', got %s: %s", name, want_text,
              rc == 0   ? "accept"
              : rc == 1 ? "reject"
                        : "error",
              res->message);
        if (rc == 1)
            printf("  %-36s rejected: %s\n", name, res->message);
    }
    if (mem_below)
        CHECK(res->stats.peak_memory < (size_t)mem_below << 20,
              "%s: the states took %.1f MiB, expected below %u", name,
              res->stats.peak_memory / 1048576.0, mem_below);
    if (stats)
        printf("  %s: %llu instructions processed, %llu states kept, %.1f MiB, %.3f s\n", name,
               (unsigned long long)res->stats.insns_processed,
               (unsigned long long)res->stats.states_kept, res->stats.peak_memory / 1048576.0,
               res->stats.time_ns / 1e9);
    free(res);
    free(insns);
    free(text);
}

/* The context rewrite: an accepted XDP program's 32-bit data/data_end loads become 8-byte loads
 * of the runtime context's pointer slots, and the rewritten program runs in the interpreter on a
 * real packet. */
static void test_ctx_rewrite(void)
{
    static const char *text = "ldxw %r2, [%r1+0]\n"
                              "ldxw %r3, [%r1+4]\n"
                              "mov %r4, %r2\n"
                              "add %r4, 14\n"
                              "jgt %r4, %r3, drop\n"
                              "ldxb %r0, [%r2+13]\n"
                              "exit\n"
                              "drop:\n"
                              "mov %r0, 1000\n"
                              "exit\n";
    struct bpfrt_insn *insns = NULL, *rw = NULL;
    size_t n = 0;
    struct bpfrt_diag diag;
    if (!CHECK(bpfrt_asm(text, "rewrite", &insns, &n, &diag) == 0, "%s", diag.msg))
        return;
    struct bpfrt_verify_opts opts = {
        .sz = sizeof(opts), .set_type = true, .prog_type = BPF_PROG_TYPE_XDP, .rewritten = &rw};
    struct bpfrt_verify_result res;
    int rc = bpfrt_verify_insns(insns, n, NULL, 0, &opts, &res);
    CHECK(rc == 0 && rw, "rewrite: not accepted (%s)", res.message);
    if (rc == 0 && rw) {
        uint32_t data_off = bpfrt_ctx_ptr_offset(sizeof(struct xdp_md), BPFRT_CTX_DATA);
        uint32_t end_off = bpfrt_ctx_ptr_offset(sizeof(struct xdp_md), BPFRT_CTX_DATA_END);
        CHECK(rw[0].code == (BPF_LDX | BPF_MEM | BPF_DW) && rw[0].off == (int16_t)data_off &&
                  rw[1].code == (BPF_LDX | BPF_MEM | BPF_DW) && rw[1].off == (int16_t)end_off,
              "rewrite: loads not moved to the pointer slots (code 0x%02x off %d)", rw[0].code,
              rw[0].off);
        CHECK(memcmp(&rw[2], &insns[2], (n - 2) * sizeof(*rw)) == 0,
              "rewrite: other instructions changed");
        /* the runtime context: xdp_md, then the 64-bit packet pointers */
        struct {
            struct xdp_md md;
            uint64_t data, data_end, data_meta;
        } ctx;
        uint8_t pkt[60];
        for (size_t i = 0; i < sizeof(pkt); i++)
            pkt[i] = (uint8_t)(i * 7);
        for (size_t len = 0; len <= 20; len += 10) {
            memset(&ctx, 0, sizeof(ctx));
            ctx.data = (uint64_t)(uintptr_t)pkt;
            ctx.data_end = (uint64_t)(uintptr_t)(pkt + len);
            struct bpfrt_vm *vm = bpfrt_vm_create(rw, n, &diag);
            uint64_t r0 = 0;
            CHECK(vm && bpfrt_vm_grant(vm, pkt, len, false) == 0 &&
                      bpfrt_vm_run(vm, &ctx, sizeof(ctx), &r0, &diag) == 0,
                  "rewrite: run failed: %s", diag.msg);
            uint64_t want = len >= 14 ? pkt[13] : 1000;
            CHECK(r0 == want, "rewrite: packet of %zu bytes gave %llu, expected %llu", len,
                  (unsigned long long)r0, (unsigned long long)want);
            bpfrt_vm_destroy(vm);
        }
    }
    free(rw);
    free(insns);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc != 2) {
        fprintf(stderr, "usage: test_verifier CASES_DIR | CASE.t\n");
        return 2;
    }
    size_t alen = strlen(argv[1]);
    if (alen > 2 && strcmp(argv[1] + alen - 2, ".t") == 0) {
        run_case(argv[1], true);
        return tl_summary();
    }
    char **files;
    int n = tl_list_dir(argv[1], ".t", &files);
    CHECK(n > 0, "no cases in %s", argv[1]);
    for (int i = 0; i < n; i++)
        run_case(files[i], false);
    if (n > 0)
        tl_free_list(files, n);
    printf("%d cases\n", n);
    test_ctx_rewrite();
    return tl_summary();
}
