/* Just enough of bpf_helpers.h for the libbpf API test objects (no system headers needed). */
#ifndef LIBBPF_TEST_PROGS_H
#define LIBBPF_TEST_PROGS_H

#define SEC(name) __attribute__((section(name), used))
#define __uint(name, val) int(*name)[val]
#define __type(name, val) typeof(val) *name
#define __array(name, val) typeof(val) *name[]

enum { MAP_HASH = 1, MAP_ARRAY = 2, MAP_PROG_ARRAY = 3, MAP_ARRAY_OF_MAPS = 12, MAP_RINGBUF = 27 };
enum { F_NO_PREALLOC = 1 };

static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;
static long (*bpf_tail_call)(void *ctx, void *map, unsigned int index) = (void *)12;

#endif
