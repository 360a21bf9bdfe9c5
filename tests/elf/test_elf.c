/* ELF loader tests on the project's own BPF C programs (tests/elf/progs, compiled by the build
 * with clang -O2 -g -target bpf): programs, sections, types, relocated calls (run in the
 * interpreter where possible), map specs, global data, source lines; then malformed objects
 * made by corrupting those files in memory, each of which must be refused with one line that
 * names the object and the problem.
 *
 * The test reads the ELF files itself (section headers, symbols) as the independent reference
 * for function sizes, symbol offsets and section contents.
 *
 * usage: test_elf OBJ_DIR
 *   exit 77 when OBJ_DIR does not exist (programs not compiled). */
#include <elf.h>
#include <errno.h>
#include <linux/bpf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfrt/btf.h"
#include "bpfrt/object.h"
#include "bpfrt/vm.h"
#include "testlib.h"

static const char *obj_dir;
/* The checks marked "regression" below found loader bugs (since fixed); they always run. */
static const bool run_bug_checks = true;

/* ------------------------------------------------------------------------------------------ */
/* A minimal ELF64 reader (the reference the loader's results are compared with) */

struct elf_file {
    char *path;
    uint8_t *data;
    size_t size;
    Elf64_Ehdr eh;
};

static bool elf_shdr(const struct elf_file *f, size_t i, Elf64_Shdr *out)
{
    size_t off = f->eh.e_shoff + i * sizeof(Elf64_Shdr);
    if (i >= f->eh.e_shnum || off + sizeof(*out) > f->size)
        return false;
    memcpy(out, f->data + off, sizeof(*out));
    return true;
}

static void elf_put_shdr(struct elf_file *f, size_t i, const Elf64_Shdr *sh)
{
    memcpy(f->data + f->eh.e_shoff + i * sizeof(Elf64_Shdr), sh, sizeof(*sh));
}

static const char *elf_sec_name(const struct elf_file *f, const Elf64_Shdr *sh)
{
    Elf64_Shdr str;
    if (!elf_shdr(f, f->eh.e_shstrndx, &str) || sh->sh_name >= str.sh_size)
        return "?";
    return (const char *)f->data + str.sh_offset + sh->sh_name;
}

/* Index of the section called NAME (0 when absent). */
static size_t elf_find_section(const struct elf_file *f, const char *name, Elf64_Shdr *out)
{
    for (size_t i = 1; i < f->eh.e_shnum; i++) {
        Elf64_Shdr sh;
        if (elf_shdr(f, i, &sh) && strcmp(elf_sec_name(f, &sh), name) == 0) {
            if (out)
                *out = sh;
            return i;
        }
    }
    return 0;
}

static size_t elf_symtab(const struct elf_file *f, Elf64_Shdr *symtab, Elf64_Shdr *strtab)
{
    for (size_t i = 1; i < f->eh.e_shnum; i++)
        if (elf_shdr(f, i, symtab) && symtab->sh_type == SHT_SYMTAB &&
            elf_shdr(f, symtab->sh_link, strtab))
            return i;
    return 0;
}

/* Symbol called NAME; *index gets its number. */
static bool elf_find_symbol(const struct elf_file *f, const char *name, Elf64_Sym *out,
                            size_t *index)
{
    Elf64_Shdr symtab, strtab;
    if (!elf_symtab(f, &symtab, &strtab))
        return false;
    for (size_t i = 1; i < symtab.sh_size / sizeof(Elf64_Sym); i++) {
        Elf64_Sym s;
        memcpy(&s, f->data + symtab.sh_offset + i * sizeof(s), sizeof(s));
        if (s.st_name < strtab.sh_size &&
            strcmp((const char *)f->data + strtab.sh_offset + s.st_name, name) == 0) {
            *out = s;
            if (index)
                *index = i;
            return true;
        }
    }
    return false;
}

static void elf_put_symbol(struct elf_file *f, size_t index, const Elf64_Sym *s)
{
    Elf64_Shdr symtab, strtab;
    elf_symtab(f, &symtab, &strtab);
    memcpy(f->data + symtab.sh_offset + index * sizeof(*s), s, sizeof(*s));
}

static void elf_free(struct elf_file *f)
{
    if (f) {
        free(f->path);
        free(f->data);
        free(f);
    }
}

static struct elf_file *elf_read(const char *name)
{
    struct elf_file *f = calloc(1, sizeof(*f));
    size_t n = strlen(obj_dir) + strlen(name) + 2;
    f->path = malloc(n);
    snprintf(f->path, n, "%s/%s", obj_dir, name);
    f->data = (uint8_t *)tl_read_file(f->path, &f->size);
    if (!CHECK(f->data && f->size >= sizeof(Elf64_Ehdr), "%s: cannot read the compiled object",
               f->path)) {
        elf_free(f);
        return NULL;
    }
    memcpy(&f->eh, f->data, sizeof(f->eh));
    return f;
}

static struct elf_file *elf_copy(const struct elf_file *f)
{
    struct elf_file *c = calloc(1, sizeof(*c));
    *c = *f;
    c->path = strdup(f->path);
    c->data = malloc(f->size);
    memcpy(c->data, f->data, f->size);
    return c;
}

/* The code of function NAME in the ELF file: section contents at the symbol. */
static const struct bpfrt_insn *elf_func(const struct elf_file *f, const char *name, size_t *cnt,
                                         Elf64_Sym *sym_out)
{
    Elf64_Sym sym;
    Elf64_Shdr sh;
    if (!elf_find_symbol(f, name, &sym, NULL) || ELF64_ST_TYPE(sym.st_info) != STT_FUNC ||
        !elf_shdr(f, sym.st_shndx, &sh))
        return NULL;
    *cnt = sym.st_size / 8;
    if (sym_out)
        *sym_out = sym;
    return (const struct bpfrt_insn *)(f->data + sh.sh_offset + sym.st_value);
}

/* ------------------------------------------------------------------------------------------ */
/* Loader helpers */

static struct bpfrt_object *open_obj(const char *name)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", obj_dir, name);
    struct bpfrt_diag diag = {{0}};
    struct bpfrt_object *obj = bpfrt_object_open_file(path, &diag);
    CHECK(obj != NULL, "%s did not load: %s", name, diag.msg);
    return obj;
}

static int prog_index(const struct bpfrt_object *obj, const char *name)
{
    for (size_t i = 0; i < obj->prog_cnt; i++)
        if (strcmp(obj->progs[i].name, name) == 0)
            return (int)i;
    return -1;
}

static const struct bpfrt_prog_spec *find_prog(const struct bpfrt_object *obj, const char *name)
{
    int i = prog_index(obj, name);
    CHECK(i >= 0, "%s: no program '%s'", obj->name, name);
    return i >= 0 ? &obj->progs[i] : NULL;
}

static void expect_refused(const void *bytes, size_t size, const char *name, const char *what,
                           const char *const *want);

static int map_index(const struct bpfrt_object *obj, const char *name)
{
    for (size_t i = 0; i < obj->map_cnt; i++)
        if (strcmp(obj->maps[i].name, name) == 0)
            return (int)i;
    return -1;
}

