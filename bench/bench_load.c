/* Object loading benchmark: how long bpfrt_object_open_file takes on the largest real objects
 * (Cilium's), and how much memory it needs, against libbpf 1.x's bpf_object__open_file on the
 * same files in the same run (the Debian libbpf.so.1, loaded with dlopen so that its symbols do
 * not meet bpfrt's libbpf-compatible ones; libbpf refuses most Cilium objects, whose tail calls
 * are static functions in program sections, so its column is empty there).
 *
 * usage: bench-load [--quick] [--json] OBJ.o...   (default: every .o under
 *        ../shared/corpus/cilium-core)
 * Peak memory is measured in a child process per object: Linux's peak RSS is reset through
 * /proc/self/clear_refs, the object opened, and the rise of VmHWM reported. */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bpfrt/object.h"

#ifndef BENCH_CORPUS_DIR
#define BENCH_CORPUS_DIR "../shared/corpus/cilium-core"
#endif

typedef void *(*open_fn)(const char *path, const void *opts);
typedef void (*close_fn)(void *obj);
typedef long (*get_error_fn)(const void *ptr);
typedef void *(*set_print_fn)(void *fn);

static open_fn lb_open;
static close_fn lb_close;
static get_error_fn lb_get_error;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void load_libbpf(void)
{
    void *h = dlopen("libbpf.so.1", RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
    if (!h) {
        fprintf(stderr, "bench-load: libbpf.so.1 not available (%s): no baseline\n", dlerror());
        return;
    }
    lb_open = (open_fn)dlsym(h, "bpf_object__open_file");
    lb_close = (close_fn)dlsym(h, "bpf_object__close");
    lb_get_error = (get_error_fn)dlsym(h, "libbpf_get_error");
    set_print_fn set_print = (set_print_fn)dlsym(h, "libbpf_set_print");
    if (set_print)
        set_print(NULL); /* libbpf's warnings on old objects would flood the output */
    if (!lb_open || !lb_close || !lb_get_error)
        lb_open = NULL;
}

static bool bpfrt_once(const char *path)
{
    struct bpfrt_diag diag;
    struct bpfrt_object *obj = bpfrt_object_open_file(path, &diag);
    bpfrt_object_close(obj);
    return obj != NULL;
}

static bool libbpf_once(const char *path)
{
    void *obj = lb_open(path, NULL);
    if (!obj || lb_get_error(obj))
        return false;
    lb_close(obj);
    return true;
}

/* Mean seconds per call of F on PATH over about BUDGET seconds (at least 3 calls); -1 when F
 * refuses the file. */
static double time_open(bool (*f)(const char *), const char *path, double budget, double *best)
{
    if (!f(path))
        return -1;
    int n = 0;
    double total = 0;
    *best = 1e9;
    while (n < 3 || total < budget) {
        double t0 = now();
        f(path);
        double dt = now() - t0;
        total += dt;
        if (dt < *best)
            *best = dt;
        n++;
    }
    return total / n;
}

static long vm_hwm_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f && fgets(line, sizeof(line), f))
        if (sscanf(line, "VmHWM: %ld kB", &kb) == 1)
            break;
    if (f)
        fclose(f);
    return kb;
}

