/* ISA tests: table forms, decoder/validator diagnostics, assembler diagnostics and the
 * assemble -> disassemble -> reassemble round trip on conformance programs.
 *
 * Usage: test_isa [--data DIR]... [--shared DIR]
 *   --data DIR    run the unit checks plus the round trip on DIR/NAME.data
 *   --shared DIR  only the round trip on the shared suite DIR/NAME.data; exits 77 (skip) with a
 *                 printed reason when DIR does not exist. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfrt/isa.h"
#include "testlib.h"

_Static_assert(sizeof(struct bpfrt_insn) == 8, "bpfrt_insn must be 8 bytes");

static struct bpfrt_insn mk(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
    struct bpfrt_insn i;
    memset(&i, 0, sizeof i);
    i.code = code;
    i.dst_reg = dst & 0xf;
    i.src_reg = src & 0xf;
    i.off = off;
    i.imm = imm;
    return i;
}

#define EXIT_INSN mk(0x95, 0, 0, 0, 0)
#define MOV0_INSN mk(0xb7, 0, 0, 0, 0) /* mov %r0, 0 */

static void dump_prog(const struct bpfrt_insn *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const uint8_t *b = (const uint8_t *)&p[i];
        printf("    %3zu: %02x %02x %02x %02x %02x %02x %02x %02x\n", i, b[0], b[1], b[2], b[3],
               b[4], b[5], b[6], b[7]);
    }
}

/* Does MSG name instruction IDX? Accepts the usual spellings ("instruction 3", "insn 3",
 * "pc 3", "#3", "3:"), with IDX as a whole number. */
static bool names_index(const char *msg, size_t idx)
{
    char num[32];
    snprintf(num, sizeof num, "%zu", idx);
    size_t nl = strlen(num);
    for (const char *p = msg; (p = strstr(p, num)); p++) {
        bool left_ok = p == msg || !(p[-1] >= '0' && p[-1] <= '9');
        bool right_ok = !(p[nl] >= '0' && p[nl] <= '9');
        if (left_ok && right_ok)
            return true;
    }
    return false;
}

/* ---- round trip ---- */

/* Assembles TEXT, disassembles every instruction, reassembles the listing and compares bytes.
 * RAW (when given) must equal the first assembly. */
static void roundtrip(const char *name, const char *text, const uint8_t *raw, size_t raw_len)
{
    struct bpfrt_insn *p1 = NULL, *p2 = NULL;
    size_t n1 = 0, n2 = 0;
    struct bpfrt_diag diag = {{0}};
    if (!CHECK(bpfrt_asm(text, name, &p1, &n1, &diag) == 0, "%s: assembly failed: %s", name,
               diag.msg))
        return;
    if (raw)
        CHECK(raw_len == n1 * 8 && memcmp(raw, p1, raw_len) == 0,
              "%s: assembled bytes (%zu) differ from the -- raw section (%zu bytes)", name, n1 * 8,
              raw_len);
    size_t cap = 256 + n1 * 96, len = 0;
    char *listing = malloc(cap);
    listing[0] = '\0';
    bool ok = true;
    for (size_t pc = 0; pc < n1;) {
        char line[256];
        int k = bpfrt_disasm_insn(p1, n1, pc, line, sizeof line);
        if (!CHECK(k == 1 || k == 2, "%s: bpfrt_disasm_insn(pc %zu) returned %d (%s)", name, pc, k,
                   line)) {
            ok = false;
            k = 1;
        }
        size_t ll = strlen(line);
        if (len + ll + 2 > cap) {
            cap = (len + ll + 2) * 2;
            listing = realloc(listing, cap);
        }
        memcpy(listing + len, line, ll);
        len += ll;
        listing[len++] = '\n';
        listing[len] = '\0';
        pc += (size_t)k;
    }
    if (ok) {
        char name2[300];
        snprintf(name2, sizeof name2, "%s(disasm)", name);
        if (CHECK(bpfrt_asm(listing, name2, &p2, &n2, &diag) == 0,
                  "%s: reassembling the disassembly failed: %s", name, diag.msg)) {
            bool same = n1 == n2 && memcmp(p1, p2, n1 * sizeof *p1) == 0;
            if (!CHECK(same, "%s: reassembled bytes differ (%zu vs %zu slots)", name, n1, n2)) {
                printf("  listing:\n%s  first assembly:\n", listing);
                dump_prog(p1, n1);
                printf("  second assembly:\n");
                dump_prog(p2, n2);
            }
        }
    }
    free(listing);
    free(p1);
    free(p2);
}

/* Runs the round trip on every .data file with an asm section in DIR. Returns the count. */
static int roundtrip_dir(const char *dir)
{
    char **files;
    int n = tl_list_dir(dir, ".data", &files);
    if (!CHECK(n >= 0, "cannot open %s", dir))
        return 0;
    int done = 0;
    for (int i = 0; i < n; i++) {
        char *text = tl_read_file(files[i], NULL);
        if (!CHECK(text != NULL, "cannot read %s", files[i]))
            continue;
        struct tl_data d;
        tl_parse_data(text, &d);
        if (CHECK(!d.bad, "%s: malformed data file", files[i]) && d.asm_text) {
            roundtrip(files[i], d.asm_text, d.has_raw ? d.raw : NULL, d.raw_len);
            done++;
        }
        tl_free_data(&d);
        free(text);
    }
    tl_free_list(files, n);
    return done;
}

/* ---- every table form ---- */

/* Builds a representative instance of form F at slot 0 of PROG (followed by exits).
 * Returns the program length. */