static const char *btf_type_str(const struct bpfrt_object *obj, uint32_t id)
{
    static char buf[256];
    const struct bpfrt_btf *btf = bpfrt_object_btf(obj);
    if (!btf)
        return "(no BTF)";
    if (id == 0)
        return "(none)";
    if (bpfrt_btf_type_name(btf, id, buf, sizeof(buf)) < 0)
        return "(invalid)";
    return buf;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Line N (1-based) of FILE, without the newline, or NULL. */
static char *file_line(const char *file, uint32_t n)
{
    size_t len;
    char *text = tl_read_file(file, &len);
    if (!text)
        return NULL;
    char *p = text;
    for (uint32_t i = 1; i < n && p; i++) {
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    char *line = NULL;
    if (p) {
        size_t l = strcspn(p, "\n");
        line = malloc(l + 1);
        memcpy(line, p, l);
        line[l] = 0;
    }
    free(text);
    return line;
}

/* The source line of instruction PC names SRC_FILE and contains TEXT; when the file can be
 * read, the line number points at a line with the same text. */
static void check_source_line(const struct bpfrt_object *obj, const char *prog, size_t pc,
                              const char *src_file, const char *text)
{
    int pi = prog_index(obj, prog);
    struct bpfrt_source_line sl;
    if (!CHECK(pi >= 0 && bpfrt_prog_source_line(obj, (size_t)pi, pc, &sl),
               "%s: program %s instruction %zu has no source line", obj->name, prog, pc))
        return;
    CHECK(sl.file && ends_with(sl.file, src_file), "%s: %s[%zu]: source file '%s', expected %s",
          obj->name, prog, pc, sl.file ? sl.file : "(null)", src_file);
    CHECK(sl.text && strstr(sl.text, text), "%s: %s[%zu]: source line '%s' lacks '%s'", obj->name,
          prog, pc, sl.text ? sl.text : "(null)", text);
    char *real = sl.file ? file_line(sl.file, sl.line) : NULL;
    if (real) {
        CHECK(strstr(real, text) != NULL,
              "%s: %s[%zu]: line %u of %s is '%s', which lacks '%s' (line number wrong)", obj->name,
              prog, pc, sl.line, sl.file, real, text);
        free(real);
    }
}

/* Is slot I of a function's original code one whose immediate the loader rewrites? */
static bool relocatable(const struct bpfrt_insn *orig, size_t i)
{
    if (orig[i].code == (BPF_JMP | BPF_CALL))
        return true;
    if (orig[i].code == (BPF_LD | BPF_IMM | BPF_DW))
        return true;
    return i > 0 && orig[i - 1].code == (BPF_LD | BPF_IMM | BPF_DW); /* lddw's second slot */
}

/* INSNS[AT..] is a copy of function FUNC of ELF file F: same opcodes and registers, and the same
 * bytes wherever no relocation applies. */
static bool is_copy_of(const struct elf_file *f, const char *func, const struct bpfrt_insn *insns,
                       size_t n, size_t at)
{
    size_t cnt;
    const struct bpfrt_insn *orig = elf_func(f, func, &cnt, NULL);
    if (!orig || at + cnt > n || cnt == 0)
        return false;
    for (size_t i = 0; i < cnt; i++) {
        const struct bpfrt_insn *a = &insns[at + i], *b = &orig[i];
        if (a->code != b->code || a->dst_reg != b->dst_reg || a->off != b->off)
            return false;
        if (!relocatable(orig, i) && (a->src_reg != b->src_reg || a->imm != b->imm))
            return false;
    }
    return true;
}

/* The program's own code equals its function in the ELF file (up to relocated slots), and its
 * own instruction count and section offset are the symbol's. */
static void check_own_code(const struct elf_file *f, const struct bpfrt_object *obj,
                           const struct bpfrt_prog_spec *p)
{
    size_t cnt;
    Elf64_Sym sym;
    if (!CHECK(elf_func(f, p->name, &cnt, &sym), "%s: program %s has no function symbol", obj->name,
               p->name))
        return;
    CHECK(p->own_insn_cnt == cnt, "%s: program %s: own instruction count %zu, symbol says %zu",
          obj->name, p->name, p->own_insn_cnt, cnt);
    CHECK(p->section_offset == sym.st_value, "%s: program %s: section offset %zu, symbol says %llu",
          obj->name, p->name, p->section_offset, (unsigned long long)sym.st_value);
    CHECK(p->insn_cnt >= p->own_insn_cnt && is_copy_of(f, p->name, p->insns, p->insn_cnt, 0),
          "%s: program %s: its first %zu instructions are not its function's code", obj->name,
          p->name, cnt);
}

/* Checks every pseudo call and function-address lddw of program P: each targets the start of
 * an appended copy of one of the functions in FUNCS (NULL-terminated), and every function of
 * FUNCS is appended exactly once; the program is its own code plus those functions. */
static void check_calls(const struct elf_file *f, const struct bpfrt_object *obj,
                        const struct bpfrt_prog_spec *p, const char *const *funcs)
{
    size_t nf = 0, total = p->own_insn_cnt;
    while (funcs[nf])
        nf++;
    size_t starts[16];
    for (size_t k = 0; k < nf; k++) {
        starts[k] = SIZE_MAX;
        size_t cnt = 0;
        elf_func(f, funcs[k], &cnt, NULL);
        total += cnt;
        for (size_t at = p->own_insn_cnt; at < p->insn_cnt; at++)
            if (is_copy_of(f, funcs[k], p->insns, p->insn_cnt, at)) {
                CHECK(starts[k] == SIZE_MAX, "%s: program %s: function %s appended twice",
                      obj->name, p->name, funcs[k]);
                starts[k] = at;
            }
        CHECK(starts[k] != SIZE_MAX, "%s: program %s: no appended copy of %s", obj->name, p->name,
              funcs[k]);
    }
    CHECK(p->insn_cnt == total,
          "%s: program %s: %zu instructions, expected %zu (own code plus each callee once)",
          obj->name, p->name, p->insn_cnt, total);
    size_t refs = 0;
    for (size_t pc = 0; pc < p->insn_cnt; pc++) {
        const struct bpfrt_insn *in = &p->insns[pc];
        bool call = in->code == (BPF_JMP | BPF_CALL) && in->src_reg == BPF_PSEUDO_CALL;
        bool addr = in->code == (BPF_LD | BPF_IMM | BPF_DW) && in->src_reg == BPF_PSEUDO_FUNC;
        if (!call && !addr)
            continue;
        refs++;
        int64_t target = (int64_t)pc + in->imm + 1;
        bool ok = false;
        for (size_t k = 0; k < nf; k++)
            ok |= starts[k] != SIZE_MAX && (int64_t)starts[k] == target;
        CHECK(ok, "%s: program %s: %s at %zu targets %lld, not the start of an appended callee",
              obj->name, p->name, call ? "call" : "function address", pc, (long long)target);
        if (addr)
            pc++;
    }
    CHECK(refs >= nf, "%s: program %s: %zu call/address references for %zu callees", obj->name,
          p->name, refs, nf);
}

/* Index of the callee copy that the call or lddw at PC reaches, checked to be function NAME. */
static void check_ref_to(const struct elf_file *f, const struct bpfrt_object *obj,
                         const struct bpfrt_prog_spec *p, size_t pc, const char *name)
{
    if (!CHECK(pc < p->insn_cnt, "%s: %s: no instruction %zu", obj->name, p->name, pc))
        return;
    int64_t target = (int64_t)pc + p->insns[pc].imm + 1;
    CHECK(target >= (int64_t)p->own_insn_cnt && target < (int64_t)p->insn_cnt &&
              is_copy_of(f, name, p->insns, p->insn_cnt, (size_t)target),
          "%s: %s[%zu] reaches %lld, which is not the copy of %s", obj->name, p->name, pc,
          (long long)target, name);
}

/* Runs program P in the interpreter with CTX; returns r0 (and fails the check on error). */
static bool run_prog(const struct bpfrt_prog_spec *p, void *ctx, size_t len, uint64_t *r0)
{
    struct bpfrt_diag diag = {{0}};
    struct bpfrt_vm *vm = bpfrt_vm_create(p->insns, p->insn_cnt, &diag);
    if (!CHECK(vm, "program %s: the interpreter refused the relocated code: %s", p->name, diag.msg))
        return false;
    bpfrt_vm_set_budget(vm, 100000);
    int rc = bpfrt_vm_run(vm, ctx, len, r0, &diag);
    bpfrt_vm_destroy(vm);
    return CHECK(rc == 0, "program %s: run failed: %s", p->name, diag.msg);
}

/* Pc of the first instruction of P with CODE/SRC (and imm IMM unless imm_any), from FROM. */
static size_t find_insn(const struct bpfrt_prog_spec *p, size_t from, uint8_t code, int src,
                        bool imm_any, int32_t imm)
{
    for (size_t pc = from; pc < p->insn_cnt; pc++)
        if (p->insns[pc].code == code && (src < 0 || p->insns[pc].src_reg == src) &&
            (imm_any || p->insns[pc].imm == imm))
            return pc;
    return SIZE_MAX;
}

/* ------------------------------------------------------------------------------------------ */
/* Objects */

static void test_calls(void)
{
    struct elf_file *f = elf_read("calls.o");
    struct bpfrt_object *obj = f ? open_obj("calls.o") : NULL;
    if (!obj) {
        elf_free(f);
        return;
    }
    CHECK(strcmp(obj->name, "calls") == 0, "object name '%s', expected 'calls'", obj->name);
    CHECK(obj->license && strcmp(obj->license, "GPL") == 0, "calls: license '%s'",
          obj->license ? obj->license : "(none)");
    /* a static function in a program section is a program too (libbpf's static entry points);
     * functions in .text are subprograms when there are programs elsewhere */
    CHECK(obj->prog_cnt == 5, "calls: %zu programs, expected 5", obj->prog_cnt);
    CHECK(prog_index(obj, "shared_add") < 0 && prog_index(obj, "depth1") < 0 &&
              prog_index(obj, "loop_cb") < 0,
          "calls: a .text function was made a program");
    CHECK(obj->map_cnt == 0, "calls: %zu maps, expected none", obj->map_cnt);

    static const struct {
        const char *name, *section;
        uint32_t type, attach;
        const char *callees[5];
    } progs[] = {
        {"same_sec_helper", "tc", BPF_PROG_TYPE_SCHED_CLS, 0, {NULL}},
        {"calls_static", "tc", BPF_PROG_TYPE_SCHED_CLS, 0, {"same_sec_helper"}},
        {"calls_shared", "xdp", BPF_PROG_TYPE_XDP, BPF_XDP, {"shared_add"}},
        {"calls_nested",
         "xdp",
         BPF_PROG_TYPE_XDP,
         BPF_XDP,
         {"depth1", "depth2", "depth3", "shared_add"}},
        {"calls_loop", "socket", BPF_PROG_TYPE_SOCKET_FILTER, 0, {"loop_cb"}},
    };
    for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
        const struct bpfrt_prog_spec *p = find_prog(obj, progs[i].name);
        if (!p)
            continue;
        CHECK(strcmp(p->section, progs[i].section) == 0, "calls: %s in section '%s', expected %s",
              p->name, p->section, progs[i].section);
        CHECK(p->type == progs[i].type && p->expected_attach_type == progs[i].attach,
              "calls: %s type %u attach %u, expected %u %u", p->name, p->type,
              p->expected_attach_type, progs[i].type, progs[i].attach);
        CHECK(p->autoload, "calls: %s not autoloaded", p->name);
        check_own_code(f, obj, p);
        check_calls(f, obj, p, progs[i].callees);
    }

    /* call chains: each call reaches the right function */
    const struct bpfrt_prog_spec *st = find_prog(obj, "calls_static");
    const struct bpfrt_prog_spec *sh = find_prog(obj, "calls_shared");
    const struct bpfrt_prog_spec *ne = find_prog(obj, "calls_nested");
    const struct bpfrt_prog_spec *lp = find_prog(obj, "calls_loop");
    if (st)
        check_ref_to(f, obj, st, find_insn(st, 0, BPF_JMP | BPF_CALL, 1, true, 0),
                     "same_sec_helper");
    if (sh)
        check_ref_to(f, obj, sh, find_insn(sh, 0, BPF_JMP | BPF_CALL, 1, true, 0), "shared_add");
    if (ne) {
        size_t c1 = find_insn(ne, 0, BPF_JMP | BPF_CALL, 1, true, 0);
        size_t c2 = find_insn(ne, c1 + 1, BPF_JMP | BPF_CALL, 1, true, 0);
        check_ref_to(f, obj, ne, c1, "depth1");
        check_ref_to(f, obj, ne, c2, "shared_add");
        /* depth1 -> depth2 -> depth3, inside the appended copies */
        if (c1 < ne->insn_cnt) {
            size_t d1 = (size_t)((int64_t)c1 + ne->insns[c1].imm + 1);
            size_t c3 = find_insn(ne, d1, BPF_JMP | BPF_CALL, 1, true, 0);
            check_ref_to(f, obj, ne, c3, "depth2");
            if (c3 < ne->insn_cnt) {
                size_t d2 = (size_t)((int64_t)c3 + ne->insns[c3].imm + 1);
                size_t c4 = find_insn(ne, d2, BPF_JMP | BPF_CALL, 1, true, 0);
                check_ref_to(f, obj, ne, c4, "depth3");
                if (c4 < ne->insn_cnt) {
                    size_t d3 = (size_t)((int64_t)c4 + ne->insns[c4].imm + 1);
                    check_source_line(obj, "calls_nested", d3 + 1, "calls.c", "depth3 body");
                }
            }
        }
    }
    if (lp) {
        size_t ld = find_insn(lp, 0, BPF_LD | BPF_IMM | BPF_DW, BPF_PSEUDO_FUNC, true, 0);
        CHECK(ld < lp->own_insn_cnt, "calls_loop: no lddw of a function address (src %d)",
              BPF_PSEUDO_FUNC);
        if (ld < lp->own_insn_cnt) {
            check_ref_to(f, obj, lp, ld, "loop_cb");
            CHECK(lp->insns[ld + 1].imm == 0, "calls_loop: lddw of loop_cb: second imm %d",
                  lp->insns[ld + 1].imm);
            size_t cb = (size_t)((int64_t)ld + lp->insns[ld].imm + 1);
            check_source_line(obj, "calls_loop", cb, "calls.c", "loop_cb body");
        }
        CHECK(find_insn(lp, 0, BPF_JMP | BPF_CALL, 0, false, BPF_FUNC_loop) < lp->own_insn_cnt,
              "calls_loop: no call of helper %d (bpf_loop)", BPF_FUNC_loop);
        check_source_line(obj, "calls_loop", 0, "calls.c", "skb->len");
    }
    if (st) {
        check_source_line(obj, "calls_static", 0, "calls.c", "same_sec_helper(in->a)");
        size_t c = find_insn(st, 0, BPF_JMP | BPF_CALL, 1, true, 0);
        if (c < st->insn_cnt)
            check_source_line(obj, "calls_static", (size_t)((int64_t)c + st->insns[c].imm + 1) + 1,
                              "calls.c", "same_sec_helper body");
    }
    if (sh && sh->insn_cnt > sh->own_insn_cnt)
        check_source_line(obj, "calls_shared", sh->own_insn_cnt + 1, "calls.c", "shared_add body");

    /* end to end: the relocated programs compute what the C says */
    static const uint64_t inputs[][2] = {
        {5, 9}, {0, 0}, {0x100000003ull, 77}, {0xfffffffffffffff0ull, 0x8000000000000001ull}};
    for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
        uint64_t in[2] = {inputs[i][0], inputs[i][1]}, r0;
        uint64_t a = in[0], b = in[1];
        if (st && run_prog(st, in, sizeof(in), &r0))
            CHECK((uint32_t)r0 == (uint32_t)(a * 3 + 1 + 2), "calls_static(%llu): %llu",
                  (unsigned long long)a, (unsigned long long)r0);
        if (sh && run_prog(sh, in, sizeof(in), &r0))
            CHECK((uint32_t)r0 == (uint32_t)(a + b * 2), "calls_shared(%llu, %llu): %llu",
                  (unsigned long long)a, (unsigned long long)b, (unsigned long long)r0);
        uint64_t nested = (((a + 2 + 1) ^ 0x55) * 2 + 7) + (b + 1 * 2);
        if (ne && run_prog(ne, in, sizeof(in), &r0))
            CHECK((uint32_t)r0 == (uint32_t)nested, "calls_nested(%llu, %llu): %llu, expected %llu",
                  (unsigned long long)a, (unsigned long long)b, (unsigned long long)r0,
                  (unsigned long long)(uint32_t)nested);
    }
    bpfrt_object_close(obj);
    elf_free(f);
}

