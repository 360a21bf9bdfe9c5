/* Prints what the libbpf API says about each object file given as an argument, one fact per line
 * (with --sections: the program type libbpf_prog_type_by_name gives each section name).
 * Uses only the libbpf-compatible subset bpfrt implements (include/bpf/libbpf.h), so that it
 * compiles unchanged against Debian's libbpf and against bpfrt; tests/libbpf/compare.sh compares
 * the two outputs. */
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Open-time warnings go to stderr (not compared: the texts differ between implementations). */
static int print_fn(enum libbpf_print_level level, const char *fmt, va_list ap)
{
    if (level != LIBBPF_WARN)
        return 0;
    return vfprintf(stderr, fmt, ap);
}

/* FNV-1a over the program's instruction bytes, so that the instructions are compared too. */
static uint32_t insns_hash(const struct bpf_program *prog)
{
    const unsigned char *p = (const unsigned char *)bpf_program__insns(prog);
    size_t n = bpf_program__insn_cnt(prog) * sizeof(struct bpf_insn);
    uint32_t h = 2166136261u;
    for (size_t i = 0; p && i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

/* "self" when looking the name up finds this same object, else what it found or the errno. */
static const char *lookup(const void *found, const void *self)
{
    static char buf[64];
    if (found == self)
        return "self";
    if (!found) {
        snprintf(buf, sizeof(buf), "errno %d", errno);
        return buf;
    }
    return "other";
}

static void dump(const char *path)
{
    errno = 0;
    struct bpf_object *obj = bpf_object__open_file(path, NULL);
    if (!obj) {
        printf("object %s: open failed: errno %d\n", path, errno);
        return;
    }
    printf("object %s: name %s\n", path, bpf_object__name(obj));
    struct bpf_program *prog;
    bpf_object__for_each_program(prog, obj)
    {
        printf("  program %s: section %s type %d attach %d insns %zu hash %08x autoload %d "
               "find %s\n",
               bpf_program__name(prog), bpf_program__section_name(prog),
               (int)bpf_program__type(prog), (int)bpf_program__expected_attach_type(prog),
               bpf_program__insn_cnt(prog), (unsigned)insns_hash(prog),
               (int)bpf_program__autoload(prog),
               lookup(bpf_object__find_program_by_name(obj, bpf_program__name(prog)), prog));
    }
    struct bpf_map *map;
    bpf_object__for_each_map(map, obj)
    {
        errno = 0;
        struct bpf_map *inner = bpf_map__inner_map(map);
        int inner_errno = errno;
        size_t init_size = 0;
        const void *init = bpf_map__initial_value(map, &init_size);
        printf("  map %s: type %d key %u value %u max_entries %u flags 0x%x", bpf_map__name(map),
               (int)bpf_map__type(map), bpf_map__key_size(map), bpf_map__value_size(map),
               bpf_map__max_entries(map), bpf_map__map_flags(map));
        if (inner)
            printf(" inner %s (type %d key %u value %u max_entries %u flags 0x%x)",
                   bpf_map__name(inner), (int)bpf_map__type(inner), bpf_map__key_size(inner),
                   bpf_map__value_size(inner), bpf_map__max_entries(inner),
                   bpf_map__map_flags(inner));
        else
            printf(" inner none (errno %d)", inner_errno);
        if (init) {
            uint32_t h = 2166136261u;
            for (size_t i = 0; i < init_size; i++)
                h = (h ^ ((const unsigned char *)init)[i]) * 16777619u;
            printf(" initial %zu bytes hash %08x", init_size, (unsigned)h);
        } else {
            printf(" initial none");
        }
        printf(" find %s\n", lookup(bpf_object__find_map_by_name(obj, bpf_map__name(map)), map));
    }
    bpf_object__close(obj);
}

static void section_type(const char *name)
{
    enum bpf_prog_type type = BPF_PROG_TYPE_UNSPEC;
    enum bpf_attach_type attach = (enum bpf_attach_type)0;
    errno = 0;
    int rc = libbpf_prog_type_by_name(name, &type, &attach);
    if (rc < 0)
        printf("section %s: rc %d errno %d\n", name, rc, errno);
    else
        printf("section %s: type %d attach %d\n", name, (int)type, (int)attach);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    libbpf_set_print(print_fn);
    if (argc < 2) {
        fprintf(stderr, "usage: %s OBJECT.o... | --sections NAME...\n", argv[0]);
        return 2;
    }
    if (strcmp(argv[1], "--sections") == 0) {
        for (int i = 2; i < argc; i++)
            section_type(argv[i]);
        return 0;
    }
    for (int i = 1; i < argc; i++)
        dump(argv[i]);
    return 0;
}
