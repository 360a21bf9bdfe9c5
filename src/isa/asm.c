/* Assembler for the conformance suite's text syntax.
 * Mnemonics and operand shapes come from the ISA table; this file only parses text. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa/isa_internal.h"

#define MAX_WORDS 8
#define MAX_LABEL 64

/* Other spellings accepted for a table mnemonic. */
static const struct {
    const char *alias, *name;
} aliases[] = {
    {"swap16", "bswap16"}, {"swap32", "bswap32"}, {"swap64", "bswap64"}, {"callx", "call"},
    {"gotol", "ja32"},     {"mov64", "mov"},      {"add64", "add"},      {"sub64", "sub"},
};

struct label {
    char name[MAX_LABEL];
    size_t slot;
    int line;
};

struct fixup {
    char name[MAX_LABEL];
    size_t slot;
    int line;
    bool is_imm; /* ja32 and call local put the target in imm */
};

struct assembler {
    const char *name;
    struct bpfrt_diag *diag;
    struct bpfrt_insn *out;
    size_t n, cap;
    struct label *labels;
    size_t n_labels, cap_labels;
    struct fixup *fixups;
    size_t n_fixups, cap_fixups;
    long first_exit; /* slot of the first exit: the implicit "exit" label */
    int line;
};

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t nc = *cap ? *cap * 2 : 64;
    while (nc < need)
        nc *= 2;
    void *np = realloc(*p, nc * elem);
    if (!np)
        return -1;
    *p = np;
    *cap = nc;
    return 0;
}

#define FAIL(a, ...)                                                                               \
    do {                                                                                           \
        char fail_msg_[400];                                                                       \
        snprintf(fail_msg_, sizeof(fail_msg_), __VA_ARGS__);                                       \
        bpfrt_diag_set((a)->diag, "%s:%d: %s", (a)->name, (a)->line, fail_msg_);                   \
        return -1;                                                                                 \
    } while (0)

/* Parses an integer with optional sign and 0x prefix. Returns false on junk. *neg tells if
 * a minus sign was present; *hex if it was hexadecimal. */
static bool parse_number(const char *s, uint64_t *mag, bool *neg, bool *hex)
{
    *neg = false;
    *hex = false;
    if (*s == '+' || *s == '-') {
        *neg = *s == '-';
        s++;
    }
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        *hex = true;
        s += 2;
    }
    if (!*s)
        return false;
    for (const char *p = s; *p; p++)
        if (*hex ? !isxdigit((unsigned char)*p) : !isdigit((unsigned char)*p))
            return false;
    errno = 0;
    char *end;
    *mag = strtoull(s, &end, *hex ? 16 : 10);
    return errno == 0 && *end == 0;
}

/* 32-bit immediate: signed decimal, or hex as a 32-bit pattern (optionally negated). */
static int parse_imm32(struct assembler *a, const char *s, int32_t *out)
{
    uint64_t m;
    bool neg, hex;
    if (!parse_number(s, &m, &neg, &hex))
        FAIL(a, "invalid immediate '%s'", s);
    if (neg) {
        if (m > 0x80000000ull)
            FAIL(a, "immediate %s is out of 32-bit range", s);
        *out = (int32_t)(uint32_t)(0u - (uint32_t)m);
    } else {
        if (m > (hex ? 0xffffffffull : 0x7fffffffull))
            FAIL(a, "immediate %s is out of 32-bit range", s);
        *out = (int32_t)(uint32_t)m;
    }
    return 0;
}

static int parse_off16(struct assembler *a, const char *s, int16_t *out)
{
    uint64_t m;
    bool neg, hex;
    if (!parse_number(s, &m, &neg, &hex))
        FAIL(a, "invalid offset '%s'", s);
    if (neg) {
        if (m > 0x8000)
            FAIL(a, "offset %s is out of 16-bit range", s);
        *out = (int16_t)(uint16_t)(0u - (uint16_t)m);
    } else {
        if (m > (hex ? 0xffffull : 0x7fffull))
            FAIL(a, "offset %s is out of 16-bit range", s);
        *out = (int16_t)(uint16_t)m;
    }
    return 0;
}

static int parse_imm64(struct assembler *a, const char *s, uint64_t *out)
{
    uint64_t m;
    bool neg, hex;
    if (!parse_number(s, &m, &neg, &hex))
        FAIL(a, "invalid 64-bit immediate '%s'", s);
    if (neg && m > 0x8000000000000000ull)
        FAIL(a, "immediate %s is out of 64-bit range", s);
    *out = neg ? 0 - m : m;
    return 0;
}

