/* Verifier benchmark: verifies every program of ../shared/corpus once (the real-project folders
 * and the test programs) and prints the total time, the slowest programs and the largest peak
 * memory of a single program's verification, beside the figures recorded for the Linux kernel
 * verifier and PREVAIL on the same programs (../shared/docs/anchors, kernel_visible.tsv and
 * prevail_visible.tsv: those were measured on this machine kind, not in this run; the ratios say
 * how bpfrt compares with them).
 *
 * usage: bench-verify [--json] [CORPUS_DIR]   (default: the shared corpus beside the project) */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "bpfrt/object.h"
#include "bpfrt/verifier.h"

#ifndef BENCH_SHARED_DIR
#define BENCH_SHARED_DIR "../shared"
#endif

static const char *const folders[] = {"build", "linux",       "prototype-kernel", "suricata",
                                      "ovs",   "cilium-core", "cilium-examples"};

struct prog_time {
    char name[800];
    double ms, kernel_ms, prevail_s;
    size_t mem;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Column COL of the row of ANCHORS whose columns OC, SC, FC are OBJECT, SECTION, FUNCTION. */
static bool anchor(const char *anchors, int oc, int sc, int fc, int col, const char *object,
                   const char *section, const char *function, char *out, size_t len)
{
    FILE *f = fopen(anchors, "r");
    char line[4096];
    bool found = false;
    while (f && !found && fgets(line, sizeof(line), f)) {
        char *tok[12], *c = line;
        int n = 0;
        while (n < 12) {
            tok[n++] = c;
            c = strchr(c, '\t');
            if (!c)
                break;
            *c++ = '\0';
        }
        if (n <= col || strcmp(tok[oc], object) || strcmp(tok[sc], section) ||
            strcmp(tok[fc], function))
            continue;
        tok[col][strcspn(tok[col], "\n")] = '\0';
        snprintf(out, len, "%s", tok[col]);
        found = true;
    }
    if (f)
        fclose(f);
    return found;
}

static int by_ms(const void *a, const void *b)
{
    double x = ((const struct prog_time *)a)->ms, y = ((const struct prog_time *)b)->ms;
    return x < y ? 1 : x > y ? -1 : 0;
}

int main(int argc, char **argv)
{
    bool json = false;
    const char *shared = BENCH_SHARED_DIR;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = true;
        else
            shared = argv[i];
    }
    char corpus[512], kanchors[600], panchors[600];
    snprintf(corpus, sizeof(corpus), "%s/corpus", shared);
    snprintf(kanchors, sizeof(kanchors), "%s/docs/anchors/kernel_visible.tsv", shared);
    snprintf(panchors, sizeof(panchors), "%s/docs/anchors/prevail_visible.tsv", shared);
    struct prog_time *pt = NULL;
    size_t np = 0, accepted = 0;
    double total = 0, wall0 = now_s(), kernel_total = 0, prevail_total = 0, both_bpfrt = 0;
    size_t kernel_n = 0, prevail_n = 0;
    for (size_t fi = 0; fi < sizeof(folders) / sizeof(folders[0]); fi++) {
        char dir[600];
        snprintf(dir, sizeof(dir), "%s/%s", corpus, folders[fi]);
        DIR *d = opendir(dir);
        if (!d) {
            printf("SKIP: %s not found\n", dir);
            return 77;
        }
        struct dirent *e;
        while ((e = readdir(d))) {
            size_t l = strlen(e->d_name);
            if (l < 3 || strcmp(e->d_name + l - 2, ".o") != 0)
                continue;
            char path[900], rel[400];
            snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
            snprintf(rel, sizeof(rel), "%s/%s", folders[fi], e->d_name);
            struct bpfrt_diag diag;
            struct bpfrt_object *obj = bpfrt_object_open_file(path, &diag);
            if (!obj)
                continue;
            for (size_t i = 0; i < obj->prog_cnt; i++) {
                struct bpfrt_verify_result *r = malloc(sizeof(*r));
                struct bpfrt_verify_opts opts = {.sz = sizeof(opts)};
                int rc = bpfrt_verify_program(obj, i, &opts, r);
                pt = realloc(pt, (np + 1) * sizeof(*pt));
                struct prog_time *p = &pt[np++];
                snprintf(p->name, sizeof(p->name), "%s %s", rel, obj->progs[i].name);
                p->ms = (double)r->stats.time_ns / 1e6;
                p->mem = r->stats.peak_memory;
                total += p->ms;
                accepted += rc == 0;
                char v[64];
                p->kernel_ms = p->prevail_s = -1;
                if (anchor(kanchors, 1, 2, 3, 5, rel, obj->progs[i].section, obj->progs[i].name, v,
                           sizeof(v)) &&
                    v[0]) {
                    p->kernel_ms = atof(v) / 1e3;
                    kernel_total += p->kernel_ms;
                    kernel_n++;
                }
                if (anchor(panchors, 0, 1, 2, 4, rel, obj->progs[i].section, obj->progs[i].name, v,
                           sizeof(v)) &&
                    v[0]) {
                    p->prevail_s = atof(v);
                    prevail_total += p->prevail_s;
                    prevail_n++;
                    both_bpfrt += p->ms;
                }
                free(r);
            }
            bpfrt_object_close(obj);
        }
        closedir(d);
    }
    double wall = now_s() - wall0;
    size_t max_mem = 0;
    char max_name[800] = "";
    for (size_t i = 0; i < np; i++)
        if (pt[i].mem > max_mem) {
            max_mem = pt[i].mem;
            snprintf(max_name, sizeof(max_name), "%s", pt[i].name);
        }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    qsort(pt, np, sizeof(*pt), by_ms);
    if (json) {
        printf("{\"programs\":%zu,\"accepted\":%zu,\"verify_s\":%.3f,\"wall_s\":%.3f,"
               "\"max_state_mem_mib\":%.1f,\"max_rss_mib\":%.1f,\"prevail_recorded_s\":%.2f,"
               "\"kernel_recorded_s\":%.3f}\n",
               np, accepted, total / 1e3, wall, (double)max_mem / 1048576.0,
               (double)ru.ru_maxrss / 1024.0, prevail_total, kernel_total / 1e3);
    } else {
        printf("verified %zu programs (%zu accepted) of %s\n", np, accepted, corpus);
        printf("  verification time: %.3f s in total (wall %.3f s including ELF loading); "
               "target <= 2 s\n",
               total / 1e3, wall);
        printf("  largest abstract-state memory of one program: %.1f MiB (%s); process peak RSS "
               "%.1f MiB; target < 64 MiB\n",
               (double)max_mem / 1048576.0, max_name, (double)ru.ru_maxrss / 1024.0);
        if (prevail_n)
            printf("  PREVAIL (recorded, %zu of these programs, one process each): %.1f s; bpfrt "
                   "on the same programs %.3f s: %.0fx faster\n",
                   prevail_n, prevail_total, both_bpfrt / 1e3, prevail_total / (both_bpfrt / 1e3));
        if (kernel_n)
            printf("  Linux kernel verifier (recorded, %zu programs it loaded): %.3f s\n", kernel_n,
                   kernel_total / 1e3);
        printf("  slowest programs:\n");
        for (size_t i = 0; i < np && i < 8; i++) {
            char k[32] = "-", pv[32] = "-";
            if (pt[i].kernel_ms >= 0)
                snprintf(k, sizeof(k), "%.1f ms", pt[i].kernel_ms);
            if (pt[i].prevail_s >= 0)
                snprintf(pv, sizeof(pv), "%.2f s", pt[i].prevail_s);
            printf("    %-66s %8.1f ms  (kernel %s, PREVAIL %s)\n", pt[i].name, pt[i].ms, k, pv);
        }
    }
    free(pt);
    return 0;
}