static size_t build_form(enum bpfrt_form f, const struct bpfrt_form_info *fi,
                         struct bpfrt_insn *prog)
{
    uint8_t op = fi->opcode;
    int32_t disc = fi->discriminator;
    size_t n = 0;
    switch (fi->shape) {
    case BPFRT_SHAPE_ALU_K: prog[n++] = mk(op, 3, 0, (int16_t)disc, -7); break;
    case BPFRT_SHAPE_ALU_X: prog[n++] = mk(op, 3, 4, (int16_t)disc, 0); break;
    case BPFRT_SHAPE_ALU_NEG: prog[n++] = mk(op, 3, 0, 0, 0); break;
    case BPFRT_SHAPE_ENDIAN: prog[n++] = mk(op, 3, 0, 0, disc); break;
    case BPFRT_SHAPE_LDDW:
        if (disc == 0) {
            prog[n++] = mk(op, 3, 0, 0, (int32_t)0x89abcdefu);
            prog[n++] = mk(0, 0, 0, 0, 0x01234567);
        } else {
            prog[n++] = mk(op, 3, (uint8_t)disc, 0, 7);
            prog[n++] = mk(0, 0, 0, 0, 0);
        }
        break;
    case BPFRT_SHAPE_LDABS: prog[n++] = mk(op, 0, 0, 0, 12); break;
    case BPFRT_SHAPE_LDIND: prog[n++] = mk(op, 0, 2, 0, 4); break;
    case BPFRT_SHAPE_LDX: prog[n++] = mk(op, 3, 4, -8, 0); break;
    case BPFRT_SHAPE_ST: prog[n++] = mk(op, 3, 0, 16, 0x7f); break;
    case BPFRT_SHAPE_STX: prog[n++] = mk(op, 3, 4, -16, 0); break;
    case BPFRT_SHAPE_ATOMIC: prog[n++] = mk(op, 3, 4, 8, disc); break;
    case BPFRT_SHAPE_JA: prog[n++] = mk(op, 0, 0, 1, 0); break;
    case BPFRT_SHAPE_JA32: prog[n++] = mk(op, 0, 0, 0, 1); break;
    case BPFRT_SHAPE_JMP_K: prog[n++] = mk(op, 3, 0, 1, -7); break;
    case BPFRT_SHAPE_JMP_X: prog[n++] = mk(op, 3, 4, 1, 0); break;
    case BPFRT_SHAPE_CALL:
        prog[n++] = mk(op, 0, (uint8_t)disc, 0, disc == 1 ? 1 : disc == 2 ? 42 : 5);
        break;
    case BPFRT_SHAPE_CALLX: prog[n++] = mk(op, 2, 0, 0, 0); break;
    case BPFRT_SHAPE_EXIT: prog[n++] = mk(op, 0, 0, 0, 0); break;
    }
    (void)f;
    prog[n++] = EXIT_INSN;
    prog[n++] = EXIT_INSN;
    return n;
}

/* Which of dst/src/off/imm the shape leaves unused (must be zero). Bit 0 dst, 1 src, 2 off,
 * 3 imm. The discriminator field is not listed. */
static unsigned unused_fields(enum bpfrt_shape s)
{
    switch (s) {
    case BPFRT_SHAPE_ALU_K: return 2;
    case BPFRT_SHAPE_ALU_X: return 8;
    case BPFRT_SHAPE_ALU_NEG: return 2 | 4 | 8;
    case BPFRT_SHAPE_ENDIAN: return 2 | 4;
    case BPFRT_SHAPE_LDDW: return 4;
    case BPFRT_SHAPE_LDABS: return 1 | 2 | 4;
    case BPFRT_SHAPE_LDIND: return 1 | 4;
    case BPFRT_SHAPE_LDX: return 8;
    case BPFRT_SHAPE_ST: return 2;
    case BPFRT_SHAPE_STX: return 8;
    case BPFRT_SHAPE_ATOMIC: return 0;
    case BPFRT_SHAPE_JA: return 1 | 2 | 8;
    case BPFRT_SHAPE_JA32: return 1 | 2 | 4;
    case BPFRT_SHAPE_JMP_K: return 2;
    case BPFRT_SHAPE_JMP_X: return 8;
    case BPFRT_SHAPE_CALL: return 1 | 4;
    case BPFRT_SHAPE_CALLX: return 2 | 4 | 8;
    case BPFRT_SHAPE_EXIT: return 1 | 2 | 4 | 8;
    }
    return 0;
}

