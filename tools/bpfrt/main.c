/* bpfrt: the command-line tool, in the style of bpftool. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfrt/object.h"
#include "cli.h"
#include "platform/platform.h"

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("bpfrt: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

bool cli_ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

int cli_operand(const char *cmd, const char *arg, const char **in)
{
    if (arg[0] == '-' && arg[1]) {
        cli_error("%s: unknown option '%s' (or missing value)", cmd, arg);
        return 2;
    }
    if (*in) {
        cli_error("%s: more than one input file", cmd);
        return 2;
    }
    *in = arg;
    return 0;
}

struct bpfrt_object *cli_open_object(const char *path, bool json)
{
    struct bpfrt_diag diag;
    struct bpfrt_object *obj = bpfrt_object_open_file(path, &diag);
    if (!obj) {
        if (json)
            json_error(diag.msg);
        cli_error("%s", diag.msg);
    }
    return obj;
}

bool cli_is_help(const char *arg)
{
    return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

long long cli_parse_count(const char *s)
{
    char *end;
    if (!s || !*s)
        return -1;
    long long v = strtoll(s, &end, 10);
    return (*end || v < 0) ? -1 : v;
}

int cli_check_text(const char *path, const char *data, size_t len, struct bpfrt_diag *diag)
{
    const char *nul = memchr(data, 0, len);
    if (!nul)
        return 0;
    int line = 1;
    for (const char *q = data; q < nul; q++)
        line += *q == '\n';
    snprintf(diag->msg, sizeof(diag->msg), "%s:%d: NUL byte in the text (a binary file?)", path,
             line);
    return -1;
}

bool cli_is_elf(const char *path)
{
    unsigned char magic[4] = {0};
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    size_t got = fread(magic, 1, 4, f);
    fclose(f);
    return got == 4 && memcmp(magic,
                              "\x7f"
                              "ELF",
                              4) == 0;
}

int cli_load_program(const char *path, struct bpfrt_insn **insns, size_t *n,
                     struct bpfrt_diag *diag)
{
    char *data;
    size_t len;
    if (bpfrt_read_file(path, &data, &len, diag) < 0)
        return -1;
    int rc;
    if (cli_ends_with(path, ".s") || cli_ends_with(path, ".asm"))
        rc = cli_check_text(path, data, len, diag) < 0 ? -1 : bpfrt_asm(data, path, insns, n, diag);
    else
        rc = bpfrt_insns_from_bytes(data, len, path, insns, n, diag);
    free(data);
    return rc;
}

static void usage(FILE *f)
{
    fputs("usage: bpfrt COMMAND [OPTIONS] ...\n"
          "\n"
          "commands:\n"
          "  asm FILE.s [-o OUT.bin]     assemble text into raw bytecode\n"
          "  disasm FILE.bin|FILE.s      print the instructions of a program\n"
          "  run [OPTIONS] PROGRAM       run a program (.s or .bin) and print r0\n"
          "  test-data [OPTIONS] PATH... run conformance-format .data tests\n"
          "  objdump [--json] OBJ.o      list the programs and maps of an eBPF object\n"
          "  verify [--json] OBJ.o       prove each program safe, or say why not\n"
          "\n"
          "'bpfrt COMMAND --help' describes each command.\n",
          f);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (cli_is_help(cmd) || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return 0;
    }
    static const struct {
        const char *name;
        int (*fn)(int, char **);
    } cmds[] = {
        {"asm", cmd_asm},         {"disasm", cmd_disasm},
        {"run", cmd_run},         {"test-data", cmd_test_data},
        {"objdump", cmd_objdump}, {"verify", cmd_verify},
    };
    for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
        if (strcmp(cmd, cmds[i].name) == 0)
            return cmds[i].fn(argc - 1, argv + 1);
    cli_error("unknown command '%s' (try 'bpfrt --help')", cmd);
    return 2;
}
