/* POSIX implementation of the platform seam. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "isa/isa_internal.h"
#include "platform/platform.h"

uint64_t bpfrt_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int bpfrt_read_file(const char *path, char **data, size_t *len, struct bpfrt_diag *diag)
{
    *data = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        bpfrt_diag_set(diag, "%s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        bpfrt_diag_set(diag, "%s: is a directory", path);
        return -1;
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap)
            break;
        char *nb = realloc(buf, cap * 2 + 1);
        if (!nb) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = nb;
        cap *= 2;
    }
    int err = ferror(f);
    fclose(f);
    if (!buf || err) {
        free(buf);
        bpfrt_diag_set(diag, "%s: %s", path, buf ? "read error" : "out of memory");
        return -1;
    }
    buf[n] = 0;
    *data = buf;
    *len = n;
    return 0;
}

int bpfrt_write_file(const char *path, const void *data, size_t len, struct bpfrt_diag *diag)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        bpfrt_diag_set(diag, "%s: %s", path, strerror(errno));
        return -1;
    }
    size_t put = fwrite(data, 1, len, f);
    if (fclose(f) != 0 || put != len) {
        bpfrt_diag_set(diag, "%s: write failed", path);
        return -1;
    }
    return 0;
}
