/* bpfrt command-line tool: shared declarations of the subcommands. */
#ifndef BPFRT_CLI_H
#define BPFRT_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "bpfrt/isa.h"

int cmd_asm(int argc, char **argv);
int cmd_disasm(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_test_data(int argc, char **argv);
int cmd_objdump(int argc, char **argv);
int cmd_verify(int argc, char **argv);

/* Prints "bpfrt: MESSAGE" on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* An argument that is not one of CMD's options: an unknown option (error), or the one input
 * file (*IN). Returns 0, or 2 (the usage exit status) after printing the error. */
int cli_operand(const char *cmd, const char *arg, const char **in);

struct bpfrt_object;
/* Opens object file PATH; on failure prints the loader's message (as JSON too with JSON) and
 * returns NULL. */
struct bpfrt_object *cli_open_object(const char *path, bool json);

/* True when S ends with SUFFIX. */
bool cli_ends_with(const char *s, const char *suffix);

/* Loads PATH as assembly (.s) or raw bytecode (anything else). 0, or -1 with diag set. */
int cli_load_program(const char *path, struct bpfrt_insn **insns, size_t *n,
                     struct bpfrt_diag *diag);

/* Fails with "PATH:LINE: NUL byte ..." when a text file holds a NUL byte. 0 or -1. */
int cli_check_text(const char *path, const char *data, size_t len, struct bpfrt_diag *diag);

/* Writes S as a JSON string literal. */
void json_str(FILE *f, const char *s);

/* Prints {"error": MSG} on stdout (bpftool's --json convention). */
void json_error(const char *msg);

/* True when PATH starts with the ELF magic (an object file). */
bool cli_is_elf(const char *path);

/* True when ARG is -h or --help. */
bool cli_is_help(const char *arg);

/* Parses a non-negative integer option value; -1 on junk. */
long long cli_parse_count(const char *s);

#endif
