/* bpfrt instruction set: the single table every component derives from.
 * One row per instruction form (opcode plus the field value that tells forms apart). */
#ifndef BPFRT_ISA_TABLE_H
#define BPFRT_ISA_TABLE_H

/*
 * X(ID, MNEMONIC, OPCODE, SHAPE, GROUP, DISCRIMINATOR)
 *
 * SHAPE says which fields an instruction uses (see enum bpfrt_shape in isa.h); every field a
 * shape does not use must be zero.  DISCRIMINATOR is the value of the field that separates
 * forms sharing an opcode: `off` for ALU forms (sdiv/smod 1, movsx 8/16/32), `imm` for byte
 * swaps and atomics, `src` for lddw and call.  GROUP is the RFC 9669 conformance group.
 *
 *   opcode = class (low 3 bits) | source (bit 3) | operation or size+mode (high bits)
 */
#define BPFRT_ALU_ROWS(X, SFX, CLS, W)                                                             \
    X(ADD##SFX##_K, "add" #SFX, 0x00 | CLS, ALU_K, BASE##W, 0)                                     \
    X(ADD##SFX##_X, "add" #SFX, 0x08 | CLS, ALU_X, BASE##W, 0)                                     \
    X(SUB##SFX##_K, "sub" #SFX, 0x10 | CLS, ALU_K, BASE##W, 0)                                     \
    X(SUB##SFX##_X, "sub" #SFX, 0x18 | CLS, ALU_X, BASE##W, 0)                                     \
    X(MUL##SFX##_K, "mul" #SFX, 0x20 | CLS, ALU_K, DIVMUL##W, 0)                                   \
    X(MUL##SFX##_X, "mul" #SFX, 0x28 | CLS, ALU_X, DIVMUL##W, 0)                                   \
    X(DIV##SFX##_K, "div" #SFX, 0x30 | CLS, ALU_K, DIVMUL##W, 0)                                   \
    X(SDIV##SFX##_K, "sdiv" #SFX, 0x30 | CLS, ALU_K, DIVMUL##W, 1)                                 \
    X(DIV##SFX##_X, "div" #SFX, 0x38 | CLS, ALU_X, DIVMUL##W, 0)                                   \
    X(SDIV##SFX##_X, "sdiv" #SFX, 0x38 | CLS, ALU_X, DIVMUL##W, 1)                                 \
    X(OR##SFX##_K, "or" #SFX, 0x40 | CLS, ALU_K, BASE##W, 0)                                       \
    X(OR##SFX##_X, "or" #SFX, 0x48 | CLS, ALU_X, BASE##W, 0)                                       \
    X(AND##SFX##_K, "and" #SFX, 0x50 | CLS, ALU_K, BASE##W, 0)                                     \
    X(AND##SFX##_X, "and" #SFX, 0x58 | CLS, ALU_X, BASE##W, 0)                                     \
    X(LSH##SFX##_K, "lsh" #SFX, 0x60 | CLS, ALU_K, BASE##W, 0)                                     \
    X(LSH##SFX##_X, "lsh" #SFX, 0x68 | CLS, ALU_X, BASE##W, 0)                                     \
    X(RSH##SFX##_K, "rsh" #SFX, 0x70 | CLS, ALU_K, BASE##W, 0)                                     \
    X(RSH##SFX##_X, "rsh" #SFX, 0x78 | CLS, ALU_X, BASE##W, 0)                                     \
    X(NEG##SFX, "neg" #SFX, 0x80 | CLS, ALU_NEG, BASE##W, 0)                                       \
    X(MOD##SFX##_K, "mod" #SFX, 0x90 | CLS, ALU_K, DIVMUL##W, 0)                                   \
    X(SMOD##SFX##_K, "smod" #SFX, 0x90 | CLS, ALU_K, DIVMUL##W, 1)                                 \
    X(MOD##SFX##_X, "mod" #SFX, 0x98 | CLS, ALU_X, DIVMUL##W, 0)                                   \
    X(SMOD##SFX##_X, "smod" #SFX, 0x98 | CLS, ALU_X, DIVMUL##W, 1)                                 \
    X(XOR##SFX##_K, "xor" #SFX, 0xa0 | CLS, ALU_K, BASE##W, 0)                                     \
    X(XOR##SFX##_X, "xor" #SFX, 0xa8 | CLS, ALU_X, BASE##W, 0)                                     \
    X(MOV##SFX##_K, "mov" #SFX, 0xb0 | CLS, ALU_K, BASE##W, 0)                                     \
    X(MOV##SFX##_X, "mov" #SFX, 0xb8 | CLS, ALU_X, BASE##W, 0)                                     \
    X(ARSH##SFX##_K, "arsh" #SFX, 0xc0 | CLS, ALU_K, BASE##W, 0)                                   \
    X(ARSH##SFX##_X, "arsh" #SFX, 0xc8 | CLS, ALU_X, BASE##W, 0)

#define BPFRT_JMP_ROWS(X, SFX, CLS, GRP)                                                           \
    X(JEQ##SFX##_K, "jeq" #SFX, 0x10 | CLS, JMP_K, GRP, 0)                                         \
    X(JEQ##SFX##_X, "jeq" #SFX, 0x18 | CLS, JMP_X, GRP, 0)                                         \
    X(JGT##SFX##_K, "jgt" #SFX, 0x20 | CLS, JMP_K, GRP, 0)                                         \
    X(JGT##SFX##_X, "jgt" #SFX, 0x28 | CLS, JMP_X, GRP, 0)                                         \
    X(JGE##SFX##_K, "jge" #SFX, 0x30 | CLS, JMP_K, GRP, 0)                                         \
    X(JGE##SFX##_X, "jge" #SFX, 0x38 | CLS, JMP_X, GRP, 0)                                         \
    X(JSET##SFX##_K, "jset" #SFX, 0x40 | CLS, JMP_K, GRP, 0)                                       \
    X(JSET##SFX##_X, "jset" #SFX, 0x48 | CLS, JMP_X, GRP, 0)                                       \
    X(JNE##SFX##_K, "jne" #SFX, 0x50 | CLS, JMP_K, GRP, 0)                                         \
    X(JNE##SFX##_X, "jne" #SFX, 0x58 | CLS, JMP_X, GRP, 0)                                         \
    X(JSGT##SFX##_K, "jsgt" #SFX, 0x60 | CLS, JMP_K, GRP, 0)                                       \
    X(JSGT##SFX##_X, "jsgt" #SFX, 0x68 | CLS, JMP_X, GRP, 0)                                       \
    X(JSGE##SFX##_K, "jsge" #SFX, 0x70 | CLS, JMP_K, GRP, 0)                                       \
    X(JSGE##SFX##_X, "jsge" #SFX, 0x78 | CLS, JMP_X, GRP, 0)                                       \
    X(JLT##SFX##_K, "jlt" #SFX, 0xa0 | CLS, JMP_K, GRP, 0)                                         \
    X(JLT##SFX##_X, "jlt" #SFX, 0xa8 | CLS, JMP_X, GRP, 0)                                         \
    X(JLE##SFX##_K, "jle" #SFX, 0xb0 | CLS, JMP_K, GRP, 0)                                         \
    X(JLE##SFX##_X, "jle" #SFX, 0xb8 | CLS, JMP_X, GRP, 0)                                         \
    X(JSLT##SFX##_K, "jslt" #SFX, 0xc0 | CLS, JMP_K, GRP, 0)                                       \
    X(JSLT##SFX##_X, "jslt" #SFX, 0xc8 | CLS, JMP_X, GRP, 0)                                       \
    X(JSLE##SFX##_K, "jsle" #SFX, 0xd0 | CLS, JMP_K, GRP, 0)                                       \
    X(JSLE##SFX##_X, "jsle" #SFX, 0xd8 | CLS, JMP_X, GRP, 0)

#define BPFRT_ATOMIC_ROWS(X, SFX, OPC, GRP)                                                        \
    X(AADD##SFX, "lock add" #SFX, OPC, ATOMIC, GRP, 0x00)                                          \
    X(AFADD##SFX, "lock fetch add" #SFX, OPC, ATOMIC, GRP, 0x01)                                   \
    X(AOR##SFX, "lock or" #SFX, OPC, ATOMIC, GRP, 0x40)                                            \
    X(AFOR##SFX, "lock fetch or" #SFX, OPC, ATOMIC, GRP, 0x41)                                     \
    X(AAND##SFX, "lock and" #SFX, OPC, ATOMIC, GRP, 0x50)                                          \
    X(AFAND##SFX, "lock fetch and" #SFX, OPC, ATOMIC, GRP, 0x51)                                   \
    X(AXOR##SFX, "lock xor" #SFX, OPC, ATOMIC, GRP, 0xa0)                                          \
    X(AFXOR##SFX, "lock fetch xor" #SFX, OPC, ATOMIC, GRP, 0xa1)                                   \
    X(AXCHG##SFX, "lock xchg" #SFX, OPC, ATOMIC, GRP, 0xe1)                                        \
    X(ACMPXCHG##SFX, "lock cmpxchg" #SFX, OPC, ATOMIC, GRP, 0xf1)

#define BPFRT_ISA_TABLE(X)                                                                         \
    X(LDDW, "lddw", 0x18, LDDW, BASE64, 0)                                                         \
    X(LDDW_MAP_FD, "lddw", 0x18, LDDW, BASE64, 1)                                                  \
    X(LDDW_MAP_VAL_FD, "lddw", 0x18, LDDW, BASE64, 2)                                              \
    X(LDDW_VAR_ADDR, "lddw", 0x18, LDDW, BASE64, 3)                                                \
    X(LDDW_CODE_ADDR, "lddw", 0x18, LDDW, BASE64, 4)                                               \
    X(LDDW_MAP_IDX, "lddw", 0x18, LDDW, BASE64, 5)                                                 \
    X(LDDW_MAP_VAL_IDX, "lddw", 0x18, LDDW, BASE64, 6)                                             \
    X(LDABSW, "ldabsw", 0x20, LDABS, LEGACY, 0)                                                    \
    X(LDABSH, "ldabsh", 0x28, LDABS, LEGACY, 0)                                                    \
    X(LDABSB, "ldabsb", 0x30, LDABS, LEGACY, 0)                                                    \
    X(LDINDW, "ldindw", 0x40, LDIND, LEGACY, 0)                                                    \
    X(LDINDH, "ldindh", 0x48, LDIND, LEGACY, 0)                                                    \
    X(LDINDB, "ldindb", 0x50, LDIND, LEGACY, 0)                                                    \
    X(LDXW, "ldxw", 0x61, LDX, BASE32, 0)                                                          \
    X(LDXH, "ldxh", 0x69, LDX, BASE32, 0)                                                          \
    X(LDXB, "ldxb", 0x71, LDX, BASE32, 0)                                                          \
    X(LDXDW, "ldxdw", 0x79, LDX, BASE64, 0)                                                        \
    X(LDXSW, "ldxsw", 0x81, LDX, BASE64, 0)                                                        \
    X(LDXSH, "ldxsh", 0x89, LDX, BASE64, 0)                                                        \
    X(LDXSB, "ldxsb", 0x91, LDX, BASE64, 0)                                                        \
    X(STW, "stw", 0x62, ST, BASE32, 0)                                                             \
    X(STH, "sth", 0x6a, ST, BASE32, 0)                                                             \
    X(STB, "stb", 0x72, ST, BASE32, 0)                                                             \
    X(STDW, "stdw", 0x7a, ST, BASE64, 0)                                                           \
    X(STXW, "stxw", 0x63, STX, BASE32, 0)                                                          \
    X(STXH, "stxh", 0x6b, STX, BASE32, 0)                                                          \
    X(STXB, "stxb", 0x73, STX, BASE32, 0)                                                          \
    X(STXDW, "stxdw", 0x7b, STX, BASE64, 0)                                                        \
    BPFRT_ATOMIC_ROWS(X, 32, 0xc3, ATOMIC32)                                                       \
    BPFRT_ATOMIC_ROWS(X, , 0xdb, ATOMIC64)                                                         \
    BPFRT_ALU_ROWS(X, 32, 0x04, 32)                                                                \
    BPFRT_ALU_ROWS(X, , 0x07, 64)                                                                  \
    X(MOVSX8_32, "movsx832", 0xbc, ALU_X, BASE32, 8)                                               \
    X(MOVSX16_32, "movsx1632", 0xbc, ALU_X, BASE32, 16)                                            \
    X(MOVSX8_64, "movsx864", 0xbf, ALU_X, BASE64, 8)                                               \
    X(MOVSX16_64, "movsx1664", 0xbf, ALU_X, BASE64, 16)                                            \
    X(MOVSX32_64, "movsx3264", 0xbf, ALU_X, BASE64, 32)                                            \
    X(LE16, "le16", 0xd4, ENDIAN, BASE32, 16)                                                      \
    X(LE32, "le32", 0xd4, ENDIAN, BASE32, 32)                                                      \
    X(LE64, "le64", 0xd4, ENDIAN, BASE64, 64)                                                      \
    X(BE16, "be16", 0xdc, ENDIAN, BASE32, 16)                                                      \
    X(BE32, "be32", 0xdc, ENDIAN, BASE32, 32)                                                      \
    X(BE64, "be64", 0xdc, ENDIAN, BASE64, 64)                                                      \
    X(BSWAP16, "bswap16", 0xd7, ENDIAN, BASE32, 16)                                                \
    X(BSWAP32, "bswap32", 0xd7, ENDIAN, BASE32, 32)                                                \
    X(BSWAP64, "bswap64", 0xd7, ENDIAN, BASE64, 64)                                                \
    X(JA, "ja", 0x05, JA, BASE32, 0)                                                               \
    X(JA32, "ja32", 0x06, JA32, BASE32, 0)                                                         \
    BPFRT_JMP_ROWS(X, , 0x05, BASE64)                                                              \
    BPFRT_JMP_ROWS(X, 32, 0x06, BASE32)                                                            \
    X(CALL, "call", 0x85, CALL, BASE32, 0)                                                         \
    X(CALL_LOCAL, "call local", 0x85, CALL, BASE32, 1)                                             \
    X(CALL_BTF, "call runtime", 0x85, CALL, BASE32, 2)                                             \
    X(CALLX, "call", 0x8d, CALLX, CALLX, 0)                                                        \
    X(EXIT, "exit", 0x95, EXIT, BASE32, 0)

#endif
