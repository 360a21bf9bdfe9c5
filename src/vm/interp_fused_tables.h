/* Handler tables of the superinstructions (see vm_internal.h), included in the trusted loop. */
#define VM_FT_CELL(n2, op2, kx2, n1) &&L_F2_##n1##_##n2,
#define VM_FT_ROW(n1, op1, kx1, ...) {VM_FUSE_ALU2(VM_FT_CELL, n1)},
static const void *const fused_alu2[VM_FA_COUNT][VM_FA_COUNT] = {VM_FUSE_ALU(VM_FT_ROW, ~)};
#define VM_FT_LCELL(n2, op2, kx2, l) &&L_FL_##l##_##n2,
#define VM_FT_LROW(l, t, ...) {VM_FUSE_ALU(VM_FT_LCELL, l)},
static const void *const fused_ldx_alu[VM_FL_COUNT][VM_FA_COUNT] = {VM_FUSE_LDX(VM_FT_LROW, ~)};
#define VM_FT_JCELL(j, t, op, a)                                                                   \
    {&&L_FJ_##a##_##j##_KL, &&L_FJ_##a##_##j##_XL, &&L_FJ_##a##_##j##_XR},
static const void *const fused_add_jcc[2][VM_FJ_COUNT][VM_FS_COUNT] = {
    {VM_FUSE_JCC(VM_FT_JCELL, ADD_K)},
    {VM_FUSE_JCC(VM_FT_JCELL, ADD_X)},
};
#undef VM_FT_CELL
#undef VM_FT_ROW
#undef VM_FT_LCELL
#undef VM_FT_LROW
#undef VM_FT_JCELL
