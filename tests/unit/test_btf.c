/* BTF and BTF.ext parser tests: hand-built blobs covering every kind, every validation rule
 * (each malformed variant refused with a message naming the problem), truncations and bit flips;
 * and, with --corpus DIR, the .BTF/.BTF.ext sections of every object under DIR (read with
 * libelf here; the parser itself does not use it).
 *
 * Usage: test_btf                 the hand-built checks
 *        test_btf --corpus DIR    the corpus checks; exits 77 (skip) when DIR does not exist */
#define _XOPEN_SOURCE 700
#include <fcntl.h>
#include <ftw.h>
#include <gelf.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bpfrt/btf.h"
#include "testlib.h"

/* ---------------------------------------------------------------------------------------------
 * A small BTF builder */

struct bb {
    uint32_t types[2048];
    size_t nt;     /* words */
    uint32_t next; /* next type id */
    char strs[4096];
    size_t ns;
};

static void bb_init(struct bb *b)
{
    memset(b, 0, sizeof *b);
    b->ns = 1; /* the empty string */
    b->next = 1;
}

/* Adds a string (or finds it) and returns its offset. */
static uint32_t S(struct bb *b, const char *s)
{
    for (size_t off = 0; off < b->ns; off += strlen(b->strs + off) + 1)
        if (strcmp(b->strs + off, s) == 0)
            return (uint32_t)off;
    size_t l = strlen(s) + 1;
    memcpy(b->strs + b->ns, s, l);
    b->ns += l;
    return (uint32_t)(b->ns - l);
}

static void W(struct bb *b, uint32_t w)
{
    b->types[b->nt++] = w;
}

/* Starts a type record; returns its id. */
static uint32_t T(struct bb *b, const char *name, unsigned kind, unsigned vlen, unsigned kflag,
                  uint32_t size_or_type)
{
    W(b, name ? S(b, name) : 0);
    W(b, (uint32_t)kflag << 31 | (uint32_t)kind << 24 | vlen);
    W(b, size_or_type);
    return b->next++;
}

/* The .BTF bytes (header, types, strings); *len gets the size. */
static uint8_t *bb_blob(const struct bb *b, size_t *len)
{
    struct btf_header h = {
        BTF_MAGIC,      BTF_VERSION, 0, sizeof h, 0, (uint32_t)(b->nt * 4), (uint32_t)(b->nt * 4),
        (uint32_t)b->ns};
    *len = sizeof h + b->nt * 4 + b->ns;
    uint8_t *out = malloc(*len);
    memcpy(out, &h, sizeof h);
    memcpy(out + sizeof h, b->types, b->nt * 4);
    memcpy(out + sizeof h + b->nt * 4, b->strs, b->ns);
    return out;
}

/* Type ids of the full example (see build_full). */
enum {
    ID_INT = 1,
    ID_UINT,
    ID_PTR_INT,
    ID_ARR4,
    ID_FOO,
    ID_UNION,
    ID_ENUM,
    ID_FWD,
    ID_TYPEDEF,
    ID_VOLATILE,
    ID_CONST_INT,
    ID_RESTRICT,
    ID_PROTO,
    ID_FUNC,
    ID_VAR,
    ID_DATA,
    ID_FLOAT,
    ID_DECL_TAG,
    ID_TYPE_TAG,
    ID_ENUM64,
    ID_PTR_PROTO,
    ID_PTR_ARR,
    ID_PTR_CONST,
    ID_CONST_PTR,
    ID_ARR2x4,
    ID_BITS,
    ID_PTR_TAG,
    ID_MAPS,
    ID_CHAR,
    ID_FWD_UNION,
    ID_VARARGS,
    ID_COUNT
};

/* Every kind at least once, plus strings used by the .BTF.ext tests. */
static void build_full(struct bb *b)
{
    bb_init(b);
    T(b, "int", BTF_KIND_INT, 0, 0, 4);
    W(b, BTF_INT_SIGNED << 24 | 32);
    T(b, "unsigned int", BTF_KIND_INT, 0, 0, 4);
    W(b, 32);
    T(b, NULL, BTF_KIND_PTR, 0, 0, ID_INT);
    T(b, NULL, BTF_KIND_ARRAY, 0, 0, 0);
    W(b, ID_INT), W(b, ID_UINT), W(b, 4);
    T(b, "foo", BTF_KIND_STRUCT, 3, 0, 32);
    W(b, S(b, "a")), W(b, ID_INT), W(b, 0);
    W(b, S(b, "b")), W(b, ID_PTR_INT), W(b, 64);
    W(b, S(b, "c")), W(b, ID_ARR4), W(b, 128);
    T(b, "u", BTF_KIND_UNION, 2, 0, 8);
    W(b, S(b, "x")), W(b, ID_INT), W(b, 0);
    W(b, S(b, "y")), W(b, ID_PTR_INT), W(b, 0);
    T(b, "e", BTF_KIND_ENUM, 2, 0, 4);
    W(b, S(b, "A")), W(b, 0);
    W(b, S(b, "B")), W(b, (uint32_t)-1);
    T(b, "fw", BTF_KIND_FWD, 0, 0, 0);
    T(b, "__u32", BTF_KIND_TYPEDEF, 0, 0, ID_UINT);
    T(b, NULL, BTF_KIND_VOLATILE, 0, 0, ID_INT);
    T(b, NULL, BTF_KIND_CONST, 0, 0, ID_INT);
    T(b, NULL, BTF_KIND_RESTRICT, 0, 0, ID_PTR_INT);
    T(b, NULL, BTF_KIND_FUNC_PROTO, 2, 0, ID_INT);
    W(b, S(b, "x")), W(b, ID_INT);
    W(b, S(b, "p")), W(b, ID_PTR_INT);
    T(b, "main_fn", BTF_KIND_FUNC, BTF_FUNC_GLOBAL, 0, ID_PROTO);
    T(b, "counter", BTF_KIND_VAR, 0, 0, ID_INT);
    W(b, BTF_VAR_GLOBAL_ALLOCATED);
    T(b, ".data", BTF_KIND_DATASEC, 1, 0, 4);
    W(b, ID_VAR), W(b, 0), W(b, 4);
    T(b, "double", BTF_KIND_FLOAT, 0, 0, 8);
    T(b, "tag", BTF_KIND_DECL_TAG, 0, 0, ID_FOO);
    W(b, 1);
    T(b, "user", BTF_KIND_TYPE_TAG, 0, 0, ID_INT);
    T(b, "e64", BTF_KIND_ENUM64, 1, 0, 8);
    W(b, S(b, "BIG")), W(b, 0), W(b, 1);
    T(b, NULL, BTF_KIND_PTR, 0, 0, ID_PROTO);
    T(b, NULL, BTF_KIND_PTR, 0, 0, ID_ARR4);
    T(b, NULL, BTF_KIND_PTR, 0, 0, ID_CONST_INT);
    T(b, NULL, BTF_KIND_CONST, 0, 0, ID_PTR_INT);
    T(b, NULL, BTF_KIND_ARRAY, 0, 0, 0);
    W(b, ID_ARR4), W(b, ID_UINT), W(b, 2);
    T(b, NULL, BTF_KIND_STRUCT, 2, 1, 4);
    W(b, S(b, "lo")), W(b, ID_UINT), W(b, 3u << 24 | 0);
    W(b, S(b, "hi")), W(b, ID_UINT), W(b, 5u << 24 | 3);
    T(b, NULL, BTF_KIND_PTR, 0, 0, ID_TYPE_TAG);
    T(b, ".maps", BTF_KIND_DATASEC, 0, 0, 0);
    T(b, "char", BTF_KIND_INT, 0, 0, 1);
    W(b, BTF_INT_CHAR << 24 | 8);
    T(b, "fu", BTF_KIND_FWD, 0, 1, 0);
    T(b, NULL, BTF_KIND_FUNC_PROTO, 2, 0, 0);
    W(b, S(b, "fmt")), W(b, ID_PTR_CONST);
    W(b, 0), W(b, 0);
    S(b, ".text");
    S(b, "xdp");
    S(b, "a.c");
    S(b, "int x = 1;");
    S(b, "0:1");
    S(b, "0:");
}

static struct bpfrt_btf *parse_bb(const struct bb *b, struct bpfrt_diag *diag)
{
    size_t len;
    uint8_t *blob = bb_blob(b, &len);
    struct bpfrt_btf *btf = bpfrt_btf_parse(blob, len, diag);
    free(blob);
    return btf;
}

/* Walks everything a parsed BTF offers (what a user would do); false when something is off. */
static bool walk_all(const struct bpfrt_btf *btf)
{
    char name[256];
    bool ok = true;
    for (uint32_t id = 0; id < bpfrt_btf_type_cnt(btf); id++) {
        const struct btf_type *t = bpfrt_btf_type_by_id(btf, id);
        int n = bpfrt_btf_type_name(btf, id, name, sizeof name);
        ok &= t != NULL && bpfrt_btf_name(btf, id) != NULL && n >= 0 &&
              memchr(name, 0, sizeof name) != NULL;
        (void)bpfrt_btf_type_size(btf, id);
        ok &= bpfrt_btf_skip_modifiers(btf, id) < bpfrt_btf_type_cnt(btf);
        (void)bpfrt_btf_kind_name(bpfrt_btf_kind(t));
    }
    return ok;
}

