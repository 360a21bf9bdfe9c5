#!/usr/bin/env bash
# The main job on a bundled example: assemble a program, run it on the interpreter, print r0.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/build.sh" normal >/dev/null
bpfrt="$root/build/bin/bpfrt"
ex="$root/examples/fnv1a.s"
echo "\$ bpfrt asm examples/fnv1a.s -o fnv1a.bin"
"$bpfrt" asm "$ex" -o "$root/build/fnv1a.bin"
echo "\$ bpfrt disasm fnv1a.bin | head -5"
"$bpfrt" disasm "$root/build/fnv1a.bin" | head -5
echo "\$ bpfrt run --mem examples/hello.txt --repeat 100000 fnv1a.bin"
"$bpfrt" run --mem "$root/examples/hello.txt" --repeat 100000 "$root/build/fnv1a.bin"
