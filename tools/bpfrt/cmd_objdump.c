/* bpfrt objdump: what an eBPF object file contains (programs, maps, disassembly). */
#include <stdio.h>
#include <string.h>

#include "bpfrt/btf.h"
#include "bpfrt/object.h"
#include "cli.h"

/* C spelling of BTF type ID of OBJ ("" when unknown). */
static const char *type_name(const struct bpfrt_object *obj, uint32_t id, char *buf, size_t len)
{
    buf[0] = 0;
    if (id && bpfrt_object_btf(obj))
        bpfrt_btf_type_name(bpfrt_object_btf(obj), id, buf, len);
    return buf;
}

static void print_text(const struct bpfrt_object *obj, const struct bpfrt_btf *core, bool disasm)
{
    printf("object %s: %zu program%s, %zu map%s, license %s\n", obj->name, obj->prog_cnt,
           obj->prog_cnt == 1 ? "" : "s", obj->map_cnt, obj->map_cnt == 1 ? "" : "s",
           obj->license ? obj->license : "(none)");
    for (size_t i = 0; i < obj->map_cnt; i++) {
        const struct bpfrt_map_spec *m = &obj->maps[i];
        printf("map %zu: %s  type %s  key %u  value %u  max_entries %u  flags 0x%x  section %s\n",
               i, m->name, bpfrt_map_type_name(m->type), m->key_size, m->value_size, m->max_entries,
               m->map_flags, m->section);
        char kt[128], vt[128];
        if (m->key_type_id || m->value_type_id)
            printf("  key type: %s  value type: %s\n",
                   type_name(obj, m->key_type_id, kt, sizeof(kt)),
                   type_name(obj, m->value_type_id, vt, sizeof(vt)));
        if (m->inner_map >= 0)
            printf("  inner map: %s\n", obj->maps[m->inner_map].name);
        for (size_t k = 0; k < m->init_cnt; k++)
            printf("  [%u] = %s %s\n", m->inits[k].slot, m->inits[k].prog >= 0 ? "program" : "map",
                   m->inits[k].prog >= 0 ? obj->progs[m->inits[k].prog].name
                                         : obj->maps[m->inits[k].map].name);
    }
    for (size_t i = 0; i < obj->prog_cnt; i++) {
        const struct bpfrt_prog_spec *p = &obj->progs[i];
        printf("program %s  section %s  type %s  attach %u  insns %zu (own %zu)\n", p->name,
               p->section, bpfrt_prog_type_name(p->type), p->expected_attach_type, p->insn_cnt,
               p->own_insn_cnt);
        for (size_t k = 0; k < bpfrt_prog_core_relo_cnt(obj, i); k++) {
            struct bpfrt_core_relo_info cr;
            struct bpfrt_diag d = {0};
            uint64_t local = 0, value = 0;
            if (!bpfrt_prog_core_relo(obj, i, k, &cr))
                continue;
            printf("  CO-RE at %zu: %s %s (access %s): ", cr.insn, cr.kind, cr.target, cr.access);
            if (bpfrt_prog_core_resolve(obj, i, k, core, &local, &value, &d) == 0)
                printf("compiled %llu, bpfrt %llu\n", (unsigned long long)local,
                       (unsigned long long)value);
            else
                printf("refused\n    %s\n", d.msg);
        }
        if (!disasm)
            continue;
        char text[128];
        const char *last_file = NULL;
        uint32_t last_line = 0;
        for (size_t pc = 0; pc < p->insn_cnt;) {
            struct bpfrt_source_line src;
            if (bpfrt_prog_source_line(obj, i, pc, &src) &&
                (src.line != last_line || src.file != last_file)) {
                const char *base = strrchr(src.file, '/');
                printf("; %s  [%s:%u]\n", src.text, base ? base + 1 : src.file, src.line);
                last_file = src.file;
                last_line = src.line;
            }
            int slots = bpfrt_disasm_insn(p->insns, p->insn_cnt, pc, text, sizeof(text));
            printf("%7zu: %s\n", pc, text);
            pc += slots > 0 ? (size_t)slots : 1;
        }
    }
}