/* Parses B (or BLOB) expecting a refusal whose message contains WANT. */
static void expect_fail_blob(const uint8_t *blob, size_t len, const char *want, int line)
{
    struct bpfrt_diag diag;
    memset(&diag, 0x55, sizeof diag);
    struct bpfrt_btf *btf = bpfrt_btf_parse(blob, len, &diag);
    if (!tl_check(btf == NULL, __FILE__, line, "parsed, expected an error containing '%s'", want)) {
        bpfrt_btf_free(btf);
        return;
    }
    bool term = memchr(diag.msg, 0, sizeof diag.msg) != NULL;
    tl_check(term && strstr(diag.msg, want) != NULL && strncmp(diag.msg, "BTF: ", 5) == 0, __FILE__,
             line, "message '%s' lacks '%s'", term ? diag.msg : "(unterminated)", want);
}

static void expect_fail_bb(const struct bb *b, const char *want, int line)
{
    size_t len;
    uint8_t *blob = bb_blob(b, &len);
    expect_fail_blob(blob, len, want, line);
    free(blob);
}

#define FAIL_BB(b, want) expect_fail_bb((b), (want), __LINE__)
#define FAIL_BLOB(p, n, want) expect_fail_blob((p), (n), (want), __LINE__)

/* ---------------------------------------------------------------------------------------------
 * Valid BTF */

static void check_name(const struct bpfrt_btf *btf, uint32_t id, const char *want)
{
    char buf[128];
    int n = bpfrt_btf_type_name(btf, id, buf, sizeof buf);
    CHECK(n == (int)strlen(want) && strcmp(buf, want) == 0, "type %u spelled '%s' (%d), want '%s'",
          id, buf, n, want);
}

static void test_valid(void)
{
    struct bb b;
    build_full(&b);
    struct bpfrt_diag diag = {""};
    struct bpfrt_btf *btf = parse_bb(&b, &diag);
    if (!CHECK(btf != NULL, "full example refused: %s", diag.msg))
        return;
    CHECK(bpfrt_btf_type_cnt(btf) == ID_COUNT, "type count %u, want %u", bpfrt_btf_type_cnt(btf),
          (unsigned)ID_COUNT);
    CHECK(bpfrt_btf_type_by_id(btf, ID_COUNT) == NULL, "id past the end has a type");
    CHECK(bpfrt_btf_type_by_id(btf, 0) && bpfrt_btf_kind(bpfrt_btf_type_by_id(btf, 0)) == 0,
          "void record");
    CHECK(bpfrt_btf_type_name(btf, ID_COUNT, NULL, 0) == -1, "invalid id spelled");
    CHECK(bpfrt_btf_str(btf, 1) && strcmp(bpfrt_btf_str(btf, 1), "int") == 0, "string 1");
    CHECK(bpfrt_btf_str(btf, 100000) == NULL, "string out of range");

    static const unsigned kinds[ID_COUNT] = {
        [ID_INT] = BTF_KIND_INT,
        [ID_UINT] = BTF_KIND_INT,
        [ID_PTR_INT] = BTF_KIND_PTR,
        [ID_ARR4] = BTF_KIND_ARRAY,
        [ID_FOO] = BTF_KIND_STRUCT,
        [ID_UNION] = BTF_KIND_UNION,
        [ID_ENUM] = BTF_KIND_ENUM,
        [ID_FWD] = BTF_KIND_FWD,
        [ID_TYPEDEF] = BTF_KIND_TYPEDEF,
        [ID_VOLATILE] = BTF_KIND_VOLATILE,
        [ID_CONST_INT] = BTF_KIND_CONST,
        [ID_RESTRICT] = BTF_KIND_RESTRICT,
        [ID_PROTO] = BTF_KIND_FUNC_PROTO,
        [ID_FUNC] = BTF_KIND_FUNC,
        [ID_VAR] = BTF_KIND_VAR,
        [ID_DATA] = BTF_KIND_DATASEC,
        [ID_FLOAT] = BTF_KIND_FLOAT,
        [ID_DECL_TAG] = BTF_KIND_DECL_TAG,
        [ID_TYPE_TAG] = BTF_KIND_TYPE_TAG,
        [ID_ENUM64] = BTF_KIND_ENUM64,
        [ID_PTR_PROTO] = BTF_KIND_PTR,
        [ID_PTR_ARR] = BTF_KIND_PTR,
        [ID_PTR_CONST] = BTF_KIND_PTR,
        [ID_CONST_PTR] = BTF_KIND_CONST,
        [ID_ARR2x4] = BTF_KIND_ARRAY,
        [ID_BITS] = BTF_KIND_STRUCT,
        [ID_PTR_TAG] = BTF_KIND_PTR,
        [ID_MAPS] = BTF_KIND_DATASEC,
        [ID_CHAR] = BTF_KIND_INT,
        [ID_FWD_UNION] = BTF_KIND_FWD,
        [ID_VARARGS] = BTF_KIND_FUNC_PROTO,
    };
    bool seen[NR_BTF_KINDS] = {false};
    for (uint32_t id = 1; id < ID_COUNT; id++) {
        unsigned k = bpfrt_btf_kind(bpfrt_btf_type_by_id(btf, id));
        CHECK(k == kinds[id], "type %u kind %s, want %s", id, bpfrt_btf_kind_name(k),
              bpfrt_btf_kind_name(kinds[id]));
        seen[k] = true;
    }
    for (unsigned k = 1; k < NR_BTF_KINDS; k++)
        CHECK(seen[k], "kind %s not covered", bpfrt_btf_kind_name(k));
    CHECK(strcmp(bpfrt_btf_kind_name(BTF_KIND_DATASEC), "DATASEC") == 0, "kind name");
    CHECK(strcmp(bpfrt_btf_kind_name(99), "UNKNOWN") == 0, "unknown kind name");

    static const struct {
        uint32_t id;
        int64_t size;
    } sizes[] = {
        {0, -1},           {ID_INT, 4},      {ID_PTR_INT, 8},   {ID_ARR4, 16},    {ID_FOO, 32},
        {ID_UNION, 8},     {ID_ENUM, 4},     {ID_FWD, -1},      {ID_TYPEDEF, 4},  {ID_VOLATILE, 4},
        {ID_CONST_INT, 4}, {ID_RESTRICT, 8}, {ID_PROTO, -1},    {ID_FUNC, -1},    {ID_VAR, 4},
        {ID_DATA, 4},      {ID_FLOAT, 8},    {ID_DECL_TAG, -1}, {ID_TYPE_TAG, 4}, {ID_ENUM64, 8},
        {ID_ARR2x4, 32},   {ID_BITS, 4},     {ID_MAPS, 0},      {ID_COUNT, -1},
    };
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        CHECK(bpfrt_btf_type_size(btf, sizes[i].id) == sizes[i].size,
              "size of type %u: %lld, want %lld", sizes[i].id,
              (long long)bpfrt_btf_type_size(btf, sizes[i].id), (long long)sizes[i].size);

    check_name(btf, 0, "void");
    check_name(btf, ID_INT, "int");
    check_name(btf, ID_UINT, "unsigned int");
    check_name(btf, ID_PTR_INT, "int *");
    check_name(btf, ID_ARR4, "int[4]");
    check_name(btf, ID_FOO, "struct foo");
    check_name(btf, ID_UNION, "union u");
    check_name(btf, ID_ENUM, "enum e");
    check_name(btf, ID_FWD, "struct fw");
    check_name(btf, ID_FWD_UNION, "union fu");
    check_name(btf, ID_TYPEDEF, "__u32");
    check_name(btf, ID_VOLATILE, "volatile int");
    check_name(btf, ID_CONST_INT, "const int");
    check_name(btf, ID_RESTRICT, "int * restrict");
    check_name(btf, ID_PROTO, "int (int, int *)");
    check_name(btf, ID_FUNC, "main_fn");
    check_name(btf, ID_VAR, "counter");
    check_name(btf, ID_DATA, ".data");
    check_name(btf, ID_FLOAT, "double");
    check_name(btf, ID_TYPE_TAG, "int");
    check_name(btf, ID_ENUM64, "enum e64");
    check_name(btf, ID_PTR_PROTO, "int (*)(int, int *)");
    check_name(btf, ID_PTR_ARR, "int (*)[4]");
    check_name(btf, ID_PTR_CONST, "const int *");
    check_name(btf, ID_CONST_PTR, "int * const");
    check_name(btf, ID_ARR2x4, "int[2][4]");
    check_name(btf, ID_BITS, "struct (anon)");
    check_name(btf, ID_PTR_TAG, "int *");
    check_name(btf, ID_VARARGS, "void (const int *, ...)");

    /* truncated spelling behaves like snprintf */
    char small[6];
    int n = bpfrt_btf_type_name(btf, ID_PTR_PROTO, small, sizeof small);
    CHECK(n == (int)strlen("int (*)(int, int *)") && strcmp(small, "int (") == 0,
          "truncated spelling '%s' (%d)", small, n);

    CHECK(bpfrt_btf_skip_modifiers(btf, ID_TYPEDEF) == ID_UINT, "skip typedef");
    CHECK(bpfrt_btf_skip_modifiers(btf, ID_CONST_INT) == ID_INT, "skip const");
    CHECK(bpfrt_btf_skip_modifiers(btf, ID_TYPE_TAG) == ID_INT, "skip type tag");
    CHECK(bpfrt_btf_skip_modifiers(btf, ID_CONST_PTR) == ID_PTR_INT, "skip const ptr");
    CHECK(bpfrt_btf_skip_modifiers(btf, ID_PTR_INT) == ID_PTR_INT, "ptr is not a modifier");

    CHECK(bpfrt_btf_find_by_name_kind(btf, "foo", BTF_KIND_STRUCT) == ID_FOO, "find foo");
    CHECK(bpfrt_btf_find_by_name_kind(btf, "foo", BTF_KIND_UNION) == -1, "foo is no union");
    CHECK(bpfrt_btf_find_by_name_kind(btf, "nope", BTF_KIND_STRUCT) == -1, "find nope");
    CHECK(bpfrt_btf_datasec_find(btf, ".data") == ID_DATA, "datasec .data");
    CHECK(bpfrt_btf_datasec_find(btf, ".maps") == ID_MAPS, "datasec .maps");
    CHECK(bpfrt_btf_datasec_find(btf, ".bss") == -1, "no datasec .bss");

    const struct btf_type *foo = bpfrt_btf_type_by_id(btf, ID_FOO);
    CHECK(bpfrt_btf_vlen(foo) == 3 && bpfrt_btf_members(foo)[2].type == ID_ARR4 &&
              bpfrt_btf_member_bit_offset(foo, 2) == 128 &&
              strcmp(bpfrt_btf_str(btf, bpfrt_btf_members(foo)[1].name_off), "b") == 0,
          "struct members");
    const struct btf_type *bits = bpfrt_btf_type_by_id(btf, ID_BITS);
    CHECK(bpfrt_btf_kflag(bits) && bpfrt_btf_member_bit_offset(bits, 1) == 3 &&
              bpfrt_btf_member_bitfield_size(bits, 1) == 5,
          "bitfield member");
    CHECK(bpfrt_btf_array(bpfrt_btf_type_by_id(btf, ID_ARR4))->nelems == 4, "array nelems");
    CHECK(bpfrt_btf_enums(bpfrt_btf_type_by_id(btf, ID_ENUM))[1].val == -1, "enum value");
    CHECK(bpfrt_btf_enum64_value(bpfrt_btf_type_by_id(btf, ID_ENUM64), 0) == 1ull << 32,
          "enum64 value");
    CHECK(bpfrt_btf_var(bpfrt_btf_type_by_id(btf, ID_VAR))->linkage == BTF_VAR_GLOBAL_ALLOCATED,
          "var linkage");
    CHECK(bpfrt_btf_var_secinfos(bpfrt_btf_type_by_id(btf, ID_DATA))[0].type == ID_VAR,
          "datasec entry");
    CHECK(bpfrt_btf_decl_tag(bpfrt_btf_type_by_id(btf, ID_DECL_TAG))->component_idx == 1,
          "decl tag");
    CHECK(bpfrt_btf_params(bpfrt_btf_type_by_id(btf, ID_PROTO))[1].type == ID_PTR_INT,
          "proto param");
    CHECK(BTF_INT_ENCODING(bpfrt_btf_int_info(bpfrt_btf_type_by_id(btf, ID_INT))) == BTF_INT_SIGNED,
          "int encoding");
    CHECK(walk_all(btf), "walk of the full example");
    bpfrt_btf_free(btf);
    bpfrt_btf_free(NULL);

    /* no types at all, and a header with zeroed extra fields, are fine */
    bb_init(&b);
    btf = parse_bb(&b, &diag);
    CHECK(btf && bpfrt_btf_type_cnt(btf) == 1, "empty BTF: %s", btf ? "" : diag.msg);
    bpfrt_btf_free(btf);
    build_full(&b);
    size_t len;
    uint8_t *blob = bb_blob(&b, &len);
    uint8_t *big = calloc(1, len + 8);
    memcpy(big, blob, 24);
    memcpy(big + 32, blob + 24, len - 24);
    ((struct btf_header *)big)->hdr_len = 32;
    btf = bpfrt_btf_parse(big, len + 8, &diag);
    CHECK(btf && bpfrt_btf_type_cnt(btf) == ID_COUNT, "32-byte header: %s", btf ? "" : diag.msg);
    bpfrt_btf_free(btf);
    /* unaligned input and strings placed before types */
    struct btf_header h;
    memcpy(&h, blob, sizeof h);
    h.str_off = 0;
    h.type_off = (h.str_len + 3) & ~3u;
    size_t olen = 24 + h.type_off + h.type_len;
    uint8_t *odd = calloc(1, olen + 1);
    memcpy(odd + 1, &h, sizeof h);
    memcpy(odd + 1 + 24, blob + 24 + ((struct btf_header *)blob)->str_off, h.str_len);
    memcpy(odd + 1 + 24 + h.type_off, blob + 24, h.type_len);
    btf = bpfrt_btf_parse(odd + 1, olen, &diag);
    CHECK(btf && bpfrt_btf_type_cnt(btf) == ID_COUNT, "strings first, unaligned input: %s",
          btf ? "" : diag.msg);
    bpfrt_btf_free(btf);
    free(odd);
    free(big);
    free(blob);
}