static void test_forms(void)
{
    CHECK(bpfrt_form_info(BPFRT_FORM_INVALID) == NULL, "form_info(INVALID) should be NULL");
    CHECK(bpfrt_form_info(BPFRT_FORM_COUNT) == NULL, "form_info(COUNT) should be NULL");
    CHECK(bpfrt_form_info((enum bpfrt_form)(BPFRT_FORM_COUNT + 100)) == NULL,
          "form_info(out of range) should be NULL");

    /* the enum and the table agree */
    static const struct {
        const char *id, *mn;
        uint8_t opc;
        int32_t disc;
    } rows[] = {
#define ROW(id, mn, opc, shape, grp, disc) {#id, mn, opc, disc},
        BPFRT_ISA_TABLE(ROW)
#undef ROW
    };
    CHECK(sizeof rows / sizeof rows[0] == (size_t)BPFRT_FORM_COUNT - 1,
          "table has %zu rows but BPFRT_FORM_COUNT-1 is %d", sizeof rows / sizeof rows[0],
          (int)BPFRT_FORM_COUNT - 1);

    for (int f = 1; f < (int)BPFRT_FORM_COUNT; f++) {
        const struct bpfrt_form_info *fi = bpfrt_form_info((enum bpfrt_form)f);
        if (!CHECK(fi != NULL, "form %d: no info", f))
            continue;
        const char *id = fi->id ? fi->id : "?";
        CHECK(fi->id && !strcmp(fi->id, rows[f - 1].id), "form %d: id %s, table says %s", f, id,
              rows[f - 1].id);
        CHECK(fi->mnemonic && !strcmp(fi->mnemonic, rows[f - 1].mn),
              "form %s: mnemonic %s, table says %s", id, fi->mnemonic ? fi->mnemonic : "(null)",
              rows[f - 1].mn);
        CHECK(fi->opcode == rows[f - 1].opc && fi->discriminator == rows[f - 1].disc,
              "form %s: opcode/discriminator differ from the table", id);

        struct bpfrt_insn prog[8];
        size_t n = build_form((enum bpfrt_form)f, fi, prog);
        size_t slots = fi->shape == BPFRT_SHAPE_LDDW ? 2 : 1;

        /* decode */
        struct bpfrt_decoded dec;
        struct bpfrt_diag diag = {{0}};
        memset(&dec, 0xa5, sizeof dec);
        if (CHECK(bpfrt_isa_decode(prog, n, 0, &dec, &diag) == 0, "form %s: decode failed: %s", id,
                  diag.msg)) {
            CHECK(dec.form == (enum bpfrt_form)f, "form %s: decoded as form %d (%s)", id,
                  (int)dec.form,
                  bpfrt_form_info(dec.form) ? bpfrt_form_info(dec.form)->id : "invalid");
            CHECK(dec.slots == slots, "form %s: %u slots, expected %zu", id, dec.slots, slots);
            unsigned unused = unused_fields(fi->shape);
            if (!(unused & 1))
                CHECK(dec.dst == prog[0].dst_reg, "form %s: dst %u, expected %u", id, dec.dst,
                      prog[0].dst_reg);
            if (!(unused & 2) && fi->shape != BPFRT_SHAPE_LDDW && fi->shape != BPFRT_SHAPE_CALL)
                CHECK(dec.src == prog[0].src_reg, "form %s: src %u, expected %u", id, dec.src,
                      prog[0].src_reg);
            if (!(unused & 4) && fi->shape != BPFRT_SHAPE_ALU_K && fi->shape != BPFRT_SHAPE_ALU_X)
                CHECK(dec.off == prog[0].off, "form %s: off %d, expected %d", id, dec.off,
                      prog[0].off);
            if (!(unused & 8) && fi->shape != BPFRT_SHAPE_ENDIAN && fi->shape != BPFRT_SHAPE_ATOMIC)
                CHECK(dec.imm == prog[0].imm, "form %s: imm %d, expected %d", id, dec.imm,
                      prog[0].imm);
            if (fi->shape == BPFRT_SHAPE_LDDW) {
                uint64_t want = (uint64_t)(uint32_t)prog[1].imm << 32 | (uint32_t)prog[0].imm;
                CHECK(dec.imm64 == want, "form %s: imm64 %#llx, expected %#llx", id,
                      (unsigned long long)dec.imm64, (unsigned long long)want);
            }
        }
        /* the exits after it decode too, at the right index */
        CHECK(bpfrt_isa_decode(prog, n, slots, &dec, &diag) == 0 && dec.form == BPFRT_FORM_EXIT,
              "form %s: exit after it did not decode", id);

        /* validate */
        CHECK(bpfrt_isa_validate(prog, n, &diag) == 0, "form %s: program does not validate: %s", id,
              diag.msg);

        /* disassemble, reassemble */
        char text[512], line[256];
        size_t tl = 0;
        int k = bpfrt_disasm_insn(prog, n, 0, line, sizeof line);
        CHECK((size_t)k == slots, "form %s: disasm returned %d slots (%s)", id, k, line);
        if (k <= 0)
            continue;
        const char *mn = fi->mnemonic;
        CHECK(strncmp(line, mn, strlen(mn)) == 0 &&
                  (line[strlen(mn)] == ' ' || line[strlen(mn)] == '\0'),
              "form %s: disassembly '%s' does not start with mnemonic '%s'", id, line, mn);
        tl += (size_t)snprintf(text + tl, sizeof text - tl, "%s\n", line);
        for (size_t pc = slots; pc < n; pc++) {
            bpfrt_disasm_insn(prog, n, pc, line, sizeof line);
            tl += (size_t)snprintf(text + tl, sizeof text - tl, "%s\n", line);
        }
        struct bpfrt_insn *re = NULL;
        size_t rn = 0;
        if (CHECK(bpfrt_asm(text, id, &re, &rn, &diag) == 0,
                  "form %s: cannot reassemble its disassembly: %s", id, diag.msg)) {
            if (!CHECK(rn == n && memcmp(re, prog, n * sizeof *prog) == 0,
                       "form %s: reassembly of '%s' gives different bytes", id,
                       strtok(text, "\n"))) {
                dump_prog(prog, n);
                dump_prog(re, rn);
            }
        }
        free(re);

        /* each unused field set non-zero, and a discriminator no form uses, is rejected */
        unsigned unused = unused_fields(fi->shape);
        for (int field = 0; field < 5; field++) {
            struct bpfrt_insn bad[10];
            bad[0] = MOV0_INSN;
            bad[1] = MOV0_INSN;
            memcpy(bad + 2, prog, n * sizeof *prog);
            struct bpfrt_insn *b = &bad[2];
            const char *what;
            if (field < 4 && !(unused & (1u << field)))
                continue;
            switch (field) {
            case 0: b->dst_reg = 1, what = "dst"; break;
            case 1: b->src_reg = 1, what = "src"; break;
            case 2: b->off = 1, what = "off"; break;
            case 3: b->imm = 1, what = "imm"; break;
            default:
                what = "discriminator";
                switch (fi->shape) {
                case BPFRT_SHAPE_ALU_K:
                case BPFRT_SHAPE_ALU_X: b->off = 3; break;
                case BPFRT_SHAPE_ENDIAN: b->imm = 8; break;
                case BPFRT_SHAPE_ATOMIC: b->imm = 0x02; break;
                case BPFRT_SHAPE_LDDW: b->src_reg = 7; break;
                case BPFRT_SHAPE_CALL: b->src_reg = 3; break;
                default: continue;
                }
            }
            memset(&diag, 0, sizeof diag);
            int rc = bpfrt_isa_decode(bad, n + 2, 2, &dec, &diag);
            if (CHECK(rc != 0, "form %s: %s set non-zero was accepted", id, what))
                CHECK(names_index(diag.msg, 2),
                      "form %s with bad %s: message does not name "
                      "instruction 2: '%s'",
                      id, what, diag.msg);
            memset(&diag, 0, sizeof diag);
            rc = bpfrt_isa_validate(bad, n + 2, &diag);
            if (CHECK(rc != 0, "form %s: %s set non-zero passed validation", id, what))
                CHECK(names_index(diag.msg, 2),
                      "validate, form %s with bad %s: message does "
                      "not name instruction 2: '%s'",
                      id, what, diag.msg);
        }
        if (fi->shape == BPFRT_SHAPE_LDDW) {
            /* the second slot's code/dst/src/off are reserved */
            for (int field = 0; field < 4; field++) {
                struct bpfrt_insn bad[10];
                bad[0] = MOV0_INSN;
                bad[1] = MOV0_INSN;
                memcpy(bad + 2, prog, n * sizeof *prog);
                struct bpfrt_insn *b = &bad[3];
                switch (field) {
                case 0: b->code = 0x18; break;
                case 1: b->dst_reg = 1; break;
                case 2: b->src_reg = 1; break;
                case 3: b->off = 1; break;
                }
                memset(&diag, 0, sizeof diag);
                int rc = bpfrt_isa_validate(bad, n + 2, &diag);
                if (CHECK(rc != 0, "form %s: second slot field %d non-zero accepted", id, field))
                    CHECK(names_index(diag.msg, 2) || names_index(diag.msg, 3),
                          "lddw second slot: message does not name the instruction: '%s'",
                          diag.msg);
            }
        }
    }
}

