/* bpfrt's libbpf-compatible API: the libbpf release whose semantics it follows. */
#ifndef __LIBBPF_VERSION_H
#define __LIBBPF_VERSION_H

#define LIBBPF_MAJOR_VERSION 1
#define LIBBPF_MINOR_VERSION 1

#endif /* __LIBBPF_VERSION_H */