/* ---------------------------------------------------------------------------------------------
 * Malformed BTF: every rule */

static uint8_t *full_blob(size_t *len)
{
    struct bb b;
    build_full(&b);
    return bb_blob(&b, len);
}

static void test_bad_header(void)
{
    size_t len;
    uint8_t *blob = full_blob(&len), *m = malloc(len + 64);
    struct btf_header *h = (struct btf_header *)m;
#define RESET() memcpy(m, blob, len)

    FAIL_BLOB(blob, 0, "too small");
    FAIL_BLOB(blob, 23, "too small");
    FAIL_BLOB(NULL, 0, "too small");
    RESET(), h->magic = 0x1234;
    FAIL_BLOB(m, len, "bad magic 0x1234");
    RESET(), h->magic = 0x9feb;
    FAIL_BLOB(m, len, "big-endian");
    RESET(), h->version = 2;
    FAIL_BLOB(m, len, "version 2");
    RESET(), h->flags = 1;
    FAIL_BLOB(m, len, "flags");
    RESET(), h->hdr_len = 20;
    FAIL_BLOB(m, len, "header length 20");
    RESET(), h->hdr_len = (uint32_t)len + 1;
    FAIL_BLOB(m, len, "header length");
    /* a longer header with a non-zero unknown field */
    memcpy(m, blob, 24);
    memset(m + 24, 0, 8);
    m[28] = 1;
    memcpy(m + 32, blob + 24, len - 24);
    h->hdr_len = 32;
    FAIL_BLOB(m, len + 8, "unknown header field");
    RESET(), h->type_len += 4;
    FAIL_BLOB(m, len, "type section");
    RESET(), h->type_off = 0xfffffff0;
    FAIL_BLOB(m, len, "type section");
    RESET(), h->str_len += 1;
    FAIL_BLOB(m, len, "string section (offset");
    RESET(), h->str_off = 0xffffffff;
    FAIL_BLOB(m, len, "string section (offset");
    RESET(), h->type_off = 2, h->type_len -= 4;
    FAIL_BLOB(m, len, "not 4-byte aligned");
    RESET(), h->type_len -= 2;
    FAIL_BLOB(m, len, "not a multiple of 4");
    RESET(), h->str_off -= 4;
    FAIL_BLOB(m, len, "overlap");
    RESET(), h->str_len = 0;
    FAIL_BLOB(m, len, "start with a NUL");
    RESET(), m[24 + h->str_off] = 'x';
    FAIL_BLOB(m, len, "start with a NUL");
    RESET(), m[len - 1] = 'x';
    FAIL_BLOB(m, len, "does not end with a NUL");
    /* every truncation of a valid blob is refused without a crash */
    size_t parsed_at = 0;
    for (size_t k = 0; k < len && !parsed_at; k++) {
        struct bpfrt_diag diag = {""};
        struct bpfrt_btf *btf = bpfrt_btf_parse(blob, k, &diag);
        if (btf || !diag.msg[0])
            parsed_at = k ? k : SIZE_MAX;
        bpfrt_btf_free(btf);
    }
    CHECK(!parsed_at, "truncation to %zu bytes parsed or gave no message", parsed_at);
#undef RESET
    free(m);
    free(blob);
}

/* A minimal BTF: int and unsigned int; callers add one broken type. */
static void mini(struct bb *b)
{
    bb_init(b);
    T(b, "int", BTF_KIND_INT, 0, 0, 4);
    W(b, BTF_INT_SIGNED << 24 | 32);
    T(b, "unsigned int", BTF_KIND_INT, 0, 0, 4);
    W(b, 32);
}