/* ---- invalid bytecode ---- */

static void expect_invalid(const char *what, const struct bpfrt_insn *p, size_t n, size_t idx,
                           const char *fragment)
{
    struct bpfrt_diag diag;
    memset(&diag, 0, sizeof diag);
    int rc = bpfrt_isa_validate(p, n, &diag);
    if (!CHECK(rc != 0, "%s: validate accepted it", what)) {
        dump_prog(p, n);
        return;
    }
    CHECK(diag.msg[0] != '\0', "%s: empty message", what);
    if (getenv("TEST_VERBOSE"))
        printf("  %s -> %s\n", what, diag.msg);
    if (idx != (size_t)-1)
        CHECK(names_index(diag.msg, idx), "%s: message does not name instruction %zu: '%s'", what,
              idx, diag.msg);
    if (fragment)
        CHECK(tl_contains_ci(diag.msg, fragment), "%s: message lacks '%s': '%s'", what, fragment,
              diag.msg);
}

static void test_invalid_bytecode(void)
{
    const struct bpfrt_insn M = MOV0_INSN, E = EXIT_INSN;
    struct bpfrt_diag diag;

    {
        struct bpfrt_insn p[] = {M, M, M, mk(0xff, 0, 0, 0, 0), E};
        expect_invalid("unknown opcode 0xff", p, 5, 3, "opcode");
        p[3] = mk(0x8e, 0, 0, 0, 0); /* class JMP, op 0x80 with X source: no such form */
        expect_invalid("unknown opcode 0x8e", p, 5, 3, "opcode");
        p[3] = mk(0x00, 0, 0, 0, 0); /* a bare lddw second slot */
        expect_invalid("opcode 0x00", p, 5, 3, "opcode");
        p[3] = mk(0xdf, 1, 0, 0, 16); /* bswap with the X source bit */
        expect_invalid("unknown opcode 0xdf", p, 5, 3, "opcode");
        p[3] = mk(0xe7, 1, 0, 0, 0); /* ALU64 op 0xe0 */
        expect_invalid("unknown opcode 0xe7", p, 5, 3, "opcode");
        p[3] = mk(0x9d, 0, 0, 0, 0); /* exit with X source */
        expect_invalid("unknown opcode 0x9d", p, 5, 3, "opcode");
        memset(&diag, 0, sizeof diag);
        struct bpfrt_decoded dec;
        p[3] = mk(0xff, 0, 0, 0, 0);
        CHECK(bpfrt_isa_decode(p, 5, 3, &dec, &diag) != 0 && names_index(diag.msg, 3),
              "decode of unknown opcode: rc/message wrong: '%s'", diag.msg);
    }
    {
        struct bpfrt_insn p[] = {M, mk(0xb7, 0, 1, 0, 0), E}; /* mov imm with src 1 */
        expect_invalid("mov imm with src set", p, 3, 1, "unused");
        p[1] = mk(0xbf, 0, 1, 0, 1); /* mov reg with imm 1 */
        expect_invalid("mov reg with imm set", p, 3, 1, "unused");
        p[1] = mk(0x95, 0, 0, 0, 0);
        p[1].off = 4;
        expect_invalid("exit with off set", p, 3, 1, "unused");
        p[1] = mk(0x95, 1, 0, 0, 0);
        expect_invalid("exit with dst set", p, 3, 1, "unused");
    }
    {
        struct bpfrt_insn p[] = {M, M, mk(0xb7, 11, 0, 0, 1), E};
        expect_invalid("dst register 11", p, 4, 2, "register");
        p[2] = mk(0xbf, 0, 11, 0, 0);
        expect_invalid("src register 11", p, 4, 2, "register");
        p[2] = mk(0xbf, 15, 1, 0, 0);
        expect_invalid("dst register 15", p, 4, 2, "register");
        p[2] = mk(0x79, 1, 12, 0, 0);
        expect_invalid("ldxdw from register 12", p, 4, 2, "register");
        p[2] = mk(0x7b, 13, 1, 0, 0);
        expect_invalid("stxdw to register 13", p, 4, 2, "register");
        p[2] = mk(0x8d, 11, 0, 0, 0);
        expect_invalid("callx register 11", p, 4, 2, "register");
    }
    {
        struct bpfrt_insn p[] = {M, M, M, M, mk(0xb7, 10, 0, 0, 1), E};
        expect_invalid("mov %r10, 1", p, 6, 4, "r10");
        p[4] = mk(0xbf, 10, 1, 0, 0);
        expect_invalid("mov %r10, %r1", p, 6, 4, "r10");
        p[4] = mk(0x07, 10, 0, 0, 8);
        expect_invalid("add %r10, 8", p, 6, 4, "r10");
        p[4] = mk(0x87, 10, 0, 0, 0);
        expect_invalid("neg %r10", p, 6, 4, "r10");
        p[4] = mk(0xdc, 10, 0, 0, 16);
        expect_invalid("be16 %r10", p, 6, 4, "r10");
        p[4] = mk(0x79, 10, 1, 0, 0);
        expect_invalid("ldxdw %r10, [%r1]", p, 6, 4, "r10");
        p[4] = mk(0xbc, 10, 1, 8, 0);
        expect_invalid("movsx832 %r10, %r1", p, 6, 4, "r10");
        p[4] = mk(0xdb, 1, 10, 0, 0x01); /* lock fetch add [%r1], %r10 writes r10 */
        expect_invalid("lock fetch add [%r1], %r10", p, 6, 4, "r10");
        p[4] = mk(0xdb, 1, 10, 0, 0xe1); /* lock xchg writes src */
        expect_invalid("lock xchg [%r1], %r10", p, 6, 4, "r10");
        struct bpfrt_insn q[] = {M, M, M, M, mk(0x18, 10, 0, 0, 1), mk(0, 0, 0, 0, 0), E};
        expect_invalid("lddw %r10", q, 7, 4, "r10");
        /* reading r10 and storing through it are fine */
        struct bpfrt_insn ok[] = {mk(0xbf, 1, 10, 0, 0), mk(0x7b, 10, 1, -8, 0),
                                  mk(0xdb, 10, 1, -8, 0x00), M, E};
        CHECK(bpfrt_isa_validate(ok, 5, &diag) == 0,
              "reading r10 / storing through r10 rejected: %s", diag.msg);
    }
    {
        struct bpfrt_insn p[] = {M, mk(0x05, 0, 0, 5, 0), M, E};
        expect_invalid("ja past the end", p, 4, 1, "outside");
        p[1] = mk(0x05, 0, 0, 2, 0); /* target 4 == n: one past the end */
        expect_invalid("ja to one past the end", p, 4, 1, "outside");
        p[1] = mk(0x05, 0, 0, -3, 0); /* target -1 */
        expect_invalid("ja before the start", p, 4, 1, "outside");
        p[1] = mk(0x15, 0, 0, 100, 0);
        expect_invalid("jeq out of range", p, 4, 1, "outside");
        p[1] = mk(0x1e, 0, 1, -5, 0);
        expect_invalid("jeq32 reg backwards out of range", p, 4, 1, "outside");
        p[1] = mk(0x06, 0, 0, 0, 1000);
        expect_invalid("ja32 out of range", p, 4, 1, "outside");
        p[1] = mk(0x06, 0, 0, 0, -3);
        expect_invalid("ja32 before the start", p, 4, 1, "outside");
        p[1] = mk(0x85, 0, 1, 0, 7);
        expect_invalid("call local out of range", p, 4, 1, "outside");
        p[1] = mk(0x85, 0, 1, 0, -3);
        expect_invalid("call local before the start", p, 4, 1, "outside");
        p[1] = mk(0x05, 0, 0, -2, 0); /* target 0: fine */
        CHECK(bpfrt_isa_validate(p, 4, &diag) == 0, "ja back to 0 rejected: %s", diag.msg);
        p[1] = mk(0x05, 0, 0, 1, 0); /* target 3: the last insn, fine */
        CHECK(bpfrt_isa_validate(p, 4, &diag) == 0, "ja to last rejected: %s", diag.msg);
    }
    {
        /* 0: ja +1 -> 2, the second slot of the lddw at 1 */
        struct bpfrt_insn p[] = {mk(0x05, 0, 0, 1, 0), mk(0x18, 0, 0, 0, 1), mk(0, 0, 0, 0, 2), E};
        expect_invalid("ja into the middle of lddw", p, 4, 0, "lddw");
        p[0] = mk(0x55, 1, 0, 1, 0);
        expect_invalid("jne into the middle of lddw", p, 4, 0, "lddw");
        p[0] = mk(0x06, 0, 0, 0, 1);
        expect_invalid("ja32 into the middle of lddw", p, 4, 0, "lddw");
        p[0] = mk(0x85, 0, 1, 0, 1);
        expect_invalid("call local into the middle of lddw", p, 4, 0, "lddw");
        struct bpfrt_insn q[] = {M, mk(0x18, 0, 0, 0, 1), mk(0, 0, 0, 0, 2), mk(0x05, 0, 0, -2, 0),
                                 E};
        expect_invalid("backward ja into the middle of lddw", q, 5, 3, "lddw");
        p[0] = mk(0x05, 0, 0, 0, 0); /* ja +0 -> lddw start: fine */
        CHECK(bpfrt_isa_validate(p, 4, &diag) == 0, "ja to the start of lddw rejected: %s",
              diag.msg);
    }
    {
        struct bpfrt_insn p[] = {M, E, mk(0x18, 0, 0, 0, 1)};
        expect_invalid("lddw cut off at the end", p, 3, 2, "lddw");
        struct bpfrt_decoded dec;
        memset(&diag, 0, sizeof diag);
        CHECK(bpfrt_isa_decode(p, 3, 2, &dec, &diag) != 0 && names_index(diag.msg, 2),
              "decode of a cut-off lddw: rc/message wrong: '%s'", diag.msg);
        struct bpfrt_insn q[] = {mk(0x18, 0, 0, 0, 1)};
        expect_invalid("lddw alone", q, 1, 0, "lddw");
    }
    {
        struct bpfrt_insn p[] = {M, M, M};
        expect_invalid("last instruction falls through (mov)", p, 3, 2, "fall");
        struct bpfrt_insn q[] = {M, mk(0x15, 0, 0, -2, 0)};
        expect_invalid("last instruction falls through (jeq)", q, 2, 1, "fall");
        struct bpfrt_insn r[] = {M, mk(0x85, 0, 0, 0, 5)};
        expect_invalid("last instruction falls through (call)", r, 2, 1, "fall");
        struct bpfrt_insn s[] = {M, mk(0x18, 0, 0, 0, 1), mk(0, 0, 0, 0, 0)};
        expect_invalid("last instruction falls through (lddw)", s, 3, 1, "fall");
        struct bpfrt_insn t[] = {M, E, mk(0x05, 0, 0, -3, 0)};
        CHECK(bpfrt_isa_validate(t, 3, &diag) == 0, "program ending in a ja rejected: %s",
              diag.msg);
    }
    {
        struct bpfrt_insn dummy = E;
        memset(&diag, 0, sizeof diag);
        CHECK(bpfrt_isa_validate(&dummy, 0, &diag) != 0 && diag.msg[0],
              "empty program accepted by validate");
        CHECK(tl_contains_ci(diag.msg, "empty") || tl_contains_ci(diag.msg, "no instruction"),
              "empty program: message does not say so: '%s'", diag.msg);
    }
    {
        uint8_t bytes[24] = {0xb7, 0, 0, 0, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0};
        struct bpfrt_insn *out = NULL;
        size_t n = 0;
        memset(&diag, 0, sizeof diag);
        CHECK(bpfrt_insns_from_bytes(bytes, 16, "ok.bin", &out, &n, &diag) == 0 && n == 2 &&
                  out[0].code == 0xb7 && out[1].code == 0x95,
              "insns_from_bytes of 16 valid bytes failed: %s", diag.msg);
        free(out);
        out = NULL;
        size_t bad_lens[] = {0, 5, 12, 17, 23};
        for (size_t i = 0; i < sizeof bad_lens / sizeof bad_lens[0]; i++) {
            memset(&diag, 0, sizeof diag);
            int rc = bpfrt_insns_from_bytes(bytes, bad_lens[i], "prog.bin", &out, &n, &diag);
            if (CHECK(rc != 0, "insns_from_bytes accepted %zu bytes", bad_lens[i])) {
                CHECK(strstr(diag.msg, "prog.bin") != NULL,
                      "insns_from_bytes(%zu): message does not name the file: '%s'", bad_lens[i],
                      diag.msg);
                if (bad_lens[i] != 0)
                    CHECK(strstr(diag.msg, "8") != NULL,
                          "insns_from_bytes(%zu): message does not mention the multiple of 8: "
                          "'%s'",
                          bad_lens[i], diag.msg);
            } else {
                free(out);
                out = NULL;
            }
        }
    }
}

