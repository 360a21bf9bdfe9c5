/* Small helpers shared by the bpfrt unit tests: check counters, file reading and a parser
 * for the conformance `.data` format. */
#ifndef BPFRT_TESTLIB_H
#define BPFRT_TESTLIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Exit code CTest treats as "skipped" (SKIP_RETURN_CODE). */
#define TEST_SKIP_CODE 77

extern int tl_passed, tl_failed;

/* Records one check; prints a FAIL line with the location and the formatted reason. */
bool tl_check(bool ok, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#define CHECK(cond, ...) tl_check((cond), __FILE__, __LINE__, __VA_ARGS__)

/* Prints "N passed, M failed" and returns the process exit code. */
int tl_summary(void);

/* Reads a whole file (NUL-terminated). Returns NULL when it cannot be read. */
char *tl_read_file(const char *path, size_t *len);

/* Lists PATH's regular files ending in SUFFIX, sorted, as malloc'd full paths.
 * Returns the count, or -1 when the directory cannot be opened. */
int tl_list_dir(const char *path, const char *suffix, char ***out);
void tl_free_list(char **list, int n);

bool tl_is_dir(const char *path);

/* Parses "[--data DIR]... [--shared DIR]" into *shared and data[] (line-buffers stdout).
 * Returns the number of data folders, or -1 after printing usage. */
#define TL_MAX_DATA_DIRS 8
int tl_parse_args(int argc, char **argv, const char **shared, const char **data);

/* One parsed conformance test file. */
struct tl_data {
    char *asm_text; /* NULL when absent */
    bool has_raw;
    uint8_t *raw;
    size_t raw_len;
    bool has_mem;
    uint8_t *mem;
    size_t mem_len;
    bool has_result;
    uint64_t result;
    bool has_error;
    char *error; /* text of the -- error section, trimmed */
    bool bad;    /* unknown section or unparsable hex */
};

/* Parses the text of a .data file. Returns 0, or -1 (with *d->bad set) on malformed input. */
int tl_parse_data(const char *text, struct tl_data *d);
void tl_free_data(struct tl_data *d);

/* Case-insensitive substring test. */
bool tl_contains_ci(const char *haystack, const char *needle);

#endif