static void test_bad_types(void)
{
    struct bb b;
    size_t len;

    /* record extents */
    mini(&b);
    T(&b, "s", BTF_KIND_STRUCT, 2, 0, 8);
    W(&b, 0), W(&b, 1), W(&b, 0); /* one member of two */
    FAIL_BB(&b,
            "type [3] STRUCT at offset 32: record cut off (vlen 2 needs 24 more bytes, 12 left)");
    mini(&b);
    uint8_t *blob = bb_blob(&b, &len);
    ((struct btf_header *)blob)->type_len -= 4; /* the INT's encoding word missing */
    ((struct btf_header *)blob)->str_off -= 4;
    memmove(blob + 24 + b.nt * 4 - 4, blob + 24 + b.nt * 4, b.ns);
    FAIL_BLOB(blob, len - 4, "record cut off");
    free(blob);
    mini(&b);
    W(&b, 0), W(&b, 0); /* 8 stray bytes: less than a record */
    FAIL_BB(&b, "type [3] at offset 32: record cut off (8 bytes left, need 12)");
    mini(&b);
    T(&b, "x", 25, 0, 0, 0);
    FAIL_BB(&b, "type [3] at offset 32: unknown kind 25");
    mini(&b);
    T(&b, NULL, 0, 0, 0, 0);
    FAIL_BB(&b, "unknown kind 0");

    /* names */
    mini(&b);
    W(&b, 5000), W(&b, BTF_KIND_TYPEDEF << 24), W(&b, 1);
    FAIL_BB(&b, "type [3] TYPEDEF (name offset 5000): name offset 5000 outside the string table");
    mini(&b);
    T(&b, NULL, BTF_KIND_TYPEDEF, 0, 0, 1);
    FAIL_BB(&b, "type [3] TYPEDEF '': has no name");
    static const unsigned need_name[] = {BTF_KIND_INT,      BTF_KIND_FWD,     BTF_KIND_FUNC,
                                         BTF_KIND_VAR,      BTF_KIND_DATASEC, BTF_KIND_FLOAT,
                                         BTF_KIND_DECL_TAG, BTF_KIND_TYPE_TAG};
    for (size_t i = 0; i < sizeof need_name / sizeof need_name[0]; i++) {
        mini(&b);
        T(&b, NULL, need_name[i], 0, 0, 4);
        if (need_name[i] == BTF_KIND_INT || need_name[i] == BTF_KIND_VAR ||
            need_name[i] == BTF_KIND_DECL_TAG)
            W(&b, 32);
        FAIL_BB(&b, "has no name");
    }
    mini(&b);
    T(&b, "p", BTF_KIND_PTR, 0, 0, 1);
    b.types[b.nt - 2] |= 1u << 16;
    FAIL_BB(&b, "reserved bits set in info");
    mini(&b);
    T(&b, NULL, BTF_KIND_PTR, 1, 0, 1);
    FAIL_BB(&b, "type [3] PTR '': vlen 1 must be 0");

    /* INT and FLOAT */
    mini(&b);
    T(&b, "i3", BTF_KIND_INT, 0, 0, 3);
    W(&b, 24);
    FAIL_BB(&b, "size 3 is not 1, 2, 4, 8 or 16");
    mini(&b);
    T(&b, "i0", BTF_KIND_INT, 0, 0, 4);
    W(&b, 0);
    FAIL_BB(&b, "bits 0 at offset 0 do not fit");
    mini(&b);
    T(&b, "i33", BTF_KIND_INT, 0, 0, 4);
    W(&b, 33);
    FAIL_BB(&b, "bits 33 at offset 0 do not fit in 4 bytes");
    mini(&b);
    T(&b, "ioff", BTF_KIND_INT, 0, 0, 4);
    W(&b, 8u << 16 | 32);
    FAIL_BB(&b, "bits 32 at offset 8");
    mini(&b);
    T(&b, "ienc", BTF_KIND_INT, 0, 0, 4);
    W(&b, 3u << 24 | 32);
    FAIL_BB(&b, "invalid encoding 3");
    mini(&b);
    T(&b, "ires", BTF_KIND_INT, 0, 0, 4);
    W(&b, 1u << 12 | 32);
    FAIL_BB(&b, "reserved bits set in int encoding");
    mini(&b);
    T(&b, "f3", BTF_KIND_FLOAT, 0, 0, 3);
    FAIL_BB(&b, "type [3] FLOAT 'f3': size 3 is not 2, 4, 8, 12 or 16");

    /* references */
    mini(&b);
    T(&b, NULL, BTF_KIND_PTR, 0, 0, 999);
    FAIL_BB(&b, "type [3] PTR '': referenced type id 999 out of range (0..3)");
    static const unsigned mods[] = {BTF_KIND_TYPEDEF, BTF_KIND_VOLATILE, BTF_KIND_CONST,
                                    BTF_KIND_RESTRICT, BTF_KIND_TYPE_TAG};
    for (size_t i = 0; i < sizeof mods / sizeof mods[0]; i++) {
        mini(&b);
        T(&b, "m", mods[i], 0, 0, 4);
        FAIL_BB(&b, "referenced type id 4 out of range (0..3)");
    }
    mini(&b);
    T(&b, NULL, BTF_KIND_ARRAY, 0, 0, 0);
    W(&b, 0), W(&b, 2), W(&b, 1);
    FAIL_BB(&b, "type [3] ARRAY '': element type id 0 (void) not allowed here");
    mini(&b);
    T(&b, NULL, BTF_KIND_ARRAY, 0, 0, 0);
    W(&b, 1), W(&b, 7), W(&b, 1);
    FAIL_BB(&b, "index type id 7 out of range (1..3)");

    /* struct / union members */
    mini(&b);
    T(&b, "foo", BTF_KIND_STRUCT, 4, 0, 16);
    for (int i = 0; i < 3; i++)
        W(&b, 0), W(&b, 1), W(&b, (uint32_t)i * 32);
    W(&b, 0), W(&b, 9999), W(&b, 96);
    FAIL_BB(&b, "BTF: type [3] STRUCT 'foo': member 3 type id 9999 out of range (1..3)");
    mini(&b);
    T(&b, "un", BTF_KIND_UNION, 1, 0, 4);
    W(&b, 7777), W(&b, 1), W(&b, 0);
    FAIL_BB(&b, "type [3] UNION 'un': member 0 name offset 7777 outside the string table");
    mini(&b);
    T(&b, "big", BTF_KIND_STRUCT, 2, 0, 6);
    W(&b, 0), W(&b, 1), W(&b, 0);
    W(&b, 0), W(&b, 1), W(&b, 32);
    FAIL_BB(&b, "member 1 (4 bytes at byte 4) exceeds the size 6");
    mini(&b);
    T(&b, "mis", BTF_KIND_STRUCT, 1, 0, 4);
    W(&b, 0), W(&b, 1), W(&b, 4);
    FAIL_BB(&b, "member 0 (32 bits at bit 4) exceeds the size 4");
    mini(&b);
    T(&b, "bf", BTF_KIND_STRUCT, 1, 1, 4);
    W(&b, 0), W(&b, 2), W(&b, 9u << 24 | 30);
    FAIL_BB(&b, "member 0 bitfield of 9 bits at bit 30 does not fit in 4 bytes");
    mini(&b);
    T(&b, NULL, BTF_KIND_FUNC_PROTO, 0, 0, 1);
    T(&b, "fp", BTF_KIND_STRUCT, 1, 0, 8);
    W(&b, 0), W(&b, 3), W(&b, 0);
    FAIL_BB(&b, "type [4] STRUCT 'fp': member 0 type [3] FUNC_PROTO has no size");
    mini(&b);
    T(&b, NULL, BTF_KIND_PTR, 0, 0, 0);
    T(&b, "una", BTF_KIND_STRUCT, 1, 0, 16);
    W(&b, 0), W(&b, 3), W(&b, 4);
    FAIL_BB(&b, "member 0 at bit 4 is not byte aligned");

    /* enums */
    mini(&b);
    T(&b, "e", BTF_KIND_ENUM, 1, 0, 3);
    W(&b, S(&b, "A")), W(&b, 0);
    FAIL_BB(&b, "type [3] ENUM 'e': size 3 is not 1, 2, 4 or 8");
    mini(&b);
    T(&b, "e", BTF_KIND_ENUM, 1, 0, 4);
    W(&b, 0), W(&b, 0);
    FAIL_BB(&b, "value 0 has no name");
    mini(&b);
    T(&b, "e64", BTF_KIND_ENUM64, 1, 0, 8);
    W(&b, 9000), W(&b, 0), W(&b, 0);
    FAIL_BB(&b, "type [3] ENUM64 'e64': value 0 name offset 9000 outside the string table");

    /* functions */
    mini(&b);
    T(&b, NULL, BTF_KIND_FUNC_PROTO, 0, 0, 1);
    T(&b, "f", BTF_KIND_FUNC, 3, 0, 3);
    FAIL_BB(&b, "type [4] FUNC 'f': linkage 3 unknown");
    mini(&b);
    T(&b, "f", BTF_KIND_FUNC, 0, 0, 1);
    FAIL_BB(&b, "prototype type [1] is a INT, not a FUNC_PROTO");
    mini(&b);
    T(&b, "f", BTF_KIND_FUNC, 0, 0, 0);
    FAIL_BB(&b, "prototype type id 0 (void) not allowed here");
    mini(&b);
    T(&b, NULL, BTF_KIND_FUNC_PROTO, 2, 0, 1);
    W(&b, 0), W(&b, 0);
    W(&b, 0), W(&b, 1);
    FAIL_BB(&b, "parameter 0 has type void but is not a last unnamed '...'");
    mini(&b);
    T(&b, NULL, BTF_KIND_FUNC_PROTO, 1, 0, 1);
    W(&b, S(&b, "named")), W(&b, 0);
    FAIL_BB(&b, "parameter 0 has type void");
    mini(&b);
    T(&b, NULL, BTF_KIND_FUNC_PROTO, 1, 0, 55);
    W(&b, 0), W(&b, 1);
    FAIL_BB(&b, "return type id 55 out of range (0..3)");
    mini(&b);
    T(&b, NULL, BTF_KIND_FUNC_PROTO, 1, 0, 1);
    W(&b, 0), W(&b, 55);
    FAIL_BB(&b, "parameter 0 type id 55 out of range (0..3)");
    mini(&b);
    T(&b, NULL, BTF_KIND_FUNC_PROTO, 1, 0, 1);
    W(&b, 8888), W(&b, 1);
    FAIL_BB(&b, "parameter 0 name offset 8888");

    /* variables and sections */
    mini(&b);
    T(&b, "v", BTF_KIND_VAR, 0, 0, 1);
    W(&b, 5);
    FAIL_BB(&b, "type [3] VAR 'v': linkage 5 unknown");
    mini(&b);
    T(&b, "v", BTF_KIND_VAR, 0, 0, 0);
    W(&b, 0);
    FAIL_BB(&b, "variable type id 0 (void) not allowed here");
    mini(&b);
    T(&b, NULL, BTF_KIND_FUNC_PROTO, 0, 0, 1);
    T(&b, "v", BTF_KIND_VAR, 0, 0, 3);
    W(&b, 0);
    FAIL_BB(&b, "type [4] VAR 'v': variable type [3] FUNC_PROTO has no size");
    /* typeless and incomplete externs are fine (`extern const void sym __ksym;`) */
    mini(&b);
    T(&b, NULL, BTF_KIND_CONST, 0, 0, 0);
    T(&b, "sym", BTF_KIND_VAR, 0, 0, 3);
    W(&b, BTF_VAR_GLOBAL_EXTERN);
    T(&b, "fw", BTF_KIND_FWD, 0, 0, 0);
    T(&b, "obj", BTF_KIND_VAR, 0, 0, 5);
    W(&b, BTF_VAR_GLOBAL_EXTERN);
    T(&b, "raw", BTF_KIND_VAR, 0, 0, 0);
    W(&b, BTF_VAR_GLOBAL_EXTERN);
    T(&b, ".ksyms", BTF_KIND_DATASEC, 3, 0, 0);
    W(&b, 4), W(&b, 0), W(&b, 0);
    W(&b, 6), W(&b, 0), W(&b, 0);
    W(&b, 7), W(&b, 0), W(&b, 0);
    {
        struct bpfrt_diag diag = {""};
        struct bpfrt_btf *btf = parse_bb(&b, &diag);
        CHECK(btf && bpfrt_btf_type_size(btf, 4) == -1, "typeless extern refused: %s", diag.msg);
        bpfrt_btf_free(btf);
    }
    mini(&b);
    T(&b, ".data", BTF_KIND_DATASEC, 1, 0, 4);
    W(&b, 1), W(&b, 0), W(&b, 4);
    FAIL_BB(&b, "type [3] DATASEC '.data': entry 0 type [1] is a INT, not a VAR or FUNC");
    mini(&b);
    T(&b, ".data", BTF_KIND_DATASEC, 1, 0, 4);
    W(&b, 99), W(&b, 0), W(&b, 4);
    FAIL_BB(&b, "entry 0 type id 99 out of range (1..3)");
    mini(&b);
    T(&b, "v", BTF_KIND_VAR, 0, 0, 1);
    W(&b, 1);
    T(&b, ".data", BTF_KIND_DATASEC, 1, 0, 4);
    W(&b, 3), W(&b, 2), W(&b, 4);
    FAIL_BB(&b, "entry 0 (offset 2, size 4) exceeds the section size 4");

    /* decl tags */
    mini(&b);
    T(&b, "s", BTF_KIND_STRUCT, 1, 0, 4);
    W(&b, 0), W(&b, 1), W(&b, 0);
    T(&b, "t", BTF_KIND_DECL_TAG, 0, 0, 3);
    W(&b, (uint32_t)-2);
    FAIL_BB(&b, "type [4] DECL_TAG 't': component index -2 invalid");
    mini(&b);
    T(&b, "s", BTF_KIND_STRUCT, 1, 0, 4);
    W(&b, 0), W(&b, 1), W(&b, 0);
    T(&b, "t", BTF_KIND_DECL_TAG, 0, 0, 3);
    W(&b, 1);
    FAIL_BB(&b, "component index 1 out of range (type [3] has 1)");
    mini(&b);
    T(&b, "t", BTF_KIND_DECL_TAG, 0, 0, 1);
    W(&b, 0);
    FAIL_BB(&b, "component index 0 on a INT");
    mini(&b);
    T(&b, "t", BTF_KIND_DECL_TAG, 0, 0, 0);
    W(&b, (uint32_t)-1);
    FAIL_BB(&b, "tagged type id 0 (void) not allowed here");

    /* chains: cycles, length, sizes */
    mini(&b);
    T(&b, "self", BTF_KIND_TYPEDEF, 0, 0, 3);
    FAIL_BB(&b, "type [3] TYPEDEF 'self': reference cycle (reached again from type [3])");
    mini(&b);
    T(&b, NULL, BTF_KIND_CONST, 0, 0, 4);
    T(&b, NULL, BTF_KIND_VOLATILE, 0, 0, 3);
    FAIL_BB(&b, "reference cycle");
    mini(&b);
    T(&b, NULL, BTF_KIND_PTR, 0, 0, 3);
    FAIL_BB(&b, "type [3] PTR '': reference cycle");
    mini(&b);
    T(&b, NULL, BTF_KIND_ARRAY, 0, 0, 0);
    W(&b, 3), W(&b, 1), W(&b, 2);
    FAIL_BB(&b, "type [3] ARRAY '': reference cycle");
    mini(&b);
    for (uint32_t i = 0; i < BPFRT_BTF_MAX_CHAIN + 5; i++)
        T(&b, "td", BTF_KIND_TYPEDEF, 0, 0, i == 0 ? 1 : 3 + i - 1);
    FAIL_BB(&b, "reference chain of more than 32 types");
    /* the same chain entered from the far end in the second walk */
    mini(&b);
    for (uint32_t i = 0; i < BPFRT_BTF_MAX_CHAIN + 5; i++)
        T(&b, "td", BTF_KIND_TYPEDEF, 0, 0, i == BPFRT_BTF_MAX_CHAIN + 4 ? 1 : 3 + i + 1);
    FAIL_BB(&b, "reference chain of more than 32 types");
    mini(&b); /* exactly the limit is fine */
    for (uint32_t i = 0; i < BPFRT_BTF_MAX_CHAIN - 1; i++)
        T(&b, "td", BTF_KIND_TYPEDEF, 0, 0, i == 0 ? 1 : 3 + i - 1);
    {
        struct bpfrt_diag diag = {""};
        struct bpfrt_btf *btf = parse_bb(&b, &diag);
        CHECK(btf != NULL, "chain of %d links refused: %s", BPFRT_BTF_MAX_CHAIN, diag.msg);
        CHECK(bpfrt_btf_type_size(btf, b.next - 1) == 4, "size through a long chain");
        CHECK(bpfrt_btf_skip_modifiers(btf, b.next - 1) == 1, "skip through a long chain");
        bpfrt_btf_free(btf);
    }
    mini(&b);
    T(&b, "fw", BTF_KIND_FWD, 0, 0, 0);
    T(&b, NULL, BTF_KIND_ARRAY, 0, 0, 0);
    W(&b, 3), W(&b, 1), W(&b, 2);
    FAIL_BB(&b, "type [4] ARRAY '': element type [3] FWD has no size");
    mini(&b);
    T(&b, NULL, BTF_KIND_ARRAY, 0, 0, 0);
    W(&b, 1), W(&b, 1), W(&b, 0x40000001);
    FAIL_BB(&b, "size 4 * 1073741825 elements exceeds 4 GiB");
    mini(&b);
    T(&b, NULL, BTF_KIND_ARRAY, 0, 0, 0);
    W(&b, 1), W(&b, 1), W(&b, 0x10000);
    T(&b, NULL, BTF_KIND_ARRAY, 0, 0, 0);
    W(&b, 3), W(&b, 1), W(&b, 0x10000);
    FAIL_BB(&b, "type [4] ARRAY '': size 262144 * 65536 elements exceeds 4 GiB");
}

