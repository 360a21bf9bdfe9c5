/* bpfrt test-data: runs conformance-format .data files on an engine. */
#include <ctype.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cli.h"
#include "data_file.h"
#include "platform/platform.h"

/* Budget for checked runs, so a runaway test cannot hang the suite. */
#define TEST_BUDGET 100000000ull

struct totals {
    int passed, failed, skipped;
};

struct options {
    enum bpfrt_vm_mode mode;
    bool verbose;
    bool json;
    int reported; /* results printed so far (JSON separators) */
};

static bool contains_nocase(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return true;
    return n == 0;
}

/* Prints "PATH: KIND: message" (without repeating PATH when the message starts with it), or
 * one JSON object of the "results" array. KIND is PASS, FAIL or ERROR. */
__attribute__((format(printf, 4, 5))) static void report(struct options *o, const char *path,
                                                         const char *kind, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (o->json) {
        printf("%s{\"file\":", o->reported++ ? "," : "");
        json_str(stdout, path);
        printf(",\"status\":\"");
        for (const char *k = kind; *k; k++)
            putchar(tolower((unsigned char)*k));
        printf("\",\"message\":");
        json_str(stdout, msg);
        printf("}");
        return;
    }
    if (!msg[0]) {
        printf("%s: %s\n", path, kind);
        return;
    }
    size_t pl = strlen(path);
    char *sep = strstr(msg + (pl < strlen(msg) ? pl : 0), ": ");
    if (strncmp(msg, path, pl) == 0 && msg[pl] == ':' && sep) /* "PATH:LINE: text" */
        printf("%.*s: %s: %s\n", (int)(sep - msg), msg, kind, sep + 2);
    else
        printf("%s: %s: %s\n", path, kind, msg);
}

/* Runs one file: 1 pass, 0 fail (message printed). */
static int run_one(const char *path, struct options *o)
{
    struct bpfrt_diag diag = {{0}};
    char *text;
    size_t len;
    if (bpfrt_read_file(path, &text, &len, &diag) < 0) {
        report(o, path, "ERROR", "%s", diag.msg);
        return 0;
    }
    struct data_file df;
    int parsed =
        cli_check_text(path, text, len, &diag) < 0 ? -1 : data_file_parse(path, text, &df, &diag);
    free(text);
    if (parsed < 0) {
        report(o, path, "ERROR", "%s", diag.msg);
        return 0;
    }
    int ok = 0;
    struct bpfrt_insn *insns = NULL;
    size_t n = 0;
    struct bpfrt_vm *vm = NULL;
    uint8_t *mem = NULL;
    if (df.asm_text) {
        /* An asm section that does not assemble is a broken test file, whatever it expects. */
        if (bpfrt_asm_at(df.asm_text, path, df.asm_line, &insns, &n, &diag) < 0) {
            report(o, path, "ERROR", "%s", diag.msg);
            goto out;
        }
        if (df.raw && (df.raw_len != n * sizeof(*insns) || memcmp(df.raw, insns, df.raw_len))) {
            report(o, path, "FAIL", "assembled bytes differ from the '-- raw' section");
            goto out;
        }
    } else if (bpfrt_insns_from_bytes(df.raw, df.raw_len, path, &insns, &n, &diag) < 0) {
        goto failed;
    }
    vm = bpfrt_vm_create(insns, n, &diag);
    if (!vm)
        goto failed;
    data_file_register_helpers(vm);
    bpfrt_vm_set_mode(vm, o->mode);
    if (o->mode == BPFRT_VM_CHECKED)
        bpfrt_vm_set_budget(vm, TEST_BUDGET);
    if (df.mem) {
        mem = malloc(df.mem_len ? df.mem_len : 1);
        if (!mem) {
            report(o, path, "ERROR", "out of memory");
            goto out;
        }
        memcpy(mem, df.mem, df.mem_len);
    }
    uint64_t r0;
    if (bpfrt_vm_run(vm, mem, df.mem_len, &r0, &diag) < 0)
        goto failed;
    if (df.has_error) {
        report(o, path, "FAIL", "expected error '%s', got r0 0x%llx", df.error_text,
               (unsigned long long)r0);
    } else if (r0 != df.result) {
        report(o, path, "FAIL", "expected r0 0x%llx, got 0x%llx", (unsigned long long)df.result,
               (unsigned long long)r0);
    } else {
        ok = 1;
    }
    goto out;
failed:
    if (df.has_error && !df.error_text[0])
        report(o, path, "ERROR",
               "'-- error' names no expected message, so the test cannot pass "
               "(the program failed with: %s)",
               diag.msg);
    else if (df.has_error && contains_nocase(diag.msg, df.error_text))
        ok = 1;
    else if (df.has_error)
        report(o, path, "FAIL", "expected error '%s', got: %s", df.error_text, diag.msg);
    else
        report(o, path, "FAIL", "%s", diag.msg);
out:
    if (ok && (o->verbose || o->json))
        report(o, path, "PASS", "%s", df.has_error ? diag.msg : "");
    free(mem);
    bpfrt_vm_destroy(vm);
    free(insns);
    data_file_free(&df);
    return ok;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_path(const char *path, struct options *o, struct totals *t)
{
    struct stat st;
    if (stat(path, &st) < 0) {
        report(o, path, "ERROR", "no such file or directory");
        t->failed++;
        return 0;
    }
    if (!S_ISDIR(st.st_mode)) {
        if (run_one(path, o))
            t->passed++;
        else
            t->failed++;
        return 0;
    }
    DIR *d = opendir(path);
    if (!d) {
        report(o, path, "ERROR", "cannot open directory");
        t->failed++;
        return 0;
    }
    char **names = NULL;
    size_t count = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!cli_ends_with(e->d_name, ".data"))
            continue;
        if (count == cap) {
            cap = cap ? cap * 2 : 64;
            char **nn = realloc(names, cap * sizeof(*names));
            if (!nn)
                break;
            names = nn;
        }
        size_t len = strlen(path) + strlen(e->d_name) + 2;
        names[count] = malloc(len);
        if (!names[count])
            break;
        snprintf(names[count], len, "%s/%s", path, e->d_name);
        count++;
    }
    closedir(d);
    qsort(names, count, sizeof(*names), cmp_str);
    for (size_t i = 0; i < count; i++) {
        if (run_one(names[i], o))
            t->passed++;
        else
            t->failed++;
        free(names[i]);
    }
    free(names);
    return 0;
}

