/* Internal helpers shared by the isa files and the engines. */
#ifndef BPFRT_ISA_INTERNAL_H
#define BPFRT_ISA_INTERNAL_H

#include "bpfrt/isa.h"

/* Which fields a shape uses. */
struct bpfrt_field_use {
    bool dst, src, off, imm;
};

struct bpfrt_field_use bpfrt_shape_fields(enum bpfrt_shape s);

/* Bytes a load, store or atomic of opcode CODE accesses (its size field: W, H, B, DW). */
static inline int bpfrt_access_size(uint8_t code)
{
    static const uint8_t bytes[4] = {4, 2, 1, 8};
    return bytes[(code >> 3) & 3];
}

/* True for atomic forms that write the old value back into src. */
bool bpfrt_form_writes_src(enum bpfrt_form f);

/* printf into diag (NULL diag is fine). */
void bpfrt_diag_set(struct bpfrt_diag *diag, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A reader of text one line at a time (without the newline), into a buffer it grows. */
struct bpfrt_lines {
    const char *next; /* the rest of the text */
    char *line;       /* the current line, NUL-terminated; free() it when done */
    size_t cap;
};

/* Advances to the next line: 1 when there is one, 0 at the end of the text, -1 out of memory. */
int bpfrt_next_line(struct bpfrt_lines *r);

/* Names of the lddw pseudo kinds, indexed by src (index 0 is the plain constant). */
extern const char *const bpfrt_lddw_kind_names[7];

#endif