/* Random single-bit and word flips of the full example: never a crash; what parses walks. */
static void test_mutations(void)
{
    size_t len;
    uint8_t *blob = full_blob(&len), *m = malloc(len);
    uint32_t seed = 12345;
    int parsed = 0, refused = 0, bad = -1;
    for (int iter = 0; iter < 30000 && bad < 0; iter++) {
        memcpy(m, blob, len);
        int flips = 1 + iter % 3;
        for (int f = 0; f < flips; f++) {
            seed = seed * 1103515245u + 12345u;
            size_t pos = (seed >> 8) % len;
            seed = seed * 1103515245u + 12345u;
            if (iter % 2)
                m[pos] ^= (uint8_t)(1u << ((seed >> 16) % 8));
            else
                m[pos] = (uint8_t)(seed >> 16);
        }
        struct bpfrt_diag diag = {""};
        struct bpfrt_btf *btf = bpfrt_btf_parse(m, len, &diag);
        if (btf) {
            parsed++;
            if (!walk_all(btf))
                bad = iter;
        } else {
            refused++;
            if (!diag.msg[0])
                bad = iter;
        }
        bpfrt_btf_free(btf);
    }
    CHECK(bad < 0, "mutation %d: refused without a message or walk failed", bad);
    printf("mutations: %d parsed, %d refused\n", parsed, refused);
    free(m);
    free(blob);
}

/* ---------------------------------------------------------------------------------------------
 * .BTF.ext */

struct eb {
    uint32_t w[1024];
    size_t n;
};

static void E(struct eb *e, uint32_t w)
{
    e->w[e->n++] = w;
}

/* A .BTF.ext with the three blocks built from F, L and C (word arrays, each starting with the
 * record size); hdr 24 leaves out the core_relo fields. */
static uint8_t *ext_blob(const struct eb *f, const struct eb *l, const struct eb *c,
                         uint32_t hdr_len, size_t *len)
{
    *len = hdr_len + (f->n + l->n + c->n) * 4;
    uint8_t *out = calloc(1, *len);
    uint32_t h[8] = {BTF_MAGIC | 1u << 16,
                     hdr_len,
                     0,
                     (uint32_t)f->n * 4,
                     (uint32_t)f->n * 4,
                     (uint32_t)l->n * 4,
                     (uint32_t)(f->n + l->n) * 4,
                     (uint32_t)c->n * 4};
    memcpy(out, h, hdr_len < 32 ? hdr_len : 32);
    memcpy(out + hdr_len, f->w, f->n * 4);
    memcpy(out + hdr_len + f->n * 4, l->w, l->n * 4);
    memcpy(out + hdr_len + (f->n + l->n) * 4, c->w, c->n * 4);
    return out;
}