/* ---- assembler diagnostics ---- */

static void expect_asm_error(const char *what, const char *text, int line, const char *fragment)
{
    struct bpfrt_insn *out = NULL;
    size_t n = 0;
    struct bpfrt_diag diag;
    memset(&diag, 0, sizeof diag);
    int rc = bpfrt_asm(text, "prog.s", &out, &n, &diag);
    if (!CHECK(rc != 0, "asm %s: accepted '%s'", what, text)) {
        free(out);
        return;
    }
    if (getenv("TEST_VERBOSE"))
        printf("  asm %s -> %s\n", what, diag.msg);
    char want[64];
    snprintf(want, sizeof want, "prog.s:%d:", line);
    CHECK(strstr(diag.msg, want) != NULL, "asm %s: message does not name %s: '%s'", what, want,
          diag.msg);
    CHECK(strchr(diag.msg, '\n') == NULL || strchr(diag.msg, '\n')[1] == '\0',
          "asm %s: message is not one line: '%s'", what, diag.msg);
    if (fragment)
        CHECK(tl_contains_ci(diag.msg, fragment), "asm %s: message lacks '%s': '%s'", what,
              fragment, diag.msg);
}

static void expect_asm_ok(const char *what, const char *text, size_t slots, const uint8_t *bytes)
{
    struct bpfrt_insn *out = NULL;
    size_t n = 0;
    struct bpfrt_diag diag;
    memset(&diag, 0, sizeof diag);
    int rc = bpfrt_asm(text, "ok.s", &out, &n, &diag);
    if (CHECK(rc == 0, "asm %s: rejected: %s", what, diag.msg)) {
        CHECK(n == slots, "asm %s: %zu slots, expected %zu", what, n, slots);
        if (bytes && n == slots &&
            !CHECK(memcmp(out, bytes, slots * 8) == 0, "asm %s: wrong encoding", what))
            dump_prog(out, n);
    }
    free(out);
}

