/* The verifier on the shared corpus: every program of every object gets the verdict
 * ../shared/corpus/EXPECTED.tsv gives it (programs of the real-project folders without a row
 * must be accepted; load-error rows must not open). Prints each disagreement with the
 * verifier's message, the total time and the largest peak memory.
 *
 * usage: test_corpus CORPUS_DIR [--all] [--quiet]   (exit 77 when CORPUS_DIR is missing)
 *   --all: list every program's verdict, not only the disagreements */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfrt/object.h"
#include "bpfrt/verifier.h"
#include "testlib.h"

struct row {
    char object[200], section[128], function[128], expected[32];
    bool used;
};

static struct row *rows;
static size_t nrows;

static void load_expected(const char *dir)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/EXPECTED.tsv", dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char line[2048];
    while (fgets(line, sizeof(line), f)) {
        if (strncmp(line, "object\t", 7) == 0)
            continue;
        struct row r = {.used = false};
        char *tok[4], *c = line;
        int n = 0;
        /* tab-separated, empty fields allowed */
        while (n < 4) {
            tok[n++] = c;
            c = strchr(c, '\t');
            if (!c)
                break;
            *c++ = '\0';
        }
        if (n < 4)
            continue;
        tok[3][strcspn(tok[3], "\t\n")] = '\0';
        snprintf(r.object, sizeof(r.object), "%s", tok[0]);
        snprintf(r.section, sizeof(r.section), "%s", tok[1]);
        snprintf(r.function, sizeof(r.function), "%s", tok[2]);
        snprintf(r.expected, sizeof(r.expected), "%s", tok[3]);
        rows = realloc(rows, (nrows + 1) * sizeof(*rows));
        rows[nrows++] = r;
    }
    fclose(f);
}

static struct row *find_row(const char *object, const char *section, const char *function)
{
    for (size_t i = 0; i < nrows; i++)
        if (strcmp(rows[i].object, object) == 0 && strcmp(rows[i].section, section) == 0 &&
            strcmp(rows[i].function, function) == 0)
            return &rows[i];
    return NULL;
}

static bool has_load_error_row(const char *object)
{
    bool found = false;
    for (size_t i = 0; i < nrows; i++)
        if (strcmp(rows[i].object, object) == 0 && strcmp(rows[i].expected, "load-error") == 0) {
            rows[i].used = true;
            found = true;
        }
    return found;
}

/* The type Linux loaded a program as, from ../shared/docs/anchors/kernel_visible.tsv ("type
 * sched_cls" in its note column), for real-project programs whose section names give none (tc
 * and socket-filter objects loaded by iproute2 or their own loaders). */
static bool kernel_type(const char *anchors, const char *object, const char *section,
                        const char *function, uint32_t *type)
{
    FILE *f = fopen(anchors, "r");
    char line[4096];
    bool found = false;
    while (f && !found && fgets(line, sizeof(line), f)) {
        char *tok[11], *c = line;
        int n = 0;
        while (n < 11) {
            tok[n++] = c;
            c = strchr(c, '\t');
            if (!c)
                break;
            *c++ = '\0';
        }
        if (n < 11 || strcmp(tok[1], object) || strcmp(tok[2], section) || strcmp(tok[3], function))
            continue;
        const char *t = strstr(tok[10], "type ");
        /* "type kprobe (section name gives no type)" is the oracle's default for test
         * programs, which EXPECTED judges as unspecified */
        if (!t || strstr(tok[10], "type kprobe (section name gives no type)"))
            break;
        char name[32];
        if (sscanf(t + 5, "%31[a-z_]", name) != 1)
            break;
        if (strcmp(name, "tc") == 0)
            snprintf(name, sizeof(name), "sched_cls");
        if (strcmp(name, "socket") == 0)
            snprintf(name, sizeof(name), "socket_filter");
        for (uint32_t k = 1; k < 64 && !found; k++)
            if (bpfrt_prog_type_name(k) && strcmp(bpfrt_prog_type_name(k), name) == 0) {
                *type = k;
                found = true;
            }
    }
    if (f)
        fclose(f);
    return found;
}