/* The valid example: .text has two functions and three lines (given out of order), xdp one
 * CO-RE relocation; the func_info records are 12 bytes (a future field). */
static void ext_example(struct bb *b, struct eb *f, struct eb *l, struct eb *c)
{
    build_full(b);
    f->n = l->n = c->n = 0;
    E(f, 12);
    E(f, S(b, ".text")), E(f, 2);
    E(f, 0), E(f, ID_FUNC), E(f, 0xdead);
    E(f, 80), E(f, ID_FUNC), E(f, 0xbeef);
    E(l, 16);
    E(l, S(b, ".text")), E(l, 3);
    E(l, 16), E(l, S(b, "a.c")), E(l, S(b, "int x = 1;")), E(l, 11u << 10 | 1);
    E(l, 0), E(l, S(b, "a.c")), E(l, S(b, "int x = 1;")), E(l, 10u << 10 | 5);
    E(l, 80), E(l, S(b, "a.c")), E(l, 0), E(l, 20u << 10);
    E(c, 16);
    E(c, S(b, "xdp")), E(c, 1);
    E(c, 8), E(c, ID_FOO), E(c, S(b, "0:1")), E(c, 0);
}

static void expect_ext_fail(const struct bpfrt_btf *btf, const uint8_t *p, size_t len,
                            const char *want, int line)
{
    struct bpfrt_diag diag;
    memset(&diag, 0x55, sizeof diag);
    struct bpfrt_btf_ext *ext = bpfrt_btf_ext_parse(p, len, btf, &diag);
    if (!tl_check(ext == NULL, __FILE__, line, "parsed, expected an error containing '%s'", want)) {
        bpfrt_btf_ext_free(ext);
        return;
    }
    bool term = memchr(diag.msg, 0, sizeof diag.msg) != NULL;
    tl_check(term && strstr(diag.msg, want) != NULL && strncmp(diag.msg, "BTF.ext: ", 9) == 0,
             __FILE__, line, "message '%s' lacks '%s'", term ? diag.msg : "(unterminated)", want);
}
#define FAIL_EXT(p, n, want) expect_ext_fail(btf, (p), (n), (want), __LINE__)

static void test_ext(void)
{
    struct bb b;
    struct eb f, l, c;
    ext_example(&b, &f, &l, &c);
    struct bpfrt_diag diag = {""};
    struct bpfrt_btf *btf = parse_bb(&b, &diag);
    if (!CHECK(btf != NULL, "BTF for ext refused: %s", diag.msg))
        return;
    size_t len;
    uint8_t *blob = ext_blob(&f, &l, &c, 32, &len);
    struct bpfrt_btf_ext *ext = bpfrt_btf_ext_parse(blob, len, btf, &diag);
    if (CHECK(ext != NULL, "example .BTF.ext refused: %s", diag.msg)) {
        CHECK(bpfrt_btf_ext_section_cnt(ext) == 2 &&
                  strcmp(bpfrt_btf_ext_section_name(ext, 0), ".text") == 0 &&
                  strcmp(bpfrt_btf_ext_section_name(ext, 1), "xdp") == 0 &&
                  bpfrt_btf_ext_section_name(ext, 2) == NULL,
              "sections");
        const struct bpfrt_btf_func *fn;
        CHECK(bpfrt_btf_ext_funcs(ext, ".text", &fn) == 2 && fn[0].insn_idx == 0 &&
                  fn[1].insn_idx == 10 && fn[1].type_id == ID_FUNC &&
                  strcmp(fn[1].name, "main_fn") == 0,
              "funcs");
        CHECK(bpfrt_btf_ext_funcs(ext, "xdp", &fn) == 0 && fn == NULL, "no funcs in xdp");
        const struct bpfrt_btf_line *ln;
        CHECK(bpfrt_btf_ext_lines(ext, ".text", &ln) == 3 && ln[0].insn_idx == 0 &&
                  ln[0].line == 10 && ln[0].col == 5 && strcmp(ln[0].file, "a.c") == 0 &&
                  strcmp(ln[0].line_text, "int x = 1;") == 0 && ln[1].insn_idx == 2 &&
                  ln[2].insn_idx == 10 && ln[2].line == 20 && ln[2].line_text[0] == '\0',
              "lines (sorted)");
        static const struct {
            uint32_t insn, line;
        } at[] = {{0, 10}, {1, 10}, {2, 11}, {9, 11}, {10, 20}, {100000, 20}};
        for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
            const struct bpfrt_btf_line *r = bpfrt_btf_ext_line_for(ext, ".text", at[i].insn);
            CHECK(r && r->line == at[i].line, "line for insn %u: %u, want %u", at[i].insn,
                  r ? r->line : 0, at[i].line);
        }
        CHECK(bpfrt_btf_ext_line_for(ext, "xdp", 0) == NULL, "no lines in xdp");
        CHECK(bpfrt_btf_ext_line_for(ext, "nosuch", 0) == NULL, "unknown section");
        const struct bpfrt_btf_core_relo *cr;
        CHECK(bpfrt_btf_ext_core_relos(ext, "xdp", &cr) == 1 && cr[0].insn_idx == 1 &&
                  cr[0].type_id == ID_FOO && strcmp(cr[0].access, "0:1") == 0 && cr[0].kind == 0 &&
                  strcmp(bpfrt_btf_core_relo_kind_name(cr[0].kind), "field_byte_offset") == 0,
              "core relos");
        CHECK(strcmp(bpfrt_btf_core_relo_kind_name(99), "unknown") == 0, "relo kind name");
    }
    bpfrt_btf_ext_free(ext);
    bpfrt_btf_ext_free(NULL);
    free(blob);

    /* a 24-byte header (no core_relo) is fine, and so are empty blocks */
    blob = ext_blob(&f, &l, &(struct eb){.n = 0}, 24, &len);
    ext = bpfrt_btf_ext_parse(blob, len, btf, &diag);
    CHECK(ext && bpfrt_btf_ext_section_cnt(ext) == 1, "24-byte header: %s", ext ? "" : diag.msg);
    bpfrt_btf_ext_free(ext);
    free(blob);
    struct eb none = {.n = 0};
    blob = ext_blob(&none, &none, &none, 32, &len);
    ext = bpfrt_btf_ext_parse(blob, len, btf, &diag);
    CHECK(ext && bpfrt_btf_ext_section_cnt(ext) == 0, "empty .BTF.ext: %s", ext ? "" : diag.msg);
    bpfrt_btf_ext_free(ext);
    free(blob);

    /* header */
    blob = ext_blob(&f, &l, &c, 32, &len);
    uint8_t *m = malloc(len + 64);
    uint32_t *mw = (uint32_t *)m;
