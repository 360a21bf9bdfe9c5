#!/usr/bin/env bash
# `bpfrt objdump` and `bpfrt disasm` on the project's own objects (tests/elf/progs, built with
# -g): every C source line shown beside the instructions is the text of that line in the source
# file (read independently here); CO-RE relocations show the compiled value and bpfrt's; --json
# carries the same; bad input gives one error line.
# usage: objdump.sh OBJ_DIR SRC_DIR   (BPFRT and WORK in the environment, as for tests/cli)
obj_dir=$1 src_dir=$2
. "$(dirname "$0")/../cli/lib.sh"

# 1. Source lines: "; TEXT  [FILE:LINE]" before the instructions of that line.
for obj in calls global_data maps_btf core_ctx; do
    expect_ok "objdump $obj.o" objdump "$obj_dir/$obj.o" || continue
    n=0 bad=0
    while IFS= read -r line; do
        loc=${line##*  [}
        loc=${loc%]}
        file=${loc%:*} num=${loc##*:}
        text=${line#; }
        text=${text%  \[*}
        want=$(sed -n "${num}p" "$src_dir/$file")
        n=$((n + 1))
        if [ "$text" != "$want" ]; then
            bad=$((bad + 1))
            [ "$bad" -le 3 ] && fail "$obj.o: line $file:$num shown as '$text', the file has '$want'"
        fi
    done < <(grep -E '^; .*  \[[^]]+:[0-9]+\]$' .out)
    checks=$((checks + 1))
    progs=$(grep -c '^program ' .out)
    [ "$n" -ge "$progs" ] || fail "$obj.o: $n source lines shown for $progs programs"
    echo "$obj.o: $n source lines shown, $bad differ from the file"
done

# 2. CO-RE: compiled and bpfrt values, refusals with the reason.
expect_ok "objdump core_ctx.o" objdump --no-disasm "$obj_dir/core_ctx.o"
grep -qF 'field_byte_offset struct bpf_sock_ops.remote_port (access 0:2): compiled 8, bpfrt 64' .out
check "core_ctx.o: remote_port relocation not shown as compiled 8, bpfrt 64" || show objdump
grep -qF "type 'struct task_like' is not known to bpfrt" .out
check "core_ctx.o: unknown type not reported"
expect_ok "objdump --json core_ctx.o" objdump --json "$obj_dir/core_ctx.o"
grep -qF '"target":"struct bpf_sock_ops.remote_port","access":"0:2","compiled":8,"bpfrt":64,"error":null' .out
check "core_ctx.o --json: remote_port relocation"
grep -qE '"line":[0-9]+,"source":"    return ctx->remote_port;' .out
check "core_ctx.o --json: source line of remote_port"
[ "$(grep -c '' .out)" -eq 1 ]
check "core_ctx.o --json: not one line of JSON"

# 3. disasm takes an object file too.
expect_ok "disasm calls.o" disasm "$obj_dir/calls.o"
grep -qE '^ *[0-9]+: exit$|exit' .out
check "disasm calls.o: no instructions shown"

# 4. Bad input.
expect_error "objdump of a missing file" "no-such.o" -- objdump no-such.o
printf 'not an ELF file' >junk.o
expect_error "objdump of a non-ELF file" "junk.o" -- objdump junk.o
expect_error "objdump without a file" "missing OBJ.o" -- objdump
finish