int cmd_test_data(int argc, char **argv)
{
    struct options o = {.mode = BPFRT_VM_CHECKED};
    struct totals t = {0};
    int npaths = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (cli_is_help(a)) {
            puts("usage: bpfrt test-data [--engine interp] [--mode checked|trusted] [-v] [--json]\n"
                 "                       PATH...\n"
                 "Runs conformance-format .data files (or every .data file in a folder).\n"
                 "Prints one line per failure, then 'N passed, M failed'; exits 1 if any\n"
                 "failed. A test with '-- error TEXT' passes when loading or running fails\n"
                 "with a message containing TEXT. Helper 5 returns r1 and, when r1 is 0,\n"
                 "ends the program with r0 = 0. -v also lists passing files; --json prints\n"
                 "{\"results\":[{\"file\",\"status\",\"message\"}...],\"passed\",\"failed\","
                 "\"skipped\"}.");
            return 0;
        } else if (strcmp(a, "--engine") == 0 && i + 1 < argc) {
            if (strcmp(argv[++i], "interp") != 0) {
                cli_error("test-data: unknown engine '%s' (available: interp)", argv[i]);
                return 2;
            }
        } else if (strcmp(a, "--mode") == 0 && i + 1 < argc) {
            const char *m = argv[++i];
            if (strcmp(m, "checked") == 0)
                o.mode = BPFRT_VM_CHECKED;
            else if (strcmp(m, "trusted") == 0)
                o.mode = BPFRT_VM_TRUSTED;
            else {
                cli_error("test-data: unknown mode '%s' (checked or trusted)", m);
                return 2;
            }
        } else if (strcmp(a, "--json") == 0 || strcmp(a, "-j") == 0) {
            o.json = true;
        } else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
            o.verbose = true;
        } else if (a[0] == '-' && a[1]) {
            cli_error("test-data: unknown or incomplete option '%s'", a);
            return 2;
        }
    }
    if (o.json)
        printf("{\"results\":[");
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--engine") == 0 || strcmp(a, "--mode") == 0) {
            i++;
            continue;
        }
        if (a[0] == '-' && a[1])
            continue;
        npaths++;
        run_path(a, &o, &t);
    }
    if (npaths == 0) {
        if (o.json)
            printf("]}\n");
        cli_error("test-data: no PATH given (usage: bpfrt test-data PATH...)");
        return 2;
    }
    if (o.json)
        printf("],\"passed\":%d,\"failed\":%d,\"skipped\":%d}\n", t.passed, t.failed, t.skipped);
    else if (t.skipped)
        printf("%d passed, %d failed, %d skipped\n", t.passed, t.failed, t.skipped);
    else
        printf("%d passed, %d failed\n", t.passed, t.failed);
    return t.failed ? 1 : 0;
}