/* Peak RSS added while F opens PATH, in KiB, measured in a child; -1 when unknown. */
static long peak_kb(bool (*f)(const char *), const char *path)
{
    int fd[2];
    if (pipe(fd) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        long kb = -1;
        FILE *c = fopen("/proc/self/clear_refs", "w");
        if (c && fputs("5", c) >= 0 && fclose(c) == 0) {
            long before = vm_hwm_kb();
            f(path);
            kb = vm_hwm_kb() - before;
        }
        if (write(fd[1], &kb, sizeof(kb)) != sizeof(kb))
            _exit(1);
        _exit(0);
    }
    close(fd[1]);
    long kb = -1;
    if (pid < 0 || read(fd[0], &kb, sizeof(kb)) != sizeof(kb))
        kb = -1;
    close(fd[0]);
    if (pid > 0)
        waitpid(pid, NULL, 0);
    return kb;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    bool quick = false, json = false;
    char *files[256];
    int nfiles = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0)
            quick = true;
        else if (strcmp(argv[i], "--json") == 0)
            json = true;
        else if (strcmp(argv[i], "--help") == 0) {
            printf("usage: bench-load [--quick] [--json] [OBJ.o...]\n");
            return 0;
        } else if (nfiles < 256)
            files[nfiles++] = argv[i];
    }
    if (nfiles == 0) {
        DIR *d = opendir(BENCH_CORPUS_DIR);
        if (!d) {
            printf("SKIP: %s not found (no shared corpus)\n", BENCH_CORPUS_DIR);
            return 77;
        }
        struct dirent *e;
        while ((e = readdir(d)) && nfiles < 256) {
            size_t n = strlen(e->d_name);
            if (n > 2 && strcmp(e->d_name + n - 2, ".o") == 0 &&
                asprintf(&files[nfiles], "%s/%s", BENCH_CORPUS_DIR, e->d_name) > 0)
                nfiles++;
        }
        closedir(d);
        qsort(files, (size_t)nfiles, sizeof(files[0]), by_name);
    }
    load_libbpf();
    /* Peak memory first, in children of a process whose heap is still untouched (a heap grown
     * and freed by the timing loops would hide the rise). */
    long bpfrt_kb[256], libbpf_kb[256];
    for (int i = 0; i < nfiles; i++) {
        bpfrt_kb[i] = peak_kb(bpfrt_once, files[i]);
        libbpf_kb[i] = lb_open ? peak_kb(libbpf_once, files[i]) : -1;
    }
    double budget = quick ? 0.02 : 0.5;
    int status = 0;
    if (json)
        printf("[");
    else
        printf("%-28s %10s %10s %10s %10s %8s %10s %10s\n", "object", "bpfrt ms", "best ms",
               "libbpf ms", "best ms", "ratio", "bpfrt KiB", "libbpf KiB");
    for (int i = 0; i < nfiles; i++) {
        double bb = 0, lbest = 0;
        double bt = time_open(bpfrt_once, files[i], budget, &bb);
        double lt = lb_open ? time_open(libbpf_once, files[i], budget, &lbest) : -1;
        long bk = bpfrt_kb[i], lk = libbpf_kb[i];
        const char *base = strrchr(files[i], '/') ? strrchr(files[i], '/') + 1 : files[i];
        if (bt < 0) {
            fprintf(stderr, "bench-load: bpfrt refuses %s\n", files[i]);
            status = 1;
            continue;
        }
        if (json) {
            printf("%s{\"object\":\"%s\",\"bpfrt_ms\":%.3f,\"bpfrt_best_ms\":%.3f,"
                   "\"bpfrt_peak_kib\":%ld",
                   i ? "," : "", base, bt * 1e3, bb * 1e3, bk);
            if (lt >= 0)
                printf(",\"libbpf_ms\":%.3f,\"libbpf_best_ms\":%.3f,\"ratio\":%.2f,"
                       "\"libbpf_peak_kib\":%ld}",
                       lt * 1e3, lbest * 1e3, bt / lt, lk);
            else
                printf(",\"libbpf_ms\":null,\"libbpf_best_ms\":null,\"ratio\":null,"
                       "\"libbpf_peak_kib\":null}");
        } else if (lt >= 0) {
            printf("%-28s %10.3f %10.3f %10.3f %10.3f %8.2f %10ld %10ld\n", base, bt * 1e3,
                   bb * 1e3, lt * 1e3, lbest * 1e3, bt / lt, bk, lk);
        } else {
            printf("%-28s %10.3f %10.3f %10s %10s %8s %10ld %10s\n", base, bt * 1e3, bb * 1e3,
                   "refused", "-", "-", bk, "-");
        }
    }
    if (json)
        printf("]\n");
    else
        printf("ratio = bpfrt time / libbpf time on the same file (below 1: bpfrt is faster)\n");
    return status;
}