static int parse_reg(struct assembler *a, const char *s, uint8_t *out)
{
    const char *p = s;
    if (*p == '%')
        p++;
    if (*p != 'r' || !isdigit((unsigned char)p[1]))
        FAIL(a, "expected a register, found '%s'", s);
    char *end;
    long r = strtol(p + 1, &end, 10);
    if (*end || r < 0 || r > 10)
        FAIL(a, "invalid register '%s' (r0..r10)", s);
    *out = (uint8_t)r;
    return 0;
}

static bool is_reg(const char *s)
{
    if (*s == '%')
        s++;
    return s[0] == 'r' && isdigit((unsigned char)s[1]);
}

/* [%rN], [%rN+off], [%rN-off] */
static int parse_mem(struct assembler *a, const char *s, uint8_t *reg, int16_t *off)
{
    size_t len = strlen(s);
    if (len < 3 || s[0] != '[' || s[len - 1] != ']')
        FAIL(a, "expected a memory operand like [%%r1+8], found '%s'", s);
    char inner[64];
    if (len - 2 >= sizeof(inner))
        FAIL(a, "memory operand too long: '%s'", s);
    memcpy(inner, s + 1, len - 2);
    inner[len - 2] = 0;
    char *sign = strpbrk(inner, "+-");
    *off = 0;
    if (sign) {
        if (parse_off16(a, sign, off) < 0)
            return -1;
        *sign = 0;
    }
    return parse_reg(a, inner, reg);
}

static bool is_label_name(const char *s)
{
    if (!isalpha((unsigned char)*s) && *s != '_' && *s != '.')
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '.')
            return false;
    return true;
}

/* A jump target: +N / -N, or a label resolved at the end. */
static int parse_target(struct assembler *a, const char *s, bool wide, int32_t *out, size_t slot)
{
    if (*s == '+' || *s == '-') {
        if (wide)
            return parse_imm32(a, s, out);
        int16_t o;
        if (parse_off16(a, s, &o) < 0)
            return -1;
        *out = o;
        return 0;
    }
    if (!is_label_name(s))
        FAIL(a, "expected a label or +offset, found '%s'", s);
    if (strlen(s) >= MAX_LABEL)
        FAIL(a, "label too long: '%s'", s);
    if (grow((void **)&a->fixups, &a->cap_fixups, a->n_fixups + 1, sizeof(struct fixup)) < 0)
        FAIL(a, "out of memory");
    struct fixup *f = &a->fixups[a->n_fixups++];
    snprintf(f->name, sizeof(f->name), "%s", s);
    f->slot = slot;
    f->line = a->line;
    f->is_imm = wide;
    *out = 0;
    return 0;
}

static int emit(struct assembler *a, struct bpfrt_insn in)
{
    if (a->n >= BPFRT_MAX_INSNS)
        FAIL(a, "program too large (more than %u instructions)", BPFRT_MAX_INSNS);
    if (grow((void **)&a->out, &a->cap, a->n + 1, sizeof(in)) < 0)
        FAIL(a, "out of memory");
    a->out[a->n++] = in;
    return 0;
}

/* lddw operand: a number, or KIND(imm)[+next] for the pseudo forms. */
static int parse_lddw_value(struct assembler *a, const char *s, uint8_t *src, uint64_t *v)
{
    const char *paren = strchr(s, '(');
    if (!paren) {
        *src = 0;
        return parse_imm64(a, s, v);
    }
    size_t klen = (size_t)(paren - s);
    int kind = -1;
    for (int k = 1; k < 7; k++)
        if (strlen(bpfrt_lddw_kind_names[k]) == klen &&
            strncmp(s, bpfrt_lddw_kind_names[k], klen) == 0)
            kind = k;
    if (kind < 0)
        FAIL(a, "unknown lddw operand kind in '%s'", s);
    const char *close = strchr(paren, ')');
    if (!close)
        FAIL(a, "missing ')' in '%s'", s);
    char num[40];
    size_t nl = (size_t)(close - paren - 1);
    if (nl == 0 || nl >= sizeof(num))
        FAIL(a, "invalid lddw operand '%s'", s);
    memcpy(num, paren + 1, nl);
    num[nl] = 0;
    int32_t lo, hi = 0;
    if (parse_imm32(a, num, &lo) < 0)
        return -1;
    if (close[1] && parse_imm32(a, close + 1, &hi) < 0)
        return -1;
    *src = (uint8_t)kind;
    *v = (uint64_t)(uint32_t)lo | (uint64_t)(uint32_t)hi << 32;
    return 0;
}

