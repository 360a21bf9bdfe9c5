/* libFuzzer target for the BTF and BTF.ext parsers. Each input is tried three ways:
 *   1. the whole input as a .BTF section;
 *   2. when it starts with a BTF header, the bytes the header covers as .BTF and the rest as the
 *      .BTF.ext that goes with it (seeds are an object's .BTF followed by its .BTF.ext);
 *   3. the whole input as a .BTF.ext against a small fixed valid BTF.
 * Whatever parses is walked completely (every type, name, spelling, size, record); a refusal
 * must come with a terminated, non-empty message. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfrt/btf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_btf: %s: %s\n", what, detail);
    abort();
}

static void check_refusal(const struct bpfrt_diag *diag)
{
    if (!memchr(diag->msg, '\0', sizeof diag->msg))
        die("error message not terminated", "");
    if (diag->msg[0] == '\0')
        die("refused without a message", "");
}

static volatile size_t sink;

static void walk_btf(const struct bpfrt_btf *btf)
{
    char buf[128];
    uint32_t cnt = bpfrt_btf_type_cnt(btf);
    for (uint32_t id = 0; id <= cnt; id++) {
        const struct btf_type *t = bpfrt_btf_type_by_id(btf, id);
        memset(buf, 0x55, sizeof buf);
        int n = bpfrt_btf_type_name(btf, id, buf, sizeof buf);
        if (id == cnt) {
            if (t || n != -1)
                die("id past the end accepted", "");
            break;
        }
        if (!t || n < 0 || !memchr(buf, '\0', sizeof buf))
            die("type spelling misbehaved", buf);
        const char *name = bpfrt_btf_name(btf, id);
        if (!name)
            die("type without a name string", "");
        sink += strlen(name);
        int64_t sz = bpfrt_btf_type_size(btf, id);
        if (sz < -1 || sz > UINT32_MAX)
            die("size out of range", buf);
        if (bpfrt_btf_skip_modifiers(btf, id) >= cnt)
            die("skip_modifiers left the table", buf);
        unsigned kind = bpfrt_btf_kind(t), vlen = bpfrt_btf_vlen(t);
        switch (kind) {
        case BTF_KIND_STRUCT:
        case BTF_KIND_UNION:
            for (unsigned i = 0; i < vlen; i++) {
                const struct btf_member *m = bpfrt_btf_members(t) + i;
                if (!bpfrt_btf_str(btf, m->name_off) || m->type >= cnt)
                    die("member not validated", buf);
            }
            break;
        case BTF_KIND_FUNC_PROTO:
            for (unsigned i = 0; i < vlen; i++)
                if (bpfrt_btf_params(t)[i].type >= cnt)
                    die("parameter not validated", buf);
            break;
        case BTF_KIND_ENUM:
            for (unsigned i = 0; i < vlen; i++)
                sink += strlen(bpfrt_btf_str(btf, bpfrt_btf_enums(t)[i].name_off));
            break;
        case BTF_KIND_ENUM64:
            for (unsigned i = 0; i < vlen; i++)
                sink += strlen(bpfrt_btf_str(btf, bpfrt_btf_enums64(t)[i].name_off)) +
                        (size_t)bpfrt_btf_enum64_value(t, i);
            break;
        case BTF_KIND_DATASEC:
            for (unsigned i = 0; i < vlen; i++)
                if (bpfrt_btf_var_secinfos(t)[i].type >= cnt)
                    die("datasec entry not validated", buf);
            if (bpfrt_btf_datasec_find(btf, name) < 0)
                die("datasec not found by name", name);
            break;
        case BTF_KIND_ARRAY:
            if (bpfrt_btf_array(t)->type >= cnt)
                die("array element not validated", buf);
            break;
        default: break;
        }
        if (id > 0 && *name && id < 64) {
            int32_t f = bpfrt_btf_find_by_name_kind(btf, name, kind);
            if (f <= 0 || (uint32_t)f > id)
                die("find_by_name_kind missed a type", name);
        }
    }
}

static void walk_ext(const struct bpfrt_btf_ext *ext, uint32_t cnt)
{
    for (size_t s = 0; s < bpfrt_btf_ext_section_cnt(ext); s++) {
        const char *sn = bpfrt_btf_ext_section_name(ext, s);
        const struct bpfrt_btf_func *fn;
        const struct bpfrt_btf_line *ln;
        const struct bpfrt_btf_core_relo *cr;
        size_t nf = bpfrt_btf_ext_funcs(ext, sn, &fn);
        size_t nl = bpfrt_btf_ext_lines(ext, sn, &ln);
        size_t nc = bpfrt_btf_ext_core_relos(ext, sn, &cr);
        for (size_t i = 0; i < nf; i++) {
            if (fn[i].type_id >= cnt || (i && fn[i - 1].insn_idx >= fn[i].insn_idx))
                die("func_info not validated or not sorted", sn);
            const struct bpfrt_btf_line *r = bpfrt_btf_ext_line_for(ext, sn, fn[i].insn_idx);
            if (r && r->insn_idx > fn[i].insn_idx)
                die("line_for returned a later line", sn);
            sink += strlen(fn[i].name);
        }
        for (size_t i = 0; i < nl; i++) {
            if (i && ln[i - 1].insn_idx > ln[i].insn_idx)
                die("line_info not sorted", sn);
            sink += strlen(ln[i].file) + strlen(ln[i].line_text) + ln[i].col;
            const struct bpfrt_btf_line *r = bpfrt_btf_ext_line_for(ext, sn, ln[i].insn_idx);
            if (!r || r->insn_idx != ln[i].insn_idx)
                die("line_for missed an exact line", sn);
        }
        for (size_t i = 0; i < nc; i++) {
            if (cr[i].type_id >= cnt || !cr[i].access[0])
                die("core_relo not validated", sn);
            sink += strlen(bpfrt_btf_core_relo_kind_name(cr[i].kind));
        }
    }
}

/* A small valid BTF whose strings serve as section, file and access names for inputs parsed
 * as .BTF.ext: int, a FUNC_PROTO, a FUNC, a struct; strings at fixed offsets. */