static void test_asm_errors(void)
{
    const char *pre = "# comment line\n\n"; /* errors below are on line 3 */
    static const struct {
        const char *what, *line, *frag;
    } cases[] = {
        {"bad mnemonic", "ldxq %r0, %r1", "mnemonic"},
        {"bad mnemonic 2", "movv %r0, 1", "mnemonic"},
        {"bad mnemonic lock", "lock nand [%r1+0], %r2", NULL},
        {"bad register r50", "or %r0, %r50", "register"},
        {"bad register r11", "mov %r11, 1", "register"},
        {"bad register name", "mov %rx, 1", "register"},
        {"bad register in memory operand", "ldxw %r0, [%r12+4]", "register"},
        {"missing register", "add %r0, %", NULL},
        {"operand count lddw", "lddw %r0", "operand"},
        {"operand count mov", "mov %r0", "operand"},
        {"operand count add three", "add %r0, 1, 2", "operand"},
        {"operand count exit", "exit %r0", "operand"},
        {"operand count neg", "neg %r0, %r1", "operand"},
        {"operand count lock", "lock or [%r10-8]", "operand"},
        {"operand count bare lock", "lock", "operand"},
        {"operand count ja", "ja", "operand"},
        {"operand count jeq", "jeq %r0, 1", "operand"},
        {"memory operand without brackets", "ldxb %r0, %r1", NULL},
        {"imm 2147483648", "mov32 %r0, 2147483648", "32-bit"},
        {"imm 0x100000000", "mov32 %r0, 0x100000000", "32-bit"},
        {"imm -2147483649", "mov %r0, -2147483649", "32-bit"},
        {"imm huge", "add %r0, 99999999999999999999999", NULL},
        {"store imm out of range", "stw [%r1+0], 0x100000000", "32-bit"},
        {"jump imm out of range", "jeq %r1, 4294967296, +0", "32-bit"},
        {"offset 0x10000", "ldxb %r0, [%r1+0x10000]", "16-bit"},
        {"offset 32768", "ldxb %r0, [%r1+32768]", "16-bit"},
        {"offset -32769", "stxb [%r1-32769], %r2", "16-bit"},
        {"jump offset +32768", "ja +32768", "16-bit"},
        {"jump offset -32769", "jeq %r1, 0, -32769", "16-bit"},
        {"undefined label", "ja NOT_A_LABEL", "undefined"},
        {"undefined label in jeq", "jeq %r1, 0, nowhere", "undefined"},
        {"undefined local function", "call local nowhere", "undefined"},
        {"garbage after operand", "mov %r0, 1 junk", NULL},
        {"bad number", "mov %r0, 12z", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, "%s%s\nexit\n", pre, cases[i].line);
        expect_asm_error(cases[i].what, text, 3, cases[i].frag);
    }
    expect_asm_error("duplicate label", "a:\nmov %r0, 0\na:\nexit\n", 3, "duplicate");
    expect_asm_error("duplicate label 2", "mov %r0, 0\nx:\nx:\nexit\n", 3, "duplicate");
    expect_asm_error("error on line 1", "bogus\nexit\n", 1, NULL);
    expect_asm_error("error on the last line without newline", "mov %r0, 0\nexit\nbogus", 3, NULL);
    expect_asm_error("error after a label line", "start:\nmov %r0, 0\nxor %r0\nexit\n", 3, NULL);

    /* boundaries that must be accepted */
    static const uint8_t mov32_max[] = {0xb4, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f,
                                        0x95, 0, 0, 0, 0,    0,    0,    0};
    expect_asm_ok("mov32 2147483647", "mov32 %r0, 2147483647\nexit\n", 2, mov32_max);
    static const uint8_t mov_min[] = {0xb7, 0, 0, 0, 0, 0, 0, 0x80, 0x95, 0, 0, 0, 0, 0, 0, 0};
    expect_asm_ok("mov -2147483648", "mov %r0, -2147483648\nexit\n", 2, mov_min);
    static const uint8_t mov_ff[] = {0xb4, 0, 0, 0, 0xff, 0xff, 0xff, 0xff,
                                     0x95, 0, 0, 0, 0,    0,    0,    0};
    expect_asm_ok("mov32 0xffffffff", "mov32 %r0, 0xffffffff\nexit\n", 2, mov_ff);
    static const uint8_t ldx_max[] = {0x71, 0x10, 0xff, 0x7f, 0, 0, 0, 0,
                                      0x95, 0,    0,    0,    0, 0, 0, 0};
    expect_asm_ok("offset 32767", "ldxb %r0, [%r1+32767]\nexit\n", 2, ldx_max);
    static const uint8_t ldx_min[] = {0x71, 0x10, 0x00, 0x80, 0, 0, 0, 0,
                                      0x95, 0,    0,    0,    0, 0, 0, 0};
    expect_asm_ok("offset -32768", "ldxb %r0, [%r1-32768]\nexit\n", 2, ldx_min);
    static const uint8_t lddw_big[] = {0x18, 0,    0,    0,    0xef, 0xcd, 0xab, 0x89, 0, 0, 0, 0,
                                       0x67, 0x45, 0x23, 0x01, 0x95, 0,    0,    0,    0, 0, 0, 0};
    expect_asm_ok("lddw 64-bit", "lddw %r0, 0x0123456789abcdef\nexit\n", 3, lddw_big);
    static const uint8_t labels[] = {0x05, 0, 1, 0, 0,    0, 0, 0, 0xb7, 0, 0, 0,
                                     1,    0, 0, 0, 0x95, 0, 0, 0, 0,    0, 0, 0};
    expect_asm_ok("forward label with comments",
                  "  ja done # skip\n# whole-line comment\nmov %r0, 1\ndone:\n\texit\n", 3, NULL);
    expect_asm_ok("jump +1", "ja +1\nmov %r0, 1\nexit\n", 3, labels);
    static const uint8_t callx[] = {0x8d, 0x02, 0, 0, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0};
    expect_asm_ok("callx", "call %r2\nexit\n", 2, callx);
    static const uint8_t lock[] = {0xdb, 0x1a, 0xf8, 0xff, 0xf1, 0, 0, 0,
                                   0x95, 0,    0,    0,    0,    0, 0, 0};
    expect_asm_ok("lock cmpxchg", "lock cmpxchg [%r10-8], %r1\nexit\n", 2, lock);
}