#define RESET() memcpy(m, blob, len)
    FAIL_EXT(blob, 23, "too small");
    FAIL_EXT(NULL, 0, "too small");
    CHECK(bpfrt_btf_ext_parse(blob, len, NULL, &diag) == NULL && strstr(diag.msg, "no .BTF"),
          "ext without BTF");
    RESET(), m[0] = 0x34;
    FAIL_EXT(m, len, "bad magic");
    RESET(), m[0] = 0xeb, m[1] = 0x9f;
    FAIL_EXT(m, len, "big-endian");
    RESET(), m[2] = 3;
    FAIL_EXT(m, len, "version 3");
    RESET(), m[3] = 1;
    FAIL_EXT(m, len, "flags");
    RESET(), mw[1] = 20;
    FAIL_EXT(m, len, "header length 20");
    RESET(), mw[1] = 30;
    FAIL_EXT(m, len, "header length 30");
    RESET(), mw[1] = (uint32_t)len + 4;
    FAIL_EXT(m, len, "header length");
    RESET(), mw[2] = 2;
    FAIL_EXT(m, len, "func_info block offset 2 not 4-byte aligned");
    RESET(), mw[7] += 4;
    FAIL_EXT(m, len, "core_relo block (offset");
    RESET(), mw[5] += 4;
    FAIL_EXT(m, len, "core_relo block [");
    RESET(), mw[6] = 0xfffffffc;
    FAIL_EXT(m, len, "core_relo block (offset 4294967292");
    RESET(), mw[4] = mw[2];
    FAIL_EXT(m, len, "line_info block [0, ");
    RESET(), mw[3] = 2;
    FAIL_EXT(m, len, "func_info block (offset 0) too short");
    /* blocks */
    RESET(), mw[8] = 4;
    FAIL_EXT(m, len, "func_info block: record size 4 invalid");
    RESET(), mw[8] = 13;
    FAIL_EXT(m, len, "record size 13 invalid");
    RESET(), mw[8 + f.n] = 12;
    FAIL_EXT(m, len, "line_info block: record size 12 invalid");
    RESET(), mw[8 + f.n + l.n] = 8;
    FAIL_EXT(m, len, "core_relo block: record size 8 invalid");
    RESET(), mw[9] = 60000;
    FAIL_EXT(m, len, "func_info block: section at byte 4: name offset 60000 outside the string");
    RESET(), mw[9] = 0;
    FAIL_EXT(m, len, "name offset 0 is an empty name");
    RESET(), mw[10] = 0;
    FAIL_EXT(m, len, "func_info of section '.text': no records");
    RESET(), mw[10] = 3;
    FAIL_EXT(m, len, "func_info of section '.text': 3 records of 12 bytes exceed the block");
    RESET(), mw[10] = 0x40000000;
    FAIL_EXT(m, len, "1073741824 records");
    RESET(), mw[3] -= 4; /* func block shorter: the last record is cut */
    FAIL_EXT(m, len, "exceed the block");
    /* records */
    RESET(), mw[11] = 4;
    FAIL_EXT(m, len, "func_info of section '.text': record 0: insn_off 4 not a multiple of 8");
    RESET(), mw[12] = 999;
    FAIL_EXT(m, len, "record 0: type id 999 out of range (1..");
    RESET(), mw[15] = 0;
    FAIL_EXT(m, len, "record 1: type id 0 out of range");
    RESET(), mw[12] = ID_INT;
    FAIL_EXT(m, len, "record 0: type [1] is a INT, not a FUNC");
    RESET(), mw[14] = 0; /* both functions at instruction 0 */
    FAIL_EXT(m, len, "functions 'main_fn' and 'main_fn' both start at instruction 0");
    size_t lr = 8 + f.n + 3; /* first line record */
    RESET(), mw[lr] = 12;
    FAIL_EXT(m, len, "line_info of section '.text': record 0: insn_off 12");
    RESET(), mw[lr + 1] = 70000;
    FAIL_EXT(m, len, "record 0: file name offset 70000 outside the string table");
    RESET(), mw[lr + 6] = 70001;
    FAIL_EXT(m, len, "record 1: line text offset 70001 outside the string table");
    size_t cr0 = 8 + f.n + l.n + 3;
    RESET(), mw[cr0 + 1] = ID_COUNT;
    char want[128];
    snprintf(want, sizeof want,
             "core_relo of section 'xdp': record 0: type id %d out of range (0..%d)", ID_COUNT,
             ID_COUNT - 1);
    FAIL_EXT(m, len, want);
    RESET(), mw[cr0 + 2] = S(&b, "0:");
    FAIL_EXT(m, len, "access string '0:'");
    RESET(), mw[cr0 + 2] = S(&b, "int");
    FAIL_EXT(m, len, "access string 'int'");
    RESET(), mw[cr0 + 2] = 0;
    FAIL_EXT(m, len, "access string ''");
    RESET(), mw[cr0 + 2] = 99999;
    FAIL_EXT(m, len, "access string outside the string table (offset 99999)");
    RESET(), mw[cr0 + 3] = 13;
    FAIL_EXT(m, len, "core_relo of section 'xdp': record 0: unknown kind 13");
    /* a section listed twice in one block */
    {
        struct eb f2 = f;
        E(&f2, S(&b, ".text")), E(&f2, 1);
        E(&f2, 160), E(&f2, ID_FUNC), E(&f2, 0);
        size_t len2;
        uint8_t *b2 = ext_blob(&f2, &l, &c, 32, &len2);
        FAIL_EXT(b2, len2, "func_info block lists section '.text' twice");
        free(b2);
        f2 = f;
        E(&f2, S(&b, ".text")); /* half a section header */
        b2 = ext_blob(&f2, &l, &c, 32, &len2);
        FAIL_EXT(b2, len2, "func_info block: section header at byte 36 cut off (4 bytes left)");
        free(b2);
    }
    /* truncations and mutations */
    size_t parsed_at = 0;
    for (size_t k = 0; k < len && !parsed_at; k++) {
        struct bpfrt_btf_ext *e = bpfrt_btf_ext_parse(blob, k, btf, &diag);
        if (e)
            parsed_at = k ? k : SIZE_MAX;
        bpfrt_btf_ext_free(e);
    }
    CHECK(!parsed_at, "truncation to %zu bytes parsed", parsed_at);
    uint32_t seed = 777;
    int parsed = 0, bad = -1;
    for (int iter = 0; iter < 20000 && bad < 0; iter++) {
        RESET();
        for (int k = 0; k <= iter % 3; k++) {
            seed = seed * 1103515245u + 12345u;
            size_t pos = (seed >> 8) % len;
            seed = seed * 1103515245u + 12345u;
            m[pos] =
                iter % 2 ? (uint8_t)(m[pos] ^ (1u << ((seed >> 16) % 8))) : (uint8_t)(seed >> 16);
        }
        diag.msg[0] = '\0';
        struct bpfrt_btf_ext *e = bpfrt_btf_ext_parse(m, len, btf, &diag);
        if (!e) {
            if (!diag.msg[0])
                bad = iter;
            continue;
        }
        parsed++;
        for (size_t s = 0; s < bpfrt_btf_ext_section_cnt(e); s++) {
            const char *sn = bpfrt_btf_ext_section_name(e, s);
            const struct bpfrt_btf_line *ln;
            size_t nl = bpfrt_btf_ext_lines(e, sn, &ln);
            for (size_t i = 1; i < nl; i++)
                if (ln[i - 1].insn_idx > ln[i].insn_idx)
                    bad = iter;
            for (uint32_t insn = 0; insn < 40; insn++) {
                const struct bpfrt_btf_line *r = bpfrt_btf_ext_line_for(e, sn, insn);
                if (r && r->insn_idx > insn)
                    bad = iter;
            }
        }
        bpfrt_btf_ext_free(e);
    }
    CHECK(bad < 0, "ext mutation %d: no message, unsorted lines or a wrong line_for", bad);
    printf("ext mutations: %d parsed\n", parsed);
#undef RESET
    free(m);
    free(blob);
    bpfrt_btf_free(btf);
}

/* ---------------------------------------------------------------------------------------------
 * Corpus */

static char **files;
static size_t nfiles, capfiles;

static int collect(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st, (void)ftw;
    if (type != FTW_F)
        return 0;
    size_t l = strlen(path);
    bool in_invalid = strstr(path, "/invalid/") != NULL;
    if (!in_invalid && (l < 2 || strcmp(path + l - 2, ".o") != 0))
        return 0;
    if (nfiles == capfiles) {
        capfiles = capfiles ? capfiles * 2 : 256;
        files = realloc(files, capfiles * sizeof *files);
    }
    files[nfiles++] = strdup(path);
    return 0;
}

static int cmp_path(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static double now_sec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

struct elf_sections {
    Elf *elf;
    int fd;
    Elf_Data *btf, *ext;
};

static bool elf_section_named(Elf *elf, const char *name, GElf_Shdr *out)
{
    size_t shstrndx;
    if (elf_getshdrstrndx(elf, &shstrndx) != 0)
        return false;
    for (Elf_Scn *scn = NULL; (scn = elf_nextscn(elf, scn));) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh))
            continue;
        const char *n = elf_strptr(elf, shstrndx, sh.sh_name);
        if (n && strcmp(n, name) == 0) {
            if (out)
                *out = sh;
            return true;
        }
    }
    return false;
}

static Elf_Data *section_data(Elf *elf, const char *name)
{
    size_t shstrndx;
    if (elf_getshdrstrndx(elf, &shstrndx) != 0)
        return NULL;
    for (Elf_Scn *scn = NULL; (scn = elf_nextscn(elf, scn));) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh))
            continue;
        const char *n = elf_strptr(elf, shstrndx, sh.sh_name);
        if (n && strcmp(n, name) == 0 && sh.sh_type != SHT_NOBITS)
            return elf_rawdata(scn, NULL);
    }
    return NULL;
}

/* Corpus checks fail loudly but count once per object (CHECK below), not per record. */
static int obj_bad;
/* Records a corpus problem (printed as a FAIL line) without counting passes. */
static bool ocheck(bool ok, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool ocheck(bool ok, int line, const char *fmt, ...)
{
    if (ok)
        return true;
    obj_bad++;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return tl_check(false, __FILE__, line, "%s", msg);
}
#define OCHECK(cond, ...) ocheck((cond), __LINE__, __VA_ARGS__)

/* Counts the STT_FUNC symbols defined in the section named SEC; *found is set when one is named
 * NAME at byte offset VALUE (NAME may be NULL). */
static size_t func_symbols(Elf *elf, const char *sec, const char *name, uint64_t value, bool *found)
{
    size_t shstrndx, n = 0;
    if (found)
        *found = false;
    if (elf_getshdrstrndx(elf, &shstrndx) != 0)
        return 0;
    for (Elf_Scn *scn = NULL; (scn = elf_nextscn(elf, scn));) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB || !sh.sh_entsize)
            continue;
        Elf_Data *d = elf_getdata(scn, NULL);
        for (size_t i = 0; d && i < sh.sh_size / sh.sh_entsize; i++) {
            GElf_Sym sym;
            if (!gelf_getsym(d, (int)i, &sym) || GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
                sym.st_shndx == SHN_UNDEF || sym.st_shndx >= SHN_LORESERVE)
                continue;
            Elf_Scn *ss = elf_getscn(elf, sym.st_shndx);
            GElf_Shdr ssh;
            const char *sn =
                ss && gelf_getshdr(ss, &ssh) ? elf_strptr(elf, shstrndx, ssh.sh_name) : NULL;
            if (!sn || strcmp(sn, sec) != 0)
                continue;
            n++;
            const char *symname = elf_strptr(elf, sh.sh_link, sym.st_name);
            if (found && name && symname && strcmp(symname, name) == 0 && sym.st_value == value)
                *found = true;
        }
    }
    return n;
}