/* Operand kinds, for choosing among forms that share a mnemonic. */
static bool shape_accepts(enum bpfrt_shape s, char **ops, int n)
{
    switch (s) {
    case BPFRT_SHAPE_ALU_K: return n == 2 && !is_reg(ops[1]);
    case BPFRT_SHAPE_ALU_X: return n == 2 && is_reg(ops[1]);
    case BPFRT_SHAPE_CALL: return n == 1 && !is_reg(ops[0]);
    case BPFRT_SHAPE_CALLX: return n == 1 && is_reg(ops[0]);
    case BPFRT_SHAPE_JMP_K: return n == 3 && !is_reg(ops[1]);
    case BPFRT_SHAPE_JMP_X: return n == 3 && is_reg(ops[1]);
    default: return true;
    }
}

static int operand_count(enum bpfrt_shape s)
{
    switch (s) {
    case BPFRT_SHAPE_EXIT: return 0;
    case BPFRT_SHAPE_ALU_NEG:
    case BPFRT_SHAPE_ENDIAN:
    case BPFRT_SHAPE_CALLX:
    case BPFRT_SHAPE_LDABS:
    case BPFRT_SHAPE_JA:
    case BPFRT_SHAPE_JA32:
    case BPFRT_SHAPE_CALL: return 1;
    case BPFRT_SHAPE_JMP_K:
    case BPFRT_SHAPE_JMP_X: return 3;
    default: return 2;
    }
}

static int encode(struct assembler *a, enum bpfrt_form f, char **ops)
{
    const struct bpfrt_form_info *fi = bpfrt_form_info(f);
    struct bpfrt_insn in = {.code = fi->opcode};
    uint8_t r;
    int16_t off;
    int32_t imm;
    switch (fi->shape) {
    case BPFRT_SHAPE_ALU_K:
        if (parse_reg(a, ops[0], &r) < 0 || parse_imm32(a, ops[1], &in.imm) < 0)
            return -1;
        in.dst_reg = r;
        in.off = (int16_t)fi->discriminator;
        break;
    case BPFRT_SHAPE_ALU_X:
        if (parse_reg(a, ops[0], &r) < 0)
            return -1;
        in.dst_reg = r;
        if (parse_reg(a, ops[1], &r) < 0)
            return -1;
        in.src_reg = r;
        in.off = (int16_t)fi->discriminator;
        break;
    case BPFRT_SHAPE_ALU_NEG:
    case BPFRT_SHAPE_ENDIAN:
    case BPFRT_SHAPE_CALLX:
        if (parse_reg(a, ops[0], &r) < 0)
            return -1;
        in.dst_reg = r;
        if (fi->shape == BPFRT_SHAPE_ENDIAN)
            in.imm = fi->discriminator;
        break;
    case BPFRT_SHAPE_LDDW: {
        uint8_t src;
        uint64_t v;
        if (parse_reg(a, ops[0], &r) < 0 || parse_lddw_value(a, ops[1], &src, &v) < 0)
            return -1;
        in.dst_reg = r;
        in.src_reg = src;
        in.imm = (int32_t)(uint32_t)v;
        struct bpfrt_insn hi = {.imm = (int32_t)(uint32_t)(v >> 32)};
        return emit(a, in) < 0 ? -1 : emit(a, hi);
    }
    case BPFRT_SHAPE_LDABS:
        if (parse_imm32(a, ops[0], &in.imm) < 0)
            return -1;
        break;
    case BPFRT_SHAPE_LDIND:
        if (parse_reg(a, ops[0], &r) < 0 || parse_imm32(a, ops[1], &in.imm) < 0)
            return -1;
        in.src_reg = r;
        break;
    case BPFRT_SHAPE_LDX:
        if (parse_reg(a, ops[0], &r) < 0)
            return -1;
        in.dst_reg = r;
        if (parse_mem(a, ops[1], &r, &off) < 0)
            return -1;
        in.src_reg = r;
        in.off = off;
        break;
    case BPFRT_SHAPE_ST:
        if (parse_mem(a, ops[0], &r, &off) < 0 || parse_imm32(a, ops[1], &in.imm) < 0)
            return -1;
        in.dst_reg = r;
        in.off = off;
        break;
    case BPFRT_SHAPE_STX:
    case BPFRT_SHAPE_ATOMIC:
        if (parse_mem(a, ops[0], &r, &off) < 0)
            return -1;
        in.dst_reg = r;
        in.off = off;
        if (parse_reg(a, ops[1], &r) < 0)
            return -1;
        in.src_reg = r;
        if (fi->shape == BPFRT_SHAPE_ATOMIC)
            in.imm = fi->discriminator;
        break;
    case BPFRT_SHAPE_JA:
        if (parse_target(a, ops[0], false, &imm, a->n) < 0)
            return -1;
        in.off = (int16_t)imm;
        break;
    case BPFRT_SHAPE_JA32:
        if (parse_target(a, ops[0], true, &in.imm, a->n) < 0)
            return -1;
        break;
    case BPFRT_SHAPE_JMP_K:
    case BPFRT_SHAPE_JMP_X:
        if (parse_reg(a, ops[0], &r) < 0)
            return -1;
        in.dst_reg = r;
        if (fi->shape == BPFRT_SHAPE_JMP_X) {
            if (parse_reg(a, ops[1], &r) < 0)
                return -1;
            in.src_reg = r;
        } else if (parse_imm32(a, ops[1], &in.imm) < 0) {
            return -1;
        }
        if (parse_target(a, ops[2], false, &imm, a->n) < 0)
            return -1;
        in.off = (int16_t)imm;
        break;
    case BPFRT_SHAPE_CALL:
        in.src_reg = (uint8_t)fi->discriminator;
        if (f == BPFRT_FORM_CALL_LOCAL) {
            if (parse_target(a, ops[0], true, &in.imm, a->n) < 0)
                return -1;
        } else if (parse_imm32(a, ops[0], &in.imm) < 0) {
            return -1;
        }
        break;
    case BPFRT_SHAPE_EXIT:
        if (a->first_exit < 0)
            a->first_exit = (long)a->n;
        break;
    }
    return emit(a, in);
}