static void test_sections(void)
{
    struct elf_file *f = elf_read("sections.o");
    struct bpfrt_object *obj = f ? open_obj("sections.o") : NULL;
    if (!obj) {
        elf_free(f);
        return;
    }
    static const struct {
        const char *name, *section;
        uint32_t type, attach;
    } want[] = {
        {"sec_xdp", "xdp", BPF_PROG_TYPE_XDP, BPF_XDP},
        {"sec_tc", "tc", BPF_PROG_TYPE_SCHED_CLS, 0},
        {"sec_socket", "socket", BPF_PROG_TYPE_SOCKET_FILTER, 0},
        {"sec_kprobe", "kprobe/do_unlinkat", BPF_PROG_TYPE_KPROBE, 0},
        {"sec_tracepoint", "tracepoint/syscalls/sys_enter_openat", BPF_PROG_TYPE_TRACEPOINT, 0},
        {"sec_connect4", "cgroup/connect4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR,
         BPF_CGROUP_INET4_CONNECT},
        {"sec_cgroup_skb", "cgroup_skb/ingress", BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_INGRESS},
        {"sec_sockops", "sockops", BPF_PROG_TYPE_SOCK_OPS, BPF_CGROUP_SOCK_OPS},
        {"sec_sk_skb", "sk_skb/stream_verdict", BPF_PROG_TYPE_SK_SKB, BPF_SK_SKB_STREAM_VERDICT},
        {"sec_lwt_in", "lwt_in", BPF_PROG_TYPE_LWT_IN, 0},
    };
    size_t n = sizeof(want) / sizeof(want[0]);
    CHECK(obj->prog_cnt == n, "sections: %zu programs, expected %zu", obj->prog_cnt, n);
    CHECK(obj->map_cnt == 0, "sections: %zu maps, expected none", obj->map_cnt);
    for (size_t i = 0; i < n; i++) {
        const struct bpfrt_prog_spec *p = find_prog(obj, want[i].name);
        if (!p)
            continue;
        CHECK(strcmp(p->section, want[i].section) == 0, "sections: %s in '%s', expected '%s'",
              p->name, p->section, want[i].section);
        CHECK(p->type == want[i].type, "sections: %s (%s): type %u (%s), expected %u (%s)", p->name,
              p->section, p->type, bpfrt_prog_type_name(p->type), want[i].type,
              bpfrt_prog_type_name(want[i].type));
        CHECK(p->expected_attach_type == want[i].attach,
              "sections: %s (%s): attach type %u, expected %u", p->name, p->section,
              p->expected_attach_type, want[i].attach);
        uint32_t t = 99, a = 99;
        CHECK(bpfrt_section_prog_type(want[i].section, &t, &a) && t == want[i].type &&
                  a == want[i].attach,
              "bpfrt_section_prog_type(%s) = %u/%u", want[i].section, t, a);
        check_own_code(f, obj, p);
        CHECK(p->insn_cnt == p->own_insn_cnt, "sections: %s has %zu appended instructions", p->name,
              p->insn_cnt - p->own_insn_cnt);
        uint64_t r0 = 0, ctx = 0;
        if (run_prog(p, &ctx, sizeof(ctx), &r0))
            CHECK(r0 == i + 1, "sections: %s returned %llu, expected %zu", p->name,
                  (unsigned long long)r0, i + 1);
        check_source_line(obj, p->name, 0, "sections.c", want[i].section);
    }
    bpfrt_object_close(obj);
    elf_free(f);
}

