# FNV-1a (64-bit) hash of the input memory: r1 points to it, r2 holds its length.
    lddw %r0, 0xcbf29ce484222325    # offset basis
    lddw %r4, 0x100000001b3         # FNV prime
    mov %r3, %r1
    add %r3, %r2                    # r3 = end of the input
loop:
    jge %r1, %r3, done
    ldxb %r5, [%r1+0]
    xor %r0, %r5
    mul %r0, %r4
    add %r1, 1
    ja loop
done:
    exit
