// Op codes shared by the kernel headers and the runtime: FPU modes, binary ops, SFPU ops.
#pragma once

#include <cstdint>

namespace ttsim {

enum FpuMode : uint32_t {
    FPU_NONE = 0,
    FPU_MATMUL = 1,
    FPU_ELTWISE = 2,
    FPU_COPY = 3,
    FPU_REDUCE = 4,
    FPU_UNARY_BCAST = 5,
    FPU_TRANSPOSE = 6,
};
// Broadcast of the second operand, numbered as tt-llk's BroadcastType.
enum Bcast : uint32_t { BCAST_NONE = 0, BCAST_COL = 1, BCAST_ROW = 2, BCAST_SCALAR = 3 };
enum BinaryOp : uint32_t { BIN_ADD = 0, BIN_SUB = 1, BIN_MUL = 2 };
// What a data-format reconfiguration sets: the unpacker's source registers or the packer.
enum FormatUnit : uint32_t { UNIT_SRCA = 0, UNIT_SRCB = 1, UNIT_PACK = 2 };

// X-macro: one line per SFPU op on a DST tile (enum name, API name, the init that configures it).
#define TTSIM_SFPU_OPS(X)                                         \
    X(EXP, "exp_tile", "exp_tile_init")                           \
    X(LOG, "log_tile", "log_tile_init")                           \
    X(RECIP, "recip_tile", "recip_tile_init")                     \
    X(SQRT, "sqrt_tile", "sqrt_tile_init")                        \
    X(RSQRT, "rsqrt_tile", "rsqrt_tile_init")                     \
    X(RELU, "relu_tile", "relu_tile_init")                        \
    X(GELU, "gelu_tile", "gelu_tile_init")                        \
    X(SIGMOID, "sigmoid_tile", "sigmoid_tile_init")               \
    X(TANH, "tanh_tile", "tanh_tile_init")                        \
    X(NEGATIVE, "negative_tile", "negative_tile_init")            \
    X(ABS, "abs_tile", "abs_tile_init")                           \
    X(SQUARE, "square_tile", "square_tile_init")                  \
    X(SILU, "silu_tile", "silu_tile_init")                        \
    X(TYPECAST, "typecast_tile", "typecast_tile_init")            \
    X(ADD_SCALAR, "add_unary_tile", "binop_with_scalar_tile_init") \
    X(SUB_SCALAR, "sub_unary_tile", "binop_with_scalar_tile_init") \
    X(MUL_SCALAR, "mul_unary_tile", "binop_with_scalar_tile_init") \
    X(DIV_SCALAR, "div_unary_tile", "binop_with_scalar_tile_init") \
    X(RSUB_SCALAR, "rsub_unary_tile", "binop_with_scalar_tile_init") \
    X(FILL, "fill_tile", "fill_tile_init")                        \
    X(MAX, "binary_max_tile", "binary_max_tile_init")             \
    X(MIN, "binary_min_tile", "binary_min_tile_init")             \
    X(EXP2, "exp2_tile", "exp2_tile_init")                        \
    X(LOG_BASE, "log_with_base_tile", "log_with_base_tile_init")  \
    X(ERF, "erf_tile", "erf_tile_init")                           \
    X(UNARY_MAX, "unary_max_tile", "unary_max_tile_init")         \
    X(UNARY_MIN, "unary_min_tile", "unary_min_tile_init")         \
    X(POWER_ITER, "power_iterative_tile", "power_iterative_tile_init") \
    X(UNARY_EQ, "unary_eq_tile", "unary_eq_tile_init")            \
    X(UNARY_NE, "unary_ne_tile", "unary_ne_tile_init")            \
    X(UNARY_LT, "unary_lt_tile", "unary_lt_tile_init")            \
    X(UNARY_LE, "unary_le_tile", "unary_le_tile_init")            \
    X(UNARY_GT, "unary_gt_tile", "unary_gt_tile_init")            \
    X(UNARY_GE, "unary_ge_tile", "unary_ge_tile_init")            \
    X(ADD_BINARY, "add_binary_tile", "add_binary_tile_init")      \
    X(SUB_BINARY, "sub_binary_tile", "sub_binary_tile_init")      \
    X(MUL_BINARY, "mul_binary_tile", "mul_binary_tile_init")      \
    X(DIV_BINARY, "div_binary_tile", "div_binary_tile_init")      \
    X(EQ_BINARY, "eq_binary_tile", "eq_binary_tile_init")         \
    X(NE_BINARY, "ne_binary_tile", "ne_binary_tile_init")         \
    X(LT_BINARY, "lt_binary_tile", "lt_binary_tile_init")         \
    X(LE_BINARY, "le_binary_tile", "le_binary_tile_init")         \
    X(GT_BINARY, "gt_binary_tile", "gt_binary_tile_init")         \
    X(GE_BINARY, "ge_binary_tile", "ge_binary_tile_init")         \
    X(WHERE, "where_tile", "where_tile_init")                     \
    X(LOG1P, "log1p_tile", "log1p_tile_init")                     \
    X(SIN, "sin_tile", "sin_tile_init")                           \
    X(COS, "cos_tile", "cos_tile_init")                           \
    X(FLOOR, "floor_tile", "rounding_op_tile_init")               \
    X(CEIL, "ceil_tile", "rounding_op_tile_init")                 \
    X(TRUNC, "trunc_tile", "rounding_op_tile_init")               \
    X(ROUND, "round_tile", "rounding_op_tile_init")               \
    X(ISNAN, "isnan_tile", "isnan_tile_init")                     \
    X(ISINF, "isinf_tile", "isinf_tile_init")

enum SfpuOp : uint32_t {
#define TTSIM_SFPU_ENUM(name, call, init) SFPU_##name,
    TTSIM_SFPU_OPS(TTSIM_SFPU_ENUM)
#undef TTSIM_SFPU_ENUM
        SFPU_COUNT
};
static_assert(SFPU_COUNT <= 64, "ComputeState::sfpu_inited has one bit per SFPU op");

}  // namespace ttsim