/* Every lddw src 5 of P is on a source line that names map NAME as "&NAME", and refers to it. */
static void check_map_refs(const struct bpfrt_object *obj, const struct bpfrt_prog_spec *p,
                           const char *const *names)
{
    int pi = prog_index(obj, p->name);
    bool seen[16] = {false};
    for (size_t pc = 0; pc + 1 < p->insn_cnt; pc++) {
        const struct bpfrt_insn *in = &p->insns[pc];
        if (in->code != (BPF_LD | BPF_IMM | BPF_DW))
            continue;
        pc++;
        CHECK(in->src_reg == BPF_PSEUDO_MAP_IDX || in->src_reg == 0,
              "%s: %s[%zu]: lddw src %u, expected %d (map by index)", obj->name, p->name, pc - 1,
              in->src_reg, BPF_PSEUDO_MAP_IDX);
        if (in->src_reg != BPF_PSEUDO_MAP_IDX)
            continue;
        CHECK(in[1].imm == 0, "%s: %s[%zu]: map reference with second imm %d", obj->name, p->name,
              pc - 1, in[1].imm);
        if (!CHECK(in->imm >= 0 && (size_t)in->imm < obj->map_cnt,
                   "%s: %s[%zu]: map index %d out of range (%zu maps)", obj->name, p->name, pc - 1,
                   in->imm, obj->map_cnt))
            continue;
        const char *mname = obj->maps[in->imm].name;
        struct bpfrt_source_line sl;
        char want[128];
        snprintf(want, sizeof(want), "&%s", mname);
        if (CHECK(bpfrt_prog_source_line(obj, (size_t)pi, pc - 1, &sl),
                  "%s: %s[%zu]: no source line", obj->name, p->name, pc - 1))
            CHECK(strstr(sl.text, want) != NULL,
                  "%s: %s[%zu]: lddw of map %d (%s) on source line '%s'", obj->name, p->name,
                  pc - 1, in->imm, mname, sl.text);
        for (size_t k = 0; names[k]; k++)
            if (strcmp(names[k], mname) == 0)
                seen[k] = true;
    }
    for (size_t k = 0; names[k]; k++)
        CHECK(seen[k], "%s: %s never refers to map %s", obj->name, p->name, names[k]);
}

struct map_want {
    const char *name;
    uint32_t type, key_size, value_size, max_entries, flags;
    const char *key_type, *value_type; /* NULL: no BTF type expected */
};

static const struct bpfrt_map_spec *check_map(const struct bpfrt_object *obj,
                                              const struct map_want *w,
                                              enum bpfrt_map_origin origin, const char *section)
{
    int i = map_index(obj, w->name);
    if (!CHECK(i >= 0, "%s: no map '%s'", obj->name, w->name))
        return NULL;
    const struct bpfrt_map_spec *m = &obj->maps[i];
    CHECK(m->origin == origin, "%s: map %s: origin %d, expected %d", obj->name, w->name, m->origin,
          origin);
    CHECK(strcmp(m->section, section) == 0, "%s: map %s: section '%s', expected '%s'", obj->name,
          w->name, m->section, section);
    CHECK(m->type == w->type, "%s: map %s: type %u (%s), expected %u (%s)", obj->name, w->name,
          m->type, bpfrt_map_type_name(m->type), w->type, bpfrt_map_type_name(w->type));
    CHECK(m->key_size == w->key_size && m->value_size == w->value_size,
          "%s: map %s: key/value size %u/%u, expected %u/%u", obj->name, w->name, m->key_size,
          m->value_size, w->key_size, w->value_size);
    CHECK(m->max_entries == w->max_entries, "%s: map %s: max_entries %u, expected %u", obj->name,
          w->name, m->max_entries, w->max_entries);
    CHECK(m->map_flags == w->flags, "%s: map %s: flags 0x%x, expected 0x%x", obj->name, w->name,
          m->map_flags, w->flags);
    if (origin == BPFRT_MAP_BTF) {
        const char *kt = w->key_type ? w->key_type : "(none)";
        const char *vt = w->value_type ? w->value_type : "(none)";
        const char *k = btf_type_str(obj, m->key_type_id);
        CHECK(strcmp(k, kt) == 0, "%s: map %s: key type '%s', expected '%s'", obj->name, w->name, k,
              kt);
        const char *v = btf_type_str(obj, m->value_type_id);
        CHECK(strcmp(v, vt) == 0, "%s: map %s: value type '%s', expected '%s'", obj->name, w->name,
              v, vt);
    }
    return m;
}

static void test_maps_btf(void)
{
    struct elf_file *f = elf_read("maps_btf.o");
    struct bpfrt_object *obj = f ? open_obj("maps_btf.o") : NULL;
    if (!obj) {
        elf_free(f);
        return;
    }
    static const struct map_want want[] = {
        {"flows", BPF_MAP_TYPE_HASH, 16, 16, 1024, 0, "struct flow_key", "struct flow_stats"},
        {"counters", BPF_MAP_TYPE_ARRAY, 4, 8, 16, 0, "__u32", "__u64"},
        {"scratch", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 16, 1, 0, "__u32", "struct flow_stats"},
        {"recent", BPF_MAP_TYPE_LRU_HASH, 8, 4, 256, 0, "__u64", "__u32"},
        {"routes", BPF_MAP_TYPE_LPM_TRIE, 8, 4, 64, BPF_F_NO_PREALLOC, "struct lpm_key", "__u32"},
        {"events", BPF_MAP_TYPE_RINGBUF, 0, 0, 4096, 0, NULL, NULL},
        {"jumps", BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 4, 0, NULL, NULL},
    };
    size_t n = sizeof(want) / sizeof(want[0]);
    CHECK(obj->map_cnt == n, "maps_btf: %zu maps, expected %zu", obj->map_cnt, n);
    for (size_t i = 0; i < n; i++) {
        const struct bpfrt_map_spec *m = check_map(obj, &want[i], BPFRT_MAP_BTF, ".maps");
        if (!m)
            continue;
        CHECK(m->inner_map == -1, "maps_btf: %s has inner map %d", m->name, m->inner_map);
        CHECK(m->initial == NULL, "maps_btf: %s has initial contents", m->name);
        Elf64_Sym sym;
        if (CHECK(elf_find_symbol(f, m->name, &sym, NULL), "maps_btf: no symbol %s", m->name))
            CHECK(m->section_offset == sym.st_value,
                  "maps_btf: %s: section offset %zu, symbol says %llu", m->name, m->section_offset,
                  (unsigned long long)sym.st_value);
    }
    const struct bpfrt_prog_spec *p = find_prog(obj, "maps_prog");
    if (p) {
        CHECK(p->type == BPF_PROG_TYPE_XDP && p->expected_attach_type == BPF_XDP,
              "maps_prog: type %u attach %u", p->type, p->expected_attach_type);
        check_own_code(f, obj, p);
        static const char *const names[] = {"flows",  "counters", "scratch", "recent",
                                            "routes", "events",   "jumps",   NULL};
        check_map_refs(obj, p, names);
        CHECK(find_insn(p, 0, BPF_JMP | BPF_CALL, 0, false, BPF_FUNC_tail_call) < p->insn_cnt &&
                  find_insn(p, 0, BPF_JMP | BPF_CALL, 0, false, BPF_FUNC_ringbuf_output) <
                      p->insn_cnt,
              "maps_prog: helper calls missing or changed");
    }
    bpfrt_object_close(obj);
    elf_free(f);
}

static void test_map_in_map(void)
{
    struct elf_file *f = elf_read("map_in_map.o");
    struct bpfrt_object *obj = f ? open_obj("map_in_map.o") : NULL;
    if (!obj) {
        elf_free(f);
        return;
    }
    static const struct map_want outer[] = {
        {"outer_arr", BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 8, 0, "__u32", NULL},
        {"outer_hash", BPF_MAP_TYPE_HASH_OF_MAPS, 4, 4, 2, 0, "__u32", NULL},
    };
    static const struct map_want inner[] = {
        {"?", BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0, "__u32", "__u64"},
        {"?", BPF_MAP_TYPE_HASH, 8, 4, 32, 0, "__u64", "__u32"},
    };
    CHECK(obj->map_cnt == 4, "map_in_map: %zu maps, expected 2 outer + 2 inner", obj->map_cnt);
    for (size_t i = 0; i < 2; i++) {
        const struct bpfrt_map_spec *m = check_map(obj, &outer[i], BPFRT_MAP_BTF, ".maps");
        if (!m || !CHECK(m->inner_map >= 0 && (size_t)m->inner_map < obj->map_cnt,
                         "map_in_map: %s: inner map %d", outer[i].name, m->inner_map))
            continue;
        const struct bpfrt_map_spec *im = &obj->maps[m->inner_map];
        struct map_want w = inner[i];
        w.name = im->name;
        check_map(obj, &w, BPFRT_MAP_BTF, ".maps");
        CHECK(im->inner_map == -1, "map_in_map: inner map %s has an inner map", im->name);
        CHECK(m->inner_map != map_index(obj, outer[i ^ 1].name), "map_in_map: inner is outer");
    }
    const struct bpfrt_prog_spec *p = find_prog(obj, "mim_prog");
    if (p) {
        check_own_code(f, obj, p);
        static const char *const names[] = {"outer_arr", "outer_hash", NULL};
        check_map_refs(obj, p, names);
    }
    bpfrt_object_close(obj);
    elf_free(f);
}