/* Splits a line (comment already removed) into words: whitespace and commas separate,
 * but not inside [...] or (...). Modifies LINE in place. */
static int split_words(char *line, char **words)
{
    int n = 0;
    char *p = line;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ',' || *p == '\r')
            p++;
        if (!*p)
            break;
        if (n == MAX_WORDS)
            return -1;
        char *w = p, *o = p;
        int depth = 0;
        while (*p && (depth > 0 || (*p != ' ' && *p != '\t' && *p != ',' && *p != '\r'))) {
            if (*p == '[' || *p == '(')
                depth++;
            else if ((*p == ']' || *p == ')') && depth > 0)
                depth--;
            if (depth > 0 && (*p == ' ' || *p == '\t')) { /* drop spaces inside brackets */
                p++;
                continue;
            }
            *o++ = *p++;
        }
        if (*p)
            p++;
        *o = 0;
        words[n++] = w;
    }
    return n;
}

static const char *canonical(const char *mn)
{
    for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
        if (strcmp(mn, aliases[i].alias) == 0)
            return aliases[i].name;
    return mn;
}

static int assemble_line(struct assembler *a, char **words, int nw)
{
    /* The mnemonic is the longest run of leading words that names table forms. */
    char mn[64], words_mn[64];
    int used = 0;
    for (int k = nw < 3 ? nw : 3; k >= 1 && !used; k--) {
        words_mn[0] = 0;
        for (int i = 0; i < k; i++) {
            if (strlen(words_mn) + strlen(words[i]) + 2 > sizeof(words_mn))
                break;
            if (i)
                strcat(words_mn, " ");
            strcat(words_mn, words[i]);
        }
        const char *c = canonical(words_mn);
        for (int f = 1; f < BPFRT_FORM_COUNT; f++)
            if (strcmp(bpfrt_form_info((enum bpfrt_form)f)->mnemonic, c) == 0) {
                used = k;
                snprintf(mn, sizeof(mn), "%s", c);
                break;
            }
    }
    if (!used) {
        if (strcmp(words[0], "lock") == 0)
            FAIL(a, "invalid number of operands or operation for lock");
        FAIL(a, "unknown mnemonic '%s'", words[0]);
    }
    char **ops = words + used;
    int nops = nw - used;
    enum bpfrt_form match = BPFRT_FORM_INVALID;
    int expected = -1;
    for (int f = 1; f < BPFRT_FORM_COUNT; f++) {
        const struct bpfrt_form_info *fi = bpfrt_form_info((enum bpfrt_form)f);
        if (strcmp(fi->mnemonic, mn) != 0)
            continue;
        expected = operand_count(fi->shape);
        if (nops == expected && shape_accepts(fi->shape, ops, nops)) {
            match = (enum bpfrt_form)f;
            break;
        }
    }
    if (match == BPFRT_FORM_INVALID)
        FAIL(a, "%s takes %d operand%s, found %d", mn, expected, expected == 1 ? "" : "s", nops);
    return encode(a, match, ops);
}