static int test_corpus(const char *dir)
{
    if (!tl_is_dir(dir)) {
        printf("SKIP: corpus %s not found\n", dir);
        return TEST_SKIP_CODE;
    }
    if (elf_version(EV_CURRENT) == EV_NONE) {
        printf("libelf init failed\n");
        return 1;
    }
    nftw(dir, collect, 16, FTW_PHYS);
    qsort(files, nfiles, sizeof *files, cmp_path);
    size_t n_elf = 0, n_btf = 0, n_parsed = 0, n_ext = 0, n_ext_parsed = 0, n_refused_invalid = 0;
    size_t types = 0, lines = 0, funcs = 0, relos = 0, datasecs = 0, datasec_sized = 0;
    size_t largest = 0;
    char *largest_path = NULL;
    double parse_time = 0;
    char name[512];
    for (size_t fi = 0; fi < nfiles; fi++) {
        const char *path = files[fi];
        bool invalid = strstr(path, "/invalid/") != NULL;
        obj_bad = 0;
        int fd = open(path, O_RDONLY);
        if (fd < 0)
            continue;
        Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
        if (!elf || elf_kind(elf) != ELF_K_ELF) {
            OCHECK(invalid, "%s: not an ELF file", path);
            if (elf)
                elf_end(elf);
            close(fd);
            continue;
        }
        n_elf++;
        Elf_Data *bd = section_data(elf, ".BTF"), *ed = section_data(elf, ".BTF.ext");
        if (!bd || !bd->d_buf) {
            OCHECK(!ed, "%s: .BTF.ext without .BTF", path);
            elf_end(elf);
            close(fd);
            continue;
        }
        n_btf++;
        struct bpfrt_diag diag = {""};
        struct bpfrt_btf *btf = bpfrt_btf_parse(bd->d_buf, bd->d_size, &diag);
        if (!btf) {
            if (invalid) {
                n_refused_invalid++;
                printf("  %s: .BTF refused: %s\n", path, diag.msg);
                OCHECK(diag.msg[0], "%s: refused without a message", path);
            } else {
                OCHECK(false, "%s: .BTF refused: %s", path, diag.msg);
            }
            elf_end(elf);
            close(fd);
            continue;
        }
        n_parsed++;
        uint32_t cnt = bpfrt_btf_type_cnt(btf);
        types += cnt - 1;
        if (bd->d_size > largest) {
            largest = bd->d_size;
            free(largest_path);
            largest_path = strdup(path);
            double best = 1e9;
            for (int r = 0; r < 10; r++) {
                double t0 = now_sec();
                struct bpfrt_btf *again = bpfrt_btf_parse(bd->d_buf, bd->d_size, &diag);
                double t1 = now_sec();
                bpfrt_btf_free(again);
                if (t1 - t0 < best)
                    best = t1 - t0;
            }
            parse_time = best;
        }
        /* every type spells; named types are found by name and kind */
        for (uint32_t id = 1; id < cnt; id++) {
            const struct btf_type *t = bpfrt_btf_type_by_id(btf, id);
            unsigned k = bpfrt_btf_kind(t);
            int n = bpfrt_btf_type_name(btf, id, name, sizeof name);
            if (!OCHECK(n > 0 && !strstr(name, "?"), "%s: type [%u] spelled '%s'", path, id, name))
                break;
            const char *tn = bpfrt_btf_name(btf, id);
            if (*tn) {
                int32_t found = bpfrt_btf_find_by_name_kind(btf, tn, k);
                if (!OCHECK(found > 0 && (uint32_t)found <= id &&
                                strcmp(bpfrt_btf_name(btf, (uint32_t)found), tn) == 0,
                            "%s: type [%u] '%s' found as %d", path, id, tn, found))
                    break;
            }
            if (k == BTF_KIND_DATASEC) {
                datasecs++;
                GElf_Shdr sh;
                bool extern_sec = strcmp(tn, ".kconfig") == 0 || strcmp(tn, ".ksyms") == 0;
                bool exists = elf_section_named(elf, tn, &sh);
                OCHECK(extern_sec || exists, "%s: DATASEC '%s' names no ELF section", path, tn);
                OCHECK(bpfrt_btf_datasec_find(btf, tn) == (int32_t)id, "%s: datasec_find('%s')",
                       path, tn);
                if (exists && !extern_sec) {
                    datasec_sized += t->size != 0;
                    OCHECK(t->size == 0 || t->size == sh.sh_size,
                           "%s: DATASEC '%s' size %u but the ELF section has %llu bytes", path, tn,
                           t->size, (unsigned long long)sh.sh_size);
                    const struct btf_var_secinfo *v = bpfrt_btf_var_secinfos(t);
                    for (unsigned i = 0; i < bpfrt_btf_vlen(t); i++)
                        OCHECK((uint64_t)v[i].offset + v[i].size <= sh.sh_size,
                               "%s: DATASEC '%s' entry %u (offset %u size %u) beyond the ELF "
                               "section (%llu bytes)",
                               path, tn, i, v[i].offset, v[i].size, (unsigned long long)sh.sh_size);
                }
            }
        }
        if (elf_section_named(elf, ".maps", NULL))
            OCHECK(bpfrt_btf_datasec_find(btf, ".maps") > 0, "%s: .maps has no DATASEC", path);

        if (ed && ed->d_buf) {
            n_ext++;
            struct bpfrt_btf_ext *ext = bpfrt_btf_ext_parse(ed->d_buf, ed->d_size, btf, &diag);
            if (!ext) {
                if (invalid)
                    printf("  %s: .BTF.ext refused: %s\n", path, diag.msg);
                OCHECK(invalid && diag.msg[0], "%s: .BTF.ext refused: %s", path, diag.msg);
            } else {
                n_ext_parsed++;
                for (size_t s = 0; s < bpfrt_btf_ext_section_cnt(ext); s++) {
                    const char *sn = bpfrt_btf_ext_section_name(ext, s);
                    GElf_Shdr sh;
                    if (!OCHECK(elf_section_named(elf, sn, &sh) || invalid,
                                "%s: .BTF.ext names missing section '%s'", path, sn))
                        continue;
                    uint64_t ninsn = sh.sh_size / 8;
                    const struct bpfrt_btf_func *fn;
                    const struct bpfrt_btf_line *ln;
                    const struct bpfrt_btf_core_relo *cr;
                    size_t nf = bpfrt_btf_ext_funcs(ext, sn, &fn);
                    size_t nl = bpfrt_btf_ext_lines(ext, sn, &ln);
                    size_t nc = bpfrt_btf_ext_core_relos(ext, sn, &cr);
                    funcs += nf, lines += nl, relos += nc;
                    /* func_info agrees with the ELF symbol table: one record per function
                     * symbol of the section, each at its symbol's offset under its name */
                    OCHECK(invalid || nf == 0 || func_symbols(elf, sn, NULL, 0, NULL) == nf,
                           "%s: %s: %zu func_info records but %zu function symbols", path, sn, nf,
                           func_symbols(elf, sn, NULL, 0, NULL));
                    for (size_t i = 0; i < nf && !invalid; i++) {
                        bool found;
                        func_symbols(elf, sn, fn[i].name, (uint64_t)fn[i].insn_idx * 8, &found);
                        OCHECK(found, "%s: %s: func_info %s at insn %u has no such ELF symbol",
                               path, sn, fn[i].name, fn[i].insn_idx);
                        const struct bpfrt_btf_line *r =
                            bpfrt_btf_ext_line_for(ext, sn, fn[i].insn_idx);
                        OCHECK(fn[i].insn_idx < ninsn, "%s: %s: function %s at %u past the end",
                               path, sn, fn[i].name, fn[i].insn_idx);
                        OCHECK(nl == 0 || (r && r->insn_idx == fn[i].insn_idx),
                               "%s: %s: no line for function %s at insn %u (nearest %d)", path, sn,
                               fn[i].name, fn[i].insn_idx, r ? (int)r->insn_idx : -1);
                    }
                    for (size_t i = 0; i < nl && !invalid; i++)
                        OCHECK(ln[i].insn_idx < ninsn, /* line 0: compiler-generated code */
                               "%s: %s: line record %zu (insn %u, line %u)", path, sn, i,
                               ln[i].insn_idx, ln[i].line);
                    for (size_t i = 0; i < nc && !invalid; i++)
                        OCHECK(cr[i].insn_idx < ninsn, "%s: %s: relo %zu at insn %u", path, sn, i,
                               cr[i].insn_idx);
                }
                bpfrt_btf_ext_free(ext);
            }
        }
        bpfrt_btf_free(btf);
        elf_end(elf);
        close(fd);
        CHECK(obj_bad == 0, "%s: %d problems (listed above)", path, obj_bad);
    }
    printf("corpus: %zu files, %zu ELF, %zu with .BTF, %zu parsed (%zu invalid/ refused), "
           "%zu types, %zu DATASECs (%zu with a size); %zu with .BTF.ext, %zu parsed: %zu "
           "func_info, %zu line_info, "
           "%zu core_relo\n",
           nfiles, n_elf, n_btf, n_parsed, n_refused_invalid, types, datasecs, datasec_sized, n_ext,
           n_ext_parsed, funcs, lines, relos);
    if (largest_path)
        printf("largest .BTF: %s (%zu bytes) parses in %.3f ms\n", largest_path, largest,
               parse_time * 1e3);
    CHECK(n_btf > 0, "no object in the corpus has a .BTF section");
    free(largest_path);
    for (size_t i = 0; i < nfiles; i++)
        free(files[i]);
    free(files);
    return -1;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc == 3 && strcmp(argv[1], "--corpus") == 0) {
        int rc = test_corpus(argv[2]);
        if (rc >= 0)
            return rc;
        return tl_summary();
    }
    if (argc != 1) {
        fprintf(stderr, "usage: test_btf [--corpus DIR]\n");
        return 2;
    }
    test_valid();
    test_bad_header();
    test_bad_types();
    test_mutations();
    test_ext();
    return tl_summary();
}