static const char *const folders[] = {"build", "linux",       "prototype-kernel", "suricata",
                                      "ovs",   "cilium-core", "cilium-examples",  "invalid"};

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc < 2) {
        fprintf(stderr, "usage: test_corpus CORPUS_DIR [--all]\n");
        return 2;
    }
    const char *dir = argv[1];
    bool all = argc > 2 && strcmp(argv[2], "--all") == 0;
    if (!tl_is_dir(dir)) {
        printf("SKIP: %s not found (no shared corpus)\n", dir);
        return TEST_SKIP_CODE;
    }
    load_expected(dir);
    char anchors[600];
    snprintf(anchors, sizeof(anchors), "%s/../docs/anchors/kernel_visible.tsv", dir);
    CHECK(nrows > 100, "EXPECTED.tsv: %zu rows", nrows);
    uint64_t total_ns = 0;
    size_t peak_mem = 0, programs = 0, agree = 0, disagree = 0;
    char peak_prog[600] = "";
    for (size_t fi = 0; fi < sizeof(folders) / sizeof(folders[0]); fi++) {
        char sub[512];
        snprintf(sub, sizeof(sub), "%s/%s", dir, folders[fi]);
        char **files;
        int nf = tl_list_dir(sub, "", &files);
        for (int k = 0; k < nf; k++) {
            const char *base = strrchr(files[k], '/') + 1;
            char rel[300];
            snprintf(rel, sizeof(rel), "%s/%s", folders[fi], base);
            if (strcmp(folders[fi], "invalid") != 0 && !strstr(base, ".o"))
                continue;
            struct bpfrt_diag diag;
            struct bpfrt_object *obj = bpfrt_object_open_file(files[k], &diag);
            bool load_error = has_load_error_row(rel);
            if (!obj) {
                if (!load_error)
                    CHECK(false, "%s: does not open: %s", rel, diag.msg);
                continue;
            }
            CHECK(!load_error, "%s: EXPECTED says load-error, but it opens", rel);
            /* programs, then the .text functions of objects with programs elsewhere: those have
             * a verdict only where EXPECTED gives one (a function some program calls is judged
             * in its callers, so it gets the verdict of the first program containing it) */
            for (size_t i = 0; i < obj->prog_cnt + obj->subprog_cnt; i++) {
                const struct bpfrt_prog_spec *p = bpfrt_object_spec(obj, i);
                bool is_sub = i >= obj->prog_cnt;
                struct row *r = find_row(rel, p->section, p->name);
                const char *want = r ? r->expected : "accept";
                if (r)
                    r->used = true;
                else if (is_sub || strcmp(folders[fi], "build") == 0 ||
                         strcmp(folders[fi], "invalid") == 0)
                    continue;  /* no stated verdict */
                size_t vi = i; /* subprograms: the verifier judges them where they run */
                if (strcmp(want, "load-error") == 0)
                    continue;
                struct bpfrt_verify_result *res = malloc(sizeof(*res));
                struct bpfrt_verify_opts opts = {.sz = sizeof(opts)};
                const struct bpfrt_prog_spec *vp = bpfrt_object_spec(obj, vi);
                uint32_t strict = 0, strict_attach = 0;
                bpfrt_section_prog_type_libbpf(vp->section, &strict, &strict_attach);
                if (strict == 0 && strcmp(folders[fi], "invalid") != 0 &&
                    kernel_type(anchors, rel, vp->section, vp->name, &opts.prog_type))
                    opts.set_type = true;
                int rc = bpfrt_verify_program(obj, vi, &opts, res);
                total_ns += res->stats.time_ns;
                if (res->stats.peak_memory > peak_mem) {
                    peak_mem = res->stats.peak_memory;
                    snprintf(peak_prog, sizeof(peak_prog), "%s %s", rel, p->name);
                }
                const char *got = rc == 0 ? "accept" : rc == 1 ? "reject" : "error";
                bool ok;
                if (strcmp(want, "reject-unprivileged") == 0) {
                    struct bpfrt_verify_result *res2 = malloc(sizeof(*res2));
                    opts.unprivileged = true;
                    int rc2 = bpfrt_verify_program(obj, vi, &opts, res2);
                    ok = rc == 0 && rc2 == 1;
                    if (!ok)
                        printf("  %s %s/%s: expected accept, then reject unprivileged: got %s "
                               "and %s (%s)\n",
                               rel, p->section, p->name, got, rc2 == 1 ? "reject" : "accept",
                               rc ? res->message : res2->message);
                    free(res2);
                } else {
                    ok = strcmp(want, got) == 0;
                    if (!ok)
                        printf("  %s %s/%s: expected %s, got %s: %s\n", rel, p->section, p->name,
                               want, got, rc ? res->message : "(accepted)");
                }
                if (all && ok)
                    printf("  %s %s/%s: %s as expected (%llu insns processed, %.2f ms)%s%s\n", rel,
                           p->section, p->name, want,
                           (unsigned long long)res->stats.insns_processed,
                           (double)res->stats.time_ns / 1e6, rc == 1 ? ": " : "",
                           rc == 1 ? res->message : "");
                if (res->stats.time_ns > 100000000ull)
                    printf("  slow: %s %s/%s: %.0f ms, %llu insns processed, %llu states\n", rel,
                           p->section, p->name, (double)res->stats.time_ns / 1e6,
                           (unsigned long long)res->stats.insns_processed,
                           (unsigned long long)res->stats.states_kept);
                programs++;
                ok ? agree++ : disagree++;
                free(res);
            }
            bpfrt_object_close(obj);
        }
        if (nf > 0)
            tl_free_list(files, nf);
    }
    size_t unused = 0;
    for (size_t i = 0; i < nrows; i++)
        if (!rows[i].used) {
            unused++;
            if (all)
                printf("  row without a program: %s %s %s (%s)\n", rows[i].object, rows[i].section,
                       rows[i].function, rows[i].expected);
        }
    printf("corpus: %zu programs verified, %zu as expected, %zu not; %zu EXPECTED rows name no "
           "program bpfrt loads\n",
           programs, agree, disagree, unused);
    printf("corpus: verification took %.3f s in total; largest peak memory %.1f MiB (%s)\n",
           (double)total_ns / 1e9, (double)peak_mem / (1024.0 * 1024.0), peak_prog);
    CHECK(disagree == 0, "%zu programs did not get their expected verdict", disagree);
    free(rows);
    return tl_summary();
}