static void test_legacy_maps(void)
{
    struct elf_file *f = elf_read("legacy_maps.o");
    struct bpfrt_object *obj = f ? open_obj("legacy_maps.o") : NULL;
    if (!obj) {
        elf_free(f);
        return;
    }
    static const struct map_want want[] = {
        {"legacy_hash", BPF_MAP_TYPE_HASH, 4, 8, 128, BPF_F_NO_PREALLOC, NULL, NULL},
        {"legacy_array", BPF_MAP_TYPE_ARRAY, 4, 16, 10, 0, NULL, NULL},
    };
    CHECK(obj->map_cnt == 2, "legacy_maps: %zu maps, expected 2", obj->map_cnt);
    for (size_t i = 0; i < 2; i++) {
        const struct bpfrt_map_spec *m = check_map(obj, &want[i], BPFRT_MAP_LEGACY, "maps");
        if (!m)
            continue;
        CHECK(m->inner_map == -1 && m->id == 0 && m->pinning == 0,
              "legacy_maps: %s: inner %d id %u pinning %u", m->name, m->inner_map, m->id,
              m->pinning);
        Elf64_Sym sym;
        if (CHECK(elf_find_symbol(f, m->name, &sym, NULL), "legacy_maps: no symbol %s", m->name))
            CHECK(m->section_offset == sym.st_value, "legacy_maps: %s: section offset %zu", m->name,
                  m->section_offset);
    }
    const struct bpfrt_prog_spec *p = find_prog(obj, "legacy_prog");
    if (p) {
        CHECK(p->type == BPF_PROG_TYPE_SOCKET_FILTER, "legacy_prog: type %u", p->type);
        check_own_code(f, obj, p);
        static const char *const names[] = {"legacy_hash", "legacy_array", NULL};
        check_map_refs(obj, p, names);
    }
    CHECK(obj->kern_version == 0x050a00, "legacy_maps: version 0x%x, expected 0x50a00",
          obj->kern_version);
    /* regression (found by fuzz.elf): NOBITS "version" and "maps" sections have a size but no
     * bytes (libelf gives no buffer). The version is then unknown; the maps are refused. */
    Elf64_Shdr sh;
    size_t vi = elf_find_section(f, "version", &sh);
    if (CHECK(vi, "legacy_maps.o: no version section")) {
        struct elf_file *c = elf_copy(f);
        sh.sh_type = SHT_NOBITS;
        elf_put_shdr(c, vi, &sh);
        struct bpfrt_diag d = {{0}};
        struct bpfrt_object *o = bpfrt_object_open_mem(c->data, c->size, "nobits.o", &d);
        CHECK(o && o->kern_version == 0, "NOBITS version section: %s",
              o ? "version read from no bytes" : d.msg);
        bpfrt_object_close(o);
        elf_free(c);
    }
    size_t mi = elf_find_section(f, "maps", &sh);
    if (CHECK(mi, "legacy_maps.o: no maps section")) {
        struct elf_file *c = elf_copy(f);
        sh.sh_type = SHT_NOBITS;
        elf_put_shdr(c, mi, &sh);
        expect_refused(c->data, c->size, "nobits-maps.o", "NOBITS maps section",
                       (const char *const[]){"'maps'", "without contents", NULL});
        elf_free(c);
    }
    bpfrt_object_close(obj);
    elf_free(f);
}

static void test_iproute2_maps(void)
{
    struct elf_file *f = elf_read("iproute2_maps.o");
    struct bpfrt_object *obj = f ? open_obj("iproute2_maps.o") : NULL;
    if (!obj) {
        elf_free(f);
        return;
    }
    static const struct map_want want[] = {
        {"map_inner", BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0, NULL, NULL},
        {"map_outer", BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 1, 0, NULL, NULL},
    };
    CHECK(obj->map_cnt == 2, "iproute2_maps: %zu maps, expected 2", obj->map_cnt);
    const struct bpfrt_map_spec *in = check_map(obj, &want[0], BPFRT_MAP_LEGACY, "maps");
    const struct bpfrt_map_spec *out = check_map(obj, &want[1], BPFRT_MAP_LEGACY, "maps");
    if (in && out) {
        CHECK(in->id == 42 && out->id == 0, "iproute2_maps: ids %u/%u, expected 42/0", in->id,
              out->id);
        CHECK(in->pinning == 2 && out->pinning == 2,
              "iproute2_maps: pinning %u/%u, expected 2 (PIN_GLOBAL_NS)", in->pinning,
              out->pinning);
        CHECK(out->inner_map == map_index(obj, "map_inner"),
              "iproute2_maps: map_outer (inner_id 42) has inner map %d, expected %d (map_inner, "
              "id 42)",
              out->inner_map, map_index(obj, "map_inner"));
        CHECK(in->inner_map == -1, "iproute2_maps: map_inner has inner map %d", in->inner_map);
    }
    const struct bpfrt_prog_spec *p = find_prog(obj, "ip_prog");
    if (p) {
        CHECK(strcmp(p->section, "classifier") == 0 && p->type == BPF_PROG_TYPE_SCHED_CLS,
              "ip_prog: section %s type %u", p->section, p->type);
        check_own_code(f, obj, p);
        static const char *const names[] = {"map_outer", NULL};
        check_map_refs(obj, p, names);
    }
    bpfrt_object_close(obj);
    elf_free(f);
}

static void test_global_data(void)
{
    struct elf_file *f = elf_read("global_data.o");
    struct bpfrt_object *obj = f ? open_obj("global_data.o") : NULL;
    if (!obj) {
        elf_free(f);
        return;
    }
    CHECK(obj->license && strcmp(obj->license, "Dual BSD/GPL") == 0, "global_data: license '%s'",
          obj->license ? obj->license : "(none)");
    /* libbpf's names: up to 8 characters of the object name, then the section name */
    static const struct {
        const char *section, *map;
        uint32_t flags;
    } secs[] = {
        {".data", "global_d.data", 0},
        {".rodata", "global_d.rodata", BPF_F_RDONLY_PROG},
        {".bss", "global_d.bss", 0},
        {".data.foo", ".data.foo", 0},
    };
    CHECK(obj->map_cnt == 4, "global_data: %zu maps, expected 4", obj->map_cnt);
    int idx[4];
    for (size_t i = 0; i < 4; i++) {
        Elf64_Shdr sh;
        size_t si = elf_find_section(f, secs[i].section, &sh);
        CHECK(si != 0, "global_data.o has no section %s", secs[i].section);
        struct map_want w = {secs[i].map, BPF_MAP_TYPE_ARRAY, 4,    (uint32_t)sh.sh_size,
                             1,           secs[i].flags,      NULL, NULL};
        idx[i] = map_index(obj, secs[i].map);
        const struct bpfrt_map_spec *m = check_map(obj, &w, BPFRT_MAP_GLOBAL_DATA, secs[i].section);
        if (!m || !si)
            continue;
        if (!CHECK(m->initial && m->initial_size == sh.sh_size,
                   "global_data: %s: initial contents %zu bytes, section has %llu", m->name,
                   m->initial_size, (unsigned long long)sh.sh_size))
            continue;
        if (sh.sh_type == SHT_NOBITS) {
            bool zero = true;
            for (size_t k = 0; k < m->initial_size; k++)
                zero &= m->initial[k] == 0;
            CHECK(zero, "global_data: %s: .bss initial contents are not zero", m->name);
        } else {
            CHECK(memcmp(m->initial, f->data + sh.sh_offset, sh.sh_size) == 0,
                  "global_data: %s: initial contents differ from the section's bytes", m->name);
        }
    }
    /* the initialised values, at their symbols' offsets */
    static const struct {
        const char *sym;
        int sec; /* index into secs */
        uint64_t value;
        size_t size;
        const char *line; /* text on a line whose lddw refers to it */
    } vars[] = {
        {"counter", 0, 0x1122334455667788ull, 8, "counter++"},
        {"limit", 1, 1500, 4, "limit + skb->len"},
        {"greeting", 1, 0, 8, "greeting[1]"},
        {"zeroed", 2, 0, 32, "zeroed[2]"},
        {"foo_first", 3, 0xfeedbeef, 4, "foo_first"},
        {"foo_second", 3, 0x01020304, 4, "foo_second"},
        {"foo_static", 3, 0x5a5a5a5a, 4, "foo_static = skb->mark"},
    };
    size_t nv = sizeof(vars) / sizeof(vars[0]);
    Elf64_Sym syms[16];
    for (size_t v = 0; v < nv; v++) {
        if (!CHECK(elf_find_symbol(f, vars[v].sym, &syms[v], NULL), "global_data.o: no symbol %s",
                   vars[v].sym)) {
            syms[v].st_value = UINT64_MAX;
            continue;
        }
        int mi = idx[vars[v].sec];
        if (mi < 0 || syms[v].st_value + vars[v].size > obj->maps[mi].initial_size ||
            !obj->maps[mi].initial)
            continue;
        const uint8_t *at = obj->maps[mi].initial + syms[v].st_value;
        if (strcmp(vars[v].sym, "greeting") == 0) {
            CHECK(memcmp(at, "hello!", 7) == 0, "global_data: greeting is '%.8s'",
                  (const char *)at);
        } else {
            uint64_t val = 0;
            memcpy(&val, at, vars[v].size > 8 ? 8 : vars[v].size);
            CHECK(val == vars[v].value, "global_data: %s = 0x%llx in %s, expected 0x%llx",
                  vars[v].sym, (unsigned long long)val, obj->maps[mi].name,
                  (unsigned long long)vars[v].value);
        }
    }
    const struct bpfrt_prog_spec *p = find_prog(obj, "globals_prog");
    if (p) {
        check_own_code(f, obj, p);
        int pi = prog_index(obj, "globals_prog");
        bool found[16] = {false};
        size_t refs = 0;
        for (size_t pc = 0; pc + 1 < p->insn_cnt; pc++) {
            const struct bpfrt_insn *in = &p->insns[pc];
            if (in->code != (BPF_LD | BPF_IMM | BPF_DW))
                continue;
            pc++;
            refs++;
            if (!CHECK(in->src_reg == BPF_PSEUDO_MAP_IDX_VALUE,
                       "globals_prog[%zu]: lddw src %u, expected %d (map value by index)", pc - 1,
                       in->src_reg, BPF_PSEUDO_MAP_IDX_VALUE))
                continue;
            uint32_t off = (uint32_t)in[1].imm;
            struct bpfrt_source_line sl;
            bool have_line = bpfrt_prog_source_line(obj, (size_t)pi, pc - 1, &sl);
            /* which variable: the map and the offset select it; the line must mention it */
            bool ok = false;
            for (size_t v = 0; v < nv; v++) {
                if (idx[vars[v].sec] != in->imm || syms[v].st_value == UINT64_MAX ||
                    off < syms[v].st_value || off >= syms[v].st_value + vars[v].size)
                    continue;
                ok = true;
                CHECK(have_line && strstr(sl.text, vars[v].line),
                      "globals_prog[%zu]: lddw of %s+%u (%s) on source line '%s'", pc - 1,
                      obj->maps[in->imm].name, off, vars[v].sym, have_line ? sl.text : "(none)");
                found[v] = true;
            }
            CHECK(ok, "globals_prog[%zu]: lddw of map %d offset %u reaches no variable", pc - 1,
                  in->imm, off);
        }
        for (size_t v = 0; v < nv; v++)
            CHECK(found[v], "globals_prog: no lddw refers to %s", vars[v].sym);
        CHECK(refs >= 6, "globals_prog: only %zu lddw", refs);
    }
    bpfrt_object_close(obj);
    elf_free(f);
}

