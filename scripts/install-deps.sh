#!/usr/bin/env bash
# Installs the Debian 12 packages bpfrt needs, only those that are missing.
set -euo pipefail

packages=(
  cmake ninja-build gcc make   # build
  clang-14 llvm-14             # BPF target for examples/benchmarks, llvm-objcopy, libFuzzer
  libclang-rt-14-dev           # sanitizer and libFuzzer runtimes for clang
  linux-libc-dev               # UAPI headers (linux/bpf.h, linux/btf.h)
  libelf-dev                   # ELF object files (src/elf)
  libbpf-dev                   # only for tests/libbpf: compares bpfrt's libbpf API with libbpf
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then SUDO=sudo; else
    echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2; exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