static void print_json(const struct bpfrt_object *obj, const struct bpfrt_btf *core, bool disasm)
{
    printf("{\"name\":");
    json_str(stdout, obj->name);
    printf(",\"license\":");
    json_str(stdout, obj->license ? obj->license : "");
    printf(",\"maps\":[");
    for (size_t i = 0; i < obj->map_cnt; i++) {
        const struct bpfrt_map_spec *m = &obj->maps[i];
        printf("%s{\"name\":", i ? "," : "");
        json_str(stdout, m->name);
        printf(",\"section\":");
        json_str(stdout, m->section);
        printf(",\"type\":\"%s\",\"key_size\":%u,\"value_size\":%u,\"max_entries\":%u,"
               "\"flags\":%u,\"pinning\":%u,\"inner_map\":%d",
               bpfrt_map_type_name(m->type), m->key_size, m->value_size, m->max_entries,
               m->map_flags, m->pinning, m->inner_map);
        printf(",\"key_type\":%u,\"value_type\":%u,\"values\":[", m->key_type_id, m->value_type_id);
        for (size_t k = 0; k < m->init_cnt; k++)
            printf("%s{\"slot\":%u,\"%s\":%d}", k ? "," : "", m->inits[k].slot,
                   m->inits[k].prog >= 0 ? "program" : "map",
                   m->inits[k].prog >= 0 ? m->inits[k].prog : m->inits[k].map);
        printf("]}");
    }
    printf("],\"programs\":[");
    for (size_t i = 0; i < obj->prog_cnt; i++) {
        const struct bpfrt_prog_spec *p = &obj->progs[i];
        printf("%s{\"name\":", i ? "," : "");
        json_str(stdout, p->name);
        printf(",\"section\":");
        json_str(stdout, p->section);
        printf(",\"type\":\"%s\",\"attach_type\":%u,\"insns\":%zu,\"own_insns\":%zu",
               bpfrt_prog_type_name(p->type), p->expected_attach_type, p->insn_cnt,
               p->own_insn_cnt);
        printf(",\"core_relos\":[");
        for (size_t k = 0; k < bpfrt_prog_core_relo_cnt(obj, i); k++) {
            struct bpfrt_core_relo_info cr;
            if (!bpfrt_prog_core_relo(obj, i, k, &cr))
                continue;
            printf("%s{\"insn\":%zu,\"kind\":\"%s\",\"target\":", k ? "," : "", cr.insn, cr.kind);
            json_str(stdout, cr.target);
            printf(",\"access\":");
            json_str(stdout, cr.access);
            struct bpfrt_diag d = {0};
            uint64_t local = 0, value = 0;
            if (bpfrt_prog_core_resolve(obj, i, k, core, &local, &value, &d) == 0) {
                printf(",\"compiled\":%llu,\"bpfrt\":%llu,\"error\":null",
                       (unsigned long long)local, (unsigned long long)value);
            } else {
                printf(",\"compiled\":null,\"bpfrt\":null,\"error\":");
                json_str(stdout, d.msg);
            }
            putchar('}');
        }
        putchar(']');
        if (disasm) {
            printf(",\"disasm\":[");
            char text[128];
            for (size_t pc = 0; pc < p->insn_cnt;) {
                int slots = bpfrt_disasm_insn(p->insns, p->insn_cnt, pc, text, sizeof(text));
                printf("%s{\"pc\":%zu,\"text\":", pc ? "," : "", pc);
                json_str(stdout, text);
                struct bpfrt_source_line src;
                if (bpfrt_prog_source_line(obj, i, pc, &src)) {
                    printf(",\"file\":");
                    json_str(stdout, src.file);
                    printf(",\"line\":%u,\"source\":", src.line);
                    json_str(stdout, src.text);
                }
                putchar('}');
                pc += slots > 0 ? (size_t)slots : 1;
            }
            putchar(']');
        }
        putchar('}');
    }
    printf("]}\n");
}

int cmd_objdump(int argc, char **argv)
{
    const char *in = NULL;
    bool json = false, disasm = true;
    for (int i = 1; i < argc; i++) {
        if (cli_is_help(argv[i])) {
            puts("usage: bpfrt objdump [--json] [--no-disasm] OBJ.o\n"
                 "Lists the programs (section, name, type, attach type, instructions) and maps\n"
                 "(type, key and value sizes, max entries, flags) of an eBPF object file, and\n"
                 "disassembles each program after relocation (subprograms appended), with the\n"
                 "C source lines from BTF line info when the object was built with -g.");
            return 0;
        } else if (strcmp(argv[i], "--json") == 0 || strcmp(argv[i], "-j") == 0) {
            json = true;
        } else if (strcmp(argv[i], "--no-disasm") == 0) {
            disasm = false;
        } else if (cli_operand("objdump", argv[i], &in) != 0) {
            return 2;
        }
    }
    if (!in) {
        cli_error("objdump: missing OBJ.o (usage: bpfrt objdump [--json] OBJ.o)");
        return 2;
    }
    struct bpfrt_object *obj = cli_open_object(in, json);
    if (!obj)
        return 1;
    /* CO-RE relocations are shown with the value bpfrt's own target types give them. */
    struct bpfrt_diag diag;
    struct bpfrt_btf *core = bpfrt_core_builtin_btf(&diag);
    if (json)
        print_json(obj, core, disasm);
    else
        print_text(obj, core, disasm);
    bpfrt_btf_free(core);
    bpfrt_object_close(obj);
    return 0;
}