static void test_extern_helper(void)
{
    struct elf_file *f = elf_read("extern_helper.o");
    struct bpfrt_object *obj = f ? open_obj("extern_helper.o") : NULL;
    if (!obj) {
        elf_free(f);
        return;
    }
    const struct bpfrt_prog_spec *p = find_prog(obj, "extern_helper_prog");
    if (p) {
        CHECK(p->type == BPF_PROG_TYPE_KPROBE, "extern_helper_prog: type %u", p->type);
        check_own_code(f, obj, p);
        CHECK(p->insn_cnt == p->own_insn_cnt, "extern_helper_prog: %zu appended instructions",
              p->insn_cnt - p->own_insn_cnt);
        size_t c1 = find_insn(p, 0, BPF_JMP | BPF_CALL, -1, true, 0);
        size_t c2 = find_insn(p, c1 + 1, BPF_JMP | BPF_CALL, -1, true, 0);
        if (CHECK(c1 < p->insn_cnt && c2 < p->insn_cnt, "extern_helper_prog: two calls missing")) {
            CHECK(p->insns[c1].src_reg == 0 && p->insns[c1].imm == BPF_FUNC_get_prandom_u32,
                  "extern_helper_prog[%zu]: call src %u imm %d, expected helper %d "
                  "(bpf_get_prandom_u32)",
                  c1, p->insns[c1].src_reg, p->insns[c1].imm, BPF_FUNC_get_prandom_u32);
            CHECK(p->insns[c2].src_reg == 0 && p->insns[c2].imm == BPF_FUNC_get_current_pid_tgid,
                  "extern_helper_prog[%zu]: call src %u imm %d, expected helper %d "
                  "(bpf_get_current_pid_tgid)",
                  c2, p->insns[c2].src_reg, p->insns[c2].imm, BPF_FUNC_get_current_pid_tgid);
        }
    }
    bpfrt_object_close(obj);
    elf_free(f);
}

static bool one_line(const char *msg)
{
    return msg[0] && !strchr(msg, '\n');
}

static void test_kconfig(void)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/kconfig.o", obj_dir);
    struct bpfrt_diag diag = {{0}};
    struct bpfrt_object *obj = bpfrt_object_open_file(path, &diag);
    CHECK(obj == NULL, "kconfig.o loaded; a .kconfig extern must be refused");
    if (!obj) {
        CHECK(one_line(diag.msg) && strstr(diag.msg, "kconfig.o") &&
                  strstr(diag.msg, "not supported: LINUX_KERNEL_VERSION"),
              "kconfig.o refused with '%s', expected one line naming the file and 'not "
              "supported: LINUX_KERNEL_VERSION'",
              diag.msg);
        printf("kconfig.o: refused: %s\n", diag.msg);
    }
    bpfrt_object_close(obj);
}

static void test_core(void)
{
    struct elf_file *f = elf_read("core.o");
    if (!f)
        return;
    struct bpfrt_diag diag = {{0}};
    struct bpfrt_object *obj = bpfrt_object_open_file(f->path, &diag);
    if (obj) {
        const struct bpfrt_prog_spec *p = find_prog(obj, "core_prog");
        printf("core.o (CO-RE field access): loaded, core_prog has %zu instructions\n",
               p ? p->insn_cnt : 0);
        if (p) {
            check_own_code(f, obj, p);
            CHECK(p->type == BPF_PROG_TYPE_KPROBE, "core_prog: type %u", p->type);
            /* the CO-RE record is reported with its instruction, kind and field path */
            size_t prog = (size_t)(p - obj->progs);
            struct bpfrt_core_relo_info cr = {.kind = ""};
            CHECK(bpfrt_prog_core_relo_cnt(obj, prog) == 1, "core_prog: %zu CO-RE records",
                  bpfrt_prog_core_relo_cnt(obj, prog));
            CHECK(bpfrt_prog_core_relo(obj, prog, 0, &cr) &&
                      strcmp(cr.target, "struct task_like.tgid") == 0 &&
                      strcmp(cr.kind, "field_byte_offset") == 0 && cr.insn < p->insn_cnt,
                  "core_prog: CO-RE record '%s' '%s'", cr.target, cr.kind);
            CHECK(!bpfrt_prog_core_relo(obj, prog, 1, &cr), "core_prog: a second CO-RE record");
        }
    } else {
        printf("core.o (CO-RE field access): refused: %s\n", diag.msg);
        CHECK(one_line(diag.msg) && strstr(diag.msg, "core.o"),
              "core.o refused without one line naming the object: '%s'", diag.msg);
    }
    bpfrt_object_close(obj);
    elf_free(f);
}

/* CO-RE against bpfrt's target types: each program of core_ctx.o holds one relocation. */
struct core_case {
    const char *prog;
    const char *kind;
    uint64_t local, value; /* compiled, and what Linux's types give */
    int rc;                /* of bpfrt_prog_core_apply */
    const char *why;       /* part of the refusal message */
};

static const struct core_case core_cases[] = {
    {"sockops_remote_port", "field_byte_offset", 8, 64, 0, NULL},
    {"sockops_family", "field_byte_offset", 4, 20, 0, NULL},
    {"xdp_data_end_narrowed", "field_byte_offset", 8, 4, 0, NULL},
    {"xdp_field_exists", "field_exists", 1, 1, 0, NULL},
    {"xdp_field_missing", "field_exists", 1, 0, 0, NULL},
    {"xdp_field_size", "field_byte_size", 8, 4, 0, NULL},
    {"ip_version_lshift", "field_lshift_u64", 56, 56, 0, NULL},
    {"ip_version_rshift", "field_rshift_u64", 60, 60, 0, NULL},
    {"ip_tos_signed", "field_signed", 0, 0, 0, NULL},
    {"iphdr_size", "type_size", 2, 20, 0, NULL},
    {"task_exists", "type_exists", 1, 0, 0, NULL},
    {"xdp_pass_value", "enumval_value", 7, 2, 0, NULL},
    {"enum_missing", "enumval_exists", 1, 0, 0, NULL},
    {"skb_missing_field", "field_byte_offset", 0, 0, -ESRCH,
     "struct __sk_buff___partial.no_such_field: bpfrt's 'struct __sk_buff' has no field "
     "'no_such_field' of a compatible type"},
    {"unknown_type", "field_byte_offset", 0, 0, -ESRCH,
     "struct task_like.tgid: type 'struct task_like' is not known to bpfrt"},
};

/* The value instruction INSN carries: ALU immediate, load/store offset or 64-bit immediate. */
static uint64_t insn_value(const struct bpfrt_insn *insn)
{
    switch (BPF_CLASS(insn->code)) {
    case BPF_LDX:
    case BPF_ST:
    case BPF_STX: return (uint64_t)(int64_t)insn->off;
    case BPF_LD: return (uint64_t)(uint32_t)insn[1].imm << 32 | (uint32_t)insn->imm;
    default: return (uint64_t)(int64_t)insn->imm;
    }
}

