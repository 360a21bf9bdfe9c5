#define _POSIX_C_SOURCE 200809L
#include "testlib.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int tl_passed, tl_failed;

bool tl_check(bool ok, const char *file, int line, const char *fmt, ...)
{
    if (ok) {
        tl_passed++;
        return true;
    }
    tl_failed++;
    fprintf(stdout, "FAIL %s:%d: ", file, line);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
    fputc('\n', stdout);
    fflush(stdout);
    return false;
}

int tl_summary(void)
{
    printf("%d passed, %d failed\n", tl_passed, tl_failed);
    return tl_failed ? 1 : 0;
}

char *tl_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    if (!buf) {
        fclose(f);
        return NULL;
    }
    for (;;) {
        if (n + 1 >= cap) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
            cap *= 2;
        }
        size_t r = fread(buf + n, 1, cap - n - 1, f);
        if (r == 0)
            break;
        n += r;
    }
    bool err = ferror(f);
    fclose(f);
    if (err) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

bool tl_is_dir(const char *path)
{
    struct stat st;
    return path && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int tl_list_dir(const char *path, const char *suffix, char ***out)
{
    DIR *d = opendir(path);
    if (!d)
        return -1;
    int n = 0, cap = 64;
    char **list = malloc(sizeof *list * (size_t)cap);
    struct dirent *e;
    size_t sl = strlen(suffix);
    while (list && (e = readdir(d))) {
        size_t nl = strlen(e->d_name);
        if (e->d_name[0] == '.' || nl < sl || strcmp(e->d_name + nl - sl, suffix) != 0)
            continue;
        size_t pl = strlen(path) + 1 + nl + 1;
        char *full = malloc(pl);
        snprintf(full, pl, "%s/%s", path, e->d_name);
        struct stat st;
        if (stat(full, &st) != 0 || !S_ISREG(st.st_mode)) {
            free(full);
            continue;
        }
        if (n == cap) {
            cap *= 2;
            list = realloc(list, sizeof *list * (size_t)cap);
        }
        list[n++] = full;
    }
    closedir(d);
    if (!list)
        return -1;
    qsort(list, (size_t)n, sizeof *list, cmp_str);
    *out = list;
    return n;
}

void tl_free_list(char **list, int n)
{
    for (int i = 0; i < n; i++)
        free(list[i]);
    free(list);
}

bool tl_contains_ci(const char *h, const char *n)
{
    size_t nl = strlen(n);
    for (; *h; h++) {
        size_t i = 0;
        while (i < nl && h[i] && tolower((unsigned char)h[i]) == tolower((unsigned char)n[i]))
            i++;
        if (i == nl)
            return true;
    }
    return nl == 0;
}

/* --- .data parsing --- */

struct strbuf {
    char *s;
    size_t n, cap;
};

static void sb_add(struct strbuf *b, const char *s, size_t len)
{
    if (b->n + len + 1 > b->cap) {
        b->cap = (b->n + len + 1) * 2;
        b->s = realloc(b->s, b->cap);
    }
    memcpy(b->s + b->n, s, len);
    b->n += len;
    b->s[b->n] = '\0';
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* Appends the hex bytes of TEXT: pairs like "aa bb" or 64-bit words like 0x0000000000000095. */
static int parse_hex(const char *text, uint8_t **out, size_t *len)
{
    size_t cap = 64, n = 0;
    uint8_t *b = malloc(cap);
    const char *p = text;
    while (*p) {
        if (isspace((unsigned char)*p)) {
            p++;
            continue;
        }
        if (*p == '#') {
            while (*p && *p != '\n')
                p++;
            continue;
        }
        const char *start = p;
        while (*p && !isspace((unsigned char)*p))
            p++;
        size_t tl = (size_t)(p - start);
        char tok[64];
        if (tl >= sizeof tok) {
            free(b);
            return -1;
        }
        memcpy(tok, start, tl);
        tok[tl] = '\0';
        uint8_t bytes[8];
        size_t nb;
        char *end;
        if (tl > 2 && tok[0] == '0' && (tok[1] == 'x' || tok[1] == 'X')) {
            errno = 0;
            uint64_t v = strtoull(tok + 2, &end, 16);
            if (*end || errno)
                return free(b), -1;
            for (int i = 0; i < 8; i++)
                bytes[i] = (uint8_t)(v >> (8 * i));
            nb = 8;
        } else {
            unsigned long v = strtoul(tok, &end, 16);
            if (*end || tl > 2)
                return free(b), -1;
            bytes[0] = (uint8_t)v;
            nb = 1;
        }
        if (n + nb > cap) {
            cap = (n + nb) * 2;
            b = realloc(b, cap);
        }
        memcpy(b + n, bytes, nb);
        n += nb;
    }
    *out = b;
    *len = n;
    return 0;
}

int tl_parse_data(const char *text, struct tl_data *d)
{
    memset(d, 0, sizeof *d);
    enum { S_NONE, S_ASM, S_RAW, S_MEM, S_RESULT, S_ERROR, S_IGNORE } sec = S_NONE;
    struct strbuf bufs[S_IGNORE + 1];
    memset(bufs, 0, sizeof bufs);
    bool seen[S_IGNORE + 1] = {false};
    const char *p = text;
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        if (len >= 3 && p[0] == '-' && p[1] == '-' && p[2] == ' ') {
            char name[128];
            size_t nl = len - 3 < sizeof name - 1 ? len - 3 : sizeof name - 1;
            memcpy(name, p + 3, nl);
            name[nl] = '\0';
            char *nm = trim(name);
            if (!strcmp(nm, "asm"))
                sec = S_ASM;
            else if (!strcmp(nm, "raw"))
                sec = S_RAW;
            else if (!strcmp(nm, "mem"))
                sec = S_MEM;
            else if (!strcmp(nm, "result"))
                sec = S_RESULT;
            else if (!strcmp(nm, "error"))
                sec = S_ERROR;
            else if (!strcmp(nm, "c") || !strcmp(nm, "no register offset"))
                sec = S_IGNORE;
            else {
                d->bad = true;
                sec = S_IGNORE;
            }
            seen[sec] = true;
            if (!bufs[sec].s)
                sb_add(&bufs[sec], "", 0);
        } else if (sec != S_NONE) {
            sb_add(&bufs[sec], p, len);
            sb_add(&bufs[sec], "\n", 1);
        }
        p += len;
        if (*p == '\n')
            p++;
    }
    if (seen[S_ASM])
        d->asm_text = bufs[S_ASM].s, bufs[S_ASM].s = NULL;
    if (seen[S_RAW]) {
        d->has_raw = true;
        if (parse_hex(bufs[S_RAW].s, &d->raw, &d->raw_len) != 0)
            d->bad = true;
    }
    if (seen[S_MEM]) {
        d->has_mem = true;
        if (parse_hex(bufs[S_MEM].s, &d->mem, &d->mem_len) != 0)
            d->bad = true;
    }
    if (seen[S_RESULT]) {
        char *r = trim(bufs[S_RESULT].s);
        char *hash = strchr(r, '#');
        if (hash)
            *hash = '\0';
        r = trim(r);
        char *end;
        errno = 0;
        d->result = strtoull(r, &end, 16);
        d->has_result = true;
        if (!*r || *end || errno)
            d->bad = true;
    }
    if (seen[S_ERROR]) {
        d->has_error = true;
        d->error = strdup(trim(bufs[S_ERROR].s));
    }
    for (int i = 0; i <= S_IGNORE; i++)
        free(bufs[i].s);
    return d->bad ? -1 : 0;
}

void tl_free_data(struct tl_data *d)
{
    free(d->asm_text);
    free(d->raw);
    free(d->mem);
    free(d->error);
    memset(d, 0, sizeof *d);
}

int tl_parse_args(int argc, char **argv, const char **shared, const char **data)
{
    int ndata = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--shared") && i + 1 < argc)
            *shared = argv[++i];
        else if (!strcmp(argv[i], "--data") && i + 1 < argc && ndata < TL_MAX_DATA_DIRS)
            data[ndata++] = argv[++i];
        else {
            fprintf(stderr, "usage: %s [--data DIR]... [--shared DIR]\n", argv[0]);
            return -1;
        }
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    return ndata;
}
