/* libFuzzer target for the ELF loader: bpfrt_object_open_mem on the input. A refusal must come
 * with a terminated one-line message naming the object; a loaded object is walked completely
 * (every program disassembled instruction by instruction, its source line asked for every
 * instruction, every map spec read, its BTF key/value types spelt), so that anything the loader
 * hands out that points outside its memory shows up under ASan. Then every program's CO-RE
 * relocations are applied against bpfrt's target types: success, or a one-line refusal. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfrt/btf.h"
#include "bpfrt/isa.h"
#include "bpfrt/object.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NAME "fuzz.o"

static volatile size_t sink;
static const bool check_one_line = true; /* messages are one line (names are escaped) */

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_elf: %s: %s\n", what, detail);
    abort();
}

static void check_refusal(const struct bpfrt_diag *diag)
{
    if (!memchr(diag->msg, '\0', sizeof diag->msg))
        die("error message not terminated", "");
    if (diag->msg[0] == '\0')
        die("refused without a message", "");
    /* Names read from the file (a section named "a\nb") must not break the message in two. */
    if (check_one_line && strchr(diag->msg, '\n'))
        die("message is more than one line", diag->msg);
    if (!strstr(diag->msg, NAME))
        die("message does not name the object", diag->msg);
}

static void walk_type(const struct bpfrt_btf *btf, uint32_t id)
{
    char buf[256];
    if (!btf || id == 0)
        return;
    memset(buf, 0x55, sizeof buf);
    if (bpfrt_btf_type_name(btf, id, buf, sizeof buf) < 0)
        die("map key/value type id not valid in the object's BTF", "");
    if (!memchr(buf, '\0', sizeof buf))
        die("type spelling not terminated", "");
    sink += strlen(buf) + (size_t)bpfrt_btf_type_size(btf, id);
}

static void apply_core(struct bpfrt_object *obj)
{
    static struct bpfrt_btf *target;
    struct bpfrt_diag diag;
    if (!target && !(target = bpfrt_core_builtin_btf(&diag)))
        die("built-in CO-RE types do not parse", diag.msg);
    for (size_t i = 0; i < obj->prog_cnt; i++) {
        struct bpfrt_core_relo_info cr;
        for (size_t k = 0; bpfrt_prog_core_relo(obj, i, k, &cr); k++) {
            if (cr.insn >= obj->progs[i].insn_cnt)
                die("CO-RE relocation outside the program", obj->progs[i].name);
            sink += strlen(cr.target) + strlen(cr.kind) + strlen(cr.access);
        }
        memset(&diag, 0x55, sizeof diag);
        if (bpfrt_prog_core_apply(obj, i, target, &diag) != 0)
            check_refusal(&diag);
    }
}

static void walk(const struct bpfrt_object *obj)
{
    const struct bpfrt_btf *btf = bpfrt_object_btf(obj);
    sink += strlen(obj->name) + strlen(obj->path) + (obj->license ? strlen(obj->license) : 0);
    for (size_t i = 0; i < obj->map_cnt; i++) {
        const struct bpfrt_map_spec *m = &obj->maps[i];
        sink += strlen(m->name) + strlen(m->section) + m->type + m->key_size + m->value_size +
                m->max_entries + m->map_flags + m->pinning + m->id + m->section_offset;
        sink += strlen(bpfrt_map_type_name(m->type));
        if (m->inner_map != -1 && (m->inner_map < 0 || (size_t)m->inner_map >= obj->map_cnt))
            die("inner map index out of range", m->name);
        if (m->initial) {
            for (size_t k = 0; k < m->initial_size; k++)
                sink += m->initial[k];
        } else if (m->initial_size) {
            die("initial size without contents", m->name);
        }
        walk_type(btf, m->key_type_id);
        walk_type(btf, m->value_type_id);
    }
    for (size_t i = 0; i < obj->prog_cnt; i++) {
        const struct bpfrt_prog_spec *p = &obj->progs[i];
        if (p->own_insn_cnt > p->insn_cnt)
            die("own instruction count above the total", p->name);
        sink += strlen(p->name) + strlen(p->section) + p->type + p->expected_attach_type;
        sink += strlen(bpfrt_prog_type_name(p->type));
        char text[160];
        for (size_t pc = 0; pc < p->insn_cnt;) {
            memset(text, 0x55, sizeof text);
            int slots = bpfrt_disasm_insn(p->insns, p->insn_cnt, pc, text, sizeof text);
            if (!memchr(text, '\0', sizeof text))
                die("disassembly not terminated", p->name);
            sink += strlen(text);
            struct bpfrt_source_line sl;
            if (bpfrt_prog_source_line(obj, i, pc, &sl)) {
                if (!sl.file || !sl.text)
                    die("source line without file or text", p->name);
                sink += strlen(sl.file) + strlen(sl.text) + sl.line + sl.col;
            }
            /* a pseudo call must land inside the program */
            const struct bpfrt_insn *in = &p->insns[pc];
            if (in->code == 0x85 && in->src_reg == 1) {
                int64_t t = (int64_t)pc + in->imm + 1;
                if (t < 0 || t >= (int64_t)p->insn_cnt)
                    die("relocated call outside the program", p->name);
            }
            pc += slots > 0 ? (size_t)slots : 1;
        }
        struct bpfrt_source_line sl;
        (void)bpfrt_prog_source_line(obj, i, p->insn_cnt, &sl);
        (void)bpfrt_prog_source_line(obj, i, SIZE_MAX, &sl);
    }
    struct bpfrt_source_line sl;
    (void)bpfrt_prog_source_line(obj, obj->prog_cnt, 0, &sl);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4 << 20)
        return 0;
    struct bpfrt_diag diag;
    memset(&diag, 0x55, sizeof diag);
    struct bpfrt_object *obj = bpfrt_object_open_mem(data, size, NAME, &diag);
    if (obj) {
        walk(obj);
        apply_core(obj);
    } else
        check_refusal(&diag);
    bpfrt_object_close(obj);
    return 0;
}