static void test_core_ctx(void)
{
    struct elf_file *f = elf_read("core_ctx.o");
    if (!f)
        return;
    struct bpfrt_diag diag = {{0}};
    struct bpfrt_object *obj = bpfrt_object_open_file(f->path, &diag);
    CHECK(obj != NULL, "core_ctx.o: %s", diag.msg);
    struct bpfrt_btf *target = bpfrt_core_builtin_btf(&diag);
    CHECK(target != NULL, "built-in CO-RE types: %s", diag.msg);
    for (size_t c = 0; obj && target && c < sizeof(core_cases) / sizeof(core_cases[0]); c++) {
        const struct core_case *k = &core_cases[c];
        int prog = prog_index(obj, k->prog);
        CHECK(prog >= 0, "core_ctx.o: no program %s", k->prog);
        if (prog < 0)
            continue;
        struct bpfrt_prog_spec *p = &obj->progs[prog];
        struct bpfrt_core_relo_info cr = {.kind = ""};
        CHECK(bpfrt_prog_core_relo_cnt(obj, (size_t)prog) == 1 &&
                  bpfrt_prog_core_relo(obj, (size_t)prog, 0, &cr) && strcmp(cr.kind, k->kind) == 0,
              "%s: expected one %s relocation, got %zu (%s)", k->prog, k->kind,
              bpfrt_prog_core_relo_cnt(obj, (size_t)prog), cr.kind);
        if (strcmp(cr.kind, k->kind) != 0)
            continue;
        struct bpfrt_insn before = p->insns[cr.insn];
        uint64_t local = 99, value = 99;
        int rc = bpfrt_prog_core_resolve(obj, (size_t)prog, 0, target, &local, &value, &diag);
        CHECK(rc == k->rc, "%s: resolve gave %d, expected %d (%s)", k->prog, rc, k->rc,
              rc ? diag.msg : "");
        if (rc == 0)
            CHECK(local == k->local && value == k->value,
                  "%s: compiled %llu -> %llu, expected %llu -> %llu", k->prog,
                  (unsigned long long)local, (unsigned long long)value,
                  (unsigned long long)k->local, (unsigned long long)k->value);
        /* the instruction holds the compiled value before, the target's after */
        CHECK(insn_value(&p->insns[cr.insn]) == k->local || k->rc,
              "%s: instruction %zu holds %llu before relocation, expected %llu", k->prog, cr.insn,
              (unsigned long long)insn_value(&p->insns[cr.insn]), (unsigned long long)k->local);
        rc = bpfrt_prog_core_apply(obj, (size_t)prog, NULL, &diag);
        CHECK(rc == k->rc, "%s: apply gave %d, expected %d (%s)", k->prog, rc, k->rc,
              rc ? diag.msg : "");
        if (rc == 0 && k->rc == 0) {
            CHECK(insn_value(&p->insns[cr.insn]) == k->value,
                  "%s: instruction %zu holds %llu after relocation, expected %llu", k->prog,
                  cr.insn, (unsigned long long)insn_value(&p->insns[cr.insn]),
                  (unsigned long long)k->value);
            CHECK(bpfrt_prog_core_apply(obj, (size_t)prog, NULL, &diag) == 0 &&
                      insn_value(&p->insns[cr.insn]) == k->value,
                  "%s: applying twice changed the program", k->prog);
        } else if (rc != 0) {
            char want[300];
            snprintf(want, sizeof(want), "core_ctx.o: section '%s', program '%s', instruction %zu",
                     p->section, k->prog, cr.insn);
            CHECK(one_line(diag.msg) && strstr(diag.msg, want) && strstr(diag.msg, k->why) &&
                      strstr(diag.msg, "core_ctx.c:"),
                  "%s: refusal '%s' should name '%s', the source line and '%s'", k->prog, diag.msg,
                  want, k->why);
            CHECK(memcmp(&p->insns[cr.insn], &before, sizeof(before)) == 0,
                  "%s: a refused program's instructions changed", k->prog);
            printf("core_ctx.o: %s refused: %s\n", k->prog, diag.msg);
        }
    }
    /* a u64 read of a u32 field is narrowed to a u32 load, as libbpf does */
    int narrowed = obj ? prog_index(obj, "xdp_data_end_narrowed") : -1;
    if (narrowed >= 0)
        CHECK(obj->progs[narrowed].insns[0].code == (BPF_LDX | BPF_MEM | BPF_W),
              "xdp_data_end_narrowed: load not narrowed to 32 bits (code 0x%02x)",
              obj->progs[narrowed].insns[0].code);
    printf("core_ctx.o: %zu CO-RE cases checked against bpfrt's target types\n",
           sizeof(core_cases) / sizeof(core_cases[0]));
    bpfrt_btf_free(target);
    bpfrt_object_close(obj);
    elf_free(f);
}

/* ------------------------------------------------------------------------------------------ */
/* Malformed objects */

/* BYTES must be refused with one line naming NAME and containing one of the WANT texts. */
static void expect_refused(const void *bytes, size_t size, const char *name, const char *what,
                           const char *const *want)
{
    struct bpfrt_diag diag;
    memset(&diag, 0x55, sizeof(diag));
    struct bpfrt_object *obj = bpfrt_object_open_mem(bytes, size, name, &diag);
    if (!CHECK(obj == NULL, "%s (%s): loaded, must be refused", name, what)) {
        bpfrt_object_close(obj);
        return;
    }
    if (!CHECK(memchr(diag.msg, 0, sizeof(diag.msg)) != NULL, "%s (%s): message not terminated",
               name, what))
        return;
    bool names_problem = false;
    for (size_t i = 0; want[i]; i++)
        names_problem |= strstr(diag.msg, want[i]) != NULL;
    CHECK(one_line(diag.msg) && strstr(diag.msg, name) && names_problem,
          "%s (%s): refused with '%s' (want one line naming the object and '%s')", name, what,
          diag.msg, want[0]);
    printf("  %-34s -> %s\n", what, diag.msg);
}

static void test_truncated(void)
{
    struct elf_file *f = elf_read("calls.o");
    if (!f)
        return;
    size_t bad = 0, total = 0;
    for (size_t len = 0; len < f->size; len += 8) {
        char name[64];
        snprintf(name, sizeof(name), "calls-truncated-%zu.o", len);
        struct bpfrt_diag diag;
        memset(&diag, 0x55, sizeof(diag));
        /* a heap copy of exactly LEN bytes, so ASan sees any read past the end */
        uint8_t *copy = malloc(len ? len : 1);
        memcpy(copy, f->data, len);
        struct bpfrt_object *obj = bpfrt_object_open_mem(copy, len, name, &diag);
        free(copy);
        total++;
        bool ok = !obj && memchr(diag.msg, 0, sizeof(diag.msg)) && one_line(diag.msg) &&
                  strstr(diag.msg, name);
        if (!ok && bad++ < 5)
            printf("FAIL: truncated at %zu of %zu bytes: %s\n", len, f->size,
                   obj ? "loaded" : diag.msg);
        bpfrt_object_close(obj);
    }
    CHECK(bad == 0, "calls.o truncated: %zu of %zu truncations not refused with one line", bad,
          total);
    printf("calls.o truncated at every 8th byte: %zu refusals checked\n", total);
    elf_free(f);
}