static int add_label(struct assembler *a, const char *name)
{
    if (!is_label_name(name) || strlen(name) >= MAX_LABEL)
        FAIL(a, "invalid label name '%s'", name);
    for (size_t i = 0; i < a->n_labels; i++)
        if (strcmp(a->labels[i].name, name) == 0)
            FAIL(a, "duplicate label '%s' (first defined at line %d)", name, a->labels[i].line);
    if (grow((void **)&a->labels, &a->cap_labels, a->n_labels + 1, sizeof(struct label)) < 0)
        FAIL(a, "out of memory");
    struct label *l = &a->labels[a->n_labels++];
    snprintf(l->name, sizeof(l->name), "%s", name);
    l->slot = a->n;
    l->line = a->line;
    return 0;
}

static int resolve_fixups(struct assembler *a)
{
    for (size_t i = 0; i < a->n_fixups; i++) {
        struct fixup *f = &a->fixups[i];
        long target = -1;
        for (size_t j = 0; j < a->n_labels; j++)
            if (strcmp(a->labels[j].name, f->name) == 0)
                target = (long)a->labels[j].slot;
        if (target < 0 && strcmp(f->name, "exit") == 0)
            target = a->first_exit;
        a->line = f->line;
        if (target < 0)
            FAIL(a, "undefined label '%s'", f->name);
        long rel = target - (long)f->slot - 1;
        if (f->is_imm) {
            a->out[f->slot].imm = (int32_t)rel;
        } else {
            if (rel < INT16_MIN || rel > INT16_MAX)
                FAIL(a, "label '%s' is %ld instructions away, too far for a 16-bit offset", f->name,
                     rel);
            a->out[f->slot].off = (int16_t)rel;
        }
    }
    return 0;
}

int bpfrt_asm_at(const char *text, const char *name, int first_line, struct bpfrt_insn **out,
                 size_t *n_out, struct bpfrt_diag *diag)
{
    struct assembler a = {.name = name ? name : "<input>", .diag = diag, .first_exit = -1};
    *out = NULL;
    *n_out = 0;
    int rc = -1;
    struct bpfrt_lines lines = {.next = text};
    a.line = first_line - 1;
    for (;;) {
        int got = bpfrt_next_line(&lines);
        if (got == 0)
            break;
        a.line++;
        if (got < 0) {
            bpfrt_diag_set(diag, "%s:%d: out of memory", a.name, a.line);
            goto out;
        }
        char *buf = lines.line;
        char *hash = strchr(buf, '#');
        if (hash)
            *hash = 0;
        char *s = buf;
        while (isspace((unsigned char)*s))
            s++;
        /* Leading labels: "name:" */
        for (;;) {
            char *colon = strchr(s, ':');
            if (!colon)
                break;
            char *q = s;
            while (q < colon && !isspace((unsigned char)*q))
                q++;
            if (q != colon)
                break;
            *colon = 0;
            if (add_label(&a, s) < 0)
                goto out;
            s = colon + 1;
            while (isspace((unsigned char)*s))
                s++;
        }
        char *words[MAX_WORDS];
        int nw = split_words(s, words);
        if (nw < 0) {
            bpfrt_diag_set(diag, "%s:%d: too many operands", a.name, a.line);
            goto out;
        }
        if (nw == 0)
            continue;
        if (assemble_line(&a, words, nw) < 0)
            goto out;
    }
    if (resolve_fixups(&a) < 0)
        goto out;
    if (a.n == 0) {
        bpfrt_diag_set(diag, "%s: no instructions", a.name);
        goto out;
    }
    *out = a.out;
    *n_out = a.n;
    a.out = NULL;
    rc = 0;
out:
    free(lines.line);
    free(a.out);
    free(a.labels);
    free(a.fixups);
    return rc;
}

int bpfrt_asm(const char *text, const char *name, struct bpfrt_insn **out, size_t *n_out,
              struct bpfrt_diag *diag)
{
    return bpfrt_asm_at(text, name, 1, out, n_out, diag);
}