/* ---- limits: long jumps, 64-bit lddw range, program size, small disassembly buffers ---- */

static char *gap_program(const char *jump, size_t gap)
{
    /* JUMP far / GAP movs / far: exit */
    size_t cap = strlen(jump) + gap * 12 + 64;
    char *t = malloc(cap);
    size_t len = (size_t)snprintf(t, cap, "%s\n", jump);
    for (size_t i = 0; i < gap; i++)
        len += (size_t)snprintf(t + len, cap - len, "mov %%r0, 1\n");
    snprintf(t + len, cap - len, "far:\nexit\n");
    return t;
}

static void test_limits(void)
{
    struct bpfrt_insn *out = NULL;
    size_t n = 0;
    struct bpfrt_diag diag;

    /* a 16-bit jump offset reaches 32767 slots ahead; ja32 reaches further */
    char *t = gap_program("ja far", 32767);
    memset(&diag, 0, sizeof diag);
    if (CHECK(bpfrt_asm(t, "far.s", &out, &n, &diag) == 0, "ja over 32767 slots: %s", diag.msg))
        CHECK(n == 32769 && out[0].off == 32767, "ja over 32767 slots: off %d", out[0].off);
    free(out);
    out = NULL;
    free(t);
    t = gap_program("ja far", 40000);
    memset(&diag, 0, sizeof diag);
    if (CHECK(bpfrt_asm(t, "far.s", &out, &n, &diag) != 0, "ja over 40000 slots accepted"))
        CHECK(strstr(diag.msg, "far.s:1:") != NULL,
              "ja over 40000 slots: message does not name "
              "line 1: '%s'",
              diag.msg);
    free(out);
    out = NULL;
    free(t);
    t = gap_program("jeq %r1, 0, far", 40000);
    memset(&diag, 0, sizeof diag);
    CHECK(bpfrt_asm(t, "far.s", &out, &n, &diag) != 0 && strstr(diag.msg, "far.s:1:"),
          "jeq over 40000 slots: accepted or wrong line: '%s'", diag.msg);
    free(out);
    out = NULL;
    free(t);
    t = gap_program("ja32 far", 40000);
    memset(&diag, 0, sizeof diag);
    if (CHECK(bpfrt_asm(t, "far.s", &out, &n, &diag) == 0, "ja32 over 40000 slots: %s", diag.msg)) {
        CHECK(n == 40002 && out[0].imm == 40000 && out[0].off == 0, "ja32 over 40000 slots: imm %d",
              out[0].imm);
        CHECK(bpfrt_isa_validate(out, n, &diag) == 0, "ja32 over 40000 slots does not validate: %s",
              diag.msg);
    }
    free(out);
    out = NULL;
    free(t);

    /* lddw takes any 64-bit value, nothing wider */
    static const struct {
        const char *text;
        uint64_t v;
    } lddw_ok[] = {
        {"lddw %r0, -1\nexit\n", ~0ull},
        {"lddw %r0, 0xffffffffffffffff\nexit\n", ~0ull},
        {"lddw %r0, 18446744073709551615\nexit\n", ~0ull},
        {"lddw %r0, -9223372036854775808\nexit\n", 0x8000000000000000ull},
        {"lddw %r0, 0x80000000\nexit\n", 0x80000000ull},
    };
    for (size_t i = 0; i < sizeof lddw_ok / sizeof lddw_ok[0]; i++) {
        memset(&diag, 0, sizeof diag);
        if (CHECK(bpfrt_asm(lddw_ok[i].text, "lddw.s", &out, &n, &diag) == 0, "'%s' rejected: %s",
                  lddw_ok[i].text, diag.msg)) {
            uint64_t v = (uint64_t)(uint32_t)out[1].imm << 32 | (uint32_t)out[0].imm;
            CHECK(n == 3 && v == lddw_ok[i].v, "'%s' encodes %#llx", lddw_ok[i].text,
                  (unsigned long long)v);
        }
        free(out);
        out = NULL;
    }
    expect_asm_error("lddw 65-bit hex", "# x\n\nlddw %r0, 0x10000000000000000\nexit\n", 3, NULL);
    expect_asm_error("lddw 65-bit decimal", "# x\n\nlddw %r0, 18446744073709551616\nexit\n", 3,
                     NULL);

    /* program size limit */
    size_t big = (size_t)BPFRT_MAX_INSNS + 1;
    struct bpfrt_insn *p = calloc(big, sizeof *p);
    for (size_t i = 0; i < big; i++)
        p[i].code = 0x95;
    memset(&diag, 0, sizeof diag);
    int rc = bpfrt_insns_from_bytes(p, big * 8, "big.bin", &out, &n, &diag);
    CHECK(rc != 0 && strstr(diag.msg, "big.bin"),
          "%zu instructions (one over BPFRT_MAX_INSNS) accepted by insns_from_bytes", big);
    if (rc == 0)
        free(out);
    out = NULL;
    memset(&diag, 0, sizeof diag);
    CHECK(bpfrt_isa_validate(p, big, &diag) != 0, "%zu instructions accepted by validate", big);
    memset(&diag, 0, sizeof diag);
    CHECK(bpfrt_isa_validate(p, big - 1, &diag) == 0, "BPFRT_MAX_INSNS instructions rejected: %s",
          diag.msg);
    free(p);

    /* bpfrt_disasm_insn respects the buffer length */
    struct bpfrt_insn prog[] = {mk(0x18, 3, 0, 0, (int32_t)0x89abcdefu), mk(0, 0, 0, 0, 0x01234567),
                                mk(0xdb, 10, 9, -32768, 0xf1), mk(0xff, 1, 2, 3, 4), EXIT_INSN};
    for (size_t pc = 0; pc < 5; pc++) {
        if (pc == 1)
            continue;
        char full[256];
        int k = bpfrt_disasm_insn(prog, 5, pc, full, sizeof full);
        for (size_t len = 0; len < 40; len++) {
            char buf[64];
            memset(buf, '#', sizeof buf);
            int k2 = bpfrt_disasm_insn(prog, 5, pc, buf, len);
            bool ok = k2 == k;
            if (len == 0)
                ok = ok && buf[0] == '#';
            else
                ok = ok && memchr(buf, '\0', len) != NULL && strncmp(buf, full, len - 1) == 0;
            for (size_t i = len; i < sizeof buf; i++)
                ok = ok && buf[i] == '#';
            if (!CHECK(ok,
                       "disasm of slot %zu into %zu bytes: overflow, no NUL or wrong text "
                       "('%.*s' vs '%s')",
                       pc, len, (int)(len ? len : 1), buf, full))
                break;
        }
    }
}

int main(int argc, char **argv)
{
    const char *shared = NULL;
    const char *data[TL_MAX_DATA_DIRS];
    int ndata = tl_parse_args(argc, argv, &shared, data);
    if (ndata < 0)
        return 2;
    if (shared) {
        if (!tl_is_dir(shared)) {
            printf("SKIP: shared conformance suite not found at %s; round trip not run on it\n",
                   shared);
            return TEST_SKIP_CODE;
        }
        int n = roundtrip_dir(shared);
        printf("round trip: %d shared conformance programs\n", n);
        CHECK(n > 0, "no programs found in %s", shared);
    }
    if (ndata || !shared) {
        test_forms();
        test_invalid_bytecode();
        test_asm_errors();
        test_limits();
        for (int i = 0; i < ndata; i++) {
            int n = roundtrip_dir(data[i]);
            printf("round trip: %d programs in %s\n", n, data[i]);
            CHECK(n > 0, "no programs found in %s", data[i]);
        }
    }
    return tl_summary();
}
