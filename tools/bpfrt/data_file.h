/* Conformance-format .data files: parsing, and the helpers the suite expects. */
#ifndef BPFRT_DATA_FILE_H
#define BPFRT_DATA_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpfrt/isa.h"
#include "bpfrt/vm.h"

struct data_file {
    char *asm_text; /* NULL when absent */
    int asm_line;   /* line number of the first asm line */
    uint8_t *raw;   /* raw bytecode, NULL when absent */
    size_t raw_len;
    uint8_t *mem; /* input memory, NULL when absent */
    size_t mem_len;
    bool has_result;
    uint64_t result;
    bool has_error;
    char *error_text;
};

/* Parses the text of PATH. Returns 0, or -1 with diag naming the file and line. */
int data_file_parse(const char *path, const char *text, struct data_file *df,
                    struct bpfrt_diag *diag);

void data_file_free(struct data_file *df);

/* Registers the helpers conformance programs call (5: return r1; when it is 0, end the
 * program with r0 = 0 — the suite's "unwind" helper). */
void data_file_register_helpers(struct bpfrt_vm *vm);

#endif
