/* Parser for the conformance suite's .data files. */
#include "data_file.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa/isa_internal.h"

enum section { SEC_NONE, SEC_ASM, SEC_RAW, SEC_MEM, SEC_RESULT, SEC_ERROR, SEC_IGNORED };

static const struct {
    const char *name;
    enum section sec;
} sections[] = {
    {"asm", SEC_ASM},
    {"raw", SEC_RAW},
    {"mem", SEC_MEM},
    {"result", SEC_RESULT},
    {"error", SEC_ERROR},
    {"c", SEC_IGNORED},
    /* lists features a runtime may lack; informational */
    {"no register offset", SEC_IGNORED},
};

struct buf {
    char *p;
    size_t len, cap;
};

static int buf_add(struct buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t nc = (b->cap ? b->cap * 2 : 256) + n;
        char *np = realloc(b->p, nc);
        if (!np)
            return -1;
        b->p = np;
        b->cap = nc;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
    return 0;
}

static int hex_digit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Appends bytes of a hex line: "aa bb cc" or 64-bit words "0x1122334455667788" (raw only,
 * stored little-endian). */
static int parse_hex_line(const char *line, bool words, struct buf *out)
{
    const char *p = line;
    while (*p) {
        while (isspace((unsigned char)*p))
            p++;
        if (!*p || *p == '#')
            break;
        const char *t = p;
        while (*p && !isspace((unsigned char)*p))
            p++;
        size_t tl = (size_t)(p - t);
        if (words && tl > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) {
            if (tl > 18)
                return -1;
            uint64_t v = 0;
            for (size_t i = 2; i < tl; i++) {
                int d = hex_digit((unsigned char)t[i]);
                if (d < 0)
                    return -1;
                v = v << 4 | (uint64_t)d;
            }
            uint8_t le[8];
            for (int i = 0; i < 8; i++)
                le[i] = (uint8_t)(v >> (8 * i));
            if (buf_add(out, (const char *)le, 8) < 0)
                return -1;
            continue;
        }
        if (tl != 2 || hex_digit((unsigned char)t[0]) < 0 || hex_digit((unsigned char)t[1]) < 0)
            return -1;
        char byte = (char)(hex_digit((unsigned char)t[0]) << 4 | hex_digit((unsigned char)t[1]));
        if (buf_add(out, &byte, 1) < 0)
            return -1;
    }
    return 0;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = 0;
    return s;
}

int data_file_parse(const char *path, const char *text, struct data_file *df,
                    struct bpfrt_diag *diag)
{
    memset(df, 0, sizeof(*df));
    struct buf asm_b = {0}, raw_b = {0}, mem_b = {0}, res_b = {0}, err_b = {0};
    enum section cur = SEC_NONE;
    bool seen[SEC_IGNORED + 1] = {0};
    int line = 0;
    int rc = -1;
    struct bpfrt_lines lines = {.next = text};
    for (;;) {
        int got = bpfrt_next_line(&lines);
        if (got == 0)
            break;
        line++;
        if (got < 0) {
            bpfrt_diag_set(diag, "%s:%d: out of memory", path, line);
            goto out;
        }
        char *l = lines.line;
        if (strncmp(l, "-- ", 3) == 0 || strcmp(l, "--") == 0) {
            char *name = trim(l + 2);
            cur = SEC_NONE;
            for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
                if (strcmp(name, sections[i].name) == 0)
                    cur = sections[i].sec;
            if (cur == SEC_NONE) {
                bpfrt_diag_set(diag, "%s:%d: unknown section '-- %s'", path, line, name);
                goto out;
            }
            if (cur != SEC_IGNORED && seen[cur]) {
                bpfrt_diag_set(diag, "%s:%d: section '-- %s' appears twice", path, line, name);
                goto out;
            }
            seen[cur] = true;
            if (cur == SEC_ASM)
                df->asm_line = line + 1;
            continue;
        }
        int bad = 0;
        switch (cur) {
        case SEC_NONE:
            if (*trim(l) && l[0] != '#') {
                bpfrt_diag_set(diag, "%s:%d: text outside any '-- section'", path, line);
                goto out;
            }
            break;
        case SEC_ASM:
            bad = buf_add(&asm_b, l, strlen(l)) < 0 || buf_add(&asm_b, "\n", 1) < 0;
            break;
        case SEC_RAW: bad = parse_hex_line(l, true, &raw_b) < 0; break;
        case SEC_MEM: bad = parse_hex_line(l, false, &mem_b) < 0; break;
        case SEC_RESULT: bad = buf_add(&res_b, l, strlen(l)) < 0 || buf_add(&res_b, " ", 1); break;
        case SEC_ERROR: bad = buf_add(&err_b, l, strlen(l)) < 0 || buf_add(&err_b, " ", 1); break;
        case SEC_IGNORED: break;
        }
        if (bad) {
            bpfrt_diag_set(diag, "%s:%d: invalid hex data", path, line);
            goto out;
        }
    }
    if (!seen[SEC_ASM] && !seen[SEC_RAW]) {
        bpfrt_diag_set(diag, "%s: no program ('-- asm' or '-- raw' section)", path);
        goto out;
    }
    if (seen[SEC_RESULT] == seen[SEC_ERROR]) {
        bpfrt_diag_set(diag, "%s: needs exactly one of '-- result' and '-- error'", path);
        goto out;
    }
    if (seen[SEC_RESULT]) {
        char *s = trim(res_b.p ? res_b.p : (char *)"");
        char *end;
        df->result = strtoull(s, &end, 16); /* always hexadecimal, "0x" optional */
        if (!*s || *end) {
            bpfrt_diag_set(diag, "%s: invalid '-- result' value '%s'", path, s);
            goto out;
        }
        df->has_result = true;
    }
    if (seen[SEC_ERROR]) {
        char *s = trim(err_b.p ? err_b.p : (char *)"");
        df->error_text = strdup(s);
        df->has_error = true;
    }
    if (seen[SEC_ASM]) {
        df->asm_text = asm_b.p ? asm_b.p : strdup("");
        asm_b.p = NULL;
    }
    if (seen[SEC_RAW]) {
        df->raw = (uint8_t *)raw_b.p;
        df->raw_len = raw_b.len;
        raw_b.p = NULL;
    }
    if (seen[SEC_MEM]) {
        df->mem = (uint8_t *)mem_b.p;
        df->mem_len = mem_b.len;
        mem_b.p = NULL;
    }
    rc = 0;
out:
    free(lines.line);
    free(asm_b.p);
    free(raw_b.p);
    free(mem_b.p);
    free(res_b.p);
    free(err_b.p);
    if (rc)
        data_file_free(df);
    return rc;
}

void data_file_free(struct data_file *df)
{
    free(df->asm_text);
    free(df->raw);
    free(df->mem);
    free(df->error_text);
    memset(df, 0, sizeof(*df));
}

static uint64_t helper_unwind(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
    (void)r2, (void)r3, (void)r4, (void)r5;
    if (r1 == 0)
        bpfrt_vm_request_exit(0);
    return r1;
}

void data_file_register_helpers(struct bpfrt_vm *vm)
{
    bpfrt_vm_set_helper(vm, 5, helper_unwind);
}