static struct bpfrt_btf *fixed_btf(void)
{
    static const char strs[] = "\0int\0f\0.text\0xdp\0a.c\0x = 1;\0s\0a\0"
                               "0:0\0";
    const uint32_t types[] = {
        1,  BTF_KIND_INT << 24,
        4,  BTF_INT_SIGNED << 24 | 32, /* [1] int */
        0,  BTF_KIND_FUNC_PROTO << 24,
        1, /* [2] int (void) */
        5,  BTF_KIND_FUNC << 24 | BTF_FUNC_GLOBAL,
        2, /* [3] f */
        28, BTF_KIND_STRUCT << 24 | 1,
        4,  30,
        1,  0, /* [4] struct s { int a; } */
    };
    struct btf_header h = {BTF_MAGIC,    BTF_VERSION,  0,          sizeof h, 0,
                           sizeof types, sizeof types, sizeof strs};
    uint8_t buf[sizeof h + sizeof types + sizeof strs];
    memcpy(buf, &h, sizeof h);
    memcpy(buf + sizeof h, types, sizeof types);
    memcpy(buf + sizeof h + sizeof types, strs, sizeof strs);
    struct bpfrt_diag diag;
    struct bpfrt_btf *btf = bpfrt_btf_parse(buf, sizeof buf, &diag);
    if (!btf)
        die("fixed BTF refused", diag.msg);
    return btf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct bpfrt_btf *fixed;
    if (!fixed)
        fixed = fixed_btf();
    if (size > 1 << 20)
        return 0;
    struct bpfrt_diag diag;

    /* 1. the whole input as .BTF */
    memset(&diag, 0x55, sizeof diag);
    struct bpfrt_btf *btf = bpfrt_btf_parse(data, size, &diag);
    if (btf)
        walk_btf(btf);
    else
        check_refusal(&diag);
    bpfrt_btf_free(btf);

    /* 2. .BTF followed by its .BTF.ext */
    struct btf_header h;
    if (size >= sizeof h) {
        memcpy(&h, data, sizeof h);
        uint64_t t_end = (uint64_t)h.hdr_len + h.type_off + h.type_len;
        uint64_t s_end = (uint64_t)h.hdr_len + h.str_off + h.str_len;
        uint64_t end = t_end > s_end ? t_end : s_end;
        if (h.magic == BTF_MAGIC && end < size) {
            btf = bpfrt_btf_parse(data, (size_t)end, &diag);
            if (btf) {
                memset(&diag, 0x55, sizeof diag);
                struct bpfrt_btf_ext *ext =
                    bpfrt_btf_ext_parse(data + end, size - (size_t)end, btf, &diag);
                if (ext)
                    walk_ext(ext, bpfrt_btf_type_cnt(btf));
                else
                    check_refusal(&diag);
                bpfrt_btf_ext_free(ext);
                bpfrt_btf_free(btf);
            }
        }
    }

    /* 3. the whole input as .BTF.ext against the fixed BTF */
    memset(&diag, 0x55, sizeof diag);
    struct bpfrt_btf_ext *ext = bpfrt_btf_ext_parse(data, size, fixed, &diag);
    if (ext)
        walk_ext(ext, bpfrt_btf_type_cnt(fixed));
    else
        check_refusal(&diag);
    bpfrt_btf_ext_free(ext);
    return 0;
}
