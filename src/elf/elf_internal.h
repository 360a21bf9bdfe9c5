/* What the ELF stage keeps beside the public object model, shared by the files of src/elf. */
#ifndef BPFRT_ELF_INTERNAL_H
#define BPFRT_ELF_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "bpfrt/btf.h"
#include "bpfrt/object.h"

struct bpfrt_object_private {
    uint8_t *image; /* the file's bytes; libelf reads from here */
    size_t image_size;
    struct bpfrt_btf *btf;     /* NULL when absent or malformed (and not needed) */
    struct bpfrt_btf_ext *ext; /* line and function info, NULL when absent */
};

/* One function copied into a program: where it starts there, and where it came from. */
struct prog_part {
    size_t start;        /* instruction index in the program */
    size_t sec_insn_off; /* instruction index in its section */
    char *section;
};

struct bpfrt_prog_private {
    struct prog_part *parts;
    size_t part_cnt;
    bool core_applied; /* bpfrt_prog_core_apply succeeded */
};

/* The CO-RE records of program PROG (its own code and appended subprograms), in order: returns
 * their count; when WANT is below it, *FOUND and *INSN get record WANT and its instruction index
 * in the program. */
size_t bpfrt_elf_core_records(const struct bpfrt_object *obj, size_t prog, size_t want,
                              const struct bpfrt_btf_core_relo **found, size_t *insn);

#endif
