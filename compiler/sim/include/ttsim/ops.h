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
    X(MIN, "binary_min_tile", "binary_min_tile_init")

enum SfpuOp : uint32_t {
#define TTSIM_SFPU_ENUM(name, call, init) SFPU_##name,
    TTSIM_SFPU_OPS(TTSIM_SFPU_ENUM)
#undef TTSIM_SFPU_ENUM
        SFPU_COUNT
};

}  // namespace ttsim