static void test_corrupt(void)
{
    struct elf_file *orig = elf_read("calls.o");
    if (!orig)
        return;
    printf("malformed copies of calls.o:\n");
    struct elf_file *c;
    Elf64_Shdr sh, rel;
    size_t xdp = elf_find_section(orig, "xdp", &sh);
    size_t reli = elf_find_section(orig, ".relxdp", &rel);
    if (!CHECK(xdp && reli, "calls.o: no section xdp or .relxdp"))
        goto out;

    /* e_machine */
    c = elf_copy(orig);
    c->eh.e_machine = EM_X86_64;
    memcpy(c->data, &c->eh, sizeof(c->eh));
    expect_refused(c->data, c->size, "bad-machine.o", "e_machine x86-64",
                   (const char *const[]){"machine", NULL});
    elf_free(c);

    /* EI_DATA */
    c = elf_copy(orig);
    c->data[EI_DATA] = ELFDATA2MSB;
    expect_refused(c->data, c->size, "bad-data.o", "EI_DATA big-endian",
                   (const char *const[]){"endian", NULL});
    elf_free(c);

    /* EI_CLASS */
    c = elf_copy(orig);
    c->data[EI_CLASS] = ELFCLASS32;
    expect_refused(c->data, c->size, "bad-class.o", "EI_CLASS 32-bit",
                   (const char *const[]){"64-bit", "class", NULL});
    elf_free(c);

    /* a section offset past the end of the file */
    c = elf_copy(orig);
    sh.sh_offset = c->size + 0x1000;
    elf_put_shdr(c, xdp, &sh);
    expect_refused(c->data, c->size, "bad-sec-offset.o", "section offset past the end",
                   (const char *const[]){"past the end", "offset", NULL});
    elf_free(c);

    /* a section offset that wraps around when the size is added */
    c = elf_copy(orig);
    elf_shdr(orig, xdp, &sh);
    sh.sh_offset = UINT64_MAX - 8;
    elf_put_shdr(c, xdp, &sh);
    expect_refused(c->data, c->size, "bad-sec-offset-wrap.o", "section offset wraps",
                   (const char *const[]){"past the end", "offset", NULL});
    elf_free(c);

    /* regression (found by fuzz.elf): a NOBITS "license" section has a size but no bytes; the
     * loader read through libelf's NULL buffer. Such an object loads without a license. */
    {
        Elf64_Shdr lic;
        size_t li = elf_find_section(orig, "license", &lic);
        if (CHECK(li, "calls.o: no license section")) {
            c = elf_copy(orig);
            lic.sh_type = SHT_NOBITS;
            elf_put_shdr(c, li, &lic);
            struct bpfrt_diag d = {{0}};
            struct bpfrt_object *o = bpfrt_object_open_mem(c->data, c->size, "nobits.o", &d);
            CHECK(o && o->license == NULL, "NOBITS license section: %s",
                  o ? "license read from no bytes" : d.msg);
            bpfrt_object_close(o);
            elf_free(c);
        }
    }

    /* a section name outside the section name table */
    c = elf_copy(orig);
    elf_shdr(orig, xdp, &sh);
    sh.sh_name = 0x7fffffff;
    elf_put_shdr(c, xdp, &sh);
    expect_refused(c->data, c->size, "bad-sh-name.o", "sh_name out of range",
                   (const char *const[]){"name", NULL});
    elf_free(c);

    /* a symbol (a program) whose section index does not exist */
    c = elf_copy(orig);
    Elf64_Sym sym;
    size_t symi;
    if (CHECK(elf_find_symbol(c, "calls_shared", &sym, &symi), "calls.o: no calls_shared")) {
        sym.st_shndx = 0x7ff0;
        elf_put_symbol(c, symi, &sym);
        expect_refused(c->data, c->size, "bad-sym-shndx.o", "symbol section index",
                       (const char *const[]){"section index", NULL});
    }
    elf_free(c);

    /* a relocation outside the section it patches */
    Elf64_Rel r;
    if (run_bug_checks) {
        /* regression (fixed loader bug): src/elf/elf.c relocate_part skips relocations outside
         * every function instead of refusing them; here the lost relocation leaves "call -1" behind
         * and the refusal that follows ("call at instruction 2 targets offset 16 of 'xdp', where no
         * function starts") does not name the problem. Run with --bugs; see also
         * bad-data-rel-offset.o. */
        elf_shdr(orig, xdp, &sh);
        c = elf_copy(orig);
        memcpy(&r, c->data + rel.sh_offset, sizeof(r));
        r.r_offset = sh.sh_size + 0x1000;
        memcpy(c->data + rel.sh_offset, &r, sizeof(r));
        expect_refused(c->data, c->size, "bad-rel-offset.o", "relocation past its section",
                       (const char *const[]){"relocation", NULL});
        elf_free(c);
    }

    /* a relocation not on an instruction boundary */
    c = elf_copy(orig);
    memcpy(&r, c->data + rel.sh_offset, sizeof(r));
    r.r_offset += 4;
    memcpy(c->data + rel.sh_offset, &r, sizeof(r));
    expect_refused(c->data, c->size, "bad-rel-align.o", "relocation inside an instruction",
                   (const char *const[]){"relocation", NULL});
    elf_free(c);

    /* a relocation naming a symbol that does not exist */
    c = elf_copy(orig);
    memcpy(&r, c->data + rel.sh_offset, sizeof(r));
    r.r_info = ELF64_R_INFO(100000, ELF64_R_TYPE(r.r_info));
    memcpy(c->data + rel.sh_offset, &r, sizeof(r));
    expect_refused(c->data, c->size, "bad-rel-sym.o", "relocation symbol out of range",
                   (const char *const[]){"symbol", NULL});
    elf_free(c);

    /* a relocation section larger than the file */
    c = elf_copy(orig);
    Elf64_Shdr r2 = rel;
    r2.sh_size = c->size * 16;
    elf_put_shdr(c, reli, &r2);
    expect_refused(c->data, c->size, "bad-rel-size.o", "relocation section size",
                   (const char *const[]){"past the end", "relocation", NULL});
    elf_free(c);

    /* code size not a multiple of 8 */
    c = elf_copy(orig);
    elf_shdr(orig, xdp, &sh);
    sh.sh_size -= 4;
    elf_put_shdr(c, xdp, &sh);
    expect_refused(c->data, c->size, "bad-code-size.o", "code size not a multiple of 8",
                   (const char *const[]){"multiple of 8", NULL});
    elf_free(c);

    /* a function symbol larger than its section */
    c = elf_copy(orig);
    if (elf_find_symbol(c, "calls_nested", &sym, &symi)) {
        sym.st_size = 0x10000;
        elf_put_symbol(c, symi, &sym);
        expect_refused(c->data, c->size, "bad-func-size.o", "function past its section",
                       (const char *const[]){"calls_nested", NULL});
    }
    elf_free(c);

    /* e_shoff past the end */
    c = elf_copy(orig);
    c->eh.e_shoff = c->size - 16;
    memcpy(c->data, &c->eh, sizeof(c->eh));
    expect_refused(c->data, c->size, "bad-shoff.o", "section headers past the end",
                   (const char *const[]){"section", "ELF", NULL});
    elf_free(c);

    /* e_shstrndx out of range */
    c = elf_copy(orig);
    c->eh.e_shstrndx = c->eh.e_shnum + 5;
    memcpy(c->data, &c->eh, sizeof(c->eh));
    expect_refused(c->data, c->size, "bad-shstrndx.o", "section name table index",
                   (const char *const[]){"name", "section", NULL});
    elf_free(c);
out:
    elf_free(orig);
}

/* Corruptions of global_data.o: relocations and variables outside their sections. */
static void test_corrupt_globals(void)
{
    struct elf_file *orig = elf_read("global_data.o");
    if (!orig)
        return;
    printf("malformed copies of global_data.o:\n");
    Elf64_Shdr rel, sh;
    size_t reli = elf_find_section(orig, ".reltc", &rel);
    size_t data = elf_find_section(orig, ".data.foo", &sh);
    if (!CHECK(reli && data, "global_data.o: no .reltc or .data.foo"))
        goto out;
    struct elf_file *c;
    if (run_bug_checks) {
        /* regression (fixed loader bug): src/elf/elf.c relocate_part ignores a relocation whose
         * r_offset is outside the section it patches: this object loads, and the lddw of `counter`
         * stays a plain "lddw r2, 0" (src 0) instead of a reference to the .data map. Must be
         * refused. */
        c = elf_copy(orig);
        Elf64_Rel r;
        Elf64_Shdr code;
        elf_find_section(c, "tc", &code);
        memcpy(&r, c->data + rel.sh_offset, sizeof(r));
        r.r_offset = code.sh_size + 0x1000;
        memcpy(c->data + rel.sh_offset, &r, sizeof(r));
        expect_refused(c->data, c->size, "bad-data-rel-offset.o", "relocation past its section",
                       (const char *const[]){"relocation", NULL});
        elf_free(c);
    }
    if (run_bug_checks) {
        /* regression (fixed loader bug): src/elf/elf.c map_for_symbol does not check a data
         * symbol's offset against its section: with foo_second's st_value moved past the end of
         * .data.foo (12 bytes) the object loads and the program gets "lddw map_val_by_idx(2)+76".
         * Must be refused. */
        c = elf_copy(orig);
        Elf64_Sym sym;
        size_t symi;
        if (CHECK(elf_find_symbol(c, "foo_second", &sym, &symi), "global_data.o: no foo_second")) {
            sym.st_value = sh.sh_size + 64;
            elf_put_symbol(c, symi, &sym);
            expect_refused(c->data, c->size, "bad-var-offset.o", "variable past its section",
                           (const char *const[]){"foo_second", NULL});
        }
        elf_free(c);
    }
    if (run_bug_checks) {
        /* regression (fixed loader bug): src/elf/elf.c read_data_section does not bound the size of
         * a NOBITS data section: a .bss of 4 GiB + 16 bytes loads as a map with value_size 16
         * (truncated to 32 bits) and 4 GiB + 16 bytes of initial contents; 2^59 bytes aborts ASan
         * builds in calloc. Must be refused (value sizes are 32-bit). */
        c = elf_copy(orig);
        Elf64_Shdr bss;
        size_t bi = elf_find_section(c, ".bss", &bss);
        if (CHECK(bi != 0, "global_data.o: no .bss")) {
            bss.sh_size = 0x100000010ull;
            elf_put_shdr(c, bi, &bss);
            expect_refused(c->data, c->size, "bad-bss-size.o", ".bss of 4 GiB",
                           (const char *const[]){".bss", NULL});
        }
        elf_free(c);
    }
out:
    elf_free(orig);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc != 2) {
        fprintf(stderr, "usage: test_elf OBJ_DIR\n");
        return 2;
    }
    obj_dir = argv[1];
    if (!tl_is_dir(obj_dir)) {
        printf("SKIP: %s not found (the test programs were not compiled: clang-14 missing?)\n",
               obj_dir);
        return TEST_SKIP_CODE;
    }
    test_calls();
    test_sections();
    test_maps_btf();
    test_map_in_map();
    test_legacy_maps();
    test_iproute2_maps();
    test_global_data();
    test_extern_helper();
    test_kconfig();
    test_core();
    test_core_ctx();
    test_truncated();
    test_corrupt();
    test_corrupt_globals();
    return tl_summary();
}
